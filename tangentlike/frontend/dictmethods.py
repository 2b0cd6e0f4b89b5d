"""The methods of dicts users call: ``d.keys()``, ``d.values()``, ``d.items()`` and
``d.get(k, default)`` (a mixin of ``Lowerer``).

Promise: ``d.keys()`` is the list of ``d``'s keys at run time (``rt.dict_keys``: no
derivative); ``d.values()`` is ``[d[k] for k in keys]`` and ``d.items()`` is
``[(k, d[k]) for k in keys]``, lowered as those comprehensions (so their derivatives
are those of indexing); ``d.get(k, default)`` is ``d[k] if k in d else default``. As in
Python, the order is the dict's insertion order; a view is a list here (it is not
updated if the dict changes later, which the subset's dicts do not after the call).
"""
from __future__ import annotations

import gast

from .. import runtime as rt
from ..errors import UnsupportedSyntaxError

DICT_METHODS = ("keys", "values", "items", "get")


def maybe_dict(value, params) -> bool:
    """Might ``value`` be a dict that ``for``/``sorted`` should iterate by its keys (a
    parameter, whose type is known only at run time, or a dict built here)?"""
    owner = getattr(value, "owner", None)
    return any(value is p for p in params) or getattr(owner, "kind", None) == "dict"


def _name(n, store=False):
    return gast.Name(n, gast.Store() if store else gast.Load(), None, None)


class DictMethods:
    def dict_method(self, node):
        f, name = node.func, node.func.attr
        nargs = {"get": (1, 2)}.get(name, (0, 0))
        if node.keywords or not nargs[0] <= len(node.args) <= nargs[1]:
            raise UnsupportedSyntaxError(f"method .{name}() with these arguments",
                                         self.spec.loc(node),
                                         "d.get(key) or d.get(key, default)" if name == "get"
                                         else f"d.{name}() takes no arguments")
        d = self.bind_tmp("d", self.expr(f.value))
        if name == "get":
            key = self.bind_tmp("key", self.expr(node.args[0]))
            default = node.args[1] if len(node.args) > 1 else gast.Constant(None, None)
            test = gast.Compare(_name(key), [gast.In()], [_name(d)])
            expr = gast.IfExp(test, gast.Subscript(_name(d), _name(key), gast.Load()), default)
            return self.expr(_located(expr, node))
        keys = self.b.call(rt.dict_keys, [self.env[d]], hint="keys")
        if name == "keys":
            return keys
        kn, k = self.bind_tmp("keys", keys), self.tmp("k")
        item = gast.Subscript(_name(d), _name(k), gast.Load())
        elt = gast.Tuple([_name(k), item], gast.Load()) if name == "items" else item
        comp = gast.ListComp(elt, [gast.comprehension(_name(k, True), _name(kn), [], 0)])
        return self.expr(_located(comp, node))

    def bind_tmp(self, base, value):
        """A fresh temporary name bound to ``value`` in the environment."""
        n = self.tmp(base)
        self.env[n] = value
        return n


def _located(expr, src):
    for n in gast.walk(expr):
        for a in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
            if a in getattr(n, "_attributes", ()) and getattr(n, a, None) is None:
                setattr(n, a, getattr(src, a, None))
    return expr
