"""The stand-in for autograd's API (tools/autograd_suite) and its runner, on a tiny
test file of autograd's style: a passing and a failing test are counted as such, and
the stand-in is never importable as ``autograd`` outside the runner's subprocess."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = '''import autograd.numpy as np
import autograd.numpy.random as npr
from autograd import grad, elementwise_grad, jacobian, hessian, make_vjp, value_and_grad
from autograd.test_util import check_grads


def test_passes():
    fun = lambda x, y: np.sum(np.sin(x) * y ** 2)
    check_grads(fun, modes=["fwd", "rev"])(npr.randn(3), npr.randn(3))
    check_grads(fun, argnum=1)(npr.randn(3), npr.randn(3))
    assert np.allclose(elementwise_grad(np.tanh)(np.ones(2)), 1 - np.tanh(1.0) ** 2)
    assert jacobian(lambda x: x ** 2)(np.ones(2)).shape == (2, 2)
    assert np.allclose(hessian(lambda x: np.sum(x ** 3))(np.ones(2)), 6 * np.eye(2))
    vjp, ans = make_vjp(lambda x: 3.0 * x)(2.0)
    assert vjp(1.0) == 3.0 and value_and_grad(lambda x: x * x)(3.0) == (9.0, 6.0)


def test_fails():
    assert grad(lambda x: x * x)(3.0) == 7.0
'''


def test_runner_counts_passes_and_failures(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_mini.py").write_text(TESTS)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "autograd_suite" / "run.py"),
                          str(tmp_path)], capture_output=True, text=True, env=env, timeout=600)
    assert "test_mini.py                      1      1" in out.stdout, out.stdout + out.stderr
    assert "test_mini.py::test_fails" in out.stdout


def test_the_stand_in_is_not_on_the_path():
    import importlib.util
    spec = importlib.util.find_spec("autograd")
    assert spec is None or "autograd_suite" not in (spec.origin or "")
