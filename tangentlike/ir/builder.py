"""Building and copying IR.

``Builder`` appends ops to a current block, stamping each with the current
source location; ``clone_block`` copies a block (and everything nested) with
fresh values, substituting free values through a map, so a pass can produce a
new function without touching its input.
"""
from __future__ import annotations

from .nodes import Block, Op, Value, append_op


class Builder:
    def __init__(self, block: Block, loc=None, mark=False):
        self.block, self.loc, self.mark = block, loc, mark
        self.made = 0  # ops made so far
        self.pending = []  # (block, loc): lines differentiated without an op of their own

    def op(self, kind, args=(), hints=(), attrs=None, regions=(), loc=None) -> Op:
        op = Op(kind, list(args), [], dict(attrs or {}), [], loc or self.loc)
        if self.mark:
            op.attrs["adjoint"] = self.mark
            also = tuple(loc for blk, loc in self.pending if blk is self.block)
            if also:  # the emitter comments those lines above this op's statement too
                op.attrs["also"] = also
                self.pending = [(blk, loc) for blk, loc in self.pending if blk is not self.block]
        self.made += 1
        for h in hints:
            op.add_result(h)
        if regions:
            op.set_regions(*regions)
        return append_op(self.block, op)

    def const(self, value, hint="c") -> Value:
        return self.op("const", (), (hint,), {"value": value}).result

    def call(self, fn, args, hint="t", kw=(), **attrs) -> Value:
        attrs.update(fn=fn, kw=tuple(kw))
        return self.op("call", args, (hint,), attrs).result

    def yield_(self, values):
        return self.op("yield", values)


def clone_block(block: Block, vmap: dict, parent=None) -> Block:
    """Copy ``block``; ``vmap`` maps old value -> new value and is extended. A copy keeps
    its original's facts (``ir.facts``)."""
    new = Block(parent=parent)
    for p in block.params:
        np_ = new.add_param(p.hint)
        np_.facts = p.facts
        vmap[p] = np_
    for op in block.ops:
        clone_op_into(op, new, vmap)
    return new


def clone_op_into(op: Op, block: Block, vmap: dict) -> Op:
    new = Op(op.kind, [vmap.get(a, a) for a in op.args], [], dict(op.attrs), [], op.loc)
    for r in op.results:
        vmap[r] = copy = new.add_result(r.hint)
        copy.facts = r.facts
    new.set_regions(*[clone_block(r, vmap) for r in op.regions])
    return append_op(block, new)


def replace_uses(block: Block, old: Value, new: Value):
    """Replace every use of ``old`` by ``new`` in ``block`` and nested blocks."""
    for op in block.ops:
        op.args = [new if a is old else a for a in op.args]
        for r in op.regions:
            replace_uses(r, old, new)
