"""Cotangents of the pieces of ``np.concatenate`` and ``np.stack`` (re-exported as
``rt.*``), and ``_pieces``, which types each piece's cotangent like its primal (an array
piece gets a fresh array, a number a number) in the primal's container type."""
from __future__ import annotations

import numpy as np

from . import _rebuild, as_float_grad  # defined before this module is imported


def concatenate_vjp(g, arrays, axis=0):
    """Cotangents of the pieces of ``np.concatenate(arrays, axis)``, in ``arrays``' container type."""
    if axis is None:
        flat, start, pieces = np.reshape(g, (-1,)), 0, []
        for a in arrays:
            n = np.size(a)
            pieces.append(np.reshape(flat[start:start + n], np.shape(a)))
            start += n
        return _pieces(pieces, arrays)
    if axis == 0 and type(g) is np.ndarray and type(arrays) is tuple:  # issue 20: LSTM
        out, start = [], 0
        for a in arrays:
            if type(a) is not np.ndarray or not a.ndim:
                break
            n = a.shape[0]
            out.append(g[start:start + n].copy())
            start += n
        else:
            return tuple(out)
    ax = axis % np.ndim(arrays[0])
    lead, start, pieces = (slice(None),) * ax, 0, []
    for a in arrays:
        n = np.shape(a)[ax]
        pieces.append(g[lead + (slice(start, start + n),)])  # a view: _pieces copies it
        start += n
    return _pieces(pieces, arrays)


def stack_vjp(g, arrays, axis=0):
    """Cotangents of the pieces of ``np.stack(arrays, axis)``, in ``arrays``' container type."""
    lead = (slice(None),) * (axis % np.ndim(g))
    return _pieces([g[lead + (i,)] for i in range(len(arrays))], arrays)  # views, copied once


def _pieces(pieces, arrays):
    """Fresh per-piece cotangents typed like the elements of ``arrays``, in its container type."""
    out = [p.copy() if isinstance(a, np.ndarray) else as_float_grad(p, a)
           for p, a in zip(pieces, arrays)]
    if isinstance(arrays, np.ndarray):
        return np.stack(out)
    return _rebuild(arrays, out)

def axis_concat(which, items):
    """``np.r_[items]`` or ``np.c_[items]`` (``which`` is ``"r"`` or ``"c"``)."""
    return _MAKERS[which][tuple(items)]
