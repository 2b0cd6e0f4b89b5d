"""VJP and JVP rules of the arithmetic operators and their NumPy ufunc twins.

Promises: for ``ans = f(a, b)`` with NumPy broadcasting, each VJP rule returns
the cotangents of both operands, each summed back to its operand's shape by
``rt.unbroadcast`` (a Python float for a Python number); each JVP rule returns
one operand's contribution to the tangent of ``ans``, with ``ans``'s shape
(``rt.broadcast_like`` where the expression alone would keep the operand's
shape). The ``operator`` functions take parameters ``a, b`` and the ufuncs
``x1, x2`` (their real names); the bodies are the same.

``mod``/``remainder`` (``a - b * floor(a / b)``) and ``fmod`` (``trunc``
instead of ``floor``) have derivative 1 in ``a`` and ``-floor(a / b)`` in ``b``
away from their jumps.

``pow`` follows autograd's conventions (Maclaurin, Duvenaud & Adams, 2015):
the base's cotangent uses ``a ** where(b, b - 1, 1)`` so that ``b == 0`` gives
0 rather than ``0 * inf``; the exponent's cotangent ``g * ans * log(a)`` is
taken as 0 where ``a <= 0`` (there ``a ** b`` is not differentiable in ``b``
over the reals, and a nan would poison sums), by evaluating ``log`` at 1 there.
"""
import operator

import numpy as np

from .. import runtime as rt
from .registry import defjvp, defvjp


@defvjp(operator.add, argnums=(0, 1))
def add(g, ans, a, b):
    return rt.unbroadcast(g, a), rt.unbroadcast(g, b)


@defvjp(np.add, argnums=(0, 1))
def np_add(g, ans, x1, x2):
    return rt.unbroadcast(g, x1), rt.unbroadcast(g, x2)


@defvjp(operator.sub, argnums=(0, 1))
def sub(g, ans, a, b):
    return rt.unbroadcast(g, a), rt.unbroadcast(-g, b)


@defvjp(np.subtract, argnums=(0, 1))
def np_subtract(g, ans, x1, x2):
    return rt.unbroadcast(g, x1), rt.unbroadcast(-g, x2)


@defvjp(operator.mul, argnums=(0, 1))
def mul(g, ans, a, b):
    return rt.unbroadcast(g * b, a), rt.unbroadcast(g * a, b)


@defvjp(np.multiply, argnums=(0, 1))
def np_multiply(g, ans, x1, x2):
    return rt.unbroadcast(g * x2, x1), rt.unbroadcast(g * x1, x2)


@defvjp(operator.truediv, argnums=(0, 1))
def truediv(g, ans, a, b):
    # np.divide: a zero divisor gives inf/nan, as it did for the NumPy primal
    return rt.unbroadcast(np.divide(g, b), a), rt.unbroadcast(np.divide(-g * ans, b), b)


@defvjp(np.divide, argnums=(0, 1))  # np.true_divide is np.divide
def np_divide(g, ans, x1, x2):
    return rt.unbroadcast(np.divide(g, x2), x1), rt.unbroadcast(np.divide(-g * ans, x2), x2)


@defvjp(operator.pow, argnums=(0, 1))
def power(g, ans, a, b):
    da = g * b * a ** np.where(b, b - 1, 1.0)
    db = g * ans * np.log(np.where(np.greater(a, 0), a, 1.0))
    return rt.unbroadcast(da, a), rt.unbroadcast(db, b)


@defvjp(np.power, argnums=(0, 1))
def np_power(g, ans, x1, x2):
    da = g * x2 * x1 ** np.where(x2, x2 - 1, 1.0)
    db = g * ans * np.log(np.where(np.greater(x1, 0), x1, 1.0))
    return rt.unbroadcast(da, x1), rt.unbroadcast(db, x2)


@defvjp(operator.matmul, argnums=(0, 1))
def matmul(g, ans, a, b):
    return rt.matmul_vjp_left(g, a, b), rt.matmul_vjp_right(g, a, b)


@defvjp(operator.neg)
def neg(g, ans, a):
    return -g


@defvjp(np.negative)
def np_negative(g, ans, x):
    return -g


@defvjp(operator.pos)
def pos(g, ans, a):
    return g


@defvjp(np.positive)
def np_positive(g, ans, x):
    return g


@defjvp(operator.add)
def add_jvp0(d, ans, a, b):
    return rt.broadcast_like(d, ans)


@defjvp(operator.add, argnum=1)
def add_jvp1(d, ans, a, b):
    return rt.broadcast_like(d, ans)


@defjvp(np.add)
def np_add_jvp0(d, ans, x1, x2):
    return rt.broadcast_like(d, ans)


@defjvp(np.add, argnum=1)
def np_add_jvp1(d, ans, x1, x2):
    return rt.broadcast_like(d, ans)


@defjvp(operator.sub)
def sub_jvp0(d, ans, a, b):
    return rt.broadcast_like(d, ans)


@defjvp(operator.sub, argnum=1)
def sub_jvp1(d, ans, a, b):
    return rt.broadcast_like(-d, ans)


@defjvp(np.subtract)
def np_subtract_jvp0(d, ans, x1, x2):
    return rt.broadcast_like(d, ans)


@defjvp(np.subtract, argnum=1)
def np_subtract_jvp1(d, ans, x1, x2):
    return rt.broadcast_like(-d, ans)


@defjvp(operator.mul)
def mul_jvp0(d, ans, a, b):
    return d * b


@defjvp(operator.mul, argnum=1)
def mul_jvp1(d, ans, a, b):
    return a * d


@defjvp(np.multiply)
def np_multiply_jvp0(d, ans, x1, x2):
    return d * x2


@defjvp(np.multiply, argnum=1)
def np_multiply_jvp1(d, ans, x1, x2):
    return x1 * d


@defjvp(operator.truediv)
def truediv_jvp0(d, ans, a, b):
    return np.divide(d, b)


@defjvp(operator.truediv, argnum=1)
def truediv_jvp1(d, ans, a, b):
    return np.divide(-d * ans, b)


@defjvp(np.divide)
def np_divide_jvp0(d, ans, x1, x2):
    return np.divide(d, x2)


@defjvp(np.divide, argnum=1)
def np_divide_jvp1(d, ans, x1, x2):
    return np.divide(-d * ans, x2)


@defjvp(operator.pow)
def power_jvp0(d, ans, a, b):
    return d * b * a ** np.where(b, b - 1, 1.0)


@defjvp(operator.pow, argnum=1)
def power_jvp1(d, ans, a, b):
    return d * ans * np.log(np.where(np.greater(a, 0), a, 1.0))


@defjvp(np.power)
def np_power_jvp0(d, ans, x1, x2):
    return d * x2 * x1 ** np.where(x2, x2 - 1, 1.0)


@defjvp(np.power, argnum=1)
def np_power_jvp1(d, ans, x1, x2):
    return d * ans * np.log(np.where(np.greater(x1, 0), x1, 1.0))


@defjvp(operator.matmul)
def matmul_jvp0(d, ans, a, b):
    return d @ b


@defjvp(operator.matmul, argnum=1)
def matmul_jvp1(d, ans, a, b):
    return a @ d


@defjvp(operator.neg)
def neg_jvp(d, ans, a):
    return -d


@defjvp(np.negative)
def np_negative_jvp(d, ans, x):
    return -d


@defjvp(operator.pos)
def pos_jvp(d, ans, a):
    return d


@defjvp(np.positive)
def np_positive_jvp(d, ans, x):
    return d


# --- Remainders ------------------------------------------------------------------

@defvjp(operator.mod, argnums=(0, 1))
def mod(g, ans, a, b):
    return rt.unbroadcast(g, a), rt.unbroadcast(-g * np.floor_divide(a, b), b)


@defjvp(operator.mod)
def mod_jvp0(d, ans, a, b):
    return rt.broadcast_like(d, ans)


@defjvp(operator.mod, argnum=1)
def mod_jvp1(d, ans, a, b):
    return rt.broadcast_like(-d * np.floor_divide(a, b), ans)


@defvjp(np.mod, argnums=(0, 1))  # np.remainder is np.mod
def np_mod(g, ans, x1, x2):
    return rt.unbroadcast(g, x1), rt.unbroadcast(-g * np.floor_divide(x1, x2), x2)


@defjvp(np.mod)
def np_mod_jvp0(d, ans, x1, x2):
    return rt.broadcast_like(d, ans)


@defjvp(np.mod, argnum=1)
def np_mod_jvp1(d, ans, x1, x2):
    return rt.broadcast_like(-d * np.floor_divide(x1, x2), ans)


@defvjp(np.fmod, argnums=(0, 1))
def fmod(g, ans, x1, x2):
    return rt.unbroadcast(g, x1), rt.unbroadcast(-g * np.trunc(x1 / x2), x2)


@defjvp(np.fmod)
def fmod_jvp0(d, ans, x1, x2):
    return rt.broadcast_like(d, ans)


@defjvp(np.fmod, argnum=1)
def fmod_jvp1(d, ans, x1, x2):
    return rt.broadcast_like(-d * np.trunc(x1 / x2), ans)
