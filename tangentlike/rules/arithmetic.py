"""VJP rules of the arithmetic operators and their NumPy ufunc twins.

Promises: for ``ans = f(a, b)`` with NumPy broadcasting, each rule returns the
cotangents of both operands, each summed back to its operand's shape by
``rt.unbroadcast`` (a Python float for a Python number). The ``operator``
functions take parameters ``a, b`` and the ufuncs ``x1, x2`` (their real
names); the bodies are the same.

``pow`` follows autograd's conventions (Maclaurin, Duvenaud & Adams, 2015):
the base's cotangent uses ``a ** where(b, b - 1, 1)`` so that ``b == 0`` gives
0 rather than ``0 * inf``; the exponent's cotangent ``g * ans * log(a)`` is
taken as 0 where ``a <= 0`` (there ``a ** b`` is not differentiable in ``b``
over the reals, and a nan would poison sums), by evaluating ``log`` at 1 there.
"""
import operator

import numpy as np

from .. import runtime as rt
from .registry import defvjp


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
    return rt.unbroadcast(g / b, a), rt.unbroadcast(-g * ans / b, b)


@defvjp(np.divide, argnums=(0, 1))  # np.true_divide is np.divide
def np_divide(g, ans, x1, x2):
    return rt.unbroadcast(g / x2, x1), rt.unbroadcast(-g * ans / x2, x2)


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
