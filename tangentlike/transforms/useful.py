"""Which loop carries need a cotangent in the adjoint loop (the "useful" half of
activity, Hascoët & Pascual, for loop carries).

Outside loops a value gets a cotangent only when one flows back to it from the
output, so the useful set comes for free. A loop's adjoint, though, starts every
carry's cotangent at zero; a carry that never reaches the output (``a *= h(b)``
in a loop whose result is unused) would then run its adjoint with that zero, and
``0 * inf`` (an overflowed, unused ``a``) is NaN, which flows into the cotangents
of the values it reads. ``useful_carries`` keeps a carry only if its result has a
cotangent, or the value yielded for a kept carry depends on it inside the body; a body
that pushes onto a tape or changes an outer value in place keeps every carry (its
cotangents also arrive through those, e.g. in the derivative of a derivative).
"""
from __future__ import annotations

from ..ir.nodes import INPLACE_OPS, Block, Op, free_values, walk_ops
from ..rules import registry


def _inside(body) -> set:
    """The values defined inside ``body`` (results and nested parameters)."""
    out = set()
    for op in walk_ops(body):
        out.update(op.results)
        for r in op.regions:
            out.update(r.params)
    return out


def _side_channels(body, inside) -> bool:
    """Whether cotangents can reach the body other than through its yields: a tape push
    (its pops come later), or an in-place change of a value from outside the loop (a
    carry changed in place is yielded: ``inside`` holds the carries too)."""
    for op in walk_ops(body):
        if op.kind == "push" or op.kind in INPLACE_OPS and op.args[0] not in inside:
            return True
        if op.kind == "call" and registry.has_effects(op.attrs["fn"]) and \
                any(a not in inside for a in op.args):
            return True
    return False


def _carry_sources(v, params, inside) -> set:
    """The carry parameters (of ``params``) that ``v`` depends on inside the loop body
    (conservatively: every argument and every free value of each op on the way)."""
    seen, stack, found = set(), [v], set()
    while stack:
        x = stack.pop()
        if x in seen:
            continue
        seen.add(x)
        if x in params:
            found.add(x)
        if x not in inside:  # a carry, the item, or a value from outside the loop
            continue
        owner = x.owner
        if isinstance(owner, Block):  # a parameter of a nested region: its op's inputs
            owner = owner.parent
        if isinstance(owner, Op):
            stack.extend(owner.args)
            if owner.regions:
                stack.extend(free_values(owner))
                stack.extend(y for r in owner.regions for y in r.ops[-1].args)
    return found


def useful_carries(vc, carries, ys, results, adj) -> list:
    """The indices of ``vc`` (varied carries) whose cotangent can reach the output."""
    params = set(carries)
    inside = _inside(carries[0].owner) if carries else set()
    if carries and _side_channels(carries[0].owner, inside | params):
        return vc
    want = {j for j in vc if adj.get(results[j]) is not None}
    sources = {}
    todo = list(want)
    while todo:
        k = todo.pop()
        if k not in sources:
            sources[k] = _carry_sources(ys[k], params, inside)
        for j in vc:
            if j not in want and carries[j] in sources[k]:
                want.add(j)
                todo.append(j)
    return [j for j in vc if j in want]
