"""VJP and JVP rules of the NumPy reductions and cumulative functions.

Promises: each VJP rule returns the cotangent of ``a`` with ``a``'s shape, for
any ``axis`` (None, int, negative int or tuple), ``keepdims`` and ``ddof``; each
JVP rule returns a tangent with the shape of ``ans``. ``mean`` is ``sum``
divided by the count of reduced elements (docs/architecture.md: rules: reduce to existing
primitives); ``var`` and ``std`` use the centred values ``a - mean`` (the
``mean``'s own derivative cancels, since centred values sum to zero); where
``std`` is 0 (one element, or all equal) the centred values are 0 and so is the
derivative (``rt.recip0``: no 0/0).
``max``/``min`` send ``g`` to the positions that attain the extremum, split
evenly between ties (autograd's convention), as ``sum``'s cotangent times a
non-differentiable weight ``rt.extremum_share``.

``prod`` uses the product of the *other* elements (``rt.prod_others``, prefix
times suffix products), so it is exact when ``a`` has zeros; ``cumprod``
divides by ``a`` (autograd's formula) and needs nonzero entries.
``linalg.norm``: vector p-norms for any ``ord`` (``±inf`` split ties like
``max``; ``ord=0`` counts, derivative 0) and the Frobenius norm of matrices
(``ord=None`` or ``'fro'``); the gradient
``sign(x) |x|**(p-1) / ans**(p-1)`` is infinite or nan at ``x = 0``, where the
norm is not differentiable.

Also the rules of ``rt.sum_vjp``, ``rt.sum_expand``, ``rt.cumsum_vjp`` (linear in their cotangent
argument; their adjoints are ``np.sum`` and ``np.cumsum``) and
``rt.prod_others``, so that derivative code can be differentiated again.
"""
import numpy as np

from .. import runtime as rt
from .registry import defjvp, defvjp


@defvjp(np.sum)
def sum_(g, ans, a, axis=None, keepdims=False):
    return rt.sum_vjp(g, a, axis, keepdims)


@defjvp(np.sum)
def sum_jvp(d, ans, a, axis=None, keepdims=False):
    return np.sum(d, axis=axis, keepdims=keepdims)


@defvjp(np.mean)
def mean(g, ans, a, axis=None, keepdims=False):
    return rt.sum_vjp(g, a, axis, keepdims) / rt.count(a, axis)


@defjvp(np.mean)
def mean_jvp(d, ans, a, axis=None, keepdims=False):
    return np.mean(d, axis=axis, keepdims=keepdims)


@defvjp(np.max, np.amax, np.min, np.amin)
def extremum(g, ans, a, axis=None, keepdims=False):
    return rt.sum_vjp(g, a, axis, keepdims) * rt.extremum_share(ans, a, axis, keepdims)


@defjvp(np.max, np.amax, np.min, np.amin)
def extremum_jvp(d, ans, a, axis=None, keepdims=False):
    return np.sum(d * rt.extremum_share(ans, a, axis, keepdims), axis=axis, keepdims=keepdims)


@defvjp(np.prod)
def prod(g, ans, a, axis=None, keepdims=False):
    return rt.sum_vjp(g, a, axis, keepdims) * rt.prod_others(a, axis)


@defjvp(np.prod)
def prod_jvp(d, ans, a, axis=None, keepdims=False):
    return np.sum(d * rt.prod_others(a, axis), axis=axis, keepdims=keepdims)


@defvjp(np.var)
def var(g, ans, a, axis=None, ddof=0, keepdims=False):
    c = a - np.mean(a, axis=axis, keepdims=True)
    return rt.sum_vjp(g, a, axis, keepdims) * 2.0 * c / (rt.count(a, axis) - ddof)


@defjvp(np.var)
def var_jvp(d, ans, a, axis=None, ddof=0, keepdims=False):
    c = a - np.mean(a, axis=axis, keepdims=True)
    return 2.0 * np.sum(d * c, axis=axis, keepdims=keepdims) / (rt.count(a, axis) - ddof)


@defvjp(np.std)
def std(g, ans, a, axis=None, ddof=0, keepdims=False):
    c = a - np.mean(a, axis=axis, keepdims=True)
    return rt.sum_vjp(g * rt.recip0(ans), a, axis, keepdims) * c / (rt.count(a, axis) - ddof)


@defjvp(np.std)
def std_jvp(d, ans, a, axis=None, ddof=0, keepdims=False):
    c = a - np.mean(a, axis=axis, keepdims=True)
    return np.sum(d * c, axis=axis, keepdims=keepdims) * rt.recip0(ans) / (rt.count(a, axis) - ddof)


@defvjp(np.cumsum)
def cumsum(g, ans, a, axis=None):
    return rt.cumsum_vjp(g, a, axis)


@defjvp(np.cumsum)
def cumsum_jvp(d, ans, a, axis=None):
    return np.cumsum(d, axis=axis)


@defvjp(np.cumprod)
def cumprod(g, ans, a, axis=None):
    return rt.cumsum_vjp(g * ans, a, axis) / a


@defjvp(np.cumprod)
def cumprod_jvp(d, ans, a, axis=None):
    return ans * np.cumsum(d / a, axis=axis)


@defvjp(np.linalg.norm)
def norm(g, ans, x, ord=None, axis=None, keepdims=False):  # noqa: A002 - numpy's name
    p = rt.norm_p(ord, x, axis)
    w = np.sign(x) * np.abs(x) ** (p - 1.0) * rt.norm_share(x, ans, ord, axis, keepdims)
    return rt.sum_vjp(g * ans ** (1.0 - p), x, axis, keepdims) * w


@defjvp(np.linalg.norm)
def norm_jvp(d, ans, x, ord=None, axis=None, keepdims=False):  # noqa: A002
    p = rt.norm_p(ord, x, axis)
    w = np.sign(x) * np.abs(x) ** (p - 1.0) * rt.norm_share(x, ans, ord, axis, keepdims)
    return np.sum(d * w, axis=axis, keepdims=keepdims) * ans ** (1.0 - p)


# --- Rules of the runtime helpers ----------------------------------------------------

@defvjp(rt.sum_vjp)
def sum_vjp(ct, out, g, x, axis=None, keepdims=False):
    return rt.unbroadcast(np.sum(ct, axis=axis, keepdims=keepdims), g)


@defjvp(rt.sum_vjp)
def sum_vjp_jvp(d, out, g, x, axis=None, keepdims=False):
    return rt.sum_vjp(d, x, axis, keepdims)


@defvjp(rt.sum_expand)
def sum_expand(ct, out, g, x, axis=None, keepdims=False):
    return rt.reshape_as(ct, g)


@defjvp(rt.sum_expand)
def sum_expand_jvp(d, out, g, x, axis=None, keepdims=False):
    return rt.sum_expand(d, x, axis, keepdims)


@defvjp(rt.cumsum_vjp)
def cumsum_vjp(ct, out, g, x, axis=None):
    return np.cumsum(ct, axis=axis)


@defjvp(rt.cumsum_vjp)
def cumsum_vjp_jvp(d, out, g, x, axis=None):
    return rt.cumsum_vjp(d, x, axis)


@defvjp(rt.prod_others)  # d out_i / d x_j = out_i / x_j (j != i): needs nonzero x
def prod_others(ct, out, x, axis=None):
    return (np.sum(ct * out, axis=axis, keepdims=True) - ct * out) / x


@defjvp(rt.prod_others)
def prod_others_jvp(d, out, x, axis=None):
    return out * (np.sum(d / x, axis=axis, keepdims=True) - d / x)
