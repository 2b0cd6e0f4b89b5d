"""Cotangent helpers of max, min, maximum and minimum: ties share the cotangent evenly
(autograd's convention); arrays of other libraries stay in their library."""
from __future__ import annotations

import numpy as np

from . import _axes, _expand, _is_py_scalar, sum_vjp  # defined before this module is imported
from .dtypes import float_dtype
from .namespace import is_foreign, namespace, xp_float_dtype


def extremum_share(ans, x, axis=None, keepdims=False):
    """Weight of each element of ``x`` in the max/min ``ans``: 1/#ties where it attains it, else 0."""
    if axis is None and type(x) is np.ndarray:  # the common case, without the generality
        hit = x == ans
        n = np.count_nonzero(hit)
        share = hit.astype(float_dtype(x))
        return share if n == 1 else share / n
    if is_foreign(x):
        return _extremum_share_xp(ans, x, axis, keepdims)
    xa = np.asarray(x)
    a = np.asarray(ans)
    if not keepdims and axis is not None:
        a = np.expand_dims(a, _axes(axis, xa.ndim))
    hit = np.equal(xa, a)
    share = hit.astype(float_dtype(xa)) / np.sum(hit, axis=axis, keepdims=True).astype(
        float_dtype(xa))
    return float(share) if _is_py_scalar(x) else share


def _extremum_share_xp(ans, x, axis, keepdims):
    """``extremum_share`` of an array of another library, in that library."""
    xp = namespace(x)
    if not keepdims and axis is not None:
        ans = _expand(ans, _axes(axis, x.ndim))
    hit = xp.astype(x == ans, xp_float_dtype(xp, x))
    return hit / xp.sum(hit, axis=axis, keepdims=True)


def max_vjp(g, ans, x, axis=None, keepdims=False):
    """Cotangent of ``x`` for ``ans = np.max(x, axis, keepdims)``; ties share ``g`` evenly (autograd)."""
    return sum_vjp(g, x, axis, keepdims) * extremum_share(ans, x, axis, keepdims)


def tie_split(a, b):
    """Share of ``a`` in ``np.maximum(a, b)``: 1 where a > b, 0.5 where a == b, 0 where a < b."""
    if is_foreign(a) or is_foreign(b):
        xp = namespace(a, b)
        dt = xp_float_dtype(xp, a if is_foreign(a) else b)
        return xp.astype(a > b, dt) + 0.5 * xp.astype(a == b, dt)
    share = np.where(np.greater(a, b), 1.0, np.where(np.equal(a, b), 0.5, 0.0))
    dtype = np.result_type(a, b, 0.0)  # float32 operands: a float32 share (NEP 50)
    return share if dtype == share.dtype or dtype.kind != "f" else share.astype(dtype)
