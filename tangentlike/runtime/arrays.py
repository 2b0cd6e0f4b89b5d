"""Runtime helpers for the shape, indexing and reduction rules (re-exported as ``rt.*``).

Promises: each helper is a plain function of NumPy values; a helper named
``*_vjp`` is linear in its first argument ``g`` (the cotangent) and returns a
fresh array with the shape of the primal it is named after (a Python float for a
Python number); its adjoint is the primal function itself, which is what its own
rule says (``tangentlike.rules``). ``broadcast_like`` and ``reshape_as`` are the
forward-mode counterparts of ``unbroadcast``. The rest (``repeat_index``,
``clip_share``, ``dtype_passes``, ``norm_p``, ``norm_share``) compute masks,
indices and exponents from primal values and are registered as non-differentiable.
"""
from __future__ import annotations

import numpy as np

from tangentlike.errors import TangentlikeError

from . import _axes, _is_py_scalar, extremum_share, float_dtype, is_foreign, sum_vjp
from .joins import _pieces


def _like(out, x):
    """``out`` as the cotangent of ``x``: a Python float for a Python number."""
    if _is_py_scalar(x):
        v = np.reshape(out, ())[()]
        return complex(v) if isinstance(x, complex) else float(np.real(v))
    return out


def _zeros(x, g):
    gt = g if _is_py_scalar(g) else np.asarray(g).dtype
    return np.zeros(np.shape(x), dtype=np.result_type(float_dtype(x), gt))


def broadcast_like(t, ans):
    """The tangent ``t`` spread to the shape of ``ans`` (undoes nothing: it broadcasts).

    ``t`` itself when the shapes agree; a fresh writable array otherwise; a Python
    float when ``ans`` is a Python number."""
    if type(t) is np.ndarray and type(ans) is np.ndarray and t.shape == ans.shape:
        return t
    if _is_py_scalar(ans):
        return t if type(t) is float else _like(t, ans)
    shape = np.shape(ans)
    if np.shape(t) == shape:
        return t
    return np.array(np.broadcast_to(t, shape))


def reshape_as(g, x):
    """``g`` reshaped to the shape of ``x`` (a Python float for a Python number)."""
    return _like(np.reshape(g, np.shape(x)), x)


def flatten(x, order="C"):
    """``x.flatten(order)``: a 1-d copy (``np.ravel`` may return a view)."""
    return np.array(np.ravel(x, order=order))


def astype(x, dtype):
    """``x.astype(dtype)`` for arrays and NumPy scalars."""
    out = np.asarray(x).astype(dtype)
    return out if isinstance(x, np.ndarray) else out[()]


def dtype_passes(dtype):
    """1.0 if converting to ``dtype`` keeps a derivative (an inexact type), else 0.0."""
    return 1.0 if np.issubdtype(np.dtype(dtype), np.inexact) else 0.0


# --- Cumulative sums, tiles, repeats, takes -----------------------------------

def cumsum_vjp(g, x, axis=None):
    """Cotangent of ``x`` for ``np.cumsum(x, axis)``: the reversed cumulative sum of ``g``."""
    if axis is None:
        out = np.flip(np.cumsum(np.flip(np.ravel(g))))
        return _like(np.reshape(out, np.shape(x)), x)
    return np.flip(np.cumsum(np.flip(g, axis), axis), axis)


def tile_vjp(g, A, reps):
    """Cotangent of ``A`` for ``np.tile(A, reps)``: the tiles of ``g`` summed."""
    shape = np.shape(A)
    reps = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    nd = max(len(shape), len(reps))
    full = (1,) * (nd - len(shape)) + tuple(shape)
    reps = (1,) * (nd - len(reps)) + reps
    split = [n for pair in zip(reps, full) for n in pair]
    out = np.sum(np.reshape(g, split), axis=tuple(range(0, 2 * nd, 2)))
    return _like(np.reshape(out, shape), A)


def repeat_index(a, repeats, axis=None):
    """Indices ``i`` with ``np.repeat(a, repeats, axis) == np.take(a, i, axis)``."""
    n = np.size(a) if axis is None else np.shape(a)[axis]
    return np.repeat(np.arange(n), repeats)


def take_vjp(g, a, indices, axis=None):
    """Cotangent of ``a`` for ``np.take(a, indices, axis)``: ``g`` added at the indices."""
    out = _zeros(a, g)
    if axis is None:
        np.add.at(out.reshape(-1), indices, g)
    else:
        np.add.at(out, (slice(None),) * (axis % out.ndim) + (indices,), g)
    return _like(out, a)


def _along_axis_index(shape, indices, axis):
    """The fancy index of ``np.take_along_axis(x, indices, axis)`` for ``x`` of ``shape``."""
    nd = len(shape)
    idx = []
    for i, n in enumerate(shape):
        if i == axis % nd:
            idx.append(indices)
        else:
            idx.append(np.arange(n).reshape((1,) * i + (n,) + (1,) * (nd - i - 1)))
    return tuple(idx)


def take_along_axis_vjp(g, arr, indices, axis=-1):
    """Cotangent of ``arr`` for ``np.take_along_axis(arr, indices, axis)`` (repeats add)."""
    out = _zeros(arr, g)
    if axis is None:
        np.add.at(out.reshape(-1), indices, g)
    else:
        np.add.at(out, _along_axis_index(out.shape, indices, axis), g)
    return out


_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def pad_vjp(g, array, pad_width, mode="constant"):
    """Cotangent of ``array`` for ``np.pad(array, pad_width, mode)``: each padded entry's
    cotangent goes back to the entry it copies (none for a constant)."""
    if mode not in _PAD_MODES:
        raise TangentlikeError(f"no derivative for np.pad with mode={mode!r}; supported: "
                               + ", ".join(_PAD_MODES))
    size = np.size(array)
    src = np.arange(size).reshape(np.shape(array))
    kw = {"constant_values": -1} if mode == "constant" else {}
    idx = np.pad(src, pad_width, mode=mode, **kw)
    keep = idx >= 0
    out = np.bincount(idx[keep], weights=np.asarray(g)[keep], minlength=size)
    return _like(out.reshape(np.shape(array)), array)


def vstack_vjp(g, tup):
    """Cotangents of the pieces of ``np.vstack(tup)``, in ``tup``'s container type."""
    ends = np.cumsum([np.shape(np.atleast_2d(t))[0] for t in tup])[:-1]
    return _pieces([np.reshape(p, np.shape(t)) for p, t in zip(np.split(g, ends), tup)], tup)


def hstack_vjp(g, tup):
    """Cotangents of the pieces of ``np.hstack(tup)``, in ``tup``'s container type."""
    axis = 0 if np.ndim(np.atleast_1d(tup[0])) == 1 else 1
    ends = np.cumsum([np.shape(np.atleast_1d(t))[axis] for t in tup])[:-1]
    pieces = np.split(g, ends, axis=axis)
    return _pieces([np.reshape(p, np.shape(t)) for p, t in zip(pieces, tup)], tup)


# --- Diagonals ------------------------------------------------------------------

def diagonal_vjp(g, a, offset=0, axis1=0, axis2=1):
    """Cotangent of ``a`` for ``np.diagonal(a, offset, axis1, axis2)``: ``g`` on that
    diagonal of zeros."""
    out = _zeros(a, g)
    view = np.moveaxis(out, (axis1, axis2), (-2, -1))
    k = np.shape(g)[-1]
    i = np.arange(k)
    view[..., i + max(-offset, 0), i + max(offset, 0)] = g
    return out


def trace_vjp(g, a, offset=0, axis1=0, axis2=1):
    """Cotangent of ``a`` for ``np.trace(a, offset, axis1, axis2)``."""
    k = np.shape(np.diagonal(a, offset, axis1, axis2))[-1]
    gd = np.broadcast_to(np.expand_dims(g, -1), np.shape(g) + (k,))
    return diagonal_vjp(gd, a, offset, axis1, axis2)


def diag_vjp(g, v, k=0):
    """Cotangent of ``v`` for ``np.diag(v, k)`` (extracting or building a diagonal)."""
    if np.ndim(v) == 1:
        return np.array(np.diagonal(g, k))
    return diagonal_vjp(g, v, k, 0, 1)


# --- Reductions -------------------------------------------------------------------

def prod_others(x, axis=None):
    """For each element of ``x``, the product of the other elements of its group in
    ``np.prod(x, axis)`` (exclusive prefix times suffix products: exact with zeros)."""
    xa = np.asarray(x, dtype=np.result_type(np.asarray(x).dtype, float))
    axes = _axes(axis, xa.ndim)
    rest = [i for i in range(xa.ndim) if i not in axes]
    t = np.transpose(xa, rest + list(axes))
    flat = t.reshape(t.shape[:len(rest)] + (-1,))
    ones = np.ones(flat.shape[:-1] + (1,), dtype=flat.dtype)
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], -1), -1)
    right = np.flip(np.cumprod(np.concatenate([ones, np.flip(flat, -1)[..., :-1]], -1), -1), -1)
    out = np.transpose((left * right).reshape(t.shape), np.argsort(rest + list(axes)))
    return _like(out, x)


def clip_share(a, a_min=None, a_max=None, min=None, max=None):  # noqa: A002 - numpy's names
    """Masks ``(inside, below, above)`` of ``np.clip``: where the result is ``a``
    (bounds included), the lower bound, the upper bound."""
    lo = a_min if a_min is not None else min
    hi = a_max if a_max is not None else max
    below = np.less(a, lo) if lo is not None else np.zeros(np.shape(a), bool)
    raised = np.maximum(a, lo) if lo is not None else a
    above = np.greater(raised, hi) if hi is not None else np.zeros(np.shape(a), bool)
    below = np.logical_and(below, np.logical_not(above))  # np.clip applies the upper bound last
    shape = np.broadcast_shapes(*(np.shape(v) for v in (a, lo, hi) if v is not None))
    inside = np.logical_not(np.logical_or(below, above))
    return tuple(np.broadcast_to(m, shape).astype(float) for m in (inside, below, above))


_MATRIX_ORDS = (None, "fro")


def _matrix_norm(x, axis):
    return (axis is None and np.ndim(x) == 2) or (isinstance(axis, tuple) and len(axis) == 2)


def norm_p(ord, x, axis=None):  # noqa: A002 - numpy's name
    """The exponent ``p`` of ``np.linalg.norm(x, ord, axis)`` as a p-norm (2 for None and
    'fro'; 1 for the max/min norms, whose weights come from ``norm_share``)."""
    if _matrix_norm(x, axis) and ord not in _MATRIX_ORDS:
        raise TangentlikeError(f"no derivative for the matrix norm np.linalg.norm(ord={ord!r}); "
                               "supported: ord=None or 'fro' for matrices, any ord for vectors")
    if ord is None or ord == "fro":
        return 2.0
    if np.isinf(ord) or ord == 0:
        return 1.0
    return float(ord)


def norm_share(x, ans, ord=None, axis=None, keepdims=False):  # noqa: A002
    """1 for p-norms; for ord=±inf the share of each element of ``|x|`` in the max/min
    (ties split evenly); 0 for ord=0 (a count)."""
    if ord is None or isinstance(ord, str) or not np.isinf(ord):
        return 0.0 if ord == 0 else 1.0
    return extremum_share(ans, np.abs(x), axis, keepdims)


def sum_expand(g, x, axis=None, keepdims=False):
    """``g`` with the axes ``np.sum(x, axis, keepdims=keepdims)`` removed put back with
    size 1: times an array of ``x``'s shape it gives what ``sum_vjp(g, x, ...)`` times that
    array gives, and broadcasting does the spreading, with no array of copies of ``g``
    (``transforms/sum_views.py``)."""
    if _is_py_scalar(x) or is_foreign(g) or is_foreign(x):
        return sum_vjp(g, x, axis, keepdims)
    if not keepdims and axis is not None:
        return np.expand_dims(g, _axes(axis, np.ndim(x)))
    return g


def item(x):
    """``x.item()``: the Python number in a size-1 array (or a NumPy scalar)."""
    return np.asarray(x).item()


def _int_fancy(idx) -> bool:
    """Advanced indexing by integers (positions may repeat; a boolean mask never does)."""
    parts = idx if isinstance(idx, tuple) else (idx,)
    return any(isinstance(i, (list, np.ndarray)) and np.asarray(i).dtype != bool for i in parts)


def keep_assigned(v, x, idx):
    """``v`` (shaped like ``x[idx]``) with zeros where ``x[idx] = ...`` is overwritten by a
    later position of the same element (``x[[0, 0]] = a``: ``a[1]`` is what stays): the
    positions NumPy's own assignment keeps, found by assigning position numbers."""
    if not (isinstance(x, np.ndarray) and _int_fancy(idx)):
        return v
    if not isinstance(idx, tuple) and x.ndim:  # one index array: repeats are cheap to rule out
        pos = np.asarray(idx).ravel()
        if np.unique(np.where(pos < 0, pos + x.shape[0], pos)).size == pos.size:
            return v
    where = np.full(np.shape(x), -1, dtype=np.intp)
    ids = np.arange(where[idx].size).reshape(where[idx].shape)
    where[idx] = ids
    keep = where[idx] == ids
    return v if keep.all() else np.where(keep, v, 0.0).astype(np.result_type(v), copy=False)
