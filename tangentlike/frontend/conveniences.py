"""Everyday spellings around the numerics (a mixin of ``Lowerer``):

- ``lst.extend(xs)`` on a local list: ``for v in xs: lst.append(v)``;
- f-strings (``print(f"loss {loss:.3f}")``): ``rt.fstring`` of the literal pieces and
  the values, run in the primal sweep, no derivative; a format spec must be constant;
- ``obj(x)`` of a module-level or closed-over object whose class defines ``__call__``
  in Python: the bound method ``obj.__call__``.

Promise: each lowers to constructs the rest of the frontend already differentiates, or
raises a located ``UnsupportedSyntaxError``.
"""
from __future__ import annotations

import types

import gast

from .. import runtime as rt
from ..errors import UnsupportedSyntaxError


class Conveniences:
    def extend(self, node):
        f = node.func
        if not isinstance(f.value, gast.Name) or f.value.id not in self.env \
                or len(node.args) != 1 or node.keywords:
            raise UnsupportedSyntaxError("extend on something other than a local list, or with "
                                         "other arguments", self.spec.loc(node))
        v = self.tmp("v")
        push = gast.Expr(gast.Call(gast.Attribute(gast.Name(f.value.id, gast.Load(), None, None),
                                                  "append", gast.Load()),
                                   [gast.Name(v, gast.Load(), None, None)], []))
        loop = gast.For(gast.Name(v, gast.Store(), None, None), node.args[0], [push], [], None)
        self.scoped({v}, lambda: self.run_synth([loop], node))
        return self.b.const(None)

    def e_JoinedStr(self, node):
        parts, values = [], []
        for piece in node.values:
            if isinstance(piece, gast.Constant):
                parts.append(piece.value)
                continue
            spec = ""
            if piece.format_spec is not None:
                pieces = piece.format_spec.values
                if not all(isinstance(p, gast.Constant) for p in pieces):
                    raise UnsupportedSyntaxError("f-string with a computed format spec",
                                                 self.spec.loc(piece), "write the spec out")
                spec = "".join(p.value for p in pieces)
            conv = "" if piece.conversion in (-1, None) else chr(piece.conversion)
            parts.append((conv, spec))
            values.append(self.expr(piece.value))
        return self.b.call(rt.fstring, [self.b.const(tuple(parts))] + values, hint="text")


def callable_object(fn):
    """``fn.__call__`` when ``fn`` is an instance of a class that defines ``__call__`` in
    Python (a model, a loss object), else ``fn``."""
    if isinstance(fn, (types.FunctionType, types.BuiltinFunctionType, type,
                       types.MethodType)) or callable(getattr(fn, "__wrapped__", None)):
        return fn
    call = getattr(type(fn), "__call__", None)
    if isinstance(call, types.FunctionType):
        return getattr(fn, "__call__")
    return fn
