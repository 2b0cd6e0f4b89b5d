"""One program checked in one mode against central finite differences.

Modes: ``reverse`` and ``forward`` (``tl.grad(..., mode=...)``, the gradient against
finite differences of the function), ``hvp`` (``tl.hvp``: forward over reverse,
against finite differences of the reverse gradient along a direction) and, for an
array or scalar argument, ``grad-of-grad`` (``tl.jacrev`` of ``tl.grad``: reverse
over reverse). Pytrees (dicts, lists, namedtuples, dataclasses) are flattened by
tests/treefd.py. Tolerances as in tests/usercode_check.py: float64 central
differences with h = 1e-6 on O(1) functions, rtol = atol = 1e-5 for gradients and
1e-4 for second derivatives (differences of a gradient), so an O(1) error fails.
"""
import copy

import numpy as np

import tangentlike as tl
import treefd

H = 1e-6
TOL1, TOL2 = 1e-5, 1e-4
MODES = ("reverse", "forward", "hvp", "grad-of-grad")


def _fresh(args):
    return [copy.deepcopy(a) for a in args]


def _fd_grad(f, args, wrt):
    return treefd.jacobian(f, _fresh(args), wrt).reshape(-1)


def _direction(x):
    v = treefd.ravel(x)
    d = np.cos(np.arange(v.size) + 1.0)
    return treefd.unravel(d, x)


def _close(got, want, tol):
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def check(fn, args, wrt, mode):
    """Raise (AssertionError: a wrong value; anything else: rejected or crashed)."""
    if mode in ("reverse", "forward"):
        got = tl.grad(fn, wrt=wrt, mode=mode)(*_fresh(args))
        _close(treefd.ravel(got), _fd_grad(fn, args, wrt), TOL1)
        return
    g = tl.grad(fn, wrt=wrt)
    x = args[wrt]
    if mode == "hvp":
        v = _direction(x)
        got = tl.hvp(fn, _fresh(args), v, wrt=wrt)
        plus, minus = _fresh(args), _fresh(args)
        plus[wrt] = treefd.unravel(treefd.ravel(x) + H * treefd.ravel(v), x)
        minus[wrt] = treefd.unravel(treefd.ravel(x) - H * treefd.ravel(v), x)
        want = (treefd.ravel(g(*plus)) - treefd.ravel(g(*minus))) / (2 * H)
        _close(treefd.ravel(got), want, TOL2)
        return
    if not (np.isscalar(x) or isinstance(x, np.ndarray)):
        return  # reverse over reverse of a pytree argument: covered by hvp
    got = np.asarray(tl.jacrev(g, wrt=wrt)(*_fresh(args))).reshape(-1)
    want = treefd.jacobian(g, _fresh(args), wrt).reshape(-1)
    _close(got, want, TOL2)
