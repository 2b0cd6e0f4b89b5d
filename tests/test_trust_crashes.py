"""Crashes and hangs of issue 13, each now the right answer or a clear error.

Every program is a real file under ``tmp_path``, imported as a module; derivatives are
checked against central finite differences (float64, step 1e-6: truncation and rounding
errors are ~1e-10 relative for these smooth functions, so rtol 1e-6 leaves a margin).
"""
import importlib
import subprocess
import sys
import warnings

import numpy as np
import pytest

import tangentlike as tl
from tangentlike import cache


@pytest.fixture
def program(tmp_path, monkeypatch):
    """``program(text)`` writes ``text`` to a fresh module file and imports it."""
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.syspath_prepend(str(tmp_path))
    cache.reset()
    made = []

    def make(text, name=None):
        name = name or f"trust_prog_{len(made)}_{abs(hash(str(tmp_path))) % 10**8}"
        (tmp_path / f"{name}.py").write_text(text, encoding="utf-8")
        made.append(name)
        importlib.invalidate_caches()
        return importlib.import_module(name)

    yield make
    for name in made:
        sys.modules.pop(name, None)
    cache.reset()


def fd_grad(f, x, *rest, h=1e-6):
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e, *rest) - f(x - e, *rest)) / (2 * h)
    return g


DEFAULTS = '''import numpy as np


def f(x, a=2.0):
    return np.sum(a * x * x + np.sin(x))


def rosen(x, scale=100.0):
    return np.sum(scale * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
'''


def test_default_argument_survives_the_second_call(program):
    m = program(DEFAULTS)
    g = tl.grad(m.f)
    x = np.array([0.3, -1.2])
    want = 4.0 * x + np.cos(x)
    np.testing.assert_allclose(g(x), want, rtol=1e-12)
    np.testing.assert_allclose(g(x), want, rtol=1e-12)  # the fast path used to drop `a`
    np.testing.assert_allclose(g(x, 3.0), 6.0 * x + np.cos(x), rtol=1e-12)


def test_hessian_of_a_function_with_a_default_argument(program):
    m = program(DEFAULTS)
    x = np.array([0.3, -1.2])
    H = tl.hessian(m.f)(x)
    np.testing.assert_allclose(H, np.diag(4.0 - np.sin(x)), rtol=1e-12)


def test_scipy_minimize_with_value_and_grad_jac_true(program):
    optimize = pytest.importorskip("scipy.optimize")
    m = program(DEFAULTS)
    vg = tl.value_and_grad(m.rosen)
    x0 = np.array([-1.2, 1.0, 0.5])
    v, g = vg(x0)
    np.testing.assert_allclose(g, fd_grad(m.rosen, x0), rtol=1e-6)
    res = optimize.minimize(vg, x0, jac=True, method="BFGS")
    assert res.success, res.message
    assert res.nit > 2  # many evaluations, through the fast path
    np.testing.assert_allclose(res.x, np.ones(3), atol=1e-4)


def test_tuple_output_is_a_clear_error_without_broken_generated_code(program):
    m = program("import numpy as np\n\n\ndef t(x):\n    return (np.sum(x), x)\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the old module compiled `1.0[0]`: SyntaxWarning
        with pytest.raises(tl.NonScalarOutputError, match="returns a tuple"):
            tl.grad(m.t)(np.array([1.0, 2.0]))


def test_int_too_large_for_a_float_is_a_clear_error(program):
    m = program("def sq(x):\n    return x * x\n")
    with pytest.raises(tl.DifferentiationTypeError, match="too large for a float"):
        tl.grad(m.sq)(10 ** 400)
    assert tl.grad(m.sq)(3) == 6.0


def test_defvjp_with_an_argnum_the_rule_cannot_see_is_refused(program):
    m = program("import numpy as np\n\n\ndef myfun(x):\n    return np.sin(x)\n\n\n"
                "def use(x):\n    return myfun(x) * 2.0\n")
    with pytest.raises(tl.ArgumentError, match="position 7"):
        tl.defvjp(np.sin, argnums=(7,))(lambda g, ans, x: g * np.cos(x))
    with pytest.raises(tl.ArgumentError, match="position 1"):
        tl.defjvp(m.myfun, argnum=1)(lambda d, ans, x: d * np.cos(x))
    with pytest.raises(tl.ArgumentError, match="repeats"):
        tl.defvjp(m.myfun, argnums=(0, 0))(lambda g, ans, x: g)
    # nothing was registered: np.sin's rule still gives cos
    assert abs(tl.grad(m.use)(0.4) - 2.0 * np.cos(0.4)) < 1e-12


def _cli(args, cwd):
    return subprocess.run([sys.executable, "-m", "tangentlike", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_cli_file_without_py_suffix(tmp_path):
    (tmp_path / "noext").write_text("def f(x):\n    return x * x * x\n")
    done = _cli(["grad", "./noext:f", "-o", "g.py"], tmp_path)
    assert done.returncode == 0, done.stderr
    ns = {}
    exec((tmp_path / "g.py").read_text(), ns)
    assert abs(ns["grad_f"](2.0) - 12.0) < 1e-12


@pytest.mark.parametrize("body, want", [
    ("import sys\nsys.exit(3)\n", "called sys.exit(3) at import"),
    ("class Stop(BaseException):\n    pass\n\n\nraise Stop('boom')\n", "raised Stop: boom"),
])
def test_cli_module_that_exits_at_import_gives_one_line(tmp_path, body, want):
    (tmp_path / "bad.py").write_text(body + "\n\ndef f(x):\n    return x\n")
    done = _cli(["grad", "bad.py:f"], tmp_path)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and want in lines[0] and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize("n", [300, 1000])
def test_a_long_sum_python_runs_is_differentiated(program, n):
    terms = " + ".join(f"x * {0.001 * (i + 1)!r}" for i in range(n))
    m = program(f"import numpy as np\n\n\ndef f(x):\n    return np.sum(x + {terms})\n")
    limit = sys.getrecursionlimit()
    x = np.array([1.0, -2.0])
    want = 1.0 + sum(0.001 * (i + 1) for i in range(n))
    np.testing.assert_allclose(tl.grad(m.f)(x), [want, want], rtol=1e-12)
    assert sys.getrecursionlimit() == limit  # raised only while compiling


DEEP = '''import numpy as np

K = 1.0
for _ in range(3000):
    K = (K,)


def f(x):
    k = K
    for i in range(3000):
        k = k[0]
    return np.sum(x * x * k)
'''


def test_a_3000_deep_constant_is_bound_not_written_out(program, tmp_path):
    m = program(DEEP)
    x = np.array([0.5, 1.5])
    g = tl.grad(m.f)
    np.testing.assert_allclose(g(x), 2.0 * x, rtol=1e-12)
    with pytest.raises(tl.TangentlikeError, match="cannot emit a standalone module"):
        tl.emit(g, tmp_path / "standalone.py")  # no literal for it: a clear EmitError


def test_an_expression_too_deep_for_the_compiler_is_a_located_error(program, monkeypatch,
                                                                   request):
    from tangentlike import limits
    # Whatever an earlier test left as the interpreter's limit, compile under 1000, not raised.
    monkeypatch.setattr(limits, "DEPTH", 1000)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    request.addfinalizer(lambda: sys.setrecursionlimit(old))
    terms = " + ".join(f"x * {i}.5" for i in range(400))
    m = program(f"import numpy as np\n\n\ndef f(x):\n    return np.sum(x + {terms})\n")
    with pytest.raises(tl.UnsupportedSyntaxError, match="nested too deeply") as e:
        tl.grad(m.f)(np.array([1.0]))
    assert e.value.lineno == 4
