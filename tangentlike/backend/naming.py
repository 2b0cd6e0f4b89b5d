"""Names for SSA values in emitted Python (out of SSA, structured).

Values that are the same Python variable share one name (union-find groups):
an in-place write's result and its target; a loop carry's parameter, result,
its initial value when nothing else reads it, and its next value when the
parameter is dead by then; an ``if`` result and a branch value only its yield
reads. A group's name comes from its hints ("h", "dW"), made unique in
program order (parameters and loop variables first, so that a generic "t" never
takes the name of the user's ``for t in ...``), so output is deterministic.
"""
from __future__ import annotations

import builtins
import keyword

from ..ir.nodes import Block, walk_ops

_GENERIC = ("t", "c", "v", "tup", "s", "result")  # "result": a return inside a branch


class Names:
    def __init__(self, func, uses, inlined, reserved=(), user=None):
        self.user = user or {}
        self.parent = {}
        self.uses = uses
        self.inlined = inlined
        self.taken, self.next_k = set(reserved), {}
        self.names = {}
        self.hint_of = {}
        self._group(func.body)
        for p in func.params:
            self.name(p)
        for op in walk_ops(func.body):  # the user's loop variables before generic hints
            if op.kind == "for":
                item = op.regions[0].params[0]
                if self.uses.get(item, 0) == 0 and self.find(item) is item:
                    self.names[item] = "_"  # an adjoint loop counting down reads no item
                else:
                    self.name(item)

    # union-find
    def find(self, v):
        k = v
        path = []
        while self.parent.get(k, k) != k:
            path.append(k)
            k = self.parent[k]
        for j in path:  # path compression: later finds are O(1)
            self.parent[j] = k
        return k

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
            ha, hb = self.hint_of.get(ra, a.hint), self.hint_of.get(rb, b.hint)
            self.hint_of[ra] = ha if ha not in _GENERIC else hb

    def _group(self, block: Block):
        for i, op in enumerate(block.ops):
            for r in op.regions:
                self._group(r)
            if op.kind in ("setitem", "append", "listpop"):
                self.union(op.args[0], op.result)
            elif op.kind == "if":
                for j, res in enumerate(op.results):
                    for region in op.regions:
                        y = region.ops[-1].args[j]
                        if self._private(y, region):
                            self.union(res, y)
            elif op.kind in ("for", "while"):
                self._group_loop(op)

    def _group_loop(self, op):
        body = op.regions[-1]
        off = 1 if op.kind == "for" else 0
        inits = op.args[off:]
        for j, res in enumerate(op.results):
            p = body.params[j + off]
            self.union(res, p)
            if op.kind == "while":
                self.union(res, op.regions[0].params[j])
            init = inits[j]
            if self.uses.get(init, 0) == 1 and self._sole(init) \
                    and init not in self.inlined:
                self.union(res, init)
            y = body.ops[-1].args[j]
            others = [a for i, a in enumerate(body.ops[-1].args) if i != j]
            if self._private(y, body) and not self._used_from(body, p, y.owner) \
                    and not any(a is p for a in others):  # a, b = b, a + b: b read after
                self.union(res, y)

    def _sole(self, v):
        """``v`` is an op result, and the variable it shares a buffer with is dead after it."""
        if isinstance(v.owner, Block):
            return False
        if v.owner.kind in ("setitem", "append", "listpop"):
            t = v.owner.args[0]
            return self.uses.get(t, 0) == 1 and self._sole(t)
        return True

    def _stmt_of(self, op):
        """The op whose statement evaluates ``op`` (itself, unless it was inlined)."""
        while len(op.results) == 1 and op.result in self.inlined and op.result in self.user:
            op = self.user[op.result]
        return op

    def _used_from(self, block, p, start_op) -> bool:
        """Is ``p`` read at or after ``start_op`` in ``block`` (its yield excluded)?"""
        index = {op: i for i, op in enumerate(block.ops)}
        start = index[start_op]
        for op in walk_ops(block):
            if op.kind != "yield" and any(a is p for a in op.args):
                stmt = self._stmt_of(op)
                while stmt.block is not block:
                    stmt = stmt.block.parent
                if index[stmt] >= start and stmt is not block.ops[-1]:
                    return True
        return False

    def _private(self, y, block):
        """``y`` is defined in ``block`` by an op and read only by its yield."""
        return (not isinstance(y.owner, Block) and y.owner.block is block
                and self.uses.get(y, 0) == 1 and y not in self.inlined)

    def name(self, v) -> str:
        root = self.find(v)
        n = self.names.get(root)
        if n is None:
            base = _clean(self.hint_of.get(root, v.hint))
            k = self.next_k.get(base, 1)  # names are never freed: resume the search
            n = base if k == 1 else f"{base}_{k}"
            while n in self.taken:
                k += 1
                n = f"{base}_{k}"
            self.next_k[base] = k
            self.taken.add(n)
            self.names[root] = n
        return n


def _clean(hint: str) -> str:
    s = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in hint) or "v"
    if s[0].isdigit():
        s = "v" + s
    shadows = keyword.iskeyword(s) or s in ("np", "rt") or hasattr(builtins, s)
    return s + "_" if shadows else s
