"""Runtime helpers for the matrix-product rules (re-exported as ``rt.*``): the
cotangents of ``a @ b`` and ``np.dot(a, b)`` with 1-d operands promoted as NumPy does.
Each is linear in ``g`` and returns the operand's shape (``unbroadcast`` sums what
broadcasting added)."""
from __future__ import annotations

import numpy as np

from tangentlike.errors import TangentlikeError

from . import unbroadcast


def matmul_vjp_left(g, a, b):
    """Cotangent of ``a`` for ``ans = a @ b`` (1-d operands promoted as ``np.matmul`` does)."""
    if np.ndim(b) == 1:
        if np.ndim(a) == 1:
            return g * b
        return unbroadcast(np.expand_dims(g, -1) * b, a)
    bt = np.swapaxes(b, -1, -2)
    if np.ndim(a) == 1:
        return unbroadcast((np.expand_dims(g, -2) @ bt)[..., 0, :], a)
    return unbroadcast(g @ bt, a)


def matmul_vjp_right(g, a, b):
    """Cotangent of ``b`` for ``ans = a @ b`` (1-d operands promoted as ``np.matmul`` does)."""
    if np.ndim(a) == 1:
        if np.ndim(b) == 1:
            return g * a
        return unbroadcast(np.expand_dims(a, -1) * np.expand_dims(g, -2), b)
    at = np.swapaxes(a, -1, -2)
    if np.ndim(b) == 1:
        return unbroadcast((at @ np.expand_dims(g, -1))[..., 0], b)
    return unbroadcast(at @ g, b)


def _dot_check(a, b):
    """Reject the N-d ``np.dot`` cases whose semantics differ from ``np.matmul``."""
    if np.ndim(a) >= 2 and np.ndim(b) >= 3:
        raise TangentlikeError(
            f"no derivative for np.dot of arrays with {np.ndim(a)} and {np.ndim(b)} "
            "dimensions (its semantics differ from np.matmul there); use np.matmul instead")


def dot_vjp_left(g, a, b):
    """Cotangent of ``a`` for ``ans = np.dot(a, b)`` (scalar, 1-d and 2-d operands)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(g * b, a)
    _dot_check(a, b)
    return matmul_vjp_left(g, a, b)


def dot_vjp_right(g, a, b):
    """Cotangent of ``b`` for ``ans = np.dot(a, b)`` (scalar, 1-d and 2-d operands)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(g * a, b)
    _dot_check(a, b)
    return matmul_vjp_right(g, a, b)
