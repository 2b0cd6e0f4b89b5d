"""The numba back end (issue 18): ``tl.grad(f, backend="numba")`` emits code that
``numba.njit`` compiles; gradients equal the NumPy back end's (1e-12) and central
finite differences (rtol 1e-5, as tests/test_corpus.py argues); a construct numba cannot
compile is a ``BackendCompileError`` naming the user's line; the NumPy back end is used
instead only with ``fallback=True``, with a warning; the machine code is compiled once
per argument types and kept with the derivative. numba is in the ``test`` extra (CI runs
all of this); without it, this module is skipped and the rest of the suite runs.

A sample of the corpus runs here (numba compiles take about a second each);
``python tools/numba_corpus.py`` runs all of it.
"""
import pathlib
import subprocess
import sys
import warnings

import numpy as np
import pytest

numba = pytest.importorskip("numba")

import tangentlike as tl  # noqa: E402
from tangentlike import runtime as rt  # noqa: E402
from tangentlike import ArgumentError, BackendCompileError, BackendFallbackWarning  # noqa: E402
from tangentlike.runtime import numba_ext  # noqa: E402,F401 (registers the overloads)

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))

import corpus  # noqa: E402
import numba_corpus  # noqa: E402


def rhs(y, k):
    return -k * y + np.sin(y)


def rk4(k, y0, n):
    y = y0
    h = 0.01
    for i in range(n):
        k1 = rhs(y, k)
        k2 = rhs(y + 0.5 * h * k1, k)
        k3 = rhs(y + 0.5 * h * k2, k)
        k4 = rhs(y + h * k3, k)
        y = y + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return y * y


def mixture(mu, log_sigma, x):
    total = 0.0
    for i in range(x.shape[0]):
        s = 0.0
        for k in range(mu.shape[0]):
            d = (x[i] - mu[k]) * np.exp(-log_sigma[k])
            s = s + np.exp(-log_sigma[k] - 0.5 * d * d)
        total = total + np.log(s)
    return total


def concatenated(a, b):
    c = np.concatenate([a, b])
    return np.sum(c * c)


def _fd(f, args, i, h=1e-6):
    x = np.asarray(args[i], dtype=float)
    out = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        step = h * max(1.0, abs(float(x[idx])))
        xp, xm = x.copy(), x.copy()
        xp[idx] += step
        xm[idx] -= step
        wrap = (lambda v: float(v)) if np.ndim(args[i]) == 0 else (lambda v: v)
        up = f(*args[:i], wrap(xp), *args[i + 1:])
        down = f(*args[:i], wrap(xm), *args[i + 1:])
        out[idx] = (up - down) / (2 * step)
    return out if np.ndim(args[i]) else float(out)


def test_scalar_ode_matches_numpy_backend_and_finite_differences():
    args = (0.7, 1.2, 50)
    got = tl.grad(rk4, wrt=(0, 1), backend="numba")(*args)
    ref = tl.grad(rk4, wrt=(0, 1))(*args)
    assert all(isinstance(g, float) for g in got)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
    for i in (0, 1):
        np.testing.assert_allclose(got[i], _fd(rk4, args, i), rtol=1e-5, atol=1e-7)


def test_loops_over_points_and_components_match():
    rng = np.random.default_rng(1)
    args = (rng.standard_normal(3), 0.1 * rng.standard_normal(3), rng.standard_normal(40))
    g = tl.grad(mixture, wrt=(0, 1), backend="numba")
    got = g(*args)
    ref = tl.grad(mixture, wrt=(0, 1))(*args)
    for a, b, i in zip(got, ref, (0, 1)):
        assert isinstance(a, np.ndarray) and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(a, _fd(mixture, args, i), rtol=1e-5, atol=1e-7)
    assert "@numba.njit" in g.source and "rt.Tape" not in g.source


SAMPLE = ["range_series", "loop_over_vector", "while_counter", "break_in_for",
          "if_no_else", "helper_tuple_unpack"]


@pytest.mark.parametrize("name", SAMPLE)
def test_corpus_sample_compiles_and_matches(name):
    case = next(c for c in corpus.grad_cases() if c.name == name)
    status, what = numba_corpus.check(case)
    assert status == "ok", what


def test_uncompilable_construct_names_the_users_line():
    a, b = np.arange(3.0), np.ones(2)
    g = tl.grad(concatenated, backend="numba")
    with pytest.raises(BackendCompileError) as info:
        g(a, b)
    msg = str(info.value)
    line = concatenated.__code__.co_firstlineno + 1  # c = np.concatenate([a, b])
    assert f"{__file__}, line {line}" in msg
    assert "concatenate" in msg and "fallback=True" in msg
    assert info.value.loc.lineno == line


def test_fallback_only_when_asked():
    a, b = np.arange(3.0), np.ones(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning, no fall back: the error
        with pytest.raises(BackendCompileError):
            tl.grad(concatenated, backend="numba")(a, b)
    g = tl.grad(concatenated, backend="numba", fallback=True)
    with pytest.warns(BackendFallbackWarning, match="NumPy back end"):
        got = g(a, b)
    np.testing.assert_allclose(got, 2 * a)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # announced once, then the NumPy code runs
        np.testing.assert_allclose(g(a + 1, b), 2 * (a + 1))
    with pytest.raises(ArgumentError, match="fallback=True applies to backend='numba'"):
        tl.grad(concatenated, fallback=True)


def test_compiled_once_per_signature_and_cached_with_the_derivative():
    g = tl.grad(rk4, wrt=(0, 1), backend="numba")
    g(0.5, 1.0, 10)
    entry = g.compiled([0.5, 1.0, 10]).fn
    g(0.6, 1.1, 20)
    assert len(entry.dispatcher.signatures) == 1
    again = tl.grad(rk4, wrt=(0, 1), backend="numba")
    assert again.compiled([0.5, 1.0, 10]).fn is entry  # the same machine code
    np.testing.assert_allclose(again(0.6, 1.1, 20), g(0.6, 1.1, 20), rtol=0, atol=0)
    numpy_code = tl.grad(rk4, wrt=(0, 1)).compiled([0.5, 1.0, 10])
    assert numpy_code.fn is not entry and "@numba.njit" not in numpy_code.source


def test_options():
    with pytest.raises(ArgumentError, match="reverse mode"):
        tl.grad(rk4, backend="numba", mode="forward")
    g = tl.grad(rk4, backend="numba")
    with pytest.raises(ArgumentError, match="compiled code"):
        tl.grad(g)(0.5, 1.0, 3)


@pytest.mark.parametrize("gshape,xshape", [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 4), (1, 4)),
                                           ((3, 4), (3, 1)), ((2, 3, 4), (3, 1)), ((3,), ()),
                                           ((), (3, 2)), ((), ())])
def test_unbroadcast_overload_equals_the_numpy_helper(gshape, xshape):
    rng = np.random.default_rng(0)
    g = rng.standard_normal(gshape) if gshape else 1.5
    x = rng.standard_normal(xshape) if xshape else 0.5

    @numba.njit
    def nb(g, x):
        return rt.unbroadcast(g, x)

    got, want = nb(g, x), rt.unbroadcast(g, x)
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-14)


def test_reduction_overloads_keep_dims_only_when_asked():
    a = np.random.default_rng(2).standard_normal((3, 4))

    @numba.njit
    def nb(a):
        return (np.sum(a, axis=1, keepdims=True), np.mean(a, axis=0),
                np.mean(a, axis=1, keepdims=True), rt.sum_axes(a, axis=0, keepdims=True),
                rt.sum_vjp(np.ones(3), a, 1, False), np.max(a, axis=1),
                np.min(a, axis=0, keepdims=True), np.max(a, axis=-1),
                rt.extremum_share(np.max(a, axis=1), a, 1, False))

    want = (np.sum(a, axis=1, keepdims=True), np.mean(a, axis=0),
            np.mean(a, axis=1, keepdims=True), a.sum(axis=0, keepdims=True),
            rt.sum_vjp(np.ones(3), a, 1, False), np.max(a, axis=1),
            np.min(a, axis=0, keepdims=True), np.max(a, axis=-1),
            rt.extremum_share(np.max(a, axis=1), a, 1, False))
    for g, w in zip(nb(a), want):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w)


def test_cli_writes_a_jitted_module(tmp_path):
    src = tmp_path / "prog.py"
    src.write_text("import numpy as np\n\ndef f(x):\n    s = 0.0\n"
                   "    for i in range(x.shape[0]):\n        s = s + np.sin(x[i]) ** 2\n"
                   "    return s\n")
    out = tmp_path / "grad_prog.py"
    subprocess.run([sys.executable, "-m", "tangentlike", "grad", f"{src}:f", "--backend",
                    "numba", "-o", str(out)], check=True, cwd=tmp_path,
                   env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    text = out.read_text()
    assert "@numba.njit" in text
    check = ("import numpy as np, grad_prog; x = np.linspace(0, 1, 5); "
             "print(repr(grad_prog.grad_f(x).tolist()))")
    res = subprocess.run([sys.executable, "-c", check], check=True, cwd=tmp_path,
                         capture_output=True, text=True,
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    x = np.linspace(0, 1, 5)
    np.testing.assert_allclose(eval(res.stdout), 2 * np.sin(x) * np.cos(x), rtol=1e-12)


WEIGHTS = np.array([1.0, 2.0, 3.0])


def weighted(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + WEIGHTS[i] * x[i] ** 2
    return s


def test_a_global_array_changed_in_place_is_not_stale():
    """numba compiles global arrays in as constants: an in-place change recompiles."""
    x = np.array([0.5, -1.0, 2.0])
    g = tl.grad(weighted, backend="numba")
    np.testing.assert_allclose(g(x), 2 * WEIGHTS * x, rtol=1e-14)
    old = WEIGHTS.copy()
    try:
        WEIGHTS[:] = [4.0, 5.0, 6.0]
        np.testing.assert_allclose(g(x), 2 * WEIGHTS * x, rtol=1e-14)
        np.testing.assert_allclose(g(x), tl.grad(weighted)(x), rtol=1e-14)
    finally:
        WEIGHTS[:] = old


def scaled(v):
    return WEIGHTS * v


def weighted_through_helper(x, n):
    s = 0.0
    for i in range(n):
        s = s + np.sum(scaled(np.ones(3)) * x * x)
    return s


def test_a_global_array_read_by_a_jitted_user_function_is_not_stale():
    x = np.array([0.5, -1.0, 2.0])
    g = tl.grad(weighted_through_helper, backend="numba")
    np.testing.assert_allclose(g(x, 2), tl.grad(weighted_through_helper)(x, 2), rtol=1e-14)
    old = WEIGHTS.copy()
    try:
        WEIGHTS[:] = [4.0, 5.0, 6.0]
        np.testing.assert_allclose(g(x, 2), 4 * WEIGHTS * x, rtol=1e-14)
    finally:
        WEIGHTS[:] = old
