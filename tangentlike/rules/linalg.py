"""VJP rules of the NumPy products ``dot`` and ``matmul``.

Promises: ``matmul`` (and ``@``, registered in ``arithmetic``) handles 1-d,
2-d and batched operands with broadcasting; ``dot`` handles scalar·array and
1-d/2-d operands (where it agrees with ``matmul``). The case analysis on ranks
lives in ``rt.matmul_vjp_left``/``right`` and ``rt.dot_vjp_left``/``right``.

Those helpers are bilinear, so their own rules close the table under
differentiation: with ``L(g, a, b)`` the cotangent of ``a`` in ``<g, a @ b>``,
``<ct, L(g, a, b)> = <g, ct @ b>``, whose gradients are ``ct @ b`` (in ``g``)
and ``R(g, ct, b)`` (in ``b``); symmetrically for ``R``.
"""
import numpy as np

from .. import runtime as rt
from .registry import defvjp


@defvjp(np.matmul, argnums=(0, 1))
def matmul(g, ans, x1, x2):
    return rt.matmul_vjp_left(g, x1, x2), rt.matmul_vjp_right(g, x1, x2)


@defvjp(np.dot, argnums=(0, 1))
def dot(g, ans, a, b):
    return rt.dot_vjp_left(g, a, b), rt.dot_vjp_right(g, a, b)


@defvjp(rt.matmul_vjp_left, argnums=(0, 2))
def matmul_vjp_left(ct, out, g, a, b):
    return ct @ b, rt.matmul_vjp_right(g, ct, b)


@defvjp(rt.matmul_vjp_right, argnums=(0, 1))
def matmul_vjp_right(ct, out, g, a, b):
    return a @ ct, rt.matmul_vjp_left(g, a, ct)


@defvjp(rt.dot_vjp_left, argnums=(0, 2))
def dot_vjp_left(ct, out, g, a, b):
    return np.dot(ct, b), rt.dot_vjp_right(g, ct, b)


@defvjp(rt.dot_vjp_right, argnums=(0, 1))
def dot_vjp_right(ct, out, g, a, b):
    return np.dot(a, ct), rt.dot_vjp_left(g, a, ct)
