"""Reverse mode (VJP) on structured SSA (pass ``reverse``).

Input: a verified primal ``Func`` and a mask of active parameters. Output
(``RevResult``): the primal sweep (a copy of the primal, plus what the adjoint
needs recorded) and the adjoint sweep (a block computing the cotangent of each
active parameter from the output cotangent ``g``).

How values reach the adjoint sweep (Griewank & Walther, ch. 4, "taping"):
a primal value defined at function level is simply read; one defined in an
``if`` branch is exported as an extra result of the ``if``; one defined in a
loop body is pushed on a tape at the end of the body and popped at the start of
the reversed body. Loops whose trip count is not known in advance (``while``,
``break``) count their iterations; a reversed loop runs the same iterations
backwards. In-place writes (``w[i] = v``, ``append``) save what they overwrite
and are undone in the adjoint sweep, so every read sees the value it saw in
the primal. Cotangents are summed with ``+`` (or ``rt.add`` for containers),
and scatter-adds into a cotangent owned by the sweep happen in place.
"""
from __future__ import annotations

import operator

from .. import runtime as rt
from ..analysis.activity import varied as infer_varied, varied_tapes
from ..analysis.infer import infer
from ..analysis.shapes import PY, SCALAR, is_elementwise, like_of, visible
from ..ir.facts import is_shaped, kind_of, pattern_of
from ..errors import MissingRuleError, NonScalarOutputError
from ..frontend.lower_expr import is_user_function
from ..ir.builder import Builder, clone_block
from ..ir.nodes import Block, Func, Op, Value, defining_block
from ..rules import registry
from .inline import bind_call, inline_rule
from . import passes
from .dce import is_pure
from .specialize import Shaped
from .checkpoint import CheckpointAdjoints, Checkpointed
from .reverse_regions import RegionAdjoints


class RevResult:
    def __init__(self, primal, adjoint, out, g, grads, tape, grad_kinds=(), scalar_out=False,
                 active=(), patterns=()):
        self.primal, self.adjoint, self.out, self.g = primal, adjoint, out, g
        self.grads, self.tape, self.grad_kinds = grads, tape, grad_kinds
        self.scalar_out = scalar_out  # the output is a scalar for certain (shapes)
        self.active = active  # the differentiated parameters, in order
        self.patterns = patterns  # per active parameter: its shape pattern, None if unknown


def clone_func(func: Func) -> Func:
    vmap = {}
    body = clone_block(func.body, vmap)
    return Func(func.name, list(body.params), body, func.loc, list(func.param_names),
                dict(func.defaults), func.source_hash)


class Reverser(RegionAdjoints, CheckpointAdjoints):
    def __init__(self, func: Func, mask, param_kinds, unit, seed=None, checkpoint=None,
                 patterns=None):
        self.seed, self.checkpoint = seed, checkpoint
        self.adjoint_blocks = set()  # blocks of the adjoint sweep holding recomputations
        self.P = passes.run(passes.PREPARE, clone_func(func), unit.optimize, unit)
        self.active = [p for p, m in zip(self.P.params, mask) if m]
        infer(self.P, param_kinds, patterns or [None] * len(self.P.params), unit.return_kind,
              unit.return_pattern)  # no patterns (general code): the Like relations
        self.shaped = True  # the values' facts hold their shape patterns
        out = self.P.body.ops[-1].args[0]  # a gradient checks that its output is 0-d,
        self.scalar_tokens = (like_of(out, pattern_of(out)) or ()) if seed is not None \
            else ()  # so is each token of its shape
        self.varied = infer_varied(self.P, self.active)
        self.unit = unit
        self.adj, self.owner_of, self.scopes, self.exports = {}, {}, {}, {}
        self.tape, self.tapes, self.ctapes = None, {}, {}
        self.vtapes = varied_tapes(self.P, self.varied)

    def run(self) -> RevResult:
        out = self.P.body.ops[-1].args[0]
        kind = kind_of(out)
        if self.seed is not None and (isinstance(kind, tuple) or kind == "seq"):
            raise NonScalarOutputError(  # a constant seed cannot be indexed like a container
                f"grad of {self.P.name} needs a scalar output, but it returns a "
                f"{'tuple' if isinstance(kind, tuple) else 'list or dict'}; use tl.vjp or "
                "tl.jacrev for non-scalar outputs")
        self.b = Builder(Block(), self.P.loc, mark=True)
        g = Value("d" + out.hint) if self.seed is None else self.b.const(self.seed, "d" + out.hint)
        if out in self.varied:
            self.adj[out] = g
        self.reverse_block(self.P.body)
        grads = [self.final_adjoint(p) for p in self.active]
        kinds = [kind_of(p) for p in self.active]
        scalar = self.shaped and pattern_of(out) in ((), PY, SCALAR)
        pats = [visible(pattern_of(p)) for p in self.active]
        return RevResult(self.P, self.b.block, out, g, grads, self.tape, kinds, scalar,
                         self.active, pats)

    def final_adjoint(self, p):
        d = self.adj.get(p)
        return d if d is not None else self.b.call(rt.zeros_like, [p], hint="d" + p.hint)

    def reverse_block(self, block):
        for op in reversed(block.ops[:-1]):
            self.b.loc, made = op.loc, self.b.made
            differentiated = op.kind == "call" and any(r in self.adj for r in op.results)
            getattr(self, "a_" + op.kind)(op)
            if differentiated and self.b.made == made and op.loc is not None:
                self.b.pending.append((self.b.block, op.loc))  # d(c * d)/dc is d: no op

    # -- accumulation -----------------------------------------------------------
    def accumulate(self, v, c):
        if v not in self.varied or c is None:
            return
        old = self.adj.get(v)
        if old is None:
            if c.hint in ("t", "c", "tup", "d", "unbroadcast", "sum_vjp") \
                    and isinstance(c.owner, Op) \
                    and c.owner.attrs.get("adjoint"):
                c.hint = "d" + v.hint
            self.adj[v] = c
            return
        fn = operator.add if kind_of(v) in ("num", "scalar") else rt.add
        new = self.b.call(fn, [old, c], hint="d" + v.hint)
        self.owner_of[new] = v
        self.adj[v] = new

    def owned_adjoint(self, v):
        """The cotangent of ``v`` as a buffer the sweep may update in place."""
        old = self.adj.get(v)
        if old is None:
            new = self.b.call(rt.zeros_like, [self.avail(v)], hint="d" + v.hint)
        elif self.owner_of.get(old) == v:
            return old
        else:
            new = self.b.call(rt.copy, [old], hint="d" + v.hint)
        self.owner_of[new] = v
        return new

    # -- primal values in the adjoint sweep -------------------------------------
    def avail(self, v):
        """``v`` as readable in the adjoint sweep: constants are made again, values of
        branches exported, values of loop bodies taped."""
        if isinstance(v.owner, Op) and v.owner.kind == "const":
            return self.b.const(v.owner.attrs["value"], hint=v.hint)
        blk = defining_block(v)
        if blk is self.P.body or blk in self.adjoint_blocks:
            return v
        if v in self.exports:
            return self.avail(self.exports[v])
        parent = blk.parent
        if parent.kind == "if":
            return self.avail(self.export(v, parent, blk))
        if self._recomputable(v, blk):  # cheaper than a tape slot: made again
            op = v.owner
            return self.b.call(op.attrs["fn"], [self.avail(a) for a in op.args], hint=v.hint,
                               kw=op.attrs.get("kw", ()))
        return self.scopes[blk].get(v)

    def _recomputable(self, v, blk):
        """A scalar a loop body computes by one arithmetic op or ufunc from values defined
        outside it (``-k``): the adjoint of an iteration that ran computes it again (as
        cheap as a pop, and it cannot fail where the primal did not) instead of taping it."""
        op = v.owner
        return isinstance(op, Op) and op.kind == "call" and len(op.results) == 1 and \
            kind_of(v) == "scalar" and is_pure(op) and is_elementwise(op.attrs["fn"]) \
            and all(defining_block(a) is not blk for a in op.args)

    def primal_of(self, v):
        """The primal value that ``v`` (readable in the adjoint sweep) stands for."""
        if is_shaped(v):  # a value of the primal, or a copy of one
            return v
        for scope in self.scopes.values():
            if v in scope.origin:
                return scope.origin[v]
        return None

    def export(self, v, if_op, blk):
        mine = blk.ops[-1].args
        for j, res in enumerate(if_op.results):
            if j < len(mine) and mine[j] is v:  # the branch yields v already: no second export
                self.exports[v] = res
                return res
        r = if_op.add_result(v.hint)
        for region in if_op.regions:
            y = region.ops[-1]
            if region is blk:
                y.args.append(v)
            else:
                none = Op("const", [], [], {"value": None}, [], y.loc, region)
                none.add_result(v.hint)
                region.ops.insert(len(region.ops) - 1, none)
                y.args.append(none.result)
        self.exports[v] = r
        return r

    def get_tape(self, nondiff=False):
        """The sweep's tape (``nondiff``: its tape of index values), made on first use."""
        tape = self.tapes.get(nondiff)
        if tape is None:
            op = Op("tape", [], [], {"nondiff": True} if nondiff else {}, [], self.P.loc,
                    self.P.body)
            tape = self.tapes[nondiff] = op.add_result("itape" if nondiff else "tape")
            self.P.body.ops.insert(0, op)
            if not nondiff:
                self.tape = tape
        return tape

    # -- straight-line ops ------------------------------------------------------
    def a_const(self, op):
        pass

    a_slice = a_const

    def a_call(self, op):
        if op.attrs["fn"] is rt.restore_item:  # a derivative's undo, read back: undo it too
            saved = self.save_overwritten(op, False)
            self.b.op("call", [self.avail(a) for a in op.args[:2]] + [self.avail(saved)], [],
                      {"fn": rt.restore_item, "kw": ()})
            return
        if not op.results:  # an effect only (a run-time check): nothing flows back
            return
        g = self.adj.get(op.results[0])
        if g is None or not any(a in self.varied for a in op.args):
            return
        fn = op.attrs["fn"]
        if fn is operator.getitem and op.args[0] in self.varied:
            acc = self.owned_adjoint(op.args[0])
            new = self.b.call(rt.add_at, [acc, self.avail(op.args[1]), g], hint=acc.hint)
            self.owner_of[new] = op.args[0]
            self.adj[op.args[0]] = new
            return
        if is_user_function(fn):
            return self.call_adjoint(op, g)
        rule = registry.lookup(fn)
        if rule is None or rule.vjp is None:
            raise MissingRuleError(registry.display_name(fn), op.loc)
        names, bound, defaults = bind_call(op, rule, rule.vjp, 2)
        wanted = [(k, names[n]) for k, n in enumerate(rule.vjp_argnums)
                  if names[n] in bound and bound[names[n]] in self.varied]
        if not wanted:
            return
        lead_names = rule.vjp.__code__.co_varnames[:2]
        lead = {lead_names[0]: g, lead_names[1]: lambda: self.avail(op.results[0])}
        k_out = kind_of(op.results[0], "unk")
        shaped = None if not self.shaped else \
            Shaped(op.results[0], lead_names[1], is_elementwise(fn), self.primal_of,
                   self.avail, self.scalar_tokens)
        cots = inline_rule(self, rule.vjp, lead, bound, defaults, [k for k, _ in wanted],
                           multi=len(rule.vjp_argnums) > 1,
                           lead_kinds={lead_names[0]: k_out, lead_names[1]: k_out},
                           shaped=shaped)
        for (_, name), c in zip(wanted, cots):
            self.accumulate(bound[name], c)

    def call_adjoint(self, op, g):
        fn = op.attrs["fn"]
        mask = [a in self.varied for a in op.args]
        kinds = [kind_of(a, "unk") for a in op.args]
        patterns = [visible(pattern_of(a)) for a in op.args]
        patterns = patterns if any(p is not None for p in patterns) else None
        fwd, bwd = self.unit.reverse_callee(fn, mask, kinds, op.loc, patterns)
        if isinstance(fn, Checkpointed):  # keep the arguments; run the forward sweep again
            op.attrs["fn"] = fn.fn
            again = self.b.op("call", [self.avail(a) for a in op.args],
                              [op.result.hint, fwd.callee_name + "_res"], {"fn": fwd, "kw": ()})
            res = again.results[1]
        else:
            op.attrs["fn"] = fwd
            res = self.avail(op.add_result(fwd.callee_name + "_res"))
        args = [a for a, m in zip(op.args, mask) if m]
        bop = self.b.op("call", [res, g], ["d" + a.hint for a in args],
                        {"fn": bwd, "kw": ()})
        for a, d in zip(args, bop.results):
            self.accumulate(a, d)

    def a_tuple(self, op):
        d = self.adj.get(op.result)
        if d is None:
            return
        keys = op.attrs.get("keys") or range(len(op.args))
        for k, a in zip(keys, op.args):
            if a in self.varied:
                self.accumulate(a, self.b.call(operator.getitem, [d, self.b.const(k)],
                                               hint="d" + a.hint))

    a_list = a_dict = a_tuple

    def a_setitem(self, op):
        target, idx, value = op.args
        array = kind_of(target) in ("num", "scalar")
        saved = self.save_overwritten(op, array)
        if array:
            self.b.op("setitem", [self.avail(target), self.avail(idx), self.avail(saved)],
                      [target.hint])
        else:
            self.b.op("call", [self.avail(target), self.avail(idx), self.avail(saved)], [],
                      {"fn": rt.restore_item, "kw": ()})
        d = self.adj.get(op.result)
        if d is None:
            return
        sop = self.b.op("call", [d, self.avail(idx)], ["d" + target.hint, "d" + value.hint],
                        {"fn": rt.setitem_vjp, "kw": ()})
        if value in self.varied:
            dv = self.b.call(rt.unbroadcast, [sop.results[1], self.avail(value)],
                             hint="d" + value.hint) if array else sop.results[1]
            self.accumulate(value, dv)
        self.accumulate(target, sop.results[0])

    def save_overwritten(self, op, array):
        """Insert ``old = rt.copy(target[idx])`` (``rt.save_item`` for containers) before
        an in-place write."""
        block = op.block
        b = Builder(Block(), op.loc)
        if array:
            cur = b.call(operator.getitem, [op.args[0], op.args[1]], hint="old")
            saved = b.call(rt.copy, [cur], hint="old")
        else:
            saved = b.call(rt.save_item, [op.args[0], op.args[1]], hint="old")
        at = block.ops.index(op)
        for new in b.block.ops:
            new.block = block
        block.ops[at:at] = b.block.ops
        return saved

    def a_append(self, op):
        lst, value = op.args
        self.b.op("call", [self.avail(op.result)], [], {"fn": list.pop, "kw": ()})
        d = self.adj.get(op.result)
        if d is None:
            return
        sop = self.b.op("call", [d], ["d" + lst.hint, "d" + value.hint],
                        {"fn": rt.append_vjp, "kw": ()})
        self.accumulate(value, sop.results[1])
        self.accumulate(lst, sop.results[0])


    def a_unpack(self, op):
        v = op.args[0]
        cts = [self.adj.get(r) for r in op.results]
        if v not in self.varied or all(c is None for c in cts):
            return
        parts = [c if c is not None else self.b.const(None) for c in cts]
        tup = self.b.op("tuple", parts, ["d" + v.hint]).result
        self.accumulate(v, self.b.call(rt.unpack_vjp, [tup, self.avail(v)], hint="d" + v.hint))

    def a_listpop(self, op):
        """``lst.pop()`` (its item was read just before): put the item back, and give
        the list's cotangent a zero slot for it."""
        lst, item = op.args
        self.b.op("append", [self.avail(op.result), self.avail(item)], [lst.hint])
        d = self.adj.get(op.result)
        if d is not None:
            self.accumulate(lst, self.b.call(rt.unpop_vjp, [d, self.avail(item)],
                                             hint="d" + lst.hint))


def reverse_function(func: Func, mask, param_kinds, unit, seed=None,
                     checkpoint=None, patterns=None) -> RevResult:
    """The reverse-mode transform of ``func`` with respect to the masked parameters;
    the output cotangent is the constant ``seed`` if given, else a parameter;
    ``checkpoint`` (``Periodic``/``Binomial``) checkpoints its top-level loops; ``patterns``
    (``analysis.shapes``) of the parameters specialise the cotangent code."""
    return Reverser(func, mask, param_kinds, unit, seed, checkpoint, patterns).run()
