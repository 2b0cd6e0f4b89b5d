"""Jacobians of Jacobians (``jacfwd(jacrev(f))``, ``jacrev(jacfwd(jacfwd(f)))``, ...).

Promise: ``nested_jacobian(levels, h, args)`` equals the Jacobian tower ``levels``
(outermost first, each with one ``wrt`` argument of ``h``, a float or an array) applied to
the plain function ``h``: the result has shape ``out.shape`` followed by the ``wrt``
arguments' shapes, innermost first (as JAX's). The innermost Jacobian is peeled off: its
column for each unit tangent ``e`` is the tangent output of ``h``'s generated JVP code,
``jvp_h(*args, e)[1]``, which is itself differentiated by the remaining levels (DESIGN §1,
closure); so each level costs its own mode's sweeps over the code of the level below.
"""
from __future__ import annotations

import numpy as np

from .api import _kind, function_for, normalize_wrt, signature_of
from .errors import ArgumentError
from .jacobian_sweeps import leaf_basis, prepare
from .pipeline import compile_derivative
from .pytrees import flatten, is_container, unflatten


def _one_wrt(level, h, vals):
    idx, single = normalize_wrt(h, level.wrt, list(signature_of(h).parameters))
    if not single or is_container(vals[idx[0]]):
        raise ArgumentError("nested Jacobians are taken with respect to one float or array "
                            "argument each (wrt=an index or a name)")
    return idx[0]


def _stack(parts, in_shape, outer_nd):
    """Per-leaf stack of ``parts`` (one per element of the peeled argument), its axes put
    after the output's axes and before the ``outer_nd`` axes of the outer levels."""
    cols = [flatten(p)[0] for p in parts]
    leaves = []
    for k in range(len(cols[0])):
        arrs = [np.asarray(c[k], dtype=float) for c in cols]
        pos = arrs[0].ndim - outer_nd
        S = np.stack(arrs, axis=pos)
        S = S.reshape(arrs[0].shape[:pos] + tuple(in_shape) + arrs[0].shape[pos:])
        leaves.append(float(S) if S.ndim == 0 else S)
    return unflatten(parts[0], leaves)


def nested_jacobian(levels, h, args):
    if len(levels) == 1:
        return levels[0].direct(h, args)
    vals, _, _ = prepare(h, levels[-1].wrt, args)
    i = _one_wrt(levels[-1], h, vals)
    outer_nd = sum(np.ndim(vals[_one_wrt(lv, h, vals)]) for lv in levels[:-1])
    mask = [j == i for j in range(len(vals))]
    jvp_h = compile_derivative(function_for(h, vals), mask, [_kind(v) for v in vals], "jvp").fn
    parts = [nested_jacobian(levels[:-1], jvp_h, vals + [e])[1] for e in leaf_basis(vals[i])]
    if not parts:
        raise ArgumentError(f"nested Jacobian with respect to an empty or non-float argument "
                            f"of {getattr(h, '__name__', h)}")
    return _stack(parts, np.shape(vals[i]), outer_nd)
