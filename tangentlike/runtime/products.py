"""Runtime helpers for the matrix-product rules (re-exported as ``rt.*``): the
cotangents of ``a @ b`` and ``np.dot(a, b)`` with 1-d operands promoted as NumPy does.
Each is linear in ``g`` and returns the operand's shape (``unbroadcast`` sums what
broadcasting added); they index and use ``@`` rather than NumPy functions, so foreign
arrays (Dask, the array API back end) stay in their library."""
from __future__ import annotations

import numpy as np

from tangentlike.errors import TangentlikeError

from . import unbroadcast
from .namespace import is_foreign, namespace


def _mT(x):
    """``x`` with its last two axes swapped, in its own library."""
    if type(x) is np.ndarray or not is_foreign(x):
        return np.swapaxes(x, -1, -2)
    return namespace(x).matrix_transpose(x)


def _expand(x, axis):
    """``np.expand_dims(x, axis)`` for ``axis`` -1 or -2, by indexing for foreign arrays."""
    if not is_foreign(x):
        return np.expand_dims(x, axis)
    return x[..., None] if axis == -1 else x[..., None, :]


def matmul_vjp_left(g, a, b):
    """Cotangent of ``a`` for ``ans = a @ b`` (1-d operands promoted as ``np.matmul`` does)."""
    if np.ndim(b) == 1:
        if np.ndim(a) == 1:
            return g * b
        return unbroadcast(_expand(g, -1) * b, a)
    bt = _mT(b)
    if np.ndim(a) == 1:
        return unbroadcast((_expand(g, -2) @ bt)[..., 0, :], a)
    return unbroadcast(g @ bt, a)


def matmul_vjp_right(g, a, b):
    """Cotangent of ``b`` for ``ans = a @ b`` (1-d operands promoted as ``np.matmul`` does)."""
    if np.ndim(a) == 1:
        if np.ndim(b) == 1:
            return g * a
        return unbroadcast(_expand(a, -1) * _expand(g, -2), b)
    if np.ndim(b) == 1 and np.ndim(a) == 2:
        return g @ a  # = a.T @ g without a transpose (which XLA would copy)
    at = _mT(a)
    if np.ndim(b) == 1:
        return unbroadcast((at @ _expand(g, -1))[..., 0], b)
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
