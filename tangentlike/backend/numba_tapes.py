"""One list per push site for numba (``backend="numba"``): numba types a list by what
is appended to it, so a tape onto which two loops push different tuples cannot be one
list there.

Promise: ``split(func)`` gives each pair of a ``push`` and the ``pop`` that reads it
(the reverse pass marks both with the same ``site``) a tape of its own, made next to
the shared one, when the site has exactly that one push and one pop on a tape made at
the top of ``func``; a shared tape left with no use is removed. The values read are
unchanged: the pushes of one site, restricted from a last-in first-out sequence, are
popped in reverse order of pushing, as before.
"""
from __future__ import annotations

from ..ir.nodes import Block, Op, walk_ops


def split(func) -> None:
    """Give each push site of ``func`` its own tape (in place)."""
    sites = {}
    for op in walk_ops(func.body):
        if op.kind in ("push", "pop") and "site" in op.attrs:
            sites.setdefault(op.attrs["site"], []).append(op)
    made = {}
    for site in sorted(sites):
        ops = sites[site]
        kinds = sorted(o.kind for o in ops)
        tape = ops[0].args[0]
        owner = tape.owner
        if kinds != ["pop", "push"] or any(o.args[0] is not tape for o in ops) or \
                isinstance(owner, Block) or owner.kind != "tape" or owner.block is not func.body:
            continue
        new = Op("tape", [], [], dict(owner.attrs), [], owner.loc, func.body)
        new.add_result(tape.hint)
        func.body.ops.insert(func.body.ops.index(owner) + 1, new)
        made.setdefault(owner, []).append(new)
        for o in ops:
            o.args[0] = new.result
    used = {a for op in walk_ops(func.body) for a in op.args}
    for owner in made:
        if owner.result not in used:
            func.body.ops.remove(owner)
