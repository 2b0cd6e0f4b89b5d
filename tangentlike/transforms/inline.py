"""Inlining a derivative rule's body at a call site.

A rule is a plain function in the subset (``rules/registry``); it is lowered
once by the ordinary frontend, then its body is copied into the derivative IR
with its parameters replaced by the call's values. Only the ops that the wanted
cotangents depend on are copied, so a binary rule used for one operand costs
what a one-operand rule costs, and primal values the unused half would read
are not kept for the adjoint sweep.
"""
from __future__ import annotations

import inspect

from ..errors import UnsupportedSyntaxError
from ..frontend.lower import lower
from ..frontend.source import fresh, spec_of
from ..ir.builder import clone_op_into
from ..analysis.activity import call_kind, kinds as infer_kinds
from ..ir.facts import kind_of
from ..ir.nodes import Op, walk_ops
from .simplify import fold

_LOWERED: dict = {}


def rule_ir(fn):
    spec = spec_of(fn)
    hit = _LOWERED.get(fn)
    if hit is None or hit[0] is not spec or not fresh(hit[2]):
        ir = lower(spec)  # again when a global the rule reads changed
        hit = _LOWERED[fn] = (spec, ir, tuple(spec.reads.values()))
    return hit[1]


def bind_call(op, rule, rule_fn, argnames_offset):
    """Map the rule's primal parameter names to the call's argument values."""
    kw = op.attrs.get("kw", ())
    npos = len(op.args) - len(kw)
    params = list(inspect.signature(rule_fn).parameters.values())[argnames_offset:]
    names = [p.name for p in params]
    bound = {}
    for i, a in enumerate(op.args[:npos]):
        if i >= len(names):
            raise UnsupportedSyntaxError(f"{len(op.args)} positional arguments to {rule.name}",
                                         op.loc)
        bound[names[i]] = a
    for k, a in zip(kw, op.args[npos:]):
        if k not in names:
            raise UnsupportedSyntaxError(f"keyword argument '{k}' of {rule.name}", op.loc,
                                         "its derivative rule does not take it")
        bound[k] = a
    defaults = {p.name: p.default for p in params if p.default is not p.empty}
    return names, bound, defaults


def inline_rule(rev, rule_fn, lead: dict, bound, defaults, wanted: list, multi: bool,
                lead_kinds=None, shaped=None):
    """Copy the rule's body into ``rev.b``; returns the values of the ``wanted``
    outputs (indices into the rule's returned tuple, or [0] for a single value).

    ``lead`` maps the leading rule parameters (``g``, ``ans`` / tangents) to
    values (or zero-argument callables producing them, for laziness), and
    ``lead_kinds`` to their kinds. Calls are simplified as they are copied, and
    specialised to the shapes ``shaped`` (``specialize.Shaped``) knows."""
    lead_kinds = lead_kinds or {}
    ir = rule_ir(rule_fn)
    ret = ir.body.ops[-1].args[0]
    if multi and not (getattr(ret.owner, "kind", None) == "tuple"):
        raise TypeError(f"rule {rule_fn.__qualname__} must return a tuple literal")
    outs = [ret.owner.args[i] for i in wanted] if multi else [ret]
    needed = _needed_ops(ir, outs)
    kinds = infer_kinds(ir, [_kind_of_param(rev, n, lead_kinds, bound, defaults)
                             for n in ir.param_names])
    params = {p: n for p, n in zip(ir.params, ir.param_names)}
    return _copy_needed(rev, ir, needed, outs, kinds, params, lead, bound, defaults, shaped)


def _copy_needed(rev, ir, needed, outs, kinds, params, lead, bound, defaults, shaped):
    """Copy the ``needed`` ops of rule ``ir``, simplifying calls as they are copied."""
    vmap = {}

    def resolve(v):
        """The value standing for rule value ``v``; a parameter is made available (and
        so possibly taped) only here, when a copied op really reads it."""
        if v not in vmap and v in params:
            vmap[v] = _param_value(rev, params[v], lead, bound, defaults)
        return vmap.get(v, v)

    def peek(v):
        """Like ``resolve`` but without side effects, for the simplifier to look at."""
        if v in vmap or v not in params:
            return vmap.get(v, v)
        return _peek_param(params[v], lead, bound, defaults)

    for op in ir.body.ops:
        if op not in needed:
            continue
        if op.kind == "call" and len(op.results) == 1:
            looks = [peek(a) for a in op.args]
            arg_kinds = [kinds.get(a) for a in op.args]
            kinds[op.result] = call_kind(op, arg_kinds)  # folding may have sharpened them
            new = fold(op.attrs["fn"], looks, arg_kinds, rev.b, op.attrs.get("kw", ())) \
                if rev.unit.optimize else None
            if new is None and shaped is not None:
                primal = [shaped.primal(params.get(a), bound) for a in op.args]
                new = shaped.fold(op.attrs["fn"], primal, lambda i: resolve(op.args[i]), rev.b)
            if new is not None:
                if getattr(new.owner, "kind", None) == "const" and \
                        isinstance(new.owner.attrs["value"], (int, float)):
                    kinds[op.result] = "scalar"
                hit = [a for a, l in zip(op.args, looks) if l is new]
                vmap[op.result] = resolve(hit[0]) if hit else new
                continue
        for a in _all_args(op):
            resolve(a)
        _relocate(clone_op_into(op, rev.b.block, vmap), rev.b.loc, rev.b.mark or True)
    return [resolve(o) for o in outs]


def _all_args(op):
    yield from op.args
    for r in op.regions:
        for o in walk_ops(r):
            yield from o.args


def _peek_param(name, lead, bound, defaults):
    if name in lead:
        v = lead[name]
        return None if callable(v) else v
    if name in bound:
        return bound[name]
    return _FakeConst(defaults.get(name))


class _FakeConst:
    """A stand-in for a default value, so the simplifier can see it is a constant."""

    def __init__(self, value):
        self.hint = "c"
        self.owner = Op("const", [], [], {"value": value})


def _kind_of_param(rev, name, lead_kinds, bound, defaults):
    if name in lead_kinds:
        return lead_kinds[name]
    if name in bound:
        return kind_of(bound[name], "unk")
    d = defaults.get(name)
    return "scalar" if isinstance(d, (int, float)) else ("none" if d is None else "unk")


def _param_value(rev, name, lead, bound, defaults):
    if name in lead:
        v = lead[name]
        return v() if callable(v) else v
    if name in bound:
        return rev.avail(bound[name])
    return rev.b.const(defaults.get(name), hint=name)


def _args_of(op):
    ids = set(op.args)
    for r in op.regions:
        for o in walk_ops(r):
            ids.update(o.args)
    return ids


def _needed_ops(ir, outs):
    want = set(outs)
    needed = []
    for op in reversed(ir.body.ops[:-1]):
        if any(r in want for r in op.results):
            needed.append(op)
            want |= _args_of(op)
    return set(needed)


def _relocate(op, loc, mark):
    op.loc = loc
    op.attrs["adjoint"] = mark
    for r in op.regions:
        for o in walk_ops(r):
            o.loc = loc
            o.attrs["adjoint"] = mark
