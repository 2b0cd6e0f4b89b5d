"""Dead-code elimination (pass ``dce``).

Removes pure ops whose results are unused, and unused results of region ops:
an ``if`` result no one reads, a loop carry whose result is unread and whose
parameter only feeds its own next value. Iterates to a fixed point. Effects
(item assignment, ``append``, tape pushes and pops, user-function calls, calls
of unknown functions) are kept. Output is verified by the pass manager.
"""
from __future__ import annotations

from ..ir.nodes import walk_ops
from ..rules import registry

_PURE_KINDS = ("const", "tuple", "list", "dict", "slice", "unpack")


def is_pure(op) -> bool:
    if op.kind in _PURE_KINDS:
        return True
    if op.kind != "call":
        return False
    fn = op.attrs["fn"]
    if registry.has_effects(fn):  # np.random.seed, rt.add_at: not to be dropped or merged
        return False
    mod = getattr(fn, "__module__", "") or ""
    if mod.startswith("tangentlike.runtime"):
        return True
    return bool(registry.lookup(fn) or registry.is_nondiff(fn))


def _uses(func):
    counts = {}
    for op in walk_ops(func.body):
        for a in op.args:
            counts[a] = counts.get(a, 0) + 1
    return counts


def dce(func) -> bool:
    changed_any = False
    while True:
        uses = _uses(func)
        changed = _sweep(func.body, uses)
        changed_any |= changed
        if not changed:
            return changed_any


def _sweep(block, uses) -> bool:
    changed = False
    keep = []
    for op in block.ops:
        for r in op.regions:
            changed |= _sweep(r, uses)
        if op.regions:
            changed |= _prune_results(op, uses)
        dead = all(uses.get(r, 0) == 0 for r in op.results)
        if dead and (is_pure(op) or (op.regions and _region_pure(op))) and op.kind not in ("yield", "return"):
            changed = True
            continue
        keep.append(op)
    block.ops = keep
    return changed


def _region_pure(op) -> bool:
    return all(is_pure(o) or o.kind in ("yield", "if", "for", "while")
               for r in op.regions for o in walk_ops(r))


def _prune_results(op, uses) -> bool:
    changed = False
    for i in reversed(range(len(op.results))):
        if uses.get(op.results[i], 0):
            continue
        if op.kind == "if":
            for r in op.regions:
                del r.ops[-1].args[i]
        else:
            body = op.regions[-1]
            off = 1 if op.kind == "for" else 0
            p = body.params[i + off]
            y = body.ops[-1].args[i]
            own_use = 1 if y is p else 0
            cparams = op.regions[0].params if op.kind == "while" else []
            if cparams and uses.get(cparams[i], 0):
                continue
            if uses.get(p, 0) > own_use and not _feeds_only_itself(body, p, y, uses):
                continue
            del body.params[i + off]
            del body.ops[-1].args[i]
            del op.args[i + off]
            if cparams:
                del cparams[i]
        del op.results[i]
        changed = True
    return changed


def _feeds_only_itself(body, p, y, uses) -> bool:
    """Whether loop-carry parameter ``p`` only reaches pure ops of ``body`` whose results
    only lead to ``y``, its own next value (``total = total + x`` with ``total`` unread)."""
    yield_op = body.ops[-1]
    if sum(a is y for a in yield_op.args) != 1:
        return False
    seen, frontier = {p}, [p]
    while frontier:
        v = frontier.pop()
        found = 0
        for op in body.ops:
            n = sum(a is v for a in op.args)
            if not n:
                continue
            found += n
            if op is yield_op:
                if v is not y:
                    return False
                continue
            if op.regions or not is_pure(op):
                return False
            for r in op.results:
                if r not in seen:
                    seen.add(r)
                    frontier.append(r)
        if found != uses.get(v, 0):
            return False  # a use inside a nested region: keep it
    return True
