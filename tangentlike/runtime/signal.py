"""Runtime helpers of the rules of ``np.diff``, ``np.convolve``/``np.correlate``,
``np.linspace``, ``np.select``, ``np.partition``, ``np.rollaxis``, ``np.std`` and
``math.log`` (re-exported as ``rt.*``).

Promises. ``diff_vjp`` is the adjoint of ``np.diff(·, n, axis)`` (the adjoint of a
first difference is minus the first difference of the zero-padded cotangent,
applied ``n`` times); ``conv_pad`` gives the zero padding that turns a
``'same'``/``'valid'`` cotangent back into a ``'full'`` one, at the offsets NumPy
crops at (for ``correlate`` they depend on which operand is longer, because NumPy
swaps them). ``select_vjp`` sends ``g`` to the choice each position took (the
first true condition); ``select_rest`` marks where none held. ``recip0`` is
``1/x`` with 0 where ``x`` is 0 (``std`` of a constant is constant). The index,
weight, mask and axis helpers carry no derivative.
"""
from __future__ import annotations

import numpy as np

from tangentlike.errors import TangentlikeError

from . import _rebuild, as_float_grad, unbroadcast


def log_of(base):
    """``log(base)`` for ``math.log(x, base)``; 1.0 without a base (natural log)."""
    return 1.0 if base is None else np.log(base)


def or_one(base):
    """``base``, or 1.0 for no base (``math.log(x)``)."""
    return 1.0 if base is None else base


def recip0(x):
    """``1 / x`` where ``x != 0`` and 0 where ``x == 0``."""
    zero = np.equal(x, 0)
    r = np.where(zero, 0.0, 1.0 / np.where(zero, 1.0, x))
    return r[()] if np.ndim(r) == 0 else r


def diff_vjp(g, a, n=1, axis=-1):
    """Cotangent of ``a`` for ``np.diff(a, n, axis)``."""
    for _ in range(n):
        g = -np.diff(g, axis=axis, prepend=0.0, append=0.0)
    return np.reshape(g, np.shape(a))


def conv_pad(a, v, mode="full", corr=False):
    """``((lo, hi),)``: the zero padding of a ``np.convolve(a, v, mode)`` result (or of
    ``np.correlate``'s, ``corr``) that gives the ``'full'`` result's length."""
    n, m = np.size(a), np.size(v)
    full = n + m - 1
    if mode == "full":
        return ((0, 0),)
    if mode == "valid":
        lo, size = min(n, m) - 1, max(n, m) - min(n, m) + 1
    elif mode == "same":
        size = max(n, m)
        lo = n - 1 - (n - 1) // 2 if corr and n < m else (min(n, m) - 1) // 2
    else:
        raise TangentlikeError(f"unknown convolution mode {mode!r}")
    return ((lo, full - size - lo),)


def linspace_weights(ans, num, endpoint=True, axis=0, retstep=False):
    """``w`` with ``np.linspace(start, stop, ...) = start + (stop - start) * w``, shaped to
    broadcast against ``ans`` (its samples along ``axis``)."""
    if retstep:
        raise TangentlikeError("no derivative for np.linspace(..., retstep=True): "
                               "compute the step as (stop - start) / (num - 1)")
    w = np.linspace(0.0, 1.0, num, endpoint=endpoint)
    shape = [1] * np.ndim(ans)
    shape[axis] = num
    return np.reshape(w, shape)


def _select_masks(condlist, shape):
    taken = np.zeros(shape, dtype=bool)
    masks = []
    for c in condlist:
        m = np.logical_and(np.broadcast_to(c, shape), np.logical_not(taken))
        taken = np.logical_or(taken, m)
        masks.append(m)
    return masks, taken


def select_vjp(g, condlist, choicelist):
    """Cotangents of the choices of ``np.select(condlist, choicelist, default)``."""
    masks, _ = _select_masks(condlist, np.shape(g))
    return _rebuild(choicelist, [unbroadcast(np.where(m, g, 0.0), x)
                                 for m, x in zip(masks, choicelist)])


def select_rest(condlist, ans):
    """1.0 where no condition of ``np.select`` holds (the default is taken), else 0.0."""
    _, taken = _select_masks(condlist, np.shape(ans))
    return np.where(taken, 0.0, 1.0)


def partition_index(a, ans, axis=-1):
    """``idx`` with ``ans = np.take_along_axis(a, idx, axis)`` for ``ans = np.partition(a,
    ...)``: the entries of equal rank in ``a`` and ``ans`` correspond."""
    if axis is None:
        a, ans, axis = np.ravel(a), np.ravel(ans), 0
    ia = np.argsort(a, axis=axis, kind="stable")
    ians = np.argsort(ans, axis=axis, kind="stable")
    idx = np.empty_like(ia)
    np.put_along_axis(idx, ians, ia, axis=axis)
    return idx


def rollaxis_dest(a, axis, start=0):
    """Where ``np.rollaxis(a, axis, start)`` puts ``axis`` (a ``np.moveaxis`` destination)."""
    n = np.ndim(a)
    axis, start = axis % n, start + n if start < 0 else start
    return start - 1 if axis < start else start


def angle_scale(deg=False):
    """The unit of ``np.angle(z, deg)``: degrees per radian, or 1."""
    return 180.0 / np.pi if deg else 1.0


def match_complex(g, x):
    """The cotangent ``g`` for the primal ``x``: its real part when ``x`` is real."""
    return as_float_grad(g if np.iscomplexobj(x) else np.real(g), x)


def _spacing_args(varargs):
    return () if varargs is None else (varargs,)


def gradient_of(f, varargs=None, axis=None, edge_order=1):
    """``np.gradient(f, varargs, axis=axis, edge_order=edge_order)``; no spacing: unit."""
    return np.gradient(f, *_spacing_args(varargs), axis=axis, edge_order=edge_order)


def _gradient_axes(f, axis):
    n = np.ndim(f)
    axes = range(n) if axis is None else ([axis] if np.ndim(axis) == 0 else axis)
    return [int(a) % n for a in axes]


def _gradient_adjoint(g, n, spacing, axis, edge_order):
    """``Gᵀ g`` along ``axis`` for the banded matrix ``G`` of ``np.gradient`` on ``n``
    points: row ``i`` touches only columns ``s_i .. s_i + 2``, so gradients of the
    three combs ``(j % 3 == r)`` read every entry of ``G`` exactly."""
    i = np.arange(n)
    start = np.clip(i - 1, 0, max(n - 3, 0))
    gm = np.moveaxis(np.asarray(g, dtype=float), axis, -1)
    out = np.zeros(gm.shape, dtype=gm.dtype)
    for r in range(3):
        w = np.gradient((i % 3 == r).astype(float), *spacing, edge_order=edge_order)
        j = start + (r - start) % 3
        ok = j < n
        np.add.at(out.T, j[ok], (gm[..., ok] * w[ok]).T)
    return np.moveaxis(out, -1, axis)


def gradient_vjp(g, f, varargs=None, axis=None, edge_order=1):
    """Cotangent of ``f`` for ``np.gradient(f, varargs, axis=..., edge_order=...)`` (``g``
    a tuple of per-axis cotangents when the gradient is one)."""
    axes = _gradient_axes(f, axis)
    gs = [g] if len(axes) == 1 else list(g)
    out = np.zeros(np.shape(f))
    for a, ga in zip(axes, gs):
        if ga is not None:
            out = out + _gradient_adjoint(ga, np.shape(f)[a], _spacing_args(varargs), a,
                                          edge_order)
    return out


def spacing(varargs=None):
    """The uniform spacing of ``np.gradient`` (1.0 for none); coordinates (an array) have
    no derivative here."""
    if varargs is None:
        return 1.0
    if np.ndim(varargs) != 0:
        raise TangentlikeError("no derivative of np.gradient with respect to its coordinates "
                               "(an array): pass them as a constant, or a uniform spacing")
    return varargs


def as_matrix(a):
    """``a`` itself if it is a matrix (2-d); the nuclear norm of anything else is an error."""
    if np.ndim(a) != 2:
        raise TangentlikeError(f"np.linalg.norm(..., 'nuc') of an array with {np.ndim(a)} "
                               "dimensions: it needs a matrix (or give axis=)")
    return a


def cross(a, b, axis=None):
    """``np.cross(a, b, axis=axis)``; two float64 3-vectors by the formula (``np.cross``
    moves axes around, ten times the cost of the product itself, in BA's Jacobians)."""
    if axis is None and type(a) is np.ndarray and type(b) is np.ndarray \
            and a.shape == (3,) == b.shape and a.dtype == np.float64 == b.dtype:
        a0, a1, a2 = a.tolist()
        b0, b1, b2 = b.tolist()
        return np.array([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0])
    return np.cross(a, b, axis=axis)
