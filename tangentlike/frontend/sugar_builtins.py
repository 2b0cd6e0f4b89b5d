"""The builtins on numbers and sequences, desugared (a mixin of ``Lowerer``, with
``sugar.SugarLowering``).

Promise: a call of ``sum``, ``min``, ``max``, ``sorted``, ``zip``, ``enumerate``,
``reversed``, ``map``, ``list``, ``tuple`` or ``dict`` (the builtins themselves, whatever
the module calls them) lowers to the loops, conditional expressions and runtime
helpers ``sugar`` describes, or raises a located ``UnsupportedSyntaxError`` for an
argument it does not take (``default=``, ``dict()`` of pairs with keywords, ...). An
iterator (``zip``, ``enumerate``, ``reversed``, ``map``) is accepted only where it is
consumed at once, as a generator expression is.
"""
from __future__ import annotations

import gast

from .. import runtime as rt
from ..errors import UnsupportedSyntaxError
from .dictmethods import maybe_dict
from .sugar import BUILTINS, _assign, _at, _call, _for, _index, _load, _store


class BuiltinSugar:
    def builtin_call(self, fn, node):
        """The value of a call of a builtin this module rewrites, or None (also for the
        desugared code's own calls, ``@min``: plain calls on integers)."""
        if isinstance(node.func, gast.Name) and node.func.id.startswith("@"):
            return None
        self.consume(fn, node)
        try:
            name = BUILTINS.get(fn)
        except TypeError:  # an unhashable callable
            return None
        if name is None:
            return None
        if any(isinstance(a, gast.Starred) for a in node.args):
            raise UnsupportedSyntaxError("star-args (*)", self.spec.loc(node),
                                         "pass the arguments one by one")
        return getattr(self, "b_" + name)(node)

    def _no_keywords(self, node, name, allowed=()):
        bad = [k.arg for k in node.keywords if k.arg not in allowed]
        if bad:
            raise UnsupportedSyntaxError(f"{name}() with the keyword argument {bad[0]}=",
                                         self.spec.loc(node), _KEYWORD_HINTS.get(name, ""))

    def _run_value(self, node, stmts, result, temps=()):
        def run():
            self.run_synth(stmts, node)
            return self.env[result]
        return self.scoped(set(temps) | {result}, run)

    def b_sum(self, node):
        self._no_keywords(node, "sum", ("start",))
        args = node.args + [k.value for k in node.keywords]
        if not 1 <= len(args) <= 2:
            raise UnsupportedSyntaxError(f"sum() with {len(args)} arguments", self.spec.loc(node))
        start = args[1] if len(args) == 2 else gast.Constant(0, None)
        acc = self.tmp("acc")
        if isinstance(args[0], (gast.GeneratorExp, gast.ListComp)):
            add = _assign(acc, gast.BinOp(_load(acc), gast.Add(), args[0].elt))
            return self.comprehension(args[0], start, [add], acc)
        seq, v = self.tmp("seq"), self.tmp("v")
        stmts = [_assign(seq, args[0]), _assign(acc, start),
                 _for(v, _load(seq), [_assign(acc, gast.BinOp(_load(acc), gast.Add(), _load(v)))])]
        return self._run_value(node, stmts, acc, (seq, v))

    def _keys(self, seq, key):
        """``keys = [key(t) for t in seq]``: what ``sorted``/``min``/``max`` compare."""
        keys, t = self.tmp("keys"), self.tmp("t")
        comp = gast.ListComp(gast.Call(key, [_load(t)], []),
                             [gast.comprehension(_store(t), _load(seq), [], 0)])
        return keys, _assign(keys, _call("@stop_gradient", comp))  # compared, never differentiated

    def _extremum_by_key(self, node, name, key):
        """``max(xs, key=f)``: the first item whose key is largest (``rt.pick_index``)."""
        s, m = self.tmp("seq"), self.tmp("m")
        seq = node.args[0] if len(node.args) == 1 else gast.List(list(node.args), gast.Load())
        keys, make_keys = self._keys(s, key)
        pick = _call("@pick_index", _load(keys), gast.Constant(name == "max", None))
        stmts = [_assign(s, seq), make_keys,
                 _assign(m, gast.Subscript(_load(s), pick, gast.Load()))]
        return self._run_value(node, stmts, m, (s, keys))

    def _extremum(self, node, name, cmp):
        self._no_keywords(node, name, ("key",))
        if node.keywords and node.args:
            return self._extremum_by_key(node, name, node.keywords[0].value)
        m = self.tmp("m")
        pick = lambda v: _assign(m, gast.IfExp(gast.Compare(_load(v), [cmp()], [_load(m)]),  # noqa: E731
                                                _load(v), _load(m)))
        if len(node.args) == 1:
            s, k, v = self.tmp("seq"), self.tmp("k"), self.tmp("v")
            loop = _for(k, _call("@range", gast.Constant(1, None), _call("@len", _load(s))),
                        [_assign(v, _index(s, k)), pick(v)])
            stmts = [_assign(s, node.args[0]),
                     _assign(m, _index_const(s, 0)), loop]
            return self._run_value(node, stmts, m, (s, k, v))
        if not node.args:
            raise UnsupportedSyntaxError(f"{name}() without arguments", self.spec.loc(node))
        temps = [self.tmp("a") for _ in node.args]
        stmts = [_assign(t, a) for t, a in zip(temps, node.args)] + [_assign(m, _load(temps[0]))]
        stmts += [pick(t) for t in temps[1:]]
        return self._run_value(node, stmts, m, temps)

    def b_max(self, node):
        return self._extremum(node, "max", gast.Gt)

    def b_min(self, node):
        return self._extremum(node, "min", gast.Lt)

    def b_sorted(self, node):
        self._no_keywords(node, "sorted", ("reverse", "key"))
        if len(node.args) != 1:
            raise UnsupportedSyntaxError("sorted() with these arguments", self.spec.loc(node))
        kw = {k.arg: k.value for k in node.keywords}
        rev = kw.get("reverse", gast.Constant(False, None))
        s, o, j, r = self.tmp("seq"), self.tmp("order"), self.tmp("j"), self.tmp("lst")
        arg = node.args[0]
        if isinstance(arg, gast.Name) and maybe_dict(self.env.get(arg.id),
                                                     self.param_values.values()):
            arg = _call("@iterable", arg)  # sorted(d) of a dict parameter: of its keys
        stmts, by, temps = [_assign(s, arg)], s, [s, o, j]
        if "key" in kw:
            by, make_keys = self._keys(s, kw["key"])
            stmts.append(make_keys)
            temps.append(by)
        push = gast.Expr(gast.Call(gast.Attribute(_load(r), "append", gast.Load()),
                                   [_index(s, j)], []))
        stmts += [_assign(o, _call("@sort_order", _load(by), rev)),
                  _assign(r, gast.List([], gast.Load())), _for(j, _load(o), [push])]
        return self._run_value(node, stmts, r, temps)

    def _as_list_comp(self, node):
        """``zip(...)``/``enumerate(...)``/``reversed(...)`` consumed where it stands: the
        list of its items."""
        self.check_consumed(node, f"{node.func.id}(...)")
        t = self.tmp("t")
        comp = gast.ListComp(_load(t), [gast.comprehension(_store(t), node, [], 0)])
        return self.e_ListComp(_at(comp, node))

    b_zip = b_enumerate = b_reversed = _as_list_comp

    def b_map(self, node):
        """``map(f, xs, ...)`` consumed where it stands: ``[f(t) for t in xs]`` (over
        ``zip(xs, ...)`` for several sequences)."""
        self.check_consumed(node, "map(...)")
        self._no_keywords(node, "map")
        if len(node.args) < 2:
            raise UnsupportedSyntaxError("map() with fewer than 2 arguments", self.spec.loc(node))
        ts = [self.tmp("t") for _ in node.args[1:]]
        if len(ts) == 1:
            target, it = _store(ts[0]), node.args[1]
        else:
            target = gast.Tuple([_store(t) for t in ts], gast.Store())
            it = _at(_call("@zip", *node.args[1:]), node)
        elt = gast.Call(node.args[0], [_load(t) for t in ts], [])
        comp = gast.ListComp(elt, [gast.comprehension(target, it, [], 0)])
        return self.e_ListComp(_at(comp, node))

    def _sequence_arg(self, node, name):
        self._no_keywords(node, name)
        if len(node.args) > 1:
            raise UnsupportedSyntaxError(f"{name}() with {len(node.args)} arguments",
                                         self.spec.loc(node))
        return node.args[0] if node.args else None

    def b_list(self, node):
        arg = self._sequence_arg(node, "list")
        if arg is None:
            return self.b.op("list", [], ("lst",)).result
        if isinstance(arg, (gast.ListComp, gast.GeneratorExp)):
            return self.expr(arg)
        return self.b.call(rt.as_list, [self.expr(arg)], hint="lst")

    def b_tuple(self, node):
        arg = self._sequence_arg(node, "tuple")
        if arg is None:
            return self.b.op("tuple", [], ("tup",)).result
        return self.b.call(rt.items, [self.expr(arg)], hint="tup")

    def b_dict(self, node):
        pairs = _literal_pairs(node.args[0]) if len(node.args) == 1 else None
        if pairs is not None:  # dict([("a", x)], b=y), dict({"a": x}, b=y)
            items = dict(pairs + [(k.arg, k.value) for k in node.keywords])
            vals = [self.expr(v) for v in items.values()]
            return self.b.op("dict", vals, ("d",), {"keys": tuple(items)}).result
        if node.args and node.keywords or len(node.args) > 1:
            raise UnsupportedSyntaxError("dict() with these arguments", self.spec.loc(node),
                                         _KEYWORD_HINTS["dict"])
        if node.keywords:
            vals = [self.expr(k.value) for k in node.keywords]
            keys = tuple(k.arg for k in node.keywords)
            return self.b.op("dict", vals, ("d",), {"keys": keys}).result
        if not node.args:
            return self.b.op("dict", [], ("d",), {"keys": ()}).result
        arg = node.args[0]
        if isinstance(arg, (gast.Dict, gast.DictComp)):
            return self.expr(arg)
        if isinstance(arg, gast.Call) and isinstance(arg.func, gast.Name) \
                and self.static(arg.func) == (True, zip) and len(arg.args) == 2:
            k, v = self.tmp("key"), self.tmp("val")
            comp = gast.DictComp(_load(k), _load(v), [gast.comprehension(
                gast.Tuple([_store(k), _store(v)], gast.Store()), arg, [], 0)])
            return self.e_DictComp(_at(comp, node))
        return self.b.call(rt.as_dict, [self.expr(arg)], hint="d")  # a copy of a dict


def _literal_pairs(arg):
    """``[(key, value node)]`` of a list or tuple literal of ``(constant, value)`` pairs
    or of a dict literal with constant keys, else None."""
    if isinstance(arg, gast.Dict):
        if all(isinstance(k, gast.Constant) for k in arg.keys):
            return [(k.value, v) for k, v in zip(arg.keys, arg.values)]
        return None
    if not isinstance(arg, (gast.List, gast.Tuple)):
        return None
    out = []
    for e in arg.elts:
        if not (isinstance(e, gast.Tuple) and len(e.elts) == 2
                and isinstance(e.elts[0], gast.Constant)):
            return None
        out.append((e.elts[0].value, e.elts[1]))
    return out


def _index_const(seq, i):
    return gast.Subscript(_load(seq), gast.Constant(i, None), gast.Load())


_KEYWORD_HINTS = {
    "min": "key= is supported",
    "max": "key= is supported",
    "sorted": "key= and reverse= are supported",
    "dict": "write a dict literal, dict(a=..., b=...), dict(d) or {k: v for k, v in zip(keys, "
            "values)}",
}
