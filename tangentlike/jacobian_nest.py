"""Jacobians of Jacobians (``jacfwd(jacrev(f))``, ``jacrev(jacfwd(jacfwd(f)))``, ...).

Promise: ``nested_jacobian(levels, h, args)`` equals the Jacobian tower ``levels``
(outermost first, each with one ``wrt`` argument of ``h``: a float, an array or a
pytree of them) applied to the plain function ``h``, structured as JAX's: the output's
structure outside, then the innermost level's argument structure, ..., the outermost's
inside; a leaf block has shape ``out_leaf.shape`` followed by the argument leaves'
shapes in that order. The innermost Jacobian is peeled off: its column for each unit
tangent ``e`` is the tangent output of ``h``'s generated JVP code, ``jvp_h(*args, e)[1]``,
itself differentiated by the remaining levels (DESIGN §1, closure); so each level
costs its own mode's sweeps over the code of the level below. Internally a tower is
a dense array (output elements, then each level's argument elements), reshaped into
the structure at the end.
"""
from __future__ import annotations

import numpy as np

from .api import _kind, function_for, normalize_wrt, signature_of
from .errors import ArgumentError
from .jacobian_sweeps import differentiable, prepare
from .pipeline import compile_derivative
from .request import Request
from .pytrees import flatten, unflatten


def _one_wrt(level, h):
    idx, single = normalize_wrt(h, level.wrt, list(signature_of(h).parameters))
    if not single:
        raise ArgumentError("nested Jacobians are taken with respect to one argument each "
                            "(wrt=an index or a name, not a tuple)")
    return idx[0]


def _size(tree) -> int:
    return sum(int(np.size(v)) for v in flatten(tree)[0])


def _dense(jac, out, arg):
    """A one-level pytree Jacobian as a (output elements, argument elements) array."""
    blocks, outs, ins = flatten(jac)[0], flatten(out)[0], flatten(arg)[0]
    rows = [np.concatenate([np.zeros((int(np.size(o)), 0))] +
                           [np.reshape(np.asarray(blocks[k * len(ins) + m], dtype=float),
                                       (int(np.size(o)), int(np.size(a))))
                            for m, a in enumerate(ins)], axis=1) for k, o in enumerate(outs)]
    return np.concatenate([np.zeros((0, _size(arg)))] + rows, axis=0)


def _unit_tangents(x):
    """A unit tangent of ``x`` (a pytree) per element; None for a non-float leaf's."""
    leaves = flatten(x)[0]
    zero = [np.zeros(np.shape(v)) if np.ndim(v) else 0.0 for v in leaves]
    for m, leaf in enumerate(leaves):
        for k in range(int(np.size(leaf))):
            if not differentiable(leaf):
                yield None
                continue
            e = np.zeros(np.shape(leaf)) if np.ndim(leaf) else 1.0
            if np.ndim(leaf):
                e.flat[k] = 1.0
            yield unflatten(x, [e if j == m else z for j, z in enumerate(zero)])


def _tower(levels, h, args):
    """``(D, out, arg_structures)``: the tower as a dense array, ``h``'s output, and each
    level's argument (innermost first)."""
    if len(levels) == 1:
        lv = levels[0]
        jac, out = lv.direct(h, args, with_out=True)
        i = _one_wrt(lv, h)
        return _dense(jac, out, args[i]), out, [prepare(h, lv.wrt, args)[0][i]]
    vals, _, _ = prepare(h, levels[-1].wrt, args)
    i = _one_wrt(levels[-1], h)
    mask = [j == i for j in range(len(vals))]
    jvp_h = compile_derivative(Request(function_for(h, vals), mask, [_kind(v) for v in vals],
                                         "jvp")).fn
    cols, out, outer = [], None, None
    for e in _unit_tangents(vals[i]):
        if e is None:
            cols.append(None)
            continue
        D, pair, outer = _tower(levels[:-1], jvp_h, vals + [e])
        out = pair[1]
        cols.append(D[_size(pair[0]):])  # the rows of the tangent output
    if out is None:
        raise ArgumentError(f"nested Jacobian with respect to an argument of "
                            f"{getattr(h, '__name__', h)} that has no float elements")
    shape = next(c.shape for c in cols if c is not None)
    cols = [np.zeros(shape) if c is None else c for c in cols]
    return np.stack(cols, axis=1), out, [vals[i]] + outer


def _starts(tree):
    """``(start, stop, leaf)`` of each leaf of ``tree`` among its flattened elements."""
    leaves = flatten(tree)[0]
    ends = np.cumsum([0] + [int(np.size(v)) for v in leaves])
    return list(zip(ends[:-1], ends[1:], leaves))


def _blocks(sub, shape, trees, level=0):
    """The rows ``sub`` of one output leaf (of shape ``shape``) as nested structures over
    each level's argument, innermost outside."""
    if level == len(trees):
        block = np.reshape(sub, shape)
        return float(block) if block.ndim == 0 else block
    parts = [_blocks(np.take(sub, np.arange(a, b), axis=1 + level), shape + np.shape(v),
                     trees, level + 1) for a, b, v in _starts(trees[level])]
    return unflatten(trees[level], parts)


def nested_jacobian(levels, h, args):
    if len(levels) == 1:
        return levels[0].direct(h, args)
    D, out, trees = _tower(levels, h, list(args))
    return unflatten(out, [_blocks(D[a:b], np.shape(v), trees) for a, b, v in _starts(out)])
