"""Forward mode (JVP) on structured SSA (pass ``forward``).

Input: a verified primal ``Func`` and a mask of active parameters. Output: a
``Func`` taking the primal parameters followed by one tangent per active
parameter, returning ``(out, out_tangent)``. Each primal op is followed by the
ops computing its result's tangent (the "dual numbers" reading of Griewank &
Walther, ch. 3): a rule call per active argument, summed; an ``if`` also yields
the tangents of its results; a loop also carries the tangents of its carries.
Values that do not depend on an active input get no tangent; where one is
needed (a branch joining a varied and a constant value) it is ``zeros_like``.
No tape of its own: one sweep, the same control flow as the primal. A tape in the
code differentiated (a reverse sweep's, read back: forward over reverse) gets a
parallel tape of tangents, pushed and popped where it is, so each slot costs
O(1); a tape of index values (``rt.IndexTape``) gets none. With ``batch=True`` each
tangent holds a batch of tangents (``transforms/batch.py`` batches each run of tangent
ops as it is emitted; zeros are ``rt.zeros_batch``): a Jacobian's columns in one sweep.
"""
from __future__ import annotations

import operator
from dataclasses import replace

from .. import runtime as rt
from ..analysis.activity import is_container, varied as infer_varied, varied_tapes
from ..analysis.infer import infer
from ..analysis.shapes import PY, SCALAR
from ..errors import MissingRuleError
from ..frontend.lower_expr import is_user_function
from ..frontend.opaque import differentiated, reject_differentiated
from ..ir.callees import Opaque
from ..ir.builder import Builder
from ..ir.facts import kind_of
from ..ir.nodes import Block, Func, Op, values
from ..rules import registry
from .batch import Batcher
from .inline import bind_call, inline_rule
from .reverse import clone_func


def _inplace_chain(y, p) -> bool:
    """Is ``y`` the result of in-place changes to ``p`` (``p[i] = ...``, appends, pops)?"""
    while y is not p and not isinstance(y.owner, Block) and (
            y.owner.kind in ("setitem", "append", "listpop") or _is_add_at(y.owner)):
        y = y.owner.args[0]
    return y is p


def _is_add_at(op) -> bool:
    return op.kind == "call" and op.attrs.get("fn") is rt.add_at


class Forward:
    def __init__(self, func: Func, mask, param_kinds, unit, patterns=None, batch=False):
        self.P = clone_func(func)
        self.active = [p for p, m in zip(self.P.params, mask) if m]
        infer(self.P, param_kinds, patterns, unit.return_kind, unit.return_pattern)
        if patterns is not None:  # the argument shapes are known: sharpen "num" to "scalar"
            for v in values(self.P):
                f = v.facts
                if f is not None and f.shaped and f.pattern in ((), PY, SCALAR) \
                        and f.kind in ("num", "unk"):
                    v.facts = replace(f, kind="scalar")
        self.varied = infer_varied(self.P, self.active)
        reject_differentiated(self.P, self.varied)
        self.vtapes = varied_tapes(self.P, self.varied)
        self.unit = unit
        self.tan, self.owner_of, self.starts = {}, {}, {}
        self.batch = Batcher() if batch else None  # batched tangents (transforms/batch.py)

    def run(self) -> Func:
        body = self.P.body
        tparams = [body.add_param("d" + p.hint) for p in self.active]
        self.tan.update({p: t for p, t in zip(self.active, tparams)})
        for t, p in zip(tparams, self.active):
            self.owner_of[t] = None  # the caller's buffer: never written in place
            self._mark(t, p)
        if self.batch:  # k, the batch size, read off the first tangent
            self.batch.k = Builder(Block(), self.P.loc).call(rt.batch_size, [tparams[0]], "k")
        ret = body.ops[-1]
        self.process(body)
        if self.batch:
            body.ops.insert(0, self.batch.k.owner)
            self.batch.k.owner.block = body
        out = ret.args[0]
        b = Builder(body, ret.loc)
        body.ops.pop()
        pair = b.op("tuple", [out, self.tangent_or_zero(out, b)], ["out"]).result
        b.op("return", [pair])
        return Func(self.P.name, list(body.params), body, self.P.loc,
                     self.P.param_names + ["d" + p.hint for p in self.active])

    # -- walking --------------------------------------------------------------
    def avail(self, v):
        return v

    def process(self, block):
        old, block.ops = block.ops, []
        for op in old:
            self.b = Builder(block, op.loc, mark="tangent")
            self.starts[block] = len(block.ops)
            if op.regions:
                getattr(self, "t_" + op.kind)(op, block)
                continue
            op.block = block
            block.ops.append(op)
            self.starts[block] = len(block.ops)
            method = getattr(self, "t_" + op.kind, None)
            if method is not None:
                method(op)
            self.flush(block)

    def flush(self, block):
        """Batch mode: batch the tangent ops appended to ``block`` since the last flush."""
        if self.batch and self.starts.get(block, len(block.ops)) < len(block.ops):
            self.batch.rewrite(block, self.starts[block])
        self.starts[block] = len(block.ops)

    def tangent_or_zero(self, v, b=None):
        b = b or self.b
        t = self.tan.get(v)
        if t is not None:
            return self.batched(t, v, b)
        if self.batch:
            return self._mark(b.call(rt.zeros_batch, [v, self.batch.k], hint="d" + v.hint), v)
        return b.call(rt.zeros_like, [v], hint="d" + v.hint)

    def batched(self, t, v, b=None):
        """``t`` (the tangent of ``v``), made batched in batch mode: an unbatched tangent is
        the same for every member (it does not depend on the tangents: zero), spread."""
        if self.batch is None:
            return t
        self.flush(b.block)
        if self.batch.is_batched(t):
            return t
        return self._mark(b.call(rt.spread, [t, self.batch.k], hint=t.hint), v)

    def _mark(self, t, v):
        """Record that ``t``, a tangent of ``v``, is batched (batch mode)."""
        if self.batch is not None:
            kind = None if v is None else kind_of(v)
            self.batch.mark(t, scalar=kind == "scalar")
            if is_container(kind):
                self.batch.containers.add(t)
        return t

    def owned_tangent(self, v):
        t = self.tan.get(v)
        if t is not None and self.owner_of.get(t) == v:
            return t
        if t is None:
            new = self.tangent_or_zero(v) if self.batch else \
                self.b.call(rt.zeros_like, [v], hint="d" + v.hint)
        else:
            spread = self.batched(t, v, self.b)  # a spread is a fresh buffer already
            new = spread if spread is not t else \
                self._mark(self.b.call(rt.copy, [t], hint="d" + v.hint), v)
        self.owner_of[new] = v
        return new

    def add(self, a, b, kind):
        fn = rt.add if is_container(kind) or kind in ("unk", None) else operator.add
        if self.batch:  # two contributions to one tangent: the same shape, no lift
            return self.b.call(fn, [self.batched(a, None, self.b), self.batched(b, None, self.b)],
                               hint=a.hint, batch_same=True)
        return self.b.call(fn, [a, b], hint=a.hint)

    # -- straight-line ops ------------------------------------------------------
    def t_call(self, op):
        fn = op.attrs["fn"]
        if fn is rt.restore_item:
            return self.t_restore(op)
        if fn is rt.add_at and len(op.args) == 3 and not op.attrs.get("kw"):
            return self.t_add_at(op)
        active = [i for i, a in enumerate(op.args) if a in self.varied]
        if not active or not any(r in self.varied for r in op.results):
            return
        if isinstance(fn, Opaque):
            raise differentiated(fn, op.loc)
        if is_user_function(fn):
            return self.call_tangent(op, fn)
        rule = registry.lookup(fn)
        if rule is None and registry.has_effects(fn):
            return  # a run-time check (rt.check_unshared): nothing to differentiate
        if rule is None or not rule.jvps:
            raise MissingRuleError(registry.display_name(fn), op.loc, mode="forward")
        names, bound, defaults = bind_call(op, rule, next(iter(rule.jvps.values())), 2)
        total, kind = None, kind_of(op.result, "unk")
        for argnum, jvp in sorted(rule.jvps.items()):
            name = names[argnum] if argnum < len(names) else None
            if name not in bound or bound[name] not in self.varied:
                continue
            lead_names = jvp.__code__.co_varnames[:2]
            lead = {lead_names[0]: self.tan[bound[name]], lead_names[1]: op.result}
            lead_kinds = {lead_names[0]: kind_of(bound[name]), lead_names[1]: kind}
            c, = inline_rule(self, jvp, lead, bound, defaults, [0], multi=False,
                             lead_kinds=lead_kinds)
            total = c if total is None else self.add(total, c, kind)
        if total is None:
            raise MissingRuleError(registry.display_name(fn), op.loc, mode="forward")
        if total.hint in ("t", "c"):
            total.hint = "d" + op.result.hint
        self.tan[op.result] = total
        seq = op.args[0]
        if fn is operator.getitem and is_container(kind_of(seq)) \
                and self.owner_of.get(self.tan.get(seq)) == seq:
            self.owner_of[total] = op.result  # an item of a mirrored container mirrors it

    def t_add_at(self, op):
        """``rt.add_at(acc, idx, g)`` (a scatter-add in place into a buffer the sweep owns):
        the same scatter-add into the tangent of ``acc``, in place where it owns it."""
        acc, idx, g = op.args
        if acc not in self.varied and g not in self.varied:
            return
        buf = self.owned_tangent(acc)
        new = self.b.call(rt.add_at, [buf, idx, self.tangent_or_zero(g)], hint=buf.hint)
        self.tan[op.result] = new
        self.owner_of[new] = op.result

    def t_restore(self, op):
        """``rt.restore_item(x, idx, old)`` (an adjoint sweep undoing a write, in place):
        the same undo on the tangent of ``x``, which mirrors ``x``'s writes in place."""
        x, idx, old = op.args
        dx = self.tan.get(x)
        if dx is not None:
            self.b.op("call", [dx, idx, self.tangent_or_zero(old)], [],
                      {"fn": rt.restore_item, "kw": ()})

    def call_tangent(self, op, fn):
        mask = [a in self.varied for a in op.args]
        kinds = [kind_of(a, "unk") for a in op.args]
        ref = self.unit.forward_callee(fn, mask, kinds, op.loc, batch=bool(self.batch))
        op.attrs["fn"] = ref
        op.args = op.args + [self.batched(self.tan[a], a, self.b)
                             for a, m in zip(op.args, mask) if m]
        self.tan[op.result] = self._mark(op.add_result("d" + op.result.hint), op.result)

    def t_tuple(self, op):
        if not any(a in self.varied for a in op.args):
            return
        elems = [self.tangent_or_zero(a) for a in op.args]
        new = self.b.op(op.kind, elems, ["d" + op.result.hint], dict(op.attrs)).result
        self.tan[op.result] = new
        self.owner_of[new] = op.result

    t_list = t_dict = t_tuple

    def t_setitem(self, op):
        target, idx, value = op.args
        if target not in self.varied and value not in self.varied:
            return
        buf = self.owned_tangent(target)
        tv = self.tan.get(value)
        if tv is None:
            tv = self.b.const(0.0)
        new = self.b.op("setitem", [buf, idx, tv], [buf.hint]).result
        self.tan[op.result] = new
        self.owner_of[new] = op.result

    def t_append(self, op):
        lst, value = op.args
        if lst not in self.varied and value not in self.varied:
            return
        buf = self.owned_tangent(lst)
        new = self.b.op("append", [buf, self.tangent_or_zero(value)], [buf.hint]).result
        self.tan[op.result] = new
        self.owner_of[new] = op.result

    def t_unpack(self, op):
        v = op.args[0]
        if v not in self.varied:
            return
        tv = self.tan[v]
        new = self.b.op("unpack", [tv], ["d" + r.hint for r in op.results])
        owned = self.owner_of.get(tv) == v
        for r, t in zip(op.results, new.results):
            self.tan[r] = t
            self._mark(t, r)
            if owned:  # the items' tangents mirror the items (a tape's tuple, popped)
                self.owner_of[t] = r

    def t_listpop(self, op):
        if op.args[0] not in self.varied:
            return
        buf = self.owned_tangent(op.args[0])
        new = self.b.op("listpop", [buf, op.args[1]], [buf.hint]).result
        self.tan[op.result] = new
        self.owner_of[new] = op.result

    # -- regions ----------------------------------------------------------------
    def _yield_tangents(self, block, values):
        """Tangents of ``values`` at the end of ``block``, inserted before its yield."""
        y = block.ops.pop()
        b = Builder(block, y.loc, mark="tangent")
        ts = [self.tangent_or_zero(v, b) for v in values]
        block.ops.append(y)
        return y, ts

    def t_if(self, op, parent):
        op.block = parent
        parent.ops.append(op)
        for r in op.regions:
            self.process(r)
        vr = [j for j, r in enumerate(op.results) if r in self.varied]
        for r in op.regions:
            y, ts = self._yield_tangents(r, [r.ops[-1].args[j] for j in vr])
            y.args += ts
        for j in vr:
            res = op.results[j]
            self.tan[res] = self._mark(op.add_result("d" + res.hint), res)

    def t_for(self, op, parent):
        self._loop(op, parent, op.regions[0], op.regions[0].params[1:], op.args[1:])

    def t_while(self, op, parent):
        self._loop(op, parent, op.regions[1], op.regions[1].params, op.args)

    def _loop(self, op, parent, body, carries, inits):
        n = len(op.results)
        vc = [j for j, p in enumerate(carries) if p in self.varied]
        ys = body.ops[-1].args[:n]
        owned = [_inplace_chain(ys[j], carries[j]) for j in vc]
        t_inits = [self.owned_tangent(inits[j]) if own else self.tangent_or_zero(inits[j])
                   for j, own in zip(vc, owned)]
        op.block = parent
        parent.ops.append(op)
        tps = []
        for j, own in zip(vc, owned):
            tp = body.add_param("d" + carries[j].hint)
            if op.kind == "while":
                op.regions[0].add_param("d" + carries[j].hint)
            self.tan[carries[j]] = self._mark(tp, carries[j])
            self.owner_of[tp] = carries[j] if own else None
            tps.append(tp)
        self.process(body)
        y, ts = self._yield_tangents(body, [ys[j] for j in vc])
        y.args[n:n] = ts
        op.args += t_inits
        for j, own in zip(vc, owned):
            res = op.results[j]
            self.tan[res] = self._mark(op.add_result("d" + res.hint), res)
            if own:  # the buffer changed in place around the loop, as its primal is
                self.owner_of[self.tan[res]] = res
        for o in op.regions[0].ops if op.kind == "while" else ():
            o.block = op.regions[0]

    def t_const(self, op):
        pass

    # -- tapes (a reverse sweep's, read back): a parallel tape of tangents ---------
    def t_tape(self, op):
        if op.result in self.vtapes:
            self.tan[op.result] = self._mark(self.b.op("tape", [], ["d" + op.result.hint]).result,
                                             None)

    def t_push(self, op):
        dtape = self.tan.get(op.args[0])
        if dtape is not None:
            self.b.op("push", [dtape] + [self.tangent_or_zero(a) for a in op.args[1:]])

    def t_pop(self, op):
        dtape = self.tan.get(op.args[0])
        if dtape is None:
            return
        new = self.b.op("pop", [dtape], ["d" + r.hint for r in op.results])
        for r, t in zip(op.results, new.results):
            if r in self.varied:  # the buffer pushed: changed in place as its primal is
                self.tan[r] = t
                self.owner_of[t] = r


def forward_function(func: Func, mask, param_kinds, unit, patterns=None, batch=False) -> Func:
    """The forward-mode (JVP) transform of ``func`` for the masked parameters; the shape
    ``patterns`` of the arguments, if known, drop ``broadcast_like`` between scalars.
    ``batch``: each tangent carries a batch of tangents (a leading axis, ``transforms/
    batch.py``), or ``NotBatchedError``."""
    return Forward(func, mask, param_kinds, unit, patterns, batch).run()


__all__ = ["forward_function", "Op"]
