"""Common-subexpression elimination (pass ``cse``).

Two pure ops of the same kind, callee, keyword names and operands compute the
same value; the later one is replaced by the earlier when the earlier one
dominates it (same block, or an enclosing block, earlier). Because arrays and
lists can be changed in place (item assignment, ``append``, restores in the
adjoint sweep), the table of available expressions is emptied after every op
with an effect, and a region's effects empty it for what follows the region.
Constants are left alone (the backend writes them inline). Nor is an op whose
result is later changed in place, directly or as a loop's or branch's initial
value (two ``zeros_like(y)`` buffers that tangent code fills, or that ``rt.add_at``
scatters into, are two buffers).
"""
from __future__ import annotations

import operator

from ..ir.nodes import walk_ops
from .dce import is_pure
from .stale import changes_in_place as _inplace


def _key(op):
    if op.kind == "call":
        fn = op.attrs["fn"]
        return ("call", id(fn), tuple(op.args), tuple(op.attrs.get("kw", ())))
    if op.kind == "tuple":
        return (op.kind, tuple(op.args))
    return None


def _effects(op) -> bool:
    if op.regions:
        return any(not is_pure(o) and o.kind not in ("yield", "if", "for", "while")
                   for r in op.regions for o in walk_ops(r))
    return not is_pure(op) and op.kind not in ("yield", "return")


def _containers(ops):
    """Values put into a container (a tuple, list or dict, an append, an item assignment,
    a tape push) and values taken out of one (items read, unpacked, popped, iterated)."""
    stored, taken = set(), set()
    for op in ops:
        if op.kind in ("tuple", "list", "dict"):
            stored.update(op.args)
        elif op.kind in ("append", "setitem", "push"):
            stored.update(op.args[1:])
        elif op.kind in ("unpack", "pop") or (op.kind == "call"
                                              and op.attrs["fn"] is operator.getitem):
            taken.update(op.results)
        elif op.kind == "for":
            taken.add(op.regions[0].params[0])
    return stored, taken


def _mutated(func) -> set:
    """Values whose data an in-place op changes: its target, and what flows into one
    through loop carries and branch yields (to a fixed point). A value taken out of a
    container and changed may be any value ever put into one: all of them are."""
    ops = list(walk_ops(func.body))
    out = {op.args[0] for op in ops if _inplace(op)}
    stored, taken = _containers(ops)
    while True:
        n = len(out)
        if not out.isdisjoint(taken):
            out |= stored
        for op in ops:
            if _inplace(op) and op.results and op.result in out:
                out.add(op.args[0])
            elif op.kind in ("for", "while"):
                body = op.regions[-1]
                params = body.params[1:] if op.kind == "for" else body.params
                inits = op.args[1:] if op.kind == "for" else op.args
                ys = body.ops[-1].args
                for j, (p, init) in enumerate(zip(params, inits)):
                    if p in out or (j < len(op.results) and op.results[j] in out):
                        out.update((init, p, ys[j]))
            elif op.kind == "if":
                for i, r in enumerate(op.results):
                    if r in out:
                        out.update(reg.ops[-1].args[i] for reg in op.regions)
        if len(out) == n:
            return out


def cse(func) -> bool:
    replace = {}
    _block(func.body, {}, replace, _mutated(func))
    if not replace:
        return False
    for op in walk_ops(func.body):
        op.args = [replace.get(a, a) for a in op.args]
    return True


def _block(block, outer, replace, mutated):
    table = dict(outer)
    keep = []
    for op in block.ops:
        op.args = [replace.get(a, a) for a in op.args]
        for r in op.regions:
            _block(r, table, replace, mutated)
        k = _key(op) if len(op.results) == 1 and is_pure(op) and op.result not in mutated \
            else None
        if k is not None and k in table:
            replace[op.result] = table[k]
            continue
        if _effects(op):
            table.clear()
        elif k is not None:
            table[k] = op.result
        keep.append(op)
    block.ops = keep
