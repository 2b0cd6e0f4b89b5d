"""Vectorised Jacobians: ``tl.jacfwd`` / ``tl.hessian`` carry every column through one
sweep of batched tangents (``transforms/batch.py``), or fall back to one sweep per column.

Each batched result is compared with the per-column result (the same compiled code
path as before batching existed, forced by ``jacobian_sweeps._UNBATCHED``) and with
central finite differences. Batched and per-column results run the same floating-point
operations except for the order of some sums (a reduction over an axis shifted by
the batch axis, a matrix product blocked differently), so they agree to rounding:
rtol 1e-10 in float64 and 1e-5 in float32 (float32 eps = 1.2e-7, times the ~10-100
terms of the corpus's sums, with two orders of margin). Finite differences in float64:
rtol 1e-5 / atol 1e-7 as in ``test_corpus`` (its docstring gives the error budget); of
the gradient (for Hessians) rtol 1e-4 / atol 1e-6, one difference deeper.
"""
import pathlib
import sys
import zlib

import numpy as np
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import corpus  # noqa: E402
import tangentlike as tl  # noqa: E402
from tangentlike import jacobian_sweeps as J  # noqa: E402
from tangentlike.errors import NotBatchedError  # noqa: E402

GRAD = corpus.grad_cases()
VJP = corpus.vjp_cases()


def per_column(jac, args):
    """``jac(*args)`` by one sweep per column (the batched path switched off)."""
    vals, idx, _ = J.prepare(jac.fn, jac.wrt, args)
    known, key = J._UNBATCHED.setdefault(jac.fn, {}), J.unbatched_key(vals, idx)
    known[key] = "switched off (test)"
    try:
        return jac(*args)
    finally:
        del known[key]


def leaves(x):
    if isinstance(x, dict):
        return [v for k in x for v in leaves(x[k])]
    if isinstance(x, (tuple, list)):
        return [v for e in x for v in leaves(e)]
    return [np.asarray(x, dtype=float)]


def close(a, b, rtol, atol, msg=""):
    la, lb = leaves(a), leaves(b)
    assert len(la) == len(lb), msg
    for x, y in zip(la, lb):
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, err_msg=msg)


def fd_jacobian(f, args, i, h=1e-6):
    """Central differences of ``f`` (array-valued) in argument ``i``: out.shape + in.shape."""
    x = np.asarray(args[i], dtype=float)
    cols = []
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = h * max(1.0, abs(x.flat[k]))
        up = list(args)
        dn = list(args)
        up[i] = (x + e.reshape(x.shape)) if x.ndim else float(x + e[0])
        dn[i] = (x - e.reshape(x.shape)) if x.ndim else float(x - e[0])
        cols.append((np.asarray(f(*up), dtype=float) - np.asarray(f(*dn), dtype=float))
                    / (2 * e[k]))
    out = np.stack(cols, axis=-1)
    return out.reshape(np.shape(cols[0]) + x.shape)


def _wrt(case):
    return case.wrt[0] if len(case.wrt) == 1 else case.wrt


@pytest.mark.parametrize("case", GRAD + VJP, ids=[c.name for c in GRAD + VJP])
def test_corpus_jacfwd_batched_equals_per_column_and_finite_differences(case):
    args = case.make_args()
    jac = tl.jacfwd(case.fn, wrt=case.wrt[0])
    fast = jac(*args)
    how = jac.sweeps
    slow = per_column(jac, args)
    close(fast, slow, 1e-10, 1e-12, f"{case.name}: {how}")
    pos = case.wrt[0] if isinstance(case.wrt[0], int) else \
        list(J.signature_of(case.fn).parameters).index(case.wrt[0])
    if isinstance(args[pos], (float, np.ndarray)):
        close(fast, fd_jacobian(case.fn, args, pos), 1e-5, 1e-7, case.name)


HESS = [c for c in GRAD if zlib.crc32(c.name.encode()) % 3 == 0]  # a third: CI time


@pytest.mark.parametrize("case", HESS, ids=[c.name for c in HESS])
def test_corpus_hessian_batched_equals_per_column_and_finite_differences(case):
    args = case.make_args()
    w = case.wrt[0]
    pos = w if isinstance(w, int) else list(J.signature_of(case.fn).parameters).index(w)
    if not isinstance(args[pos], (float, np.ndarray)):
        pytest.skip("not a float argument")
    H = tl.hessian(case.fn, wrt=w)
    fast = H(*args)
    slow = per_column(H, args)
    close(fast, slow, 1e-10, 1e-12, f"{case.name}: {H.sweeps}")
    g = tl.grad(case.fn, wrt=w)
    close(fast, fd_jacobian(g, args, pos), 1e-4, 1e-6, case.name)


def test_the_corpus_mostly_batches():
    """Guards against the batched path silently never running."""
    batched = 0
    for case in GRAD + VJP:
        jac = tl.jacfwd(case.fn, wrt=case.wrt[0])
        jac(*case.make_args())
        batched += "batched" in jac.sweeps
    assert batched >= 0.8 * len(GRAD + VJP), batched


def chain(w):
    s = 0.5
    for i in range(w.shape[0]):
        s = s + 0.1 * np.sin(w[i] * s) + 0.05 * w[i] * w[i]
    return s * s


def test_hessian_of_a_loop_is_one_batched_sweep_in_float32_too():
    w = np.random.default_rng(5).uniform(-1, 1, 12)
    H = tl.hessian(chain)
    h64 = H(w)
    assert H.sweeps.startswith("one batched sweep of all columns")
    close(h64, per_column(H, (w,)), 1e-10, 1e-12)
    close(h64, fd_jacobian(tl.grad(chain), (w,), 0), 1e-4, 1e-6)
    w32 = w.astype(np.float32)
    h32 = H(w32)
    close(h32, per_column(H, (w32,)), 1e-5, 1e-6)
    close(h32, h64, 1e-3, 1e-4)  # float32 against float64: eps32 * condition


def rot(a, b):
    ca, sa, cb, sb = np.cos(a), np.sin(a), np.cos(b), np.sin(b)
    rx = np.array([[1.0, 0.0, 0.0], [0.0, ca, -sa], [0.0, sa, ca]])
    rz = np.array([[cb, -sb, 0.0], [sb, cb, 0.0], [0.0, 0.0, 1.0]])
    return rz @ rx


def ht_like(theta, pts):
    R = rot(theta[0], theta[1])
    out = pts @ R.T + theta[2:5]
    parts = [out[f::2] @ rot(theta[5 + f], 0.0).T for f in range(2)]
    return np.concatenate(parts, axis=0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_ht_like_jacfwd(dtype):
    r = np.random.default_rng(20)
    theta, pts = r.uniform(-0.5, 0.5, 7).astype(dtype), r.uniform(-1, 1, (6, 3)).astype(dtype)
    jac = tl.jacfwd(ht_like)
    fast = jac(theta, pts)
    assert jac.sweeps.startswith("one batched sweep of all columns")
    assert "Batched Jacobian-vector product" in tl.source(jac)
    tol = (1e-10, 1e-12) if dtype == np.float64 else (1e-5, 1e-6)
    close(fast, per_column(jac, (theta, pts)), *tol)
    fd = fd_jacobian(ht_like, (theta.astype(float), pts.astype(float)), 0)
    close(fast, fd, 1e-5 if dtype == np.float64 else 1e-3, 1e-7 if dtype == np.float64 else 1e-4)


def test_a_construct_without_a_batched_form_falls_back_and_says_so():
    def f(x):
        a, b, c = x  # unpacking an array: its batched tangent would unpack the batch axis
        return np.array([a * b, b * c])
    x = np.array([0.5, 1.5, -2.0])
    jac = tl.jacfwd(f)
    got = jac(x)
    assert jac.sweeps.startswith("one sweep per column: ") and "line" in jac.sweeps
    assert "no batched form of unpacking a batched array" in jac.sweeps
    assert tl.source(jac).startswith("# tl.jacfwd: one sweep per column: ")
    close(got, fd_jacobian(f, (x,), 0), 1e-5, 1e-7)
    with pytest.raises(NotBatchedError, match="unpacking a batched array"):
        J._compiled(f, [x], [0], "bjvp")


def test_a_function_without_a_vectorised_batched_form_runs_once_per_member_and_says_so():
    def f(x):
        return np.cumsum(x) * x
    x = np.array([0.5, 1.5, -2.0])
    jac = tl.jacfwd(f)
    got = jac(x)
    assert jac.sweeps == "one batched sweep of all columns (per member: np.cumsum)"
    assert "rt.per_member(np.cumsum" in tl.source(jac)
    close(got, per_column(jac, (x,)), 1e-12, 1e-14)
    close(got, fd_jacobian(f, (x,), 0), 1e-5, 1e-7)


def test_many_columns_are_swept_in_batches_of_bounded_size(monkeypatch):
    def f(x, y):
        return np.sin(x) * np.sum(y ** 2) + np.concatenate([x, x])[:3]
    x, y = np.array([0.3, -1.2, 2.0]), np.array([1.0, -0.5, 0.25, 2.0])
    jac = tl.jacfwd(f, wrt=(0, 1))
    whole = jac(x, y)
    monkeypatch.setattr(J, "BATCH_COLUMNS", 2)
    parts = jac(x, y)
    assert jac.sweeps == "4 batched sweeps of at most 2 columns"
    close(parts, whole, 1e-15, 0)
    close(whole, per_column(jac, (x, y)), 1e-12, 1e-14)
    close(whole[1], fd_jacobian(f, (x, y), 1), 1e-5, 1e-7)
