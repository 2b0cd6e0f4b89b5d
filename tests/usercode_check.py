"""Shared checks of the tests of user-style Python (lambdas, comprehensions,
builtins, objects, in-place writes into parameters): a gradient in both modes
against central finite differences, and second derivatives (forward over reverse,
``tl.hessian``; reverse over reverse, ``tl.jacrev`` of ``tl.grad``) against finite
differences of the gradient.

Tolerance: central differences with h = 1e-6 on float64 functions whose values
and first three derivatives are O(1) at the test points have truncation error
~h² ≈ 1e-12 and rounding error ~eps/h ≈ 1e-10 (1e-10/h ≈ 1e-4 relative for the
differences of a gradient, hence the looser second-derivative tolerance), so a
wrong derivative (an O(1) error) cannot pass.
"""
import numpy as np

import tangentlike as tl

H = 1e-6
RTOL = ATOL = 1e-5
RTOL2 = ATOL2 = 1e-4


def fresh(args):
    """Copies of the array arguments (a function may write into them)."""
    return [np.array(v, copy=True) if isinstance(v, np.ndarray) else v for v in args]


def fd_grad(f, args, i=0):
    """Central differences of ``f`` (scalar or array valued) with respect to argument
    ``i``: an array of shape ``shape(f) + shape(args[i])``."""
    def at(xi):
        a = fresh(args)
        a[i] = xi
        return np.asarray(f(*a), dtype=float)
    x = np.asarray(args[i], dtype=float)
    cols = []
    for k in range(x.size):
        e = np.zeros(x.shape)
        e.flat[k] = H
        xp, xm = (x + e, x - e) if x.ndim else (float(x + e), float(x - e))
        cols.append((at(xp) - at(xm)) / (2 * H))
    out = np.stack(cols, axis=-1)
    return out.reshape(out.shape[:-1] + x.shape)


def check_grad(f, *args, wrt=0, second=False):
    """``tl.grad(f)`` in reverse and forward mode against finite differences; with
    ``second``, the Hessian with respect to ``wrt`` both ways against finite differences
    of the gradient. Returns the gradient."""
    want = fd_grad(f, args, wrt)
    got = None
    for mode in ("reverse", "forward"):
        got = tl.grad(f, wrt=wrt, mode=mode)(*fresh(args))
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, err_msg=mode)
    if second:
        g = tl.grad(f, wrt=wrt)
        want2 = fd_grad(g, args, wrt)
        for name, hess in (("forward over reverse", tl.hessian(f, wrt=wrt)),
                           ("reverse over reverse", tl.jacrev(g, wrt=wrt))):
            np.testing.assert_allclose(hess(*fresh(args)), want2, rtol=RTOL2, atol=ATOL2,
                                       err_msg=name)
    return got
