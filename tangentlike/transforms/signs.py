"""Sign propagation in cotangent code (pass ``signs``).

Rules for subtraction emit a negated cotangent (``dt = -d``); followed by a
product and an accumulation that is ``dmu - (-d * z) / s``: two negations and a
subtraction where ``dmu + d * z / s`` has none. The pass moves a negation of
the adjoint sweep forward, through products and quotients (``(-a) * b`` is
``-(a * b)``, exactly, in IEEE arithmetic) and sums over axes, until a sum or difference absorbs
it (``x + (-w)`` is ``x - w``, ``x - (-w)`` is ``x + w``) or another negation
cancels it. It only does so when every path ends that way within the block, so
it never adds an operation; all the rewrites are exact. On one path the negation may
instead stop after a sum that shrinks its operand (``rt.unbroadcast(-w, x)`` becomes
``-rt.unbroadcast(w, x)``): the same count of operations, the negation on fewer
elements (``-`` commutes with a sum exactly: rounding is symmetric).
"""
from __future__ import annotations

import operator

from .. import runtime as rt
from ..ir.nodes import Op, Value, walk_ops
from ..rules import registry

_DEPTH = 8
# Linear helpers whose result is never larger than their first argument: a negation
# moved past one (and absorbed no further) is done on the reduced array (issue 20, GMM:
# ``rt.unbroadcast(-dxc, t)`` of a (K, n, d) cotangent summed to (K, 1, d)).
# (the fact ``shrinking``: rt.unbroadcast, rt.sum_axes)


def signs(func) -> bool:
    uses = {}
    for op in walk_ops(func.body):
        for a in op.args:
            uses.setdefault(a, []).append(op)
    todo = [op for op in walk_ops(func.body) if _is_neg(op)]
    edits = _Edits()
    while todo:
        op = todo.pop()
        if op in edits.removed or not _absorbed(op, uses, 0, edits):
            continue
        for u in _users(op.result, uses, edits):
            new = _rewrite(u, op.result, op.args[0], uses, edits)
            if new is not None:
                todo.append(new)
        edits.remove(op)
    return edits.apply()


class _Edits:
    """Removals and insertions, applied per block in one pass at the end."""

    def __init__(self):
        self.removed, self.after, self.blocks = set(), {}, {}

    def remove(self, op):
        self.removed.add(op)
        self.blocks[op.block] = op.block

    def insert_after(self, op, new):
        self.after.setdefault(op, []).append(new)
        self.blocks[op.block] = op.block

    def apply(self) -> bool:
        for block in self.blocks.values():
            out = []
            for op in block.ops:
                stack = [op]
                while stack:
                    o = stack.pop(0)
                    if o not in self.removed:
                        out.append(o)
                    stack[:0] = self.after.get(o, [])
            block.ops = out
        return bool(self.blocks)


def _is_neg(op) -> bool:
    return op.kind == "call" and op.attrs.get("adjoint") and registry.has(op.attrs["fn"], "negation") \
        and len(op.args) == 1 and not op.attrs.get("kw")


def _users(v, uses, edits):
    """The ops reading ``v`` now, each once (the use lists only grow, so some are stale)."""
    out, seen = [], set()
    for u in uses.get(v, []):
        if u not in seen and u not in edits.removed and any(a is v for a in u.args):
            seen.add(u)
            out.append(u)
    return out


def _absorbed(neg, uses, depth, edits, stops=None) -> bool:
    """Whether every use of ``-w`` (``neg``'s result) can take the sign, within its block
    (or, on one path, be carried past a sum to its smaller result: ``stops``)."""
    stops = [0] if stops is None else stops
    v = neg.result
    us = _users(v, uses, edits)
    if not us or depth > _DEPTH:
        return False
    for u in us:
        if u.kind != "call" or u.block is not neg.block or not u.attrs.get("adjoint"):
            return False
        fn = u.attrs["fn"]
        if registry.has(fn, "linear_first") and u.args[0] is v and v not in u.args[1:]:
            before = stops[0]
            if _absorbed(u, uses, depth + 1, edits, stops):  # (-w).sum() = -(w.sum())
                continue
            stops[0] = before
            if registry.has(fn, "shrinking") and len(us) == 1 and not before:
                stops[0] = 1  # -(w.sum()) stays, on the sum: as many negations, smaller
                continue
            return False
        if u.attrs.get("kw") or len(u.args) != 2 and not registry.has(fn, "negation"):
            return False
        if registry.has(fn, "negation") or registry.has(fn, "addition") and u.args[0] is not u.args[1]:
            continue
        if registry.has(fn, "subtraction") and u.args[1] is v and u.args[0] is not v:
            continue
        passes = (registry.has(fn, "subtraction") and u.args[0] is v and u.args[1] is not v) or \
            (registry.has(fn, "scaling") and (u.args[0] is v) != (u.args[1] is v))
        if not (passes and _absorbed(u, uses, depth + 1, edits, stops)):
            return False
    return True


def _rewrite(u, v, w, uses, edits):
    """Make ``u`` read ``w`` where it read ``v = -w``; returns a new negation to push on."""
    fn = u.attrs["fn"]
    if registry.has(fn, "negation"):  # --w is w
        for o in _users(u.result, uses, edits):
            o.args = [w if a is u.result else a for a in o.args]
            uses.setdefault(w, []).append(o)
        edits.remove(u)
        return None
    uses.setdefault(w, []).append(u)
    if registry.has(fn, "linear_first"):
        u.args = [w] + u.args[1:]
        return _negate_result(u, uses, edits)
    x = u.args[1] if u.args[0] is v else u.args[0]
    if registry.has(fn, "addition"):
        u.attrs["fn"], u.args = operator.sub, [x, w]
    elif registry.has(fn, "subtraction") and u.args[1] is v:
        u.attrs["fn"], u.args = operator.add, [x, w]
    else:  # (-w) - x = -(w + x); (-w) * x = -(w * x), likewise for quotients
        if registry.has(fn, "subtraction"):
            u.attrs["fn"], u.args = operator.add, [w, x]
        else:
            u.args = [w if a is v else a for a in u.args]
        return _negate_result(u, uses, edits)
    return None


def _negate_result(u, uses, edits):
    """``r = f(...)`` becomes ``r' = f(...); r = -r'``; returns the new negation."""
    r = u.result
    inner = Value(r.hint, u)
    u.results[0] = inner
    neg = Op("call", [inner], [r], {"fn": operator.neg, "kw": (), "adjoint": True}, [],
             u.loc, u.block)
    r.owner = neg
    edits.insert_after(u, neg)
    uses[inner] = [neg]
    return neg
