"""Forward dataflow over structured SSA: activity ("varied") and value kinds.

``varied(func, active_params)``: the values that depend differentiably
on an active parameter (Hascoët & Pascual's varied set; the "useful" half of
activity comes for free in reverse mode, since adjoints only flow backwards
from the output). Non-differentiable primitives (shapes, comparisons, integer
functions) stop the dependence.

``kinds(func, param_kinds)``: for each value, ``scalar`` (a Python or NumPy
scalar: shape ``()``), ``num`` (a number or array), ``seq`` (a list, tuple or
dict) or ``unk``. The reverse pass adds cotangents with ``+`` only where that
cannot concatenate containers; rule inlining drops ``unbroadcast`` between two
scalars.

Both iterate loop carries to a fixed point.
"""
from __future__ import annotations

import operator

import numpy as np

from .. import runtime as rt
from ..ir.facts import kind_of
from ..ir.nodes import values
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
    """A value whose inferred kind (its facts: ``analysis.infer``) says it cannot carry a
    derivative (``nd``: ranges, lengths, shapes) is blocked, even when it comes out of a
    varied container."""
    out = set(active_params)
    blocked = {v for v in values(func) if kind_of(v) == "nd"}

    def transfer_in(v, sources):
        if v not in blocked and any(s in out for s in sources):
            out.add(v)

    tapes = set()  # tapes that some push gives a varied value

    def visit(block):
        for op in block.ops:
            if op.regions:
                _fixpoint_regions(op, visit, transfer_in, lambda v: v in out)
                continue
            if op.kind in ("push", "pop"):
                _tape_flow(op, out, tapes, blocked)
                continue
            if _stops(op):
                continue
            if any(a in out for a in _differentiable_args(op)):
                out.update(r for r in op.results if r not in blocked)

    while True:  # a pop is varied when any push to its tape is: until that settles
        before = len(tapes)
        visit(func.body)
        if len(tapes) == before:
            return out


def varied_tapes(func, varied_) -> set:
    """The tapes that carry a varied value: forward mode gives each a tape of tangents,
    reverse mode a tape of cotangents."""
    from ..ir.nodes import walk_ops
    return {op.args[0] for op in walk_ops(func.body) if op.kind == "push"
            and not is_index_tape(op.args[0]) and any(a in varied_ for a in op.args[1:])}


def is_index_tape(tape) -> bool:
    """A tape of values that carry no derivative (``rt.IndexTape``)."""
    return bool(getattr(tape.owner, "attrs", {}).get("nondiff"))


def _tape_flow(op, out, tapes, blocked):
    """Every value on a tape that carries a varied one is varied (all its slots get a
    tangent); a tape of index values carries none."""
    tape = op.args[0]
    if is_index_tape(tape):
        return
    if op.kind == "push" and any(a in out for a in op.args[1:]):
        tapes.add(tape)
    elif op.kind == "pop" and tape in tapes:
        out.update(r for r in op.results if r not in blocked)


def _differentiable_args(op):
    """The arguments a call's derivative flows through: for a primitive with a rule, the
    positions its rules differentiate (``x`` in ``unbroadcast(g, x)`` only gives a shape)."""
    rule = registry.lookup(op.attrs["fn"]) if op.kind == "call" else None
    if rule is None or not rule.params:
        return op.args
    positions = set(rule.vjp_argnums) | set(rule.jvps)
    kw = op.attrs.get("kw", ())
    npos = len(op.args) - len(kw)
    out = [a for i, a in enumerate(op.args[:npos]) if i in positions]
    for name, a in zip(kw, op.args[npos:]):
        if name in rule.params and rule.params.index(name) in positions:
            out.append(a)
    return out


def _stops(op) -> bool:
    if op.kind in ("const", "slice", "yield", "return"):
        return True
    if op.kind == "call":
        fn = op.attrs["fn"]
        return registry.is_nondiff(fn) and fn is not operator.getitem
    return False


def is_container(k) -> bool:
    return k == "seq" or isinstance(k, tuple)


def _join(a, b):
    if a is None or a == "none":
        return b
    if b is None or b == "none" or a == b:
        return a
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return tuple(_join(x, y) for x, y in zip(a, b))
    if is_container(a) and is_container(b):
        return "seq"
    if "nd" in (a, b):
        return "scalar" if "scalar" in (a, b) else "unk"  # a counter started at 0
    return "num" if {a, b} == {"num", "scalar"} else "unk"


def kinds(func, param_kinds, callee_kind=None) -> dict:
    """Kinds of all values; ``callee_kind(fn, arg_kinds)`` gives a user function's result."""
    out = {p: k for p, k in zip(func.params, param_kinds)}

    def transfer_in(v, sources):
        k = None
        for s in sources:
            k = _join(k, out.get(s))
        out[v] = k or "unk"

    def visit(block):
        for op in block.ops:
            if op.regions:
                _fixpoint_regions(op, visit, transfer_in, lambda v: out.get(v))
                if op.kind == "for":
                    out[op.regions[0].params[0]] = "scalar"
                continue
            if op.kind == "unpack":
                out.update(zip(op.results, _unpacked_kinds(op, out)))
                continue
            if op.kind == "pop" and op.args[0] in pushed:
                out.update(zip(op.results, _popped_kinds(op, pushed[op.args[0]], out)))
                continue
            k = _kind_of(op, out)
            if k == "unk" and op.kind == "call" and callee_kind is not None:
                k = callee_kind(op.attrs["fn"], [out.get(a, "unk") for a in op.args])
            for r in op.results:
                out[r] = k

    pushed = {}
    visit(func.body)
    from ..ir.nodes import walk_ops
    for op in walk_ops(func.body):  # kinds flow from pushes to pops: a second pass
        if op.kind == "push" and not is_index_tape(op.args[0]):
            pushed.setdefault(op.args[0], []).append([out.get(a) or "unk" for a in op.args[1:]])
    if pushed:  # afresh: a loop carry joined with a first-pass "unk" would keep it
        params = {p: out[p] for p in func.params}
        out.clear()
        out.update(params)
        visit(func.body)
    return out


def _popped_kinds(op, pushes, out):
    """Kinds of what a pop gives: joined over every push onto its tape that it may pop
    (one of as many values, or one tuple of that many); "unk" where unsure."""
    n = len(op.results)
    ks = [None] * n
    for args in pushes:
        if len(args) == 1 and n > 1:
            one = args[0]
            args = list(one) if isinstance(one, tuple) and len(one) == n else None
        elif len(args) > 1 and n == 1:
            args = [tuple(args)]
        if args is None or len(args) != n:
            if args is None:
                return ["unk"] * n
            continue
        ks = [_join(a, b) for a, b in zip(ks, args)]
    return [k or "unk" for k in ks]


def _unpacked_kinds(op, out):
    k = out.get(op.args[0])
    if isinstance(k, tuple) and len(k) == len(op.results):
        return list(k)
    return [k if k in ("num", "nd") else "unk"] * len(op.results)


def _kind_of(op, out):
    if op.kind == "tuple":
        return tuple(out.get(a) or "unk" for a in op.args)
    if op.kind in _CONTAINERS:
        return "seq"
    if op.kind in ("setitem", "listpop"):
        return out.get(op.args[0], "unk")
    if op.kind == "const":
        v = op.attrs["value"]
        if v is None or v is rt.UNBOUND:
            return "none"
        if isinstance(v, (list, tuple, dict)):
            return "seq"
        return "scalar" if isinstance(v, (int, float, complex, np.generic)) else "num"
    if op.kind == "call":
        return call_kind(op, [out.get(a) for a in op.args])
    if op.kind == "pop" and is_index_tape(op.args[0]):
        return "nd"
    return "unk"


def call_kind(op, arg_kinds):
    """The kind of a call's result from its arguments' kinds."""
    fn = op.attrs["fn"]
    npos = len(op.args) - len(op.attrs.get("kw", ()))
    if registry.has(fn, "integral") or registry.has(fn, "comparison"):
        return "nd"
    size = registry.result_size(fn)
    if size:  # np.linalg.qr and friends: a tuple of arrays
        return ("num",) * size
    if registry.returns_sequence(fn):  # np.split and friends: a list of arrays
        return "seq"
    if fn is operator.getitem:
        base = arg_kinds[0]
        if base == "nd":
            return "nd"
        if is_container(base) and getattr(op.args[1].owner, "kind", None) == "slice":
            return "seq"  # a slice of a list or tuple is one
        if isinstance(base, tuple):
            ok, i = _const(op.args[1])
            return base[i] if ok and isinstance(i, int) and -len(base) <= i < len(base) else "unk"
        return "num" if base in ("num", "scalar") else "unk"
    if fn is operator.add and len(arg_kinds) == 2 and all(is_container(k) for k in arg_kinds):
        return "seq"  # list + list (tuples too): concatenation
    if registry.has(fn, "structure_of_second") and len(arg_kinds) > 1:
        return arg_kinds[1] or "unk"
    if registry.has(fn, "structure_of_first") and arg_kinds:
        return arg_kinds[0] or "unk"
    if (getattr(fn, "__module__", "") or "").startswith(rt.__name__) and not all(
            k in ("scalar", "num", "nd", "none") for k in arg_kinds):
        return "unk"  # a runtime helper given a container may well return one
    if (registry.has(fn, "reduction") or registry.has(fn, "scalar_result")) and npos == 1 \
            and not op.attrs.get("kw"):
        return "scalar"
    elementwise = isinstance(fn, np.ufunc) or registry.has(fn, "scalar_closed")
    if elementwise and all(k == "scalar" for k in arg_kinds):
        return "scalar"
    if registry.lookup(fn) or registry.is_nondiff(fn):
        return "num"
    return "unk"


def _const(v):
    o = v.owner
    if getattr(o, "kind", None) == "const":
        return True, o.attrs["value"]
    return False, None


