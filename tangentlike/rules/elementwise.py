"""VJP rules of elementwise NumPy functions (and the builtins ``abs``, ``float``).

Promises: a unary rule returns ``g`` times the derivative, with the shape of
``g`` (which is the shape of ``x``); binary rules unbroadcast to each operand.
Conventions at non-differentiable points: ``abs`` has derivative
``sign(x)``, so 0 at 0; ``maximum``/``minimum`` split ``g`` evenly between
tied operands (autograd's convention, via ``rt.tie_split``).
"""
import numpy as np

from .. import runtime as rt
from .registry import defvjp


@defvjp(np.sin)
def sin(g, ans, x):
    return g * np.cos(x)


@defvjp(np.cos)
def cos(g, ans, x):
    return -g * np.sin(x)


@defvjp(np.tan)
def tan(g, ans, x):
    return g * (1.0 + ans * ans)


@defvjp(np.exp)
def exp(g, ans, x):
    return g * ans


@defvjp(np.log)
def log(g, ans, x):
    return g / x


@defvjp(np.sqrt)
def sqrt(g, ans, x):
    return g * 0.5 / ans


@defvjp(np.tanh)
def tanh(g, ans, x):
    return g * (1.0 - ans * ans)


@defvjp(np.abs, abs)  # np.abs is np.absolute
def absolute(g, ans, x):
    return g * np.sign(x)


@defvjp(np.maximum, argnums=(0, 1))
def maximum(g, ans, x1, x2):
    g1 = g * rt.tie_split(x1, x2)
    return rt.unbroadcast(g1, x1), rt.unbroadcast(g - g1, x2)


@defvjp(np.minimum, argnums=(0, 1))
def minimum(g, ans, x1, x2):
    g1 = g * rt.tie_split(x2, x1)
    return rt.unbroadcast(g1, x1), rt.unbroadcast(g - g1, x2)


@defvjp(np.where, argnums=(1, 2))
def where(g, ans, condition, x, y):
    gx = np.where(condition, g, 0.0)
    gy = np.where(condition, 0.0, g)
    return rt.unbroadcast(gx, x), rt.unbroadcast(gy, y)


@defvjp(float)
def float_(g, ans, x):
    return g
