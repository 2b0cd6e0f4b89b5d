"""numba versions of the reduction, product and extremum helpers of generated code, and
of ``np.sum``/``np.mean`` over one axis with ``keepdims`` (numba's own have no
``keepdims``; its ``mean`` no ``axis``): part of ``numba_ext``, under the same promise.
A ``keepdims`` numba has not given as a literal is not guessed: the implementation is
chosen once numba gives its value."""
from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload

from . import count, inverse_axes, sum_axes
from .extrema import extremum_share, tie_split
from .products import matmul_vjp_left, matmul_vjp_right
from .numba_types import dtype_of as _dtype, float_of as _float_of, flag, is_scalar as _is_scalar


@overload(tie_split)
def _tie_split(a, b):
    if _is_scalar(a) and _is_scalar(b):
        return lambda a, b: 1.0 if a > b else (0.5 if a == b else 0.0)
    if isinstance(a, types.Array) or isinstance(b, types.Array):
        dt = np.result_type(_dtype(a), _dtype(b), 0.0)

        def impl(a, b):
            return np.where(a > b, 1.0, np.where(a == b, 0.5, 0.0)).astype(dt)
        return impl
    return None


@overload(extremum_share)
def _extremum_share(ans, x, axis=None, keepdims=False):
    whole = axis is None or isinstance(axis, (types.NoneType, types.Omitted))
    if whole and isinstance(x, types.Array):
        dt = _float_of(x.dtype)

        def impl(ans, x, axis=None, keepdims=False):
            share = (x == ans).astype(dt)
            return share / np.sum(share)
        return impl
    keep = flag(keepdims)
    if isinstance(axis, types.Integer) and isinstance(x, types.Array) and x.ndim == 2 and \
            isinstance(ans, types.Array) and keep is not None:
        dt = _float_of(x.dtype)

        def along(ans, x, axis=None, keepdims=False):
            ax = axis % 2
            a = ans if keep else np.expand_dims(ans, ax)
            hit = (x == a).astype(dt)
            return hit / np.expand_dims(np.sum(hit, axis=ax), ax)
        return along
    return None


def _matmul_vjp(left):
    def typer(g, a, b):
        if not (isinstance(a, types.Array) and isinstance(b, types.Array)) or \
                a.ndim > 2 or b.ndim > 2:
            return None
        nds = (a.ndim, b.ndim)
        if nds == (1, 1):
            return (lambda g, a, b: g * b) if left else (lambda g, a, b: g * a)
        if left:
            return {(2, 1): lambda g, a, b: np.outer(g, b), (1, 2): lambda g, a, b: b @ g,
                    (2, 2): lambda g, a, b: g @ np.ascontiguousarray(b.T)}[nds]
        return {(2, 1): lambda g, a, b: np.ascontiguousarray(a.T) @ g,
                (1, 2): lambda g, a, b: np.outer(a, g),
                (2, 2): lambda g, a, b: np.ascontiguousarray(a.T) @ g}[nds]
    return typer


overload(matmul_vjp_left)(_matmul_vjp(True))
overload(matmul_vjp_right)(_matmul_vjp(False))


def _reduce(mean):
    """``np.sum``/``np.mean`` (and ``rt.sum_axes``) over one axis, with ``keepdims``:
    numba's own have no ``keepdims`` (and its ``mean`` no ``axis``)."""
    def typer(a, axis=None, keepdims=False):
        keep = flag(keepdims)
        if keep is None or not isinstance(a, types.Array):
            return None
        if axis is None or isinstance(axis, (types.NoneType, types.Omitted)):
            if keep:
                return None
            return (lambda a, axis=None, keepdims=False: np.sum(a) / a.size) if mean else \
                (lambda a, axis=None, keepdims=False: np.sum(a))
        if not isinstance(axis, types.Integer):
            return None
        if mean and keep:
            return lambda a, axis=None, keepdims=False: np.expand_dims(
                np.sum(a, axis=axis) / a.shape[axis], axis)
        if mean:
            return lambda a, axis=None, keepdims=False: np.sum(a, axis=axis) / a.shape[axis]
        if keep:
            return lambda a, axis=None, keepdims=False: np.expand_dims(
                np.sum(a, axis=axis), axis)
        return lambda a, axis=None, keepdims=False: np.sum(a, axis=axis)
    return typer


overload(sum_axes)(_reduce(False))
overload(np.mean)(_reduce(True))


@overload(np.sum)
def _sum_keepdims(a, axis=None, keepdims=False):
    if flag(keepdims) and isinstance(a, types.Array) and isinstance(axis, types.Integer):
        return lambda a, axis=None, keepdims=False: np.expand_dims(np.sum(a, axis=axis), axis)
    return None


@overload(inverse_axes)
def _inverse_axes(axes, x):
    if isinstance(axes, types.NoneType):
        return lambda axes, x: None
    if isinstance(axes, types.UniTuple) and isinstance(axes.dtype, types.Integer):
        n = len(axes)
        body = ", ".join(f"int(inv[{i}])" for i in range(n)) + ("," if n == 1 else "")
        src = (f"def impl(axes, x):\n    nd = x.ndim if {n} else 0\n"
               "    inv = np.argsort(np.array([a % nd for a in axes]))\n"
               f"    return ({body})\n")
        ns = {"np": np}
        exec(compile(src, "<numba_ext inverse_axes>", "exec"), ns)  # noqa: S102
        return ns["impl"]
    return None


@overload(count)
def _count(x, axis=None):
    if not isinstance(x, types.Array):
        return lambda x, axis=None: 1
    if axis is None or isinstance(axis, (types.NoneType, types.Omitted)):
        return lambda x, axis=None: x.size
    if isinstance(axis, types.Integer):
        return lambda x, axis=None: x.shape[axis % x.ndim]
    return None


def _extreme(largest):
    """``np.max``/``np.min`` of a 2-d array over one axis (numba's have no ``axis``)."""
    def typer(a, axis=None, out=None, keepdims=False, initial=None, where=True):
        keep = flag(keepdims)
        if not (isinstance(a, types.Array) and a.ndim == 2 and isinstance(axis, types.Integer)
                and keep is not None):
            return None

        def impl(a, axis=None, out=None, keepdims=False, initial=None, where=True):
            ax = axis % 2
            n, m = (a.shape[1], a.shape[0]) if ax == 0 else (a.shape[0], a.shape[1])
            res = np.empty(n, dtype=a.dtype)
            for i in range(n):
                best = a[0, i] if ax == 0 else a[i, 0]
                for j in range(1, m):
                    v = a[j, i] if ax == 0 else a[i, j]
                    if (v > best if largest else v < best) or np.isnan(v):
                        best = v
                    if np.isnan(best):
                        break
                res[i] = best
            return np.expand_dims(res, ax) if keep else res
        return impl
    return typer


for _fn in (np.max, np.amax):
    overload(_fn)(_extreme(True))
for _fn in (np.min, np.amin):
    overload(_fn)(_extreme(False))
