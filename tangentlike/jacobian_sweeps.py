"""Dense Jacobians of pytree functions, one sweep per input element (forward) or per
output element (reverse).

Promise: for ``f`` with (promoted, bound) arguments ``vals`` and ``wrt`` positions
``idx``, ``forward_jacobian`` and ``reverse_jacobian`` return the same value: the output's
structure outside, the input's inside, as JAX does (for ``wrt`` a tuple, the inside is a
tuple over the ``wrt`` arguments); each leaf block has shape ``out_leaf.shape +
in_leaf.shape`` and is a Python float when both are scalars. Leaves that are not floats
or float arrays (ints, ``None``) have zero blocks. ``has_aux``: ``f`` returns
``(out, aux)``; the result is ``(jacobian, aux)``. ``with_out``: ``(jacobian, out)``.
"""
from __future__ import annotations

import re
import types
import weakref

import numpy as np

from . import runtime as rt
from .admissible import check_arguments
from .analysis.shapes import pattern
from .api import (_copy_lists, _kind, check_differentiable, function_for, normalize_wrt,
                  signature_of)
from .errors import ArgumentError, NotBatchedError
from .frontend.source import fresh
from .outputs import restorer, split_aux
from .pipeline import compile_derivative
from .request import Request
from .pytrees import children, flatten, is_container, tree_map, unflatten


def prepare(fn, wrt, args):
    """``(vals, idx, single)``: the arguments bound (defaults applied: the compiled code
    takes every parameter) and promoted, the ``wrt`` positions, whether ``wrt`` is one."""
    sig = signature_of(fn)
    names = list(sig.parameters)
    idx, single = normalize_wrt(fn, wrt, names)
    try:
        bound = sig.bind(*args)
    except TypeError as e:
        raise ArgumentError(f"bad arguments to {getattr(fn, '__name__', fn)}: {e}") from None
    bound.apply_defaults()
    vals = list(bound.arguments.values())
    check_arguments(vals, names)
    for i in sorted(set(idx)):
        vals[i] = check_differentiable(vals[i], names[i])
    return vals, idx, single


def differentiable(leaf) -> bool:
    if isinstance(leaf, np.ndarray):
        return leaf.dtype.kind in "fc"
    return isinstance(leaf, (float, complex, np.floating, np.complexfloating))


def leaf_basis(leaf):
    """Unit tangents for each element of a float leaf (1.0 for a scalar); none for others."""
    if not differentiable(leaf):
        return
    if np.ndim(leaf) == 0:
        yield 1.0
        return
    for k in range(np.size(leaf)):
        yield rt.basis(leaf, k)


def zeros(tree):
    return tree_map(lambda v: 0.0 if np.ndim(v) == 0 else np.zeros(np.shape(v)), tree)


def leaves_like(d, like):
    """The leaves of a derivative ``d`` lined up with ``like``'s leaves (None is zero)."""
    if is_container(like):
        if d is None:
            return [None] * len(flatten(like)[0])
        pairs = [(d.get(k), v) for k, v in like.items()] if isinstance(like, dict) \
            else zip(children(d), children(like))
        return [leaf for a, b in pairs for leaf in leaves_like(a, b)]
    return [d]


def block_dtype(out_leaf, in_leaf):
    """The dtype of the block d out_leaf / d in_leaf: their common float type (float32
    with float32 stays float32; a Python float counts as float64)."""
    kinds = [np.asarray(v).dtype if isinstance(v, (np.ndarray, np.generic)) else np.float64
             for v in (out_leaf, in_leaf)]
    dtype = np.result_type(*kinds)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


def _scalar_or(J):
    """A 0-d block as a number (a Python float for float64), else the array."""
    if J.ndim:
        return J
    return float(J) if J.dtype == np.float64 else J[()]


def _block(parts, out_leaf, in_leaf, rows):
    """One leaf block from per-element parts (columns or rows), shaped out + in."""
    shape = np.shape(out_leaf) + np.shape(in_leaf)
    dtype = block_dtype(out_leaf, in_leaf)
    if not parts:
        J = np.zeros(shape, dtype=dtype)
    else:
        like = np.shape(in_leaf) if rows else np.shape(out_leaf)
        if any(np.iscomplexobj(p) for p in parts + [out_leaf, in_leaf]):
            raise ArgumentError("Jacobians of complex values are not supported (split them "
                                "into real and imaginary parts)")
        parts = [np.zeros(like, dtype=dtype) if p is None else np.asarray(p, dtype=dtype)
                 for p in parts]
        J = np.stack(parts, axis=0 if rows else -1).reshape(shape)
    return _scalar_or(J)


def _assemble(out, vals, idx, single, block):
    """The Jacobian structure: ``block(o, a, l)`` for output leaf ``o``, wrt entry ``a``
    (position ``idx[a]``) and leaf ``l`` of that argument."""
    def inner(o):
        per_arg = [unflatten(vals[i], [block(o, a, l) for l in range(len(flatten(vals[i])[0]))])
                   for a, i in enumerate(idx)]
        return per_arg[0] if single else tuple(per_arg)
    n_out = len(flatten(out)[0])
    return unflatten(out, [inner(o) for o in range(n_out)])


_HITS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # fn -> {key: Compiled}


def _compiled(fn, vals, idx, mode):
    """The sweeps for these arguments; a plain function's are kept per argument kinds and
    shape patterns while what they read is unchanged (a Jacobian called per item: BA)."""
    mask = tuple(i in idx for i in range(len(vals)))
    kinds = tuple(_kind(v) for v in vals)
    patterns = tuple(pattern(v) for v in vals)  # shape-specialised sweeps, both modes
    key = (mode, mask, kinds, patterns)
    try:
        hits = _HITS.setdefault(fn, {}) if type(fn) is types.FunctionType else None
    except TypeError:
        hits = None
    hit = hits.get(key) if hits is not None else None
    if hit is not None and fresh(hit.guards):
        return hit
    out = compile_derivative(Request(function_for(fn, vals), mask, kinds, mode,
                                     patterns=patterns))
    if hits is not None:
        hits[key] = out
    return out


_UNBATCHED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # fn -> {key: why}


def unbatched_key(vals, idx):
    """The key of ``_UNBATCHED[fn]`` for these arguments (active ones at ``idx``)."""
    return (tuple(i in idx for i in range(len(vals))), tuple(_kind(v) for v in vals),
            tuple(pattern(v) for v in vals))


def _batched_jvp(fn, vals, idx, report):
    """The batched JVP of ``fn`` (``transforms/batch.py``), or None when some construct of
    it has no batched form (remembered while ``fn`` lives, and said in ``report``)."""
    key = unbatched_key(vals, idx)
    try:
        known = _UNBATCHED.setdefault(fn, {})
    except TypeError:  # a callable that takes no weak reference: not remembered
        known = {}
    why = known.get(key)
    if why is None:
        try:
            return _compiled(fn, vals, idx, "bjvp")
        except NotBatchedError as e:
            why = known[key] = str(e).splitlines()[0]
    report["sweeps"] = f"one sweep per column: {why}"
    return None


BATCH_COLUMNS = 256  # at most this many columns per batched sweep (bounds its memory)


def _layout(vals, active):
    """``(leaves, n)``: ``(i, l, leaf, first column)`` of every leaf of the active
    arguments (columns ordered by argument, leaf and element), and the column count."""
    out, start = [], 0
    for i in active:
        for l, leaf in enumerate(flatten(vals[i])[0]):
            out.append((i, l, leaf, start))
            start += int(np.size(leaf)) if differentiable(leaf) else 0
    return out, start


def _seeds(vals, active, layout, lo, hi):
    """For each active argument a batched tangent holding the unit tangents of columns
    ``lo:hi`` (a leading axis of ``hi - lo``; zero in the other leaves)."""
    tangents = {i: [] for i in active}
    for i, l, leaf, start in layout:
        dtype = leaf.dtype if differentiable(leaf) and isinstance(leaf, (np.ndarray, np.generic)) \
            else float
        t = np.zeros((hi - lo,) + np.shape(leaf), dtype=dtype)
        m = int(np.size(leaf)) if differentiable(leaf) else 0
        a, b = max(lo, start), min(hi, start + m)
        if a < b:
            t.reshape(hi - lo, -1)[np.arange(a - lo, b - lo), np.arange(a - start, b - start)] = 1
        tangents[i].append(t)
    return [unflatten(vals[i], tangents[i]) for i in active]


def _batched_columns(compiled, fn, vals, active, has_aux):
    """``(out, aux, cols)`` of the batched sweeps (``BATCH_COLUMNS`` columns each):
    ``cols[i, l]`` is a ``_Rows`` of the output leaves' tangents for the columns of leaf
    ``l`` of argument ``i`` (the per-column sweeps give a list, one item per column)."""
    layout, n = _layout(vals, active)
    chunks, aux, out = [], None, None
    for lo in range(0, n, BATCH_COLUMNS):
        hi = min(n, lo + BATCH_COLUMNS)
        restorer(compiled, vals)()
        out, dout = compiled.fn(*vals, *_seeds(vals, active, layout, lo, hi))
        if has_aux:
            (out, aux), dout = split_aux(out, getattr(fn, "__name__", "f")), dout[0]
        chunks.append(leaves_like(dout, out))
    douts = [None if any(c[o] is None for c in chunks) else
             np.concatenate([np.asarray(c[o]) for c in chunks], axis=0)
             for o in range(len(chunks[0]) if chunks else 0)]
    cols = {(i, l): _Rows(douts, start, start + (int(np.size(leaf)) if differentiable(leaf)
                                                 else 0))
            for i, l, leaf, start in layout}
    return out, aux, cols


class _Rows:
    """Columns ``lo:hi`` of batched output tangents, for ``_block``."""

    def __init__(self, douts, lo, hi):
        self.douts, self.lo, self.hi = douts, lo, hi

    def __len__(self):
        return self.hi - self.lo

    def block(self, o, out_leaf, in_leaf):
        d = self.douts[o]
        shape = np.shape(out_leaf) + np.shape(in_leaf)
        dtype = block_dtype(out_leaf, in_leaf)
        if d is None or self.hi == self.lo:
            J = np.zeros(shape, dtype=dtype)
        else:
            if np.iscomplexobj(d) or np.iscomplexobj(out_leaf) or np.iscomplexobj(in_leaf):
                raise ArgumentError("Jacobians of complex values are not supported (split "
                                    "them into real and imaginary parts)")
            rows = np.asarray(d[self.lo:self.hi], dtype=dtype)
            J = np.moveaxis(rows, 0, -1).reshape(shape)
        return _scalar_or(J)


def _per_member_note(source):
    """Which functions the batched code calls once per member (``rt.per_member``)."""
    names = sorted(set(re.findall(r"rt\.per_member\(([\w.]+),", source)))
    return f" (per member: {', '.join(names)})" if names else ""


def forward_jacobian(fn, vals, idx, single, has_aux=False, with_out=False, report=None):
    """The Jacobian by forward sweeps: one batched sweep carrying every column where the
    function has a batched JVP, else one sweep per column (``report["sweeps"]`` says
    which)."""
    report = {} if report is None else report
    report.clear()
    active = sorted(set(idx))
    compiled = _batched_jvp(fn, vals, idx, report)
    if compiled is not None and any(differentiable(v) for i in active
                                    for v in flatten(vals[i])[0]):
        out, aux, cols = _batched_columns(compiled, fn, vals, active, has_aux)
        n = sum(len(c) for c in cols.values())
        report["sweeps"] = ("one batched sweep of all columns" if n <= BATCH_COLUMNS else
                            f"{-(-n // BATCH_COLUMNS)} batched sweeps of at most "
                            f"{BATCH_COLUMNS} columns") + _per_member_note(compiled.source)
        report["source"] = compiled.source
        return _finish(out, aux, cols, vals, idx, single, has_aux, with_out)
    compiled = _compiled(fn, vals, idx, "jvp")
    why = report.setdefault("sweeps", "one sweep per column (no float element to batch)")
    report["source"] = f"# tl.jacfwd: {why}\n" + compiled.source
    out, aux, cols = _column_sweeps(compiled, fn, vals, active, has_aux)
    return _finish(out, aux, cols, vals, idx, single, has_aux, with_out)


def _column_sweeps(compiled, fn, vals, active, has_aux):
    """``(out, aux, cols)`` as ``_batched_columns``'s, by one sweep per column."""
    jvp_fn, restore = compiled.fn, restorer(compiled, vals)
    zero = {i: zeros(vals[i]) for i in active}
    cols, out, aux = {}, None, None
    for i in active:
        leaves, z = flatten(vals[i])[0], flatten(zero[i])[0]
        for l, leaf in enumerate(leaves):
            cols[i, l] = []
            for e in leaf_basis(leaf):
                t = unflatten(vals[i], [e if m == l else zm for m, zm in enumerate(z)])
                restore()
                out, dout = jvp_fn(*vals, *[t if j == i else zero[j] for j in active])
                if has_aux:
                    (out, aux), dout = split_aux(out, getattr(fn, "__name__", "f")), dout[0]
                cols[i, l].append(leaves_like(dout, out))
    if out is None:  # nothing to differentiate: one sweep for the output's structure
        out = jvp_fn(*vals, *[zero[j] for j in active])[0]
        out, aux = split_aux(out, getattr(fn, "__name__", "f")) if has_aux else (out, None)
    return out, aux, cols


def _finish(out, aux, cols, vals, idx, single, has_aux, with_out):
    out_leaves = flatten(out)[0]

    def block(o, a, l):
        i = idx[a]
        c, in_leaf = cols[i, l], flatten(vals[i])[0][l]
        if isinstance(c, _Rows):
            return c.block(o, out_leaves[o], in_leaf)
        return _block([col[o] for col in c], out_leaves[o], in_leaf, False)
    jac = _assemble(out, vals, idx, single, block)
    if with_out:  # nested Jacobians need the output's structure
        return jac, out
    return (jac, aux) if has_aux else jac


def reverse_jacobian(fn, vals, idx, single, has_aux=False, with_out=False):
    c = _compiled(fn, vals, idx, "vjp")
    active = sorted(set(idx))
    out, saved = c.fwd(*vals)
    out, aux = split_aux(out, getattr(fn, "__name__", "f")) if has_aux else (out, None)
    if not has_aux and _plain(out, vals, idx):
        jac = _plain_rows(c, out, saved, vals, idx, active, single)
        return (jac, out) if with_out else jac
    out_leaves = flatten(out)[0]
    z = flatten(zeros(out))[0]
    rows = []
    sweeps = sum(int(np.size(leaf)) for leaf in out_leaves)
    for o, leaf in enumerate(out_leaves):
        rows.append([])
        for e in leaf_basis(leaf):
            ct = unflatten(out, [e if m == o else zm for m, zm in enumerate(z)])
            ct = (ct, rt.zeros_like(aux)) if has_aux else ct
            sweeps -= 1  # the last sweep may pop the saved tapes itself: nothing reads them after
            cts = dict(zip(active, c.bwd(_copy_lists(saved) if sweeps else saved, ct)))
            rows[o].append({i: leaves_like(cts[i], vals[i]) for i in active})

    def block(o, a, l):
        i = idx[a]
        return _block([r[i][l] for r in rows[o]], out_leaves[o], flatten(vals[i])[0][l], True)
    jac = _assemble(out, vals, idx, single, block)
    if with_out:  # nested Jacobians need the output's structure
        return jac, out
    return (jac, aux) if has_aux else jac


def _plain(out, vals, idx) -> bool:
    """A float64 array output of float64 arrays and floats: no containers to line up."""
    if type(out) is not np.ndarray or out.dtype != np.float64 or out.ndim == 0:
        return False
    return all(type(v) is np.ndarray and v.dtype == np.float64 or type(v) in (float, np.float64)
               for v in (vals[i] for i in idx))


def _plain_rows(c, out, saved, vals, idx, active, single):
    """``reverse_jacobian``'s result for ``_plain`` arguments: one sweep per output element,
    each argument's rows stacked (the same blocks as ``_block``, a BA observation's 2 x 15
    without the container bookkeeping)."""
    n = out.size
    rows = {i: [] for i in active}
    for k in range(n):
        e = np.zeros(out.shape)
        e.flat[k] = 1.0
        for i, g in zip(active, c.bwd(_copy_lists(saved) if k < n - 1 else saved, e)):
            rows[i].append(g)
    blocks = []
    for i in idx:
        like = np.shape(vals[i])
        parts = [np.zeros(like) if g is None else np.asarray(g, dtype=float) for g in rows[i]]
        blocks.append(np.stack(parts).reshape(out.shape + like))
    return blocks[0] if single else tuple(blocks)
