"""numba versions of the runtime helpers that generated code calls (``backend="numba"``).

Promise. Importing this module (a numba module's generated code does) registers, with
``numba.extending.overload``, an implementation of each ``rt.*`` helper below for the
types numba code gives it: Python and NumPy scalars, NumPy arrays, ``None``, ranges
and lists. Each computes what the NumPy helper computes for those types (the same
values, the same dtypes; they are tested against it), chosen when numba types the call;
a helper called with types it has no implementation for is a numba typing error, which
the back end reports at the user's line (``backend.numba_jit``). Also a range sliced
(``rng[::-1]``, ``rng[:n]``: the adjoint of a loop) is a range. Only ``numpy`` and
``numba`` are imported, besides the helpers themselves.
"""
from __future__ import annotations

import operator

import numpy as np
from numba import types
from numba.extending import overload

from . import add, add_at, check_scalar, copy, stop_gradient, sum_vjp, unbroadcast, zeros_like
from .dtypes import dtype_like, scalar_like
from .numba_shapes import sum_to_impl
from .numba_types import SCALAR as _SCALAR, dtype_of as _dtype, float_of as _float_of, flag, \
    is_scalar as _is_scalar

@overload(operator.getitem)
def _range_getitem(r, s):
    if isinstance(r, types.RangeType) and isinstance(s, types.SliceType):
        def impl(r, s):
            start, stop, step = s.indices(len(r))
            return range(r.start + start * r.step, r.start + stop * r.step, r.step * step)
        return impl
    return None


@overload(zeros_like)
def _zeros_like(x):
    if isinstance(x, types.Array):
        dt = _float_of(x.dtype)

        def impl(x):
            return np.zeros(x.shape, dtype=dt)
        return impl
    if isinstance(x, types.Optional) and _is_scalar(x.type):  # None (UNBOUND) or a number
        return lambda x: 0.0
    if isinstance(x, types.Float) and x.bitwidth != 64:
        return lambda x: x - x
    if isinstance(x, types.Complex):
        return lambda x: 0j
    if _is_scalar(x):
        return lambda x: 0.0
    if isinstance(x, types.NoneType):
        return lambda x: None
    if isinstance(x, types.RangeType):
        return lambda x: np.zeros(len(x))
    return None


@overload(unbroadcast)
def _unbroadcast(g, x):
    if _is_scalar(g) and _is_scalar(x):
        if isinstance(x, (types.Integer, types.Boolean)) or x == types.float64:
            return lambda g, x: float(g) if not isinstance(g, complex) else g
        return lambda g, x: g
    if isinstance(g, types.Array) and _is_scalar(x):
        return lambda g, x: np.sum(g)
    if isinstance(x, types.NoneType):
        return lambda g, x: g
    if isinstance(x, types.Array) and (isinstance(g, types.Array) or _is_scalar(g)):
        return sum_to_impl(g, x)
    return None


@overload(sum_vjp)
def _sum_vjp(g, x, axis=None, keepdims=False):
    if _is_scalar(x):
        return lambda g, x, axis=None, keepdims=False: g
    if not isinstance(x, types.Array):
        return None
    dt = np.result_type(_dtype(x), _dtype(g), 0.0)
    if axis is None or isinstance(axis, (types.NoneType, types.Omitted)):
        def whole(g, x, axis=None, keepdims=False):
            out = np.empty(x.shape, dtype=dt)
            out[...] = g
            return out
        return whole
    if isinstance(axis, types.Integer) and isinstance(g, types.Array) and \
            g.ndim == x.ndim and flag(keepdims):
        return lambda g, x, axis=None, keepdims=False: np.broadcast_to(g, x.shape).astype(dt)
    if isinstance(axis, types.Integer) and isinstance(g, types.Array) and \
            g.ndim == x.ndim - 1 and flag(keepdims) is False:
        def along(g, x, axis=None, keepdims=False):
            ax = axis % x.ndim
            return np.broadcast_to(np.expand_dims(g, ax), x.shape).astype(dt)
        return along
    return None


@overload(check_scalar)
def _check_scalar(y, fname):
    if _is_scalar(y):
        return lambda y, fname: y
    if isinstance(y, types.Array) and y.ndim == 0:
        return lambda y, fname: y[()]
    return None


@overload(copy)
def _copy(x):
    if isinstance(x, (types.Array, types.List)):
        return lambda x: x.copy()
    if _is_scalar(x) or isinstance(x, (types.NoneType, types.BaseTuple)):
        return lambda x: x
    return None


@overload(stop_gradient)
def _stop_gradient(x):
    return lambda x: x


@overload(add)
def _add(a, b):
    if isinstance(a, types.NoneType):
        return lambda a, b: b
    if isinstance(b, types.NoneType):
        return lambda a, b: a
    if isinstance(a, (types.Array,) + _SCALAR) and isinstance(b, (types.Array,) + _SCALAR):
        return lambda a, b: a + b
    return None


@overload(add_at)
def _add_at(acc, idx, g):
    if isinstance(acc, types.NoneType):
        return lambda acc, idx, g: None
    if not isinstance(acc, types.Array):
        return None
    fancy = isinstance(idx, types.Array) and isinstance(idx.dtype, types.Integer) and \
        idx.ndim == 1 and acc.ndim == 1
    if fancy:  # repeated positions each receive their part (np.add.at)
        def scatter(acc, idx, g):
            gb = np.broadcast_to(np.asarray(g), idx.shape)
            for j in range(idx.shape[0]):
                acc[idx[j]] += gb[j]
            return acc
        return scatter
    if isinstance(idx, types.Array) or (isinstance(idx, types.BaseTuple) and any(
            isinstance(t, (types.Array, types.List)) for t in idx)):
        return None

    def basic(acc, idx, g):
        acc[idx] += g
        return acc
    return basic


@overload(dtype_like)
def _dtype_like(g, x):
    if isinstance(g, types.Array) and isinstance(x, types.Array) and g.dtype != x.dtype:
        same_kind = isinstance(g.dtype, types.Float) == isinstance(x.dtype, types.Float)
        if same_kind:
            dt = np.dtype(str(x.dtype))
            return lambda g, x: g.astype(dt)
    return lambda g, x: g


@overload(scalar_like)
def _scalar_like(g, x):
    if isinstance(x, types.Float) and x.bitwidth != 64:
        ctor = getattr(np, str(x))
        return lambda g, x: ctor(g)
    return lambda g, x: float(g)


from . import numba_containers, numba_reductions  # noqa: E402,F401 (their overloads)
