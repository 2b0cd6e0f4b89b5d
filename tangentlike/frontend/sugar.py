"""Comprehensions and the builtins on sequences, desugared into loops (a mixin of
``Lowerer``).

Promise: each construct is rewritten into statements the lowering already knows
(``for`` over ``range``, ``if``, ``list.append``, item assignment, conditional
expressions) and lowered in place, so its derivative in both modes, and derivatives
of derivatives, come from those: ``[e for v in xs if c]`` is a loop appending to a
fresh list; ``sum(g for ...)`` accumulates ``acc = acc + g`` without building a
list; ``for i, v in enumerate(xs)`` / ``zip(a, b)`` / ``reversed(xs)`` iterate
over indices; ``max(a, b)`` is ``b if b > a else a`` (Python keeps the first of
equal items); ``sorted(xs)`` gathers ``xs`` by the permutation ``rt.sort_order``
computes; with ``key=f`` the keys ``[f(t) for t in xs]`` are compared instead
(``max(xs, key=f)`` is ``xs[rt.pick_index(keys, True)]``). Comprehension variables are local to the comprehension, as in Python.
The temporaries have names starting with ``.``, which no user variable can have.
"""
from __future__ import annotations

import itertools

import gast

from .. import runtime as rt
from ..errors import UnsupportedSyntaxError

# Names the desugared code refers to, whatever the user's module calls ``len``.
REFS = {"@len": len, "@range": range, "@min": min, "@sort_order": rt.sort_order,
        "@pick_index": rt.pick_index,
        "@items": rt.items, "@as_list": rt.as_list, "@assert_failed": rt.assert_failed}
_COUNTER = itertools.count(1)


def clean_hint(name: str) -> str:
    """The hint of a (possibly desugared) variable name: ``.acc#3`` -> ``acc``."""
    return name.lstrip(".@").split("#")[0] or "t"


def _load(name):
    return gast.Name(name, gast.Load(), None, None)


def _store(name):
    return gast.Name(name, gast.Store(), None, None)


def _call(name, *args, keywords=()):
    return gast.Call(_load(name), list(args), list(keywords))


def _index(seq, k):
    return gast.Subscript(_load(seq), _load(k), gast.Load())


def _assign(target, value):
    t = _store(target) if isinstance(target, str) else target
    return gast.Assign([t], value, None)


def _for(target, iter_, body):
    return gast.For(_store(target) if isinstance(target, str) else target, iter_, body, [], None)


def _at(node, src):
    """Give ``node`` and its children ``src``'s position (errors point at the source)."""
    for n in gast.walk(node):
        for a in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
            if getattr(n, a, None) is None and a in getattr(n, "_attributes", ()):
                setattr(n, a, getattr(src, a, None))
    return node


class SugarLowering:
    def tmp(self, base):
        return f".{base}#{next(_COUNTER)}"

    def run_synth(self, stmts, src):
        """Lower synthesized statements at ``src``'s position, keeping the state of the
        statement being lowered."""
        saved = (getattr(self, "cur_stmt", None), getattr(self, "stmt_start", None), self.b.loc)
        for s in stmts:
            self.stmt(_at(s, src))
        self.cur_stmt, self.stmt_start, self.b.loc = saved

    def scoped(self, names, fn):
        """Run ``fn`` with ``names`` local to it (comprehension variables, temporaries)."""
        old = {n: self.env.get(n) for n in names}
        out = fn()
        for n, v in old.items():
            if v is None:
                self.env.pop(n, None)
            else:
                self.env[n] = v
        return out

    # -- comprehensions -----------------------------------------------------------------
    def _comp_loops(self, generators, inner):
        body = inner
        for g in reversed(generators):
            if g.is_async:
                raise UnsupportedSyntaxError("async comprehension", self.spec.loc(g.iter))
            for cond in reversed(g.ifs):
                body = [gast.If(cond, body, [])]
            body = [_for(g.target, g.iter, body)]
        return body

    def _comp_names(self, generators):
        from .scan import target_names
        return set().union(*[target_names(g.target) for g in generators])

    def comprehension(self, node, init, inner, acc):
        """Lower ``acc = init`` then the loops of ``node``'s generators around ``inner``."""
        stmts = [_assign(acc, init)] + self._comp_loops(node.generators, inner)
        names = self._comp_names(node.generators) | {acc}

        def run():
            self.run_synth(stmts, node)
            return self.env[acc]
        return self.scoped(names, run)

    def e_ListComp(self, node):
        acc = self.tmp("lst")
        push = gast.Expr(gast.Call(gast.Attribute(_load(acc), "append", gast.Load()),
                                   [node.elt], []))
        return self.comprehension(node, gast.List([], gast.Load()), [push], acc)

    def e_GeneratorExp(self, node):
        """Where it is consumed at once (``sum``, ``max``, ``list``, ``any``, a ``for``),
        a list computes the same; anywhere else a generator could be consumed twice."""
        if not any(n is node for n in getattr(self, "consumed", ())):
            raise UnsupportedSyntaxError("generator expression used as a value",
                                         self.spec.loc(node), "use a list comprehension")
        return self.e_ListComp(node)

    def consume(self, fn, node):
        """Note that ``fn(node's generator expression)`` consumes it at once."""
        try:
            ok = fn in _BUILTINS or fn in (any, all)
        except TypeError:
            ok = False
        if ok or fn is None:
            self.consumed = getattr(self, "consumed", []) + [
                a for a in node.args[:1] if isinstance(a, gast.GeneratorExp)]

    def e_DictComp(self, node):
        acc = self.tmp("d")
        put = _assign(gast.Subscript(_load(acc), node.key, gast.Store()), node.value)
        return self.comprehension(node, gast.Dict([], []), [put], acc)

    def e_SetComp(self, node):
        raise UnsupportedSyntaxError("set comprehension", self.spec.loc(node),
                                     "use a list comprehension")

    # -- for over enumerate / zip / reversed ----------------------------------------------
    def rewrite_for(self, s):
        """``(setup statements, For over a range)`` for ``for`` over ``enumerate``, ``zip``
        or ``reversed`` of sequences, else None."""
        it = s.iter
        if not isinstance(it, gast.Call) or not isinstance(it.func, gast.Name):
            return None
        ok, fn = self.static(it.func)
        if not ok or fn not in (enumerate, zip, reversed):
            return None
        name = fn.__name__
        if any(isinstance(a, gast.Starred) for a in it.args) or (
                it.keywords and not (fn is enumerate and [k.arg for k in it.keywords] == ["start"])):
            raise UnsupportedSyntaxError(f"{name}() with these arguments", self.spec.loc(it))
        nargs = len(it.args) + len(it.keywords)
        if (fn is zip and not it.args) or (fn is not zip and not 1 <= nargs <= (2 if fn is enumerate else 1)):
            raise UnsupportedSyntaxError(f"{name}() with {nargs} arguments", self.spec.loc(it))
        seqs = [self.tmp("seq") for _ in it.args]
        setup = [_assign(q, a) for q, a in zip(seqs, it.args)]
        k = self.tmp("k")
        return setup, getattr(self, "_for_" + name)(s, it, seqs, k)

    def _for_enumerate(self, s, it, seqs, k):
        start = (it.args[1:] or [kw.value for kw in it.keywords] or [None])[0]
        t = s.target
        if start is None and isinstance(t, gast.Tuple) and len(t.elts) == 2 \
                and isinstance(t.elts[0], gast.Name):
            k = t.elts[0].id  # the index is the user's own variable
            item = [_assign(t.elts[1], _index(seqs[0], k))]
        else:
            count = _load(k) if start is None else gast.BinOp(_load(k), gast.Add(), start)
            item = [_assign(t, gast.Tuple([count, _index(seqs[0], k)], gast.Load()))]
        return _for(k, _call("@range", _call("@len", _load(seqs[0]))), item + s.body)

    def _for_zip(self, s, it, seqs, k):
        lens = [_call("@len", _load(q)) for q in seqs]
        n = lens[0] if len(lens) == 1 else _call("@min", *lens)
        items = gast.Tuple([_index(q, k) for q in seqs], gast.Load())
        return _for(k, _call("@range", n), [_assign(s.target, items)] + s.body)

    def _for_reversed(self, s, it, seqs, k):
        last = gast.BinOp(_call("@len", _load(seqs[0])), gast.Sub(), gast.Constant(1, None))
        rng = _call("@range", last, gast.Constant(-1, None), gast.Constant(-1, None))
        return _for(k, rng, [_assign(s.target, _index(seqs[0], k))] + s.body)

    def sugared_for(self, s):
        """Lower ``s`` if it iterates over enumerate/zip/reversed; True when it did."""
        found = self.rewrite_for(s)
        if found is None:
            return False
        setup, loop = found
        temps = {a.targets[0].id for a in setup}
        self.scoped(temps, lambda: self.run_synth(setup + [loop], s))
        if isinstance(loop.target, gast.Name) and loop.target.id.startswith("."):
            self.env.pop(loop.target.id, None)
        return True

    # -- builtins -----------------------------------------------------------------------
    def builtin_call(self, fn, node):
        """The value of a call of a builtin this module rewrites, or None (also for the
        desugared code's own calls, ``@min``: plain calls on integers)."""
        if isinstance(node.func, gast.Name) and node.func.id.startswith("@"):
            return None
        self.consume(fn, node)
        try:
            name = _BUILTINS.get(fn)
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
        return keys, _assign(keys, comp)

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
        stmts, by, temps = [_assign(s, node.args[0])], s, [s, o, j]
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
        """``zip(...)``/``enumerate(...)``/``reversed(...)`` as a value: the list of its items."""
        t = self.tmp("t")
        comp = gast.ListComp(_load(t), [gast.comprehension(_store(t), node, [], 0)])
        return self.e_ListComp(_at(comp, node))

    b_zip = b_enumerate = b_reversed = _as_list_comp

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

    def s_Assert(self, s):
        import operator
        failed = self.b.call(operator.not_, [self.expr(s.test)], hint="failed")

        def fail():
            msg = self.expr(s.msg) if s.msg is not None else self.b.const(None)
            self.b.call(rt.assert_failed, [msg])
        self.lower_branches(failed, fail, None)


def _index_const(seq, i):
    return gast.Subscript(_load(seq), gast.Constant(i, None), gast.Load())


_BUILTINS = {sum: "sum", min: "min", max: "max", sorted: "sorted", zip: "zip",
             enumerate: "enumerate", reversed: "reversed", list: "list", tuple: "tuple",
             dict: "dict"}
_KEYWORD_HINTS = {
    "min": "key= is supported",
    "max": "key= is supported",
    "sorted": "key= and reverse= are supported",
    "dict": "write a dict literal, dict(a=..., b=...), dict(d) or {k: v for k, v in zip(keys, "
            "values)}",
}
