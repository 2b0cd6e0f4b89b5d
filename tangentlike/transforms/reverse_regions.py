"""Adjoints of ``if``, ``for`` and ``while`` (a mixin of the reverse pass).

An ``if`` becomes an ``if`` on the same condition whose branches are the
adjoints of the primal branches; it yields the cotangents of the outer values
either branch touched. A loop becomes a ``for`` over the same iterations in
reverse; its carries are the cotangents of the loop carries and of the outer
values the body reads (accumulated across iterations, updated in place when
the sweep owns them). Values of a loop body that the reversed body reads are
pushed once per iteration, as one tuple, at the end of the body, and popped at
the start of the reversed body (LIFO matches the nesting); values that carry no
derivative (ranges, integers, flags, tuples of them) go on a second tape, the
index tape, so that a derivative of this code gives them no tangent. A tape in
the code being differentiated (a derivative read back) gets a tape of
cotangents: each pop pushes the cotangents of what it popped, each push pops them.
"""
from __future__ import annotations

import operator

from .. import runtime as rt
from ..ir.builder import Builder
from ..ir.facts import kind_of
from ..ir.nodes import INPLACE_OPS, Block, Op, Value, free_values, walk_ops
from .useful import useful_carries


class Scope:
    """The reversed body of one loop: which primal values it pops."""

    def __init__(self):
        self.pops, self.cache, self.origin = [], {}, {}

    def get(self, v):
        new = self.cache.get(v)
        if new is None:
            new = self.cache[v] = Value(v.hint)
            self.origin[new] = v
            self.pops.append((v, new))
        return new


def _has_inplace(op) -> bool:
    """Does a region change state (in place, or a tape) whose adjoint must run?"""
    return any(o.kind in INPLACE_OPS or o.kind in ("push", "pop")
               for r in op.regions for o in walk_ops(r))


class RegionAdjoints:
    def zeros(self, v):
        return self.b.call(rt.zeros_like, [self.avail(v)], hint="d" + v.hint)

    def a_yield(self, op):
        pass

    # -- if -----------------------------------------------------------------
    def a_if(self, op):
        flows = [(i, self.adj[r]) for i, r in enumerate(op.results)
                 if self.adj.get(r) is not None]
        if not flows and not _has_inplace(op):
            return
        outer, saved_b = self.adj, self.b
        blocks, envs = [], []
        for region in op.regions:
            self.b, self.adj = Builder(Block(), op.loc, mark=True), dict(outer)
            for i, g in flows:
                self.accumulate(region.ops[-1].args[i], g)
            self.reverse_block(region)
            blocks.append(self.b.block)
            envs.append(self.adj)
        touched = [f for f in free_values(op) if f in self.varied
                   and any(e.get(f) is not outer.get(f) for e in envs)]
        for block, env in zip(blocks, envs):
            self.b = Builder(block, op.loc, mark=True)
            ys = [env.get(f) or outer.get(f) or self.zeros(f) for f in touched]
            self.b.yield_(ys)
        self.adj, self.b = outer, saved_b
        new = self.b.op("if", [self.avail(op.args[0])], ["d" + f.hint for f in touched],
                        {"adjoint": True}, blocks)
        for f, r in zip(touched, new.results):
            self.adj[f] = r

    # -- loops ----------------------------------------------------------------
    def add_counter(self, op, body):
        """Add an iteration counter carry to a primal loop; returns its final value."""
        block = op.block
        zero = Op("const", [], [], {"value": 0}, [], op.loc, block)
        zero.add_result("n_iter")
        block.ops.insert(block.ops.index(op), zero)
        n = len(op.results)
        op.args.append(zero.result)
        k = body.add_param("k")
        if op.kind == "while":
            op.regions[0].add_param("k")
        y = body.ops[-1]
        inc = Op("call", [k, None], [], {"fn": operator.add, "kw": ()}, [], op.loc, body)
        one = Op("const", [], [], {"value": 1}, [], op.loc, body)
        inc.args[1] = one.add_result("c")
        inc.add_result("k")
        body.ops[len(body.ops) - 1:len(body.ops) - 1] = [one, inc]
        y.args.insert(n, inc.result)
        return op.add_result("n_iter")

    def a_for(self, op):
        if self.checkpointed(op):
            return self.a_for_checkpointed(op)
        body = op.regions[0]
        ncar = len(op.results)
        if not self._loop_needed(op):
            return
        it = op.args[0]
        if op.attrs.get("brk"):
            count = self.add_counter(op, body)
            s = self.b.op("slice", [self.b.const(None), self.avail(count), self.b.const(None)],
                          ["s"]).result
            it_val = self.b.call(operator.getitem, [self.avail(it), s], hint="done")
        else:
            it_val = self.avail(it)
        # A range sliced backwards is a range: readable, and re-differentiable.
        back = self.b.op("slice", [self.b.const(None), self.b.const(None), self.b.const(-1)],
                         ["s"]).result
        rev = self.b.call(operator.getitem, [it_val, back], hint="rev")
        self.loop_adjoint(op, body, body.params[1:1 + ncar], op.args[1:1 + ncar], rev,
                          body.params[0])

    def a_while(self, op):
        if self.checkpointed(op):
            return self.a_for_checkpointed(op)
        body = op.regions[1]
        ncar = len(op.results)
        if not self._loop_needed(op):
            return
        count = self.add_counter(op, body)
        rng = self.b.call(range, [self.avail(count)], hint="rev")
        self.loop_adjoint(op, body, body.params[:ncar], op.args[:ncar], rng, None)

    def _loop_needed(self, op):
        return _has_inplace(op) or any(self.adj.get(r) is not None for r in op.results)

    def loop_adjoint(self, op, body, carries, inits, iterable, item):
        ys = body.ops[-1].args
        vc = [j for j, p in enumerate(carries) if p in self.varied]
        vc = useful_carries(vc, carries, ys, op.results, self.adj)
        free = [f for f in free_values(op) if f in self.varied]
        d_init = [self.adj.get(op.results[j]) or self.zeros(op.results[j]) for j in vc]
        f_init = [self.owned_adjoint(f) for f in free]
        blk = Block()
        item2 = blk.add_param(item.hint if item is not None else "_")
        dps = [blk.add_param("d" + carries[j].hint) for j in vc]
        fps = [blk.add_param("d" + f.hint) for f in free]
        scope = Scope()
        if item is not None:
            scope.cache[item] = item2
        self.scopes[body] = scope
        outer, saved_b = self.adj, self.b
        self.adj, self.b = dict(outer), Builder(blk, op.loc, mark=True)
        for f, p in zip(free, fps):
            self.adj[f] = p
            self.owner_of[p] = f
        for j, p in zip(vc, dps):
            self.accumulate(ys[j], p)
        self.reverse_block(body)
        outs = [self.adj.get(carries[j]) or self.zeros(carries[j]) for j in vc]
        outs += [self.adj[f] for f in free]
        self.b.yield_(outs)
        self.close_scope(scope, body, blk)
        self.adj, self.b = outer, saved_b
        new = self.b.op("for", [iterable] + d_init + f_init,
                        ["d" + carries[j].hint for j in vc] + ["d" + f.hint for f in free],
                        {"adjoint": True}, (blk,))
        for f, r in zip(free, new.results[len(vc):]):
            self.adj[f] = r
            self.owner_of[r] = f
        for j, r in zip(vc, new.results):
            self.accumulate(inits[j], r)

    def close_scope(self, scope, body, adj_block):
        del self.scopes[body]
        loc = adj_block.ops[0].loc if adj_block.ops else None
        for nondiff in (False, True):  # values with no derivative go on the index tape
            pairs = [(v, new) for v, new in scope.pops if self.no_derivative(v) == nondiff]
            if not pairs:
                continue
            tape = self.get_tape(nondiff)
            self.sites = getattr(self, "sites", 0) + 1  # a push and the pop reading it
            push = Op("push", [tape] + [v for v, _ in pairs], [], {"site": self.sites}, [],
                      body.ops[-1].loc, body)
            body.ops.insert(len(body.ops) - 1, push)
            pop = Op("pop", [self.avail(tape)], [], {"site": self.sites}, [], loc, adj_block)
            for _, new in pairs:
                new.owner = pop
                pop.results.append(new)
            adj_block.ops.insert(0, pop)

    def no_derivative(self, v) -> bool:
        """Can ``v`` carry no derivative (a range, an integer, a flag, a tuple of them)?"""
        k = kind_of(v)
        return k == "nd" or (isinstance(k, tuple) and bool(k) and all(x == "nd" for x in k))

    # -- tapes of the code being differentiated (a derivative's, read back) ------
    def a_tape(self, op):
        pass

    def cotangent_tape(self, tape):
        """The tape of cotangents of a varied tape: its pops push, its pushes pop."""
        ct = self.ctapes.get(tape)
        if ct is None:
            new = Op("tape", [], [], {}, [], self.P.loc, self.P.body)
            ct = self.ctapes[tape] = new.add_result("d" + tape.hint)
            self.P.body.ops.insert(0, new)
        return ct

    def a_pop(self, op):
        tape = op.args[0]
        if tape not in self.vtapes:
            return
        cts = [self.adj.get(r) or self.zeros(r) for r in op.results]
        self.b.op("push", [self.cotangent_tape(tape)] + cts)

    def a_push(self, op):
        tape = op.args[0]
        if tape not in self.vtapes:
            return
        pop = self.b.op("pop", [self.cotangent_tape(tape)], ["d" + a.hint for a in op.args[1:]])
        for a, d in zip(op.args[1:], pop.results):
            old = self.adj.get(a)
            if a in self.varied and old is not None:  # either may be None (a value a
                d = self.b.call(rt.add, [old, d], hint=d.hint)  # branch did not make)
                self.adj[a] = d
            else:
                self.accumulate(a, d)
