"""VJP and JVP rules of the NumPy products and diagonal/triangle extractions.

Promises: ``matmul`` (and ``@``, registered in ``arithmetic``) handles 1-d,
2-d and batched operands with broadcasting; ``dot`` handles scalar·array and
1-d/2-d operands (where it agrees with ``matmul``). The case analysis on ranks
lives in ``rt.matmul_vjp_left``/``right`` and ``rt.dot_vjp_left``/``right``.
``tensordot``, ``inner`` and ``kron`` are einsum contractions and share one
runtime primitive, ``rt.contract`` (``einsum`` itself has its own table,
``einsum``), whose cotangents are the same contraction with the roles
exchanged. A bilinear product's JVP is the product with one operand replaced
by its tangent.

Those helpers are multilinear, so their own rules close the table under
differentiation: with ``L(g, a, b)`` the cotangent of ``a`` in ``<g, a @ b>``,
``<ct, L(g, a, b)> = <g, ct @ b>``, whose gradients are ``ct @ b`` (in ``g``)
and ``R(g, ct, b)`` (in ``b``); symmetrically for ``R``. ``trace``,
``diagonal``, ``diag``, ``triu``, ``tril`` and ``matrix_transpose`` are linear:
the JVP applies the function to the tangent, the VJP its adjoint.
"""
import numpy as np

from .. import runtime as rt
from .registry import defjvp, defvjp


@defvjp(np.matmul, argnums=(0, 1))
def matmul(g, ans, x1, x2):
    return rt.matmul_vjp_left(g, x1, x2), rt.matmul_vjp_right(g, x1, x2)


@defjvp(np.matmul)
def matmul_jvp0(d, ans, x1, x2):
    return np.matmul(d, x2)


@defjvp(np.matmul, argnum=1)
def matmul_jvp1(d, ans, x1, x2):
    return np.matmul(x1, d)


@defvjp(np.dot, argnums=(0, 1))
def dot(g, ans, a, b):
    return rt.dot_vjp_left(g, a, b), rt.dot_vjp_right(g, a, b)


@defjvp(np.dot)
def dot_jvp0(d, ans, a, b):
    return np.dot(d, b)


@defjvp(np.dot, argnum=1)
def dot_jvp1(d, ans, a, b):
    return np.dot(a, d)


@defvjp(np.vdot, argnums=(0, 1))  # real operands: the flattened dot product
def vdot(g, ans, a, b):
    return rt.reshape_as(g * np.ravel(b), a), rt.reshape_as(g * np.ravel(a), b)


@defjvp(np.vdot)
def vdot_jvp0(d, ans, a, b):
    return np.vdot(d, b)


@defjvp(np.vdot, argnum=1)
def vdot_jvp1(d, ans, a, b):
    return np.vdot(a, d)


@defvjp(np.outer, argnums=(0, 1))
def outer(g, ans, a, b):
    return rt.reshape_as(np.dot(g, np.ravel(b)), a), rt.reshape_as(np.dot(np.ravel(a), g), b)


@defjvp(np.outer)
def outer_jvp0(d, ans, a, b):
    return np.outer(d, b)


@defjvp(np.outer, argnum=1)
def outer_jvp1(d, ans, a, b):
    return np.outer(a, d)


@defvjp(np.inner, argnums=(0, 1))
def inner(g, ans, a, b):
    s = rt.inner_subscripts(a, b)
    return rt.contract(s[2], s[1], s[0], g, b, a), rt.contract(s[0], s[2], s[1], a, g, b)


@defjvp(np.inner)
def inner_jvp0(d, ans, a, b):
    return np.inner(d, b)


@defjvp(np.inner, argnum=1)
def inner_jvp1(d, ans, a, b):
    return np.inner(a, d)


@defvjp(np.tensordot, argnums=(0, 1))
def tensordot(g, ans, a, b, axes=2):
    s = rt.tensordot_subscripts(a, b, axes)
    return rt.contract(s[2], s[1], s[0], g, b, a), rt.contract(s[0], s[2], s[1], a, g, b)


@defjvp(np.tensordot)
def tensordot_jvp0(d, ans, a, b, axes=2):
    return np.tensordot(d, b, axes)


@defjvp(np.tensordot, argnum=1)
def tensordot_jvp1(d, ans, a, b, axes=2):
    return np.tensordot(a, d, axes)


@defvjp(np.kron, argnums=(0, 1))
def kron(g, ans, a, b):
    s = rt.kron_subscripts(a, b)
    gk = np.reshape(g, s[3])
    return rt.contract(s[2], s[1], s[0], gk, b, a), rt.contract(s[0], s[2], s[1], a, gk, b)


@defjvp(np.kron)
def kron_jvp0(d, ans, a, b):
    return np.kron(d, b)


@defjvp(np.kron, argnum=1)
def kron_jvp1(d, ans, a, b):
    return np.kron(a, d)


# --- Linear extractions ---------------------------------------------------------------

@defvjp(np.trace)
def trace(g, ans, a, offset=0, axis1=0, axis2=1):
    return rt.trace_vjp(g, a, offset, axis1, axis2)


@defjvp(np.trace)
def trace_jvp(d, ans, a, offset=0, axis1=0, axis2=1):
    return np.trace(d, offset, axis1, axis2)


@defvjp(np.diagonal)
def diagonal(g, ans, a, offset=0, axis1=0, axis2=1):
    return rt.diagonal_vjp(g, a, offset, axis1, axis2)


@defjvp(np.diagonal)
def diagonal_jvp(d, ans, a, offset=0, axis1=0, axis2=1):
    return np.diagonal(d, offset, axis1, axis2)


@defvjp(np.diag)
def diag(g, ans, v, k=0):
    return rt.diag_vjp(g, v, k)


@defjvp(np.diag)
def diag_jvp(d, ans, v, k=0):
    return np.diag(d, k)


@defvjp(np.triu)  # masking is self-adjoint
@defjvp(np.triu)
def triu(g, ans, m, k=0):
    return np.triu(g, k)


@defvjp(np.tril)
@defjvp(np.tril)
def tril(g, ans, m, k=0):
    return np.tril(g, k)


@defvjp(np.matrix_transpose)
@defjvp(np.matrix_transpose)
def matrix_transpose(g, ans, x):
    return np.matrix_transpose(g)


# --- Rules of the runtime helpers (multilinear) ------------------------------------------

@defvjp(rt.matmul_vjp_left, argnums=(0, 2))
def matmul_vjp_left(ct, out, g, a, b):
    return ct @ b, rt.matmul_vjp_right(g, ct, b)


@defjvp(rt.matmul_vjp_left)
def matmul_vjp_left_jvp0(d, out, g, a, b):
    return rt.matmul_vjp_left(d, a, b)


@defjvp(rt.matmul_vjp_left, argnum=2)
def matmul_vjp_left_jvp2(d, out, g, a, b):
    return rt.matmul_vjp_left(g, a, d)


@defvjp(rt.matmul_vjp_right, argnums=(0, 1))
def matmul_vjp_right(ct, out, g, a, b):
    return a @ ct, rt.matmul_vjp_left(g, a, ct)


@defjvp(rt.matmul_vjp_right)
def matmul_vjp_right_jvp0(d, out, g, a, b):
    return rt.matmul_vjp_right(d, a, b)


@defjvp(rt.matmul_vjp_right, argnum=1)
def matmul_vjp_right_jvp1(d, out, g, a, b):
    return rt.matmul_vjp_right(g, d, b)


@defvjp(rt.dot_vjp_left, argnums=(0, 2))
def dot_vjp_left(ct, out, g, a, b):
    return np.dot(ct, b), rt.dot_vjp_right(g, ct, b)


@defjvp(rt.dot_vjp_left)
def dot_vjp_left_jvp0(d, out, g, a, b):
    return rt.dot_vjp_left(d, a, b)


@defjvp(rt.dot_vjp_left, argnum=2)
def dot_vjp_left_jvp2(d, out, g, a, b):
    return rt.dot_vjp_left(g, a, d)


@defvjp(rt.dot_vjp_right, argnums=(0, 1))
def dot_vjp_right(ct, out, g, a, b):
    return np.dot(a, ct), rt.dot_vjp_left(g, a, ct)


@defjvp(rt.dot_vjp_right)
def dot_vjp_right_jvp0(d, out, g, a, b):
    return rt.dot_vjp_right(d, a, b)


@defjvp(rt.dot_vjp_right, argnum=1)
def dot_vjp_right_jvp1(d, out, g, a, b):
    return rt.dot_vjp_right(g, d, b)


@defvjp(rt.contract, argnums=(3, 4))
def contract(ct, out, sx, sy, st, x, y, t):
    return rt.contract(st, sy, sx, ct, y, x), rt.contract(sx, st, sy, x, ct, y)


@defjvp(rt.contract, argnum=3)
def contract_jvp3(d, out, sx, sy, st, x, y, t):
    return rt.contract(sx, sy, st, d, y, t)


@defjvp(rt.contract, argnum=4)
def contract_jvp4(d, out, sx, sy, st, x, y, t):
    return rt.contract(sx, sy, st, x, d, t)


@defvjp(rt.trace_vjp)
def trace_vjp(ct, out, g, a, offset=0, axis1=0, axis2=1):
    return np.trace(ct, offset, axis1, axis2)


@defjvp(rt.trace_vjp)
def trace_vjp_jvp(d, out, g, a, offset=0, axis1=0, axis2=1):
    return rt.trace_vjp(d, a, offset, axis1, axis2)


@defvjp(rt.diagonal_vjp)
def diagonal_vjp(ct, out, g, a, offset=0, axis1=0, axis2=1):
    return np.diagonal(ct, offset, axis1, axis2)


@defjvp(rt.diagonal_vjp)
def diagonal_vjp_jvp(d, out, g, a, offset=0, axis1=0, axis2=1):
    return rt.diagonal_vjp(d, a, offset, axis1, axis2)


@defvjp(rt.diag_vjp)
def diag_vjp(ct, out, g, v, k=0):
    return np.diag(ct, k)


@defjvp(rt.diag_vjp)
def diag_vjp_jvp(d, out, g, v, k=0):
    return rt.diag_vjp(d, v, k)
