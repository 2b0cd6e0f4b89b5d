"""VJP and JVP rules of elementwise NumPy functions: exponentials, logarithms,
powers, absolute values, selections (and the builtins ``abs``, ``float``).

Promises: a unary function's Jacobian is diagonal, so one rule serves as its
VJP and its JVP (``g * f'(x)``, with the shape of ``x``, which is that of
``ans``); binary VJP rules unbroadcast to each operand and binary JVP rules
have the shape of ``ans``. Trigonometric and hyperbolic functions are in
``trigonometric``.

Conventions at non-differentiable points: ``abs``/``fabs`` have derivative
``sign(x)``, so 0 at 0; ``maximum``/``minimum`` (and ``fmax``/``fmin``, NaNs
aside) split ``g`` evenly between tied operands (autograd's convention, via
``rt.tie_split``); ``clip`` passes ``g`` to ``a`` where ``a_min <= a <= a_max``
(bounds included) and to a bound where it is the result (``rt.clip_share``;
``a_min <= a_max`` assumed); ``where`` routes ``g`` by the condition.
"""
import math

import numpy as np

from .. import runtime as rt
from .registry import defjvp, defvjp


@defvjp(np.exp, math.exp)  # math.exp on a float: the same rule
@defjvp(np.exp, math.exp)
def exp(g, ans, x):
    return g * ans


@defvjp(np.exp2)
@defjvp(np.exp2)
def exp2(g, ans, x):
    return g * ans * np.log(2.0)


@defvjp(np.expm1, math.expm1)  # math.expm1 on a float: the same rule
@defjvp(np.expm1, math.expm1)
def expm1(g, ans, x):
    return g * (ans + 1.0)


@defvjp(np.log)
@defjvp(np.log)
def log(g, ans, x):
    return g / x


@defvjp(np.log2, math.log2)  # math.log2 on a float: the same rule
@defjvp(np.log2, math.log2)
def log2(g, ans, x):
    return g / (x * np.log(2.0))


@defvjp(np.log10, math.log10)  # math.log10 on a float: the same rule
@defjvp(np.log10, math.log10)
def log10(g, ans, x):
    return g / (x * np.log(10.0))


@defvjp(np.log1p, math.log1p)  # math.log1p on a float: the same rule
@defjvp(np.log1p, math.log1p)
def log1p(g, ans, x):
    return g / (1.0 + x)


@defvjp(np.sqrt, math.sqrt)  # math.sqrt on a float: the same rule
@defjvp(np.sqrt, math.sqrt)
def sqrt(g, ans, x):
    return g * 0.5 / ans


@defvjp(np.cbrt)
@defjvp(np.cbrt)
def cbrt(g, ans, x):
    return g / (3.0 * ans * ans)


@defvjp(np.square)
@defjvp(np.square)
def square(g, ans, x):
    return g * 2.0 * x


@defvjp(np.reciprocal)
@defjvp(np.reciprocal)
def reciprocal(g, ans, x):
    return -g * ans * ans


@defvjp(np.abs, abs)  # np.abs is np.absolute
@defjvp(np.abs, abs)
def absolute(g, ans, x):
    return g * np.sign(x)


@defvjp(np.fabs, math.fabs)  # math.fabs on a float: the same rule
@defjvp(np.fabs, math.fabs)
def fabs(g, ans, x):
    return g * np.sign(x)


@defvjp(float, np.float64)  # conversions to float64: the identity
def float_(g, ans, x):
    return g


@defjvp(float, np.float64)
def float_jvp(d, ans, x):
    return rt.broadcast_like(d, ans)


@defvjp(rt.scalar_like, argnums=(0,))
def scalar_like(ct, ans, g, x):
    return ct


@defjvp(rt.scalar_like)
def scalar_like_jvp(t, ans, g, x):
    return rt.scalar_like(t, x)


@defvjp(rt.dtype_like, argnums=(0,))
def dtype_like(ct, ans, g, x):
    return rt.dtype_like(ct, g)


@defjvp(rt.dtype_like)
def dtype_like_jvp(t, ans, g, x):
    return rt.dtype_like(t, x)


@defvjp(np.real)  # real inputs: the identity
@defjvp(np.real)
def real(g, ans, val):
    return np.real(g)


# --- Binary: logaddexp, maximum, minimum ----------------------------------------

@defvjp(np.logaddexp, argnums=(0, 1))
def logaddexp(g, ans, x1, x2):
    return rt.unbroadcast(g * np.exp(x1 - ans), x1), rt.unbroadcast(g * np.exp(x2 - ans), x2)


@defjvp(np.logaddexp)
def logaddexp_jvp0(d, ans, x1, x2):
    return d * np.exp(x1 - ans)


@defjvp(np.logaddexp, argnum=1)
def logaddexp_jvp1(d, ans, x1, x2):
    return d * np.exp(x2 - ans)


@defvjp(np.logaddexp2, argnums=(0, 1))
def logaddexp2(g, ans, x1, x2):
    return rt.unbroadcast(g * np.exp2(x1 - ans), x1), rt.unbroadcast(g * np.exp2(x2 - ans), x2)


@defjvp(np.logaddexp2)
def logaddexp2_jvp0(d, ans, x1, x2):
    return d * np.exp2(x1 - ans)


@defjvp(np.logaddexp2, argnum=1)
def logaddexp2_jvp1(d, ans, x1, x2):
    return d * np.exp2(x2 - ans)


@defvjp(np.maximum, np.fmax, argnums=(0, 1))
def maximum(g, ans, x1, x2):
    g1 = g * rt.tie_split(x1, x2)
    return rt.unbroadcast(g1, x1), rt.unbroadcast(g - g1, x2)


@defjvp(np.maximum, np.fmax)
def maximum_jvp0(d, ans, x1, x2):
    return d * rt.tie_split(x1, x2)


@defjvp(np.maximum, np.fmax, argnum=1)
def maximum_jvp1(d, ans, x1, x2):
    return d * rt.tie_split(x2, x1)


@defvjp(np.minimum, np.fmin, argnums=(0, 1))
def minimum(g, ans, x1, x2):
    g1 = g * rt.tie_split(x2, x1)
    return rt.unbroadcast(g1, x1), rt.unbroadcast(g - g1, x2)


@defjvp(np.minimum, np.fmin)
def minimum_jvp0(d, ans, x1, x2):
    return d * rt.tie_split(x2, x1)


@defjvp(np.minimum, np.fmin, argnum=1)
def minimum_jvp1(d, ans, x1, x2):
    return d * rt.tie_split(x1, x2)


# --- Selections: where, clip ----------------------------------------------------------

@defvjp(np.where, argnums=(1, 2))
def where(g, ans, condition, x, y):
    gx = np.where(condition, g, 0.0)
    gy = np.where(condition, 0.0, g)
    return rt.unbroadcast(gx, x), rt.unbroadcast(gy, y)


@defjvp(np.where, argnum=1)
def where_jvp1(d, ans, condition, x, y):
    return rt.broadcast_like(np.where(condition, d, 0.0), ans)


@defjvp(np.where, argnum=2)
def where_jvp2(d, ans, condition, x, y):
    return rt.broadcast_like(np.where(condition, 0.0, d), ans)


@defvjp(np.clip, argnums=(0, 1, 2, 3, 4))
def clip(g, ans, a, a_min=None, a_max=None, min=None, max=None):  # noqa: A002 - numpy's names
    s = rt.clip_share(a, a_min, a_max, min, max)
    return (rt.unbroadcast(g * s[0], a), rt.unbroadcast(g * s[1], a_min),
            rt.unbroadcast(g * s[2], a_max), rt.unbroadcast(g * s[1], min),
            rt.unbroadcast(g * s[2], max))


@defjvp(np.clip)
def clip_jvp0(d, ans, a, a_min=None, a_max=None, min=None, max=None):  # noqa: A002
    return rt.broadcast_like(d * rt.clip_share(a, a_min, a_max, min, max)[0], ans)


@defjvp(np.clip, argnum=1)
def clip_jvp1(d, ans, a, a_min=None, a_max=None, min=None, max=None):  # noqa: A002
    return rt.broadcast_like(d * rt.clip_share(a, a_min, a_max, min, max)[1], ans)


@defjvp(np.clip, argnum=2)
def clip_jvp2(d, ans, a, a_min=None, a_max=None, min=None, max=None):  # noqa: A002
    return rt.broadcast_like(d * rt.clip_share(a, a_min, a_max, min, max)[2], ans)


@defjvp(np.clip, argnum=3)
def clip_jvp3(d, ans, a, a_min=None, a_max=None, min=None, max=None):  # noqa: A002
    return rt.broadcast_like(d * rt.clip_share(a, a_min, a_max, min, max)[1], ans)


@defjvp(np.clip, argnum=4)
def clip_jvp4(d, ans, a, a_min=None, a_max=None, min=None, max=None):  # noqa: A002
    return rt.broadcast_like(d * rt.clip_share(a, a_min, a_max, min, max)[2], ans)
