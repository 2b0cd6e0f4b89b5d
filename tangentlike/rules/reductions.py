"""VJP rules of the NumPy reductions ``sum``, ``mean``, ``max`` and ``min``.

Promises: each rule returns the cotangent of ``a`` with ``a``'s shape, for any
``axis`` (None, int, negative int or tuple) and ``keepdims``. ``mean`` is
``sum`` divided by the count of reduced elements (DESIGN §2: reduce to existing
primitives). ``max``/``min`` send ``g`` to the positions that attain the
extremum, split evenly between ties (autograd's convention), as ``sum``'s
cotangent times a non-differentiable weight ``rt.extremum_share``.

Also the rule of ``rt.sum_vjp`` itself (linear in its cotangent argument; its
adjoint is ``np.sum``), so that derivative code can be differentiated again.
"""
import numpy as np

from .. import runtime as rt
from .registry import defvjp


@defvjp(np.sum)
def sum_(g, ans, a, axis=None, keepdims=False):
    return rt.sum_vjp(g, a, axis, keepdims)


@defvjp(np.mean)
def mean(g, ans, a, axis=None, keepdims=False):
    return rt.sum_vjp(g, a, axis, keepdims) / rt.count(a, axis)


@defvjp(np.max, np.amax, np.min, np.amin)
def extremum(g, ans, a, axis=None, keepdims=False):
    return rt.sum_vjp(g, a, axis, keepdims) * rt.extremum_share(ans, a, axis, keepdims)


@defvjp(rt.sum_vjp)
def sum_vjp(ct, out, g, x, axis=None, keepdims=False):
    return rt.unbroadcast(np.sum(ct, axis=axis, keepdims=keepdims), g)
