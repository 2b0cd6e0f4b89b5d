"""Every script in examples/ runs and computes what it says it does.

Each is run with ``runpy.run_path`` as ``__main__`` (as ``python examples/x.py``
would), its output captured; the test checks values the script leaves in its
globals and lines it prints.
"""
import runpy
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path / "cache"))


def run(name, capsys):
    env = runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    return env, capsys.readouterr().out


def test_every_example_is_tested():
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == [
        # logsumexp_custom_rule.py is run by tests/test_custom_rules.py
        "determinant.py", "logsumexp_custom_rule.py", "quickstart.py", "rnn_loss.py"]


def test_quickstart(capsys):
    env, out = run("quickstart.py", capsys)
    assert env["slope"] == 4.0
    assert "d/dx x**2 at x = 2: 4.0" in out
    assert "def grad_square(x):" in out


def test_rnn_loss(capsys):
    env, out = run("rnn_loss.py", capsys)
    W, xs, dW = env["W"], env["xs"], env["dW"]
    assert W.shape == (4, 4) and xs.shape == (6, 4) and dW.shape == (4, 4)
    assert env["max_error"] < 1e-6
    np.testing.assert_allclose(dW, env["finite_differences"](env["loss"].primal, W, xs),
                               rtol=1e-5, atol=1e-7)
    assert "def grad_loss(W, xs):" in out  # tl.source
    assert "func loss(%W, %xs) {" in out  # tl.ir
    assert "max |dW - finite differences|" in out


def test_determinant(capsys):
    env, out = run("determinant.py", capsys)
    A = env["A"]
    assert env["value"] == pytest.approx(np.linalg.det(A), abs=1e-12)
    np.testing.assert_allclose(env["grad"], np.linalg.det(A) * np.linalg.inv(A).T,
                               rtol=1e-9, atol=1e-12)
    assert "d det(A) / dA:" in out
