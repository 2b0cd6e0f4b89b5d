"""End-to-end checks of tl.grad / tl.value_and_grad / tl.vjp on the corpus.

Every gradient is compared with central finite differences of the primal in
float64. Tolerance (rtol=1e-5, atol=1e-7): with h = 1e-6 * max(1, |x_i|), a
central difference has truncation error O(h**2 * |f'''|) ~ 1e-12 and rounding
error O(eps * |f| / h) ~ 2e-16 / 1e-6 ~ 2e-10 relative to |f|; the corpus keeps
|f| and its derivatives of order 1-100, so the finite-difference error stays
around 1e-10..1e-8 absolute, two or more orders of magnitude below the
tolerance, while any real bug in a derivative rule or in the control flow of
the adjoint gives an error of order 1.
"""
import copy
import inspect
import pathlib
import sys
import zlib

import numpy as np
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import corpus  # noqa: E402
import tangentlike as tl  # noqa: E402

GRAD_CASES = corpus.grad_cases()
VJP_CASES = corpus.vjp_cases()

RTOL, ATOL = 1e-5, 1e-7


def _ids(cases):
    return [c.name for c in cases]


def _positions(case):
    """wrt entries (ints or parameter names) as argument positions."""
    params = list(inspect.signature(case.fn).parameters)
    return [w if isinstance(w, int) else params.index(w) for w in case.wrt]


def _wrt_arg(case):
    """What is passed as ``wrt``: a bare int/name for one, a tuple for several."""
    return case.wrt[0] if len(case.wrt) == 1 else tuple(case.wrt)


def _call(f, args):
    return f(*copy.deepcopy(args))


def _replace(args, i, value):
    return args[:i] + (value,) + args[i + 1:]


def fd_grad(f, args, i):
    """Central finite differences of scalar ``f`` wrt argument ``i``."""
    x = args[i]
    if isinstance(x, float):
        h = 1e-6 * max(1.0, abs(x))
        xp, xm = x + h, x - h
        return (float(_call(f, _replace(args, i, xp)))
                - float(_call(f, _replace(args, i, xm)))) / (xp - xm)
    x = np.asarray(x, dtype=np.float64)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        h = 1e-6 * max(1.0, abs(x[idx]))
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        fp = float(_call(f, _replace(args, i, xp)))
        fm = float(_call(f, _replace(args, i, xm)))
        g[idx] = (fp - fm) / (xp[idx] - xm[idx])
    return g


def _check_like_primal(g, primal, label):
    if isinstance(primal, float):
        assert isinstance(g, float) and not isinstance(g, np.ndarray), (
            f"{label}: gradient of a float must be a float, got {type(g).__name__}")
    else:
        assert isinstance(g, np.ndarray), (
            f"{label}: gradient of an array must be an ndarray, got {type(g).__name__}")
        assert g.shape == np.shape(primal), f"{label}: shape {g.shape} != {np.shape(primal)}"


def _check_grads(case, args, grads):
    positions = _positions(case)
    if len(positions) == 1:
        assert not isinstance(grads, tuple), "a single wrt must give one gradient, not a tuple"
        grads = (grads,)
    else:
        assert isinstance(grads, tuple) and len(grads) == len(positions), (
            f"expected a tuple of {len(positions)} gradients, got {type(grads).__name__}")
    for pos, g in zip(positions, grads):
        label = f"{case.name} d/d(arg {pos})"
        _check_like_primal(g, args[pos], label)
        np.testing.assert_allclose(g, fd_grad(case.fn, args, pos), rtol=RTOL, atol=ATOL,
                                   err_msg=label)


def _assert_unchanged(before, after):
    for a, b in zip(before, after):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)


def test_corpus_size_and_names():
    assert len(GRAD_CASES) >= 60
    assert len(VJP_CASES) >= 5
    names = _ids(GRAD_CASES) + _ids(VJP_CASES)
    assert len(names) == len(set(names)), "case names must be unique"


@pytest.mark.parametrize("case", GRAD_CASES, ids=_ids(GRAD_CASES))
def test_corpus_case_is_well_formed(case):
    """The corpus itself (no tangentlike): scalar finite output, float wrt args."""
    args = case.make_args()
    out = _call(case.fn, args)
    assert np.ndim(out) == 0 and np.isfinite(out)
    for pos in _positions(case):
        assert isinstance(args[pos], (float, np.ndarray))


@pytest.mark.parametrize("case", GRAD_CASES, ids=_ids(GRAD_CASES))
def test_grad_matches_finite_differences(case):
    args = case.make_args()
    pristine = copy.deepcopy(args)
    grads = tl.grad(case.fn, wrt=_wrt_arg(case))(*args)
    _assert_unchanged(pristine, args)  # the gradient must not mutate its inputs
    _check_grads(case, pristine, grads)


@pytest.mark.parametrize("case", GRAD_CASES, ids=_ids(GRAD_CASES))
def test_value_and_grad(case):
    args = case.make_args()
    value, grads = tl.value_and_grad(case.fn, wrt=_wrt_arg(case))(*copy.deepcopy(args))
    assert value == _call(case.fn, args)
    _check_grads(case, args, grads)


@pytest.mark.parametrize("case", VJP_CASES, ids=_ids(VJP_CASES))
def test_vjp_matches_finite_differences(case):
    args = case.make_args()
    out, pullback = tl.vjp(case.fn, *copy.deepcopy(args))
    expected = _call(case.fn, args)
    assert isinstance(out, np.ndarray) and out.shape == expected.shape
    np.testing.assert_array_equal(out, expected)

    rng = np.random.default_rng(zlib.crc32(("ct-" + case.name).encode()))
    ct = rng.standard_normal(expected.shape)
    cts = pullback(ct)
    assert isinstance(cts, tuple) and len(cts) == len(args)

    def inner(*a):
        return np.sum(ct * case.fn(*a))

    for pos, (g, primal) in enumerate(zip(cts, args)):
        label = f"{case.name} cotangent of arg {pos}"
        _check_like_primal(g, primal, label)
        np.testing.assert_allclose(g, fd_grad(inner, args, pos), rtol=RTOL, atol=ATOL,
                                   err_msg=label)
