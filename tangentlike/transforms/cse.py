"""Common-subexpression elimination (pass ``cse``).

Two pure ops of the same kind, callee, keyword names and operands compute the
same value; the later one is replaced by the earlier when the earlier one
dominates it (same block, or an enclosing block, earlier). Because arrays and
lists can be changed in place (item assignment, ``append``, restores in the
adjoint sweep), the table of available expressions is emptied after every op
with an effect, and a region's effects empty it for what follows the region.
Constants are left alone (the backend writes them inline).
"""
from __future__ import annotations

from ..ir.nodes import walk_ops
from .dce import is_pure


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


def cse(func) -> bool:
    replace = {}
    _block(func.body, {}, replace)
    if not replace:
        return False
    for op in walk_ops(func.body):
        op.args = [replace.get(a, a) for a in op.args]
    return True


def _block(block, outer, replace):
    table = dict(outer)
    keep = []
    for op in block.ops:
        op.args = [replace.get(a, a) for a in op.args]
        for r in op.regions:
            _block(r, table, replace)
        k = _key(op) if len(op.results) == 1 and is_pure(op) else None
        if k is not None and k in table:
            replace[op.result] = table[k]
            continue
        if _effects(op):
            table.clear()
        elif k is not None:
            table[k] = op.result
        keep.append(op)
    block.ops = keep
