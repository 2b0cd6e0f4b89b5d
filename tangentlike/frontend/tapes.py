"""List methods and tapes (a mixin of ``ExprLowering``).

Promise: ``lst.append(v)`` / ``lst.pop()`` on a local list lower to ``append`` /
``listpop`` ops (the name is rebound to the new list value). Tapes, in code the
compiler reads again (a derivative differentiated once more): ``local_tapes(fn_node)``
names the variables a function uses only as ``name.append(v)`` / ``name.pop()``
(bound to ``rt.Tape()``, they lower to ``push`` / ``pop`` on ``tape`` ops);
``is_tape(v)`` says whether an IR value is one; ``tape_pop(node, env)`` gives the tape
a ``tape.pop()`` call pops, or None.
"""
from __future__ import annotations

import operator

import gast

from ..errors import UnsupportedSyntaxError
from .sugar import clean_hint


class ListMethods:
    """``append``/``pop`` of local lists and tapes; needs ``env``, ``b``, ``spec``,
    ``expr`` and ``check_inplace`` of the ``Lowerer``."""

    def append(self, node):
        """``lst.append(v)`` / ``lst.pop()`` on a local list, in place."""
        f = node.func
        nargs = 1 if f.attr == "append" else 0
        if not isinstance(f.value, gast.Name) or f.value.id not in self.env \
                or len(node.args) != nargs or node.keywords:
            raise UnsupportedSyntaxError(f"{f.attr} on something other than a local list, or "
                                         "with arguments", self.spec.loc(node))
        lst = self.env[f.value.id]
        if is_tape(lst):
            out = self.tape_op(lst, node)
            return out[0] if f.attr == "pop" else out
        self.check_inplace(f.value.id, node, f".{f.attr}()")
        if f.attr == "pop":
            out = self.b.call(operator.getitem, [lst, self.b.const(-1)], hint="item")
            self.env[f.value.id] = self.b.op("listpop", [lst, out], (clean_hint(f.value.id),)).result
            return out
        new = self.b.op("append", [lst, self.expr(node.args[0])],
                         (clean_hint(f.value.id),)).result
        self.env[f.value.id] = new
        return self.b.const(None)

    def tape_op(self, tape, node, n=1):
        """A derivative's tape read back: ``tape.append(v)`` pushes (a tuple literal as
        its items), ``tape.pop()`` pops ``n`` values; no alias check: generated code
        pushes values nothing changes afterwards, and each is popped once."""
        if node.func.attr == "pop":
            return self.b.op("pop", [tape], ["item"] * n).results
        v = node.args[0]
        items = v.elts if isinstance(v, gast.Tuple) and len(v.elts) > 1 else [v]
        self.b.op("push", [tape] + [self.expr(e) for e in items])
        return self.b.const(None)


def is_tape(v) -> bool:
    """Is ``v`` a tape (``rt.Tape()`` in generated code)?"""
    return getattr(getattr(v, "owner", None), "kind", None) == "tape"


def tape_pop(node, env):
    """The tape that ``node`` pops (``tape.pop()``), or None."""
    f = getattr(node, "func", None) if isinstance(node, gast.Call) else None
    if isinstance(f, gast.Attribute) and f.attr == "pop" and isinstance(f.value, gast.Name) \
            and not node.args and is_tape(env.get(f.value.id)):
        return env[f.value.id]
    return None


def local_tapes(fn_node) -> set:
    """Names the function uses only as ``name.append(v)`` / ``name.pop()``: bound to
    ``rt.Tape()``, they are tapes; one that escapes (returned, passed on: a vjp's
    residuals) stays a list, whose pushes and pops are changes like any other."""
    receivers, loads = set(), []
    for n in gast.walk(fn_node):
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) \
                and n.func.attr in ("append", "pop") and isinstance(n.func.value, gast.Name):
            receivers.add(n.func.value)
        elif isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
            loads.append(n)
    escaping = {n.id for n in loads if n not in receivers}
    return {n.id for n in receivers} - escaping
