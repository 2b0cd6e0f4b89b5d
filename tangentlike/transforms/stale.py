"""Reads of a value after an in-place change of it (pass ``stale_uses``).

An in-place op (``setitem``, ``append``, ``listpop``, ``rt.add_at``, ``rt.restore_item``)
gives the object it changes a new SSA value, but the old value names the same object:
an op after it that reads the old value would read the new data. The transforms never
emit such a read; a pass that puts one value in place of another (``1.0 * y`` -> ``y``
in an adjoint, ``y`` then restored before that adjoint is summed) can. This pass finds
each such read and gives it a copy taken just before the change, so what the code
computes is what the SSA form says. Each block is read as straight-line code: a loop or
branch is one op that reads its free values (changes inside it are its blocks' own).
"""
from __future__ import annotations

from .. import runtime as rt
from ..ir.nodes import INPLACE_OPS, Op, free_values, walk_ops
from ..rules import registry


def changes_in_place(op) -> bool:
    """Does ``op`` change its first argument in place (an in-place op, or a call of a
    runtime helper with the fact ``in_place``: the sweeps' scatter-adds into buffers they
    own, the undo of a write)?"""
    return op.kind in INPLACE_OPS or (op.kind == "call" and bool(op.args)
                                      and registry.has(op.attrs["fn"], "in_place"))


def stale_uses(func) -> bool:
    fixed = False
    for block in list(_blocks(func.body)):
        fixed |= _block(block)
    return fixed


def _blocks(block):
    yield block
    for op in block.ops:
        for r in op.regions:
            yield from _blocks(r)


def _reads(op) -> list:
    return list(op.args) + (free_values(op) if op.regions else [])


def _target(op, v) -> bool:
    return changes_in_place(op) and not op.regions and op.args[0] is v


def _block(block) -> bool:
    """The straight-line in-place ops of ``block``: each changes one object, which its
    target and result name; ``live`` holds, per object, the values whose data the object
    holds now. A change through a live value leaves its result the one live value (no
    result: the target stays); a change through a value no longer live is a restore (the
    reverse sweep undoing a write in place), after which that value is live again, beside
    the result. A read of a value that is not live gets a copy taken where it stopped
    being live. A tape push is not a read, nor are the residuals a forward sweep returns
    for its reverse sweep: they keep the object, whose writes the reverse sweep undoes
    before it reads it."""
    group, live, killed, stale = {}, {}, {}, []
    for i, op in enumerate(block.ops):
        keeps = op.kind == "push" or op.attrs.get("residuals")
        for a in dict.fromkeys(_reads(op) if not keeps else ()):
            g = group.get(a)
            if g is not None and a not in live[g] and not _target(op, a):
                stale.append((a, killed[a], op))
        if not changes_in_place(op) or op.regions:
            continue
        t, r = op.args[0], (op.results[0] if op.results else None)
        g = group.setdefault(t, t)
        before = live.setdefault(g, {t})
        now = {t} if t not in before or r is None else set()
        if r is not None:
            group[r] = g
            now.add(r)
        for v in before - now:
            killed[v] = i
        live[g] = now
    if not stale:
        return False
    copies, ops = {}, list(block.ops)
    for a, k, _ in stale:
        if (a, k) not in copies:
            at = ops[k]
            copy = Op("call", [a], [], {"fn": rt.copy, "kw": ()}, [], at.loc)
            if "adjoint" in at.attrs:
                copy.attrs["adjoint"] = at.attrs["adjoint"]
            if "also" in at.attrs:  # lines commented above the change: above its copy now
                copy.attrs["also"] = at.attrs.pop("also")
            copy.block = block
            copies[(a, k)] = (copy, copy.add_result(a.hint))
    for a, k, user in stale:
        _replace(user, a, copies[(a, k)][1])
    at_index = {}
    for (a, k), (copy, _) in copies.items():
        at_index.setdefault(k, []).append(copy)
    block.ops = [o for i, op in enumerate(ops) for o in at_index.get(i, []) + [op]]
    return True


def _replace(op, old, new):
    """``old`` read by ``op`` (or inside its regions) becomes ``new``, except as the
    target of an in-place change (that changes the object itself)."""
    for o in [op] + [o for r in op.regions for o in walk_ops(r)]:
        o.args = [new if a is old and not (j == 0 and _target(o, a)) else a
                  for j, a in enumerate(o.args)]
