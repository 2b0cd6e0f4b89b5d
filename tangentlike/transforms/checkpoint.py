"""Checkpointed loops in reverse mode (a mixin of the reverse pass).

``Binomial(snapshots=s)`` (Griewank & Walther, Algorithm 799): the primal loop
keeps nothing; the adjoint is a loop over the steps of ``rt.binomial_schedule``
(at most ``s`` stored states, each iteration recomputed the fewest times for
``s``), each step restoring a state, advancing it without a tape, storing it,
and running one iteration with its tape and then its adjoint.

``Periodic(every=k)`` (Griewank & Walther, ch. 12; Chen et al. 2016 with
k = √n): the primal sweep of a top-level ``for`` loop stores only a snapshot of
its carries at the start of every k-th iteration, instead of what each
iteration's adjoint needs. The adjoint sweep is a visible loop over the
segments, last first: it takes the segment's snapshot, runs the loop body
forward over the segment again (this time keeping its tape), and then runs the
adjoint of those iterations. Memory: n/k snapshots plus one segment's tape;
time: one extra forward sweep. The recomputation is a copy of the loop in the
derivative IR, so the generated code shows it, and the code can be
differentiated again (higher-order derivatives with checkpointing).
"""
from __future__ import annotations

import operator
from .. import runtime as rt
from ..ir.builder import Builder, clone_block
from ..ir.callees import Binomial, Checkpointed, Periodic, checkpoint  # noqa: F401 (re-exported)
from ..ir.facts import made_like
from ..ir.nodes import Block, Op, Value, free_values
from .useful import useful_carries


class CheckpointAdjoints:
    def checkpointed(self, op) -> bool:
        return (self.checkpoint is not None and op.kind in ("for", "while")
                and op.block is self.P.body and self._loop_needed(op))

    def _copy_loop(self, op, block, template, iterable, inits):
        """A copy of loop ``op`` (its body from ``template``) appended to ``block``."""
        vmap = {}
        body = clone_block(template, vmap)
        brk = op.kind == "for" and op.attrs.get("brk", False)
        new = Op("for", [iterable] + list(inits), [], {"brk": brk}, [], op.loc, block)
        for p in template.params[1:]:  # the loop's own carries (not the counter added since)
            new.add_result(p.hint)
        new.set_regions(body)
        block.ops.append(new)
        for old_id, v in vmap.items():  # the copy is as active, of the same kinds and shapes
            self._same_facts(v, old_id)
        return new

    def _snapshot_pushes(self, op, body, n):
        """At the start of every k-th iteration, push the carries."""
        j = body.params[-1]  # the iteration counter added by ``add_counter``
        off = 1 if op.kind == "for" else 0
        b = Builder(Block(), op.loc)
        every = b.const(self.checkpoint.every, hint="every")
        at = b.call(operator.eq, [b.call(operator.mod, [j, every], hint="r"), b.const(0)],
                    hint="store")
        then = Block()
        carries = body.params[off:off + n]
        for nondiff in (False, True):
            group = [c for c in carries if self.no_derivative(c) == nondiff]
            if group:
                Builder(then, op.loc).op("push", [self.get_tape(nondiff)] + group)
        Builder(then, op.loc).yield_([])
        other = Block()
        Builder(other, op.loc).yield_([])
        b.op("if", [at], [], {}, (then, other))
        for o in b.block.ops:
            o.block = body
        body.ops[0:0] = b.block.ops

    def a_for_checkpointed(self, op):
        """A checkpointed ``for`` or ``while`` loop: the recomputations are ``for`` loops
        over iteration numbers (``while``: ``range`` of the trip count the primal sweep
        counted, so its condition is not evaluated again)."""
        body = op.regions[-1]
        template = clone_block(body, {})  # the body as it is now, for the recomputation
        pairs = {}
        _pair_values(body, template, pairs)
        for new_id, old in pairs.items():
            self._same_facts(new_id, old)
        if op.kind == "while":  # its copies are ``for`` loops: give them an item
            template.params.insert(0, Value("_", template))
        n = len(op.results)
        count = self.add_counter(op, body)
        if isinstance(self.checkpoint, Binomial):
            return self._binomial_adjoint(op, template, n, count)
        self._snapshot_pushes(op, body, n)
        self._segments_adjoint(op, template, n, count)

    def _done(self, op, count):
        """The iterations the primal loop ran: ``rng[:n_iter]`` (``range(n_iter)``)."""
        b = self.b
        if op.kind == "while":
            return b.call(range, [self.avail(count)], hint="done")
        stop = b.op("slice", [b.const(None), self.avail(count), b.const(None)], ["s"]).result
        return b.call(operator.getitem, [self.avail(op.args[0]), stop], hint="done")

    def _segments_adjoint(self, op, template, n, count):
        b, k = self.b, self.checkpoint.every
        off = 1 if op.kind == "for" else 0
        carries = op.regions[-1].params[off:off + n]
        done = self._done(op, count)
        every = b.const(k, hint="every")
        nseg = b.call(operator.floordiv, [b.call(operator.add, [
            b.call(len, [done], hint="n"), b.const(k - 1)]), every], hint="n_segments")
        segs = b.call(operator.getitem, [b.call(range, [nseg], hint="segs"), self._back()],
                      hint="segments")

        def segment(seg, _):
            snap = self._pop_snapshot(carries, template.params[1:1 + n])
            start = self.b.call(operator.mul, [seg, every], hint="start")
            stop = self.b.call(operator.add, [start, every], hint="stop")
            part = self.b.call(operator.getitem, [done, self.b.op(
                "slice", [start, stop, self.b.const(None)], ["s"]).result], hint="part")
            return self._copy_loop(op, self.b.block, template, part, snap), []

        self._schedule_loop(op, template, n, segs, [], segment, "seg")

    def _pop_snapshot(self, carries, like):
        """Pop what ``_snapshot_pushes`` pushed of ``carries``, in their order."""
        out = [None] * len(carries)
        for nondiff in (False, True):  # one tape each: their order does not matter
            at = [i for i, c in enumerate(carries) if self.no_derivative(c) == nondiff]
            if at:
                pop = self.b.op("pop", [self.avail(self.get_tape(nondiff))],
                                [like[i].hint for i in at])
                for i, r in zip(at, pop.results):
                    out[i] = r
        self._mark_like(out, like)
        return out

    def _binomial_adjoint(self, op, template, n, count):
        """The adjoint as a loop over the steps of ``rt.binomial_schedule``: restore a
        state, advance it untaped, store it, run one iteration taped and reverse it."""
        b, s = self.b, self.checkpoint.snapshots
        done = self._done(op, count)
        steps = b.call(rt.binomial_schedule, [b.call(len, [done], hint="n"), b.const(s)],
                       hint="schedule")
        inits = op.args[1:1 + n] if op.kind == "for" else op.args[:n]
        start = b.op("tuple", [self.avail(a) for a in inits], ["state"]).result
        slots0 = b.call(rt.snapshot_slots, [start, b.const(s)], hint="slots")

        def step_body(step, leads):
            state, slots = self._binomial_step(op, template, n, done, step, *leads, s)
            return self._one_step(op, template, n, done, step, state), [state, slots]

        self._schedule_loop(op, template, n, steps, [("state", start), ("slots", slots0)],
                            step_body, "step")

    def _schedule_loop(self, op, template, n, iterable, leads, body, item_hint):
        """An adjoint ``for`` over ``iterable`` (segments, schedule steps) carrying the
        cotangents of the loop carries and of the outer values the loop reads. ``body``
        builds the loop copy to reverse in each iteration (and the new ``leads``)."""
        carries = template.params[1:1 + n]
        vc = [j for j, p in enumerate(carries) if p in self.varied]
        vc = useful_carries(vc, carries, template.ops[-1].args, op.results, self.adj)
        free = [f for f in free_values(op) if f in self.varied]
        d_init = [self.adj.get(op.results[j]) or self.zeros(op.results[j]) for j in vc]
        f_init = [self.owned_adjoint(f) for f in free]
        blk = Block()
        item = blk.add_param(item_hint)
        lead_params = [blk.add_param(h) for h, _ in leads]
        dps = [blk.add_param("d" + carries[j].hint) for j in vc]
        fps = [blk.add_param("d" + f.hint) for f in free]
        self.adjoint_blocks.add(blk)
        outer, saved_b = self.adj, self.b
        self.adj, self.b = dict(outer), Builder(blk, op.loc, mark=True)
        for f, p in zip(free, fps):
            self.adj[f] = p
            self.owner_of[p] = f
        again, new_leads = body(item, lead_params)
        for j, p in zip(vc, dps):
            self.adj[again.results[j]] = p
        inits = again.args[1:1 + n]
        rev = self.b.call(operator.getitem, [again.args[0], self._back()], hint="rev")
        self.loop_adjoint(again, again.regions[0], again.regions[0].params[1:1 + n],
                          inits, rev, again.regions[0].params[0])
        outs = [self.adj.get(inits[j]) or self.zeros(inits[j]) for j in vc]
        self.b.yield_(new_leads + outs + [self.adj[f] for f in free])
        self.adj, self.b = outer, saved_b
        hints = [h for h, _ in leads] + ["d" + carries[j].hint for j in vc] + \
            ["d" + f.hint for f in free]
        new = self.b.op("for", [iterable] + [v for _, v in leads] + d_init + f_init, hints,
                        {"adjoint": True}, (blk,))
        res = new.results[len(leads):]
        for f, r in zip(free, res[len(vc):]):
            self.adj[f] = r
            self.owner_of[r] = f
        off = 1 if op.kind == "for" else 0
        for j, r in zip(vc, res):
            self.accumulate(op.args[off + j], r)

    def _mark_like(self, values, like):
        for v, c in zip(values, like):
            self._same_facts(v, c)
            made_like(v, c)

    def _same_facts(self, new_id, old_id):
        """What activity knows of value ``old_id`` holds for its copy ``new_id`` (its
        kind and shape pattern come with the copy: ``clone_block`` keeps facts)."""
        if old_id in self.varied:
            self.varied.add(new_id)

    def _back(self):
        b = self.b
        return b.op("slice", [b.const(None), b.const(None), b.const(-1)], ["s"]).result

    def _field(self, step, k, hint):
        return self.b.call(operator.getitem, [step, self.b.const(k)], hint=hint)

    def _part(self, done, step, k0, k1):
        b = self.b
        lo, hi = self._field(step, k0, "a"), self._field(step, k1, "b")
        return b.call(operator.getitem, [done, b.op("slice", [lo, hi, b.const(None)],
                                                    ["s"]).result], hint="part")

    def _binomial_step(self, op, template, n, done, step, state, slots, s):
        """Restore, advance untaped, store; returns the new (state, slots)."""
        b = self.b
        slots = b.op("setitem", [slots, b.const(s), state], ["slots"]).result  # scratch
        state = b.call(operator.getitem, [slots, self._field(step, 0, "restore")],
                       hint="state")
        cur = [b.call(operator.getitem, [state, b.const(j)], hint=template.params[1 + j].hint)
               for j in range(n)]
        fwd = self._copy_loop(op, b.block, template, self._part(done, step, 1, 2), cur)
        state = b.op("tuple", list(fwd.results), ["state"]).result
        slots = b.op("setitem", [slots, self._field(step, 3, "store"), state], ["slots"]).result
        return state, slots

    def _one_step(self, op, template, n, done, step, state):
        """The iteration to reverse (``step[4]:step[5]``, maybe none), run with its tape."""
        cur = [self.b.call(operator.getitem, [state, self.b.const(j)],
                           hint=template.params[1 + j].hint) for j in range(n)]
        self._mark_like(cur, template.params[1:1 + n])
        return self._copy_loop(op, self.b.block, template, self._part(done, step, 4, 5), cur)


def _pair_values(old_block, new_block, out):
    """Map copy value -> original value, block by block."""
    for a, b in zip(old_block.params, new_block.params):
        out[b] = a
    for o, n in zip(old_block.ops, new_block.ops):
        for a, b in zip(o.results, n.results):
            out[b] = a
        for ro, rn in zip(o.regions, n.regions):
            _pair_values(ro, rn, out)
