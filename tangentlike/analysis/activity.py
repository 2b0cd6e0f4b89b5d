"""Forward dataflow over structured SSA: activity ("varied") and value kinds.

``varied(func, active_params)``: the ids of values that depend differentiably
on an active parameter (Hascoët & Pascual's varied set; the "useful" half of
activity comes for free in reverse mode, since adjoints only flow backwards
from the output). Non-differentiable primitives (shapes, comparisons, integer
functions) stop the dependence.

``kinds(func, param_kinds)``: for each value, ``num`` (a number or array),
``seq`` (a list, tuple or dict) or ``unk``; the reverse pass uses it to add
cotangents with ``+`` only where that cannot concatenate containers.

Both iterate loop carries to a fixed point.
"""
from __future__ import annotations

import operator

from ..rules import registry

_CONTAINERS = ("tuple", "list", "dict", "append")


def _fixpoint_regions(op, visit, transfer_in, probe):
    """Shared walk: carries of loops are re-visited until their state settles."""
    if op.kind == "if":
        for r in op.regions:
            visit(r)
        for i, res in enumerate(op.results):
            transfer_in(res, [r.ops[-1].args[i] for r in op.regions])
        return
    body = op.regions[-1]
    carries = body.params[1:] if op.kind == "for" else body.params
    inits = op.args[1:] if op.kind == "for" else op.args
    cond_params = op.regions[0].params if op.kind == "while" else []
    for it in range(len(carries) + 3):
        changed = False
        for i, p in enumerate(carries):
            before = probe(p)
            transfer_in(p, [inits[i], body.ops[-1].args[i]])
            changed |= probe(p) != before
            if cond_params:
                transfer_in(cond_params[i], [p])
        if it and not changed:
            break
        for r in op.regions:
            visit(r)
    for i, res in enumerate(op.results):
        transfer_in(res, [carries[i]])


def varied(func, active_params) -> set:
    out = set(map(id, active_params))

    def transfer_in(v, sources):
        if any(id(s) in out for s in sources):
            out.add(id(v))

    def visit(block):
        for op in block.ops:
            if op.regions:
                _fixpoint_regions(op, visit, transfer_in, lambda v: id(v) in out)
                continue
            if _stops(op):
                continue
            if any(id(a) in out for a in op.args):
                out.update(id(r) for r in op.results)

    visit(func.body)
    return out


def _stops(op) -> bool:
    if op.kind in ("const", "slice", "yield", "return"):
        return True
    if op.kind == "call":
        fn = op.attrs["fn"]
        return registry.is_nondiff(fn) and fn is not operator.getitem
    return False


def _join(a, b):
    if a is None or a == "none":
        return b
    if b is None or b == "none" or a == b:
        return a
    return "unk"


def kinds(func, param_kinds) -> dict:
    out = {id(p): k for p, k in zip(func.params, param_kinds)}

    def transfer_in(v, sources):
        k = None
        for s in sources:
            k = _join(k, out.get(id(s)))
        out[id(v)] = k or "unk"

    def visit(block):
        for op in block.ops:
            if op.regions:
                _fixpoint_regions(op, visit, transfer_in, lambda v: out.get(id(v)))
                if op.kind == "for":
                    out[id(op.regions[0].params[0])] = "num"
                continue
            for r in op.results:
                out[id(r)] = _kind_of(op, out)

    visit(func.body)
    return out


def _kind_of(op, out):
    if op.kind in _CONTAINERS:
        return "seq"
    if op.kind == "setitem":
        return out.get(id(op.args[0]), "unk")
    if op.kind == "const":
        v = op.attrs["value"]
        if v is None:
            return "none"
        return "seq" if isinstance(v, (list, tuple, dict)) else "num"
    if op.kind == "call":
        fn = op.attrs["fn"]
        if fn is operator.getitem:
            return "num" if out.get(id(op.args[0])) == "num" else "unk"
        if registry.lookup(fn) or registry.is_nondiff(fn):
            return "num"
    return "unk"
