"""``rt.unbroadcast`` of arrays for numba (``numba_ext``): the implementation for the
numbers of dimensions of the cotangent ``g`` and the primal ``x``, written out as loops
(numba has no ``sum`` over several axes with ``keepdims``) and compiled by numba.

Promise: the same values and dtype as ``rt.unbroadcast``: ``g`` itself when the shapes
agree, the sum of ``g`` over its leading axes and over the axes where ``x`` has size 1
(``g``'s dtype), ``g`` spread over ``x``'s shape when ``g`` has fewer dimensions
(the dtype ``np.result_type(g, 0.0)``), a scalar for a 0-d ``x``.
"""
from __future__ import annotations

import numpy as np
from numba import types

_MADE: dict = {}


def sum_to_impl(g, x):
    """An implementation of ``unbroadcast(g, x)`` for numba types ``g`` and array ``x``."""
    gnd = g.ndim if isinstance(g, types.Array) else 0
    gt = g.dtype if isinstance(g, types.Array) else g
    spread_dtype = np.result_type(np.dtype(str(gt)) if isinstance(
        gt, (types.Float, types.Complex, types.Integer)) else np.float64, 0.0)
    key = (gnd, x.ndim, spread_dtype)
    if key not in _MADE:
        _MADE[key] = _make(gnd, x.ndim, spread_dtype)
    return _MADE[key]


def _make(gnd, xnd, spread_dtype):
    if xnd == 0:
        def whole(g, x):
            return np.sum(g)
        return whole
    if gnd < xnd:
        def spread(g, x):
            out = np.empty(x.shape, dtype=spread_dtype)
            out[...] = g
            return out
        return spread
    lead = gnd - xnd
    idx = ", ".join(f"i{lead + k} if xs[{k}] != 1 else 0" for k in range(xnd))
    loops = "".join("    " * (k + 1) + f"for i{k} in range(g.shape[{k}]):\n" for k in range(gnd))
    every = ", ".join(f"i{k}" for k in range(gnd))
    same = "    if g.shape == x.shape:\n        return g\n" if lead == 0 else ""
    src = (f"def summed(g, x):\n{same}    xs = x.shape\n"
           "    out = np.zeros(xs, dtype=g.dtype)\n" + loops +
           "    " * (gnd + 1) + f"out[{idx}] += g[{every}]\n    return out\n")
    ns = {"np": np}
    exec(compile(src, f"<unbroadcast {gnd}-d to {xnd}-d>", "exec"), ns)  # noqa: S102
    return ns["summed"]
