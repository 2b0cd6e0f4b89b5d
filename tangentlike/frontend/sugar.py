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
from ..errors import LocatedError, UnsupportedSyntaxError

# Names the desugared code refers to, whatever the user's module calls ``len``.
REFS = {"@len": len, "@range": range, "@min": min, "@zip": zip, "@sort_order": rt.sort_order,
        "@pick_index": rt.pick_index, "@stop_gradient": rt.stop_gradient,
        "@items": rt.items, "@as_list": rt.as_list, "@assert_failed": rt.assert_failed,
        "@iterable": rt.iterable}
# The builtins ``sugar_builtins`` desugars, by the name its methods use.
BUILTINS = {sum: "sum", min: "min", max: "max", sorted: "sorted", zip: "zip",
            enumerate: "enumerate", reversed: "reversed", list: "list", tuple: "tuple",
            dict: "dict", map: "map"}
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
        """Note that ``fn(node's first argument)`` consumes it at once (a generator
        expression, or an iterator: ``zip``, ``enumerate``, ``reversed``, ``map``)."""
        try:
            ok = fn in BUILTINS or fn in (any, all)
        except TypeError:
            ok = False
        if ok or fn is None:
            self.consumed = getattr(self, "consumed", []) + [
                a for a in node.args[:1] if isinstance(a, (gast.GeneratorExp, gast.Call))]

    def check_consumed(self, node, what):
        if not any(n is node for n in getattr(self, "consumed", ())):
            raise UnsupportedSyntaxError(
                f"{what} used as a value (an iterator: Python consumes it once)",
                self.spec.loc(node), f"use it where it is made (for ... in {what}, "
                f"list({what}), sum({what})) or make a list of it")

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
        if fn is not reversed:  # each argument is iterated over once, as Python's would be
            self.consumed = getattr(self, "consumed", []) + [
                a for a in it.args if isinstance(a, (gast.GeneratorExp, gast.Call))]
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

    def s_Assert(self, s):
        import operator
        failed = self.b.call(operator.not_, [self.expr(s.test)], hint="failed")

        def fail():
            msg = self.expr(s.msg) if s.msg is not None else self.b.const(None)
            self.b.call(rt.assert_failed, [msg])
        self.lower_branches(failed, fail, None)

    def s_Delete(self, s):
        """``del a, b`` (names, in the function's own body: ``subset``): unbound from here,
        so a later read is the error Python gives (generated code frees its dead locals
        this way: backend/liveness.py)."""
        for t in s.targets:
            if self.env.pop(t.id, None) is None:
                raise LocatedError(f"variable '{t.id}' is deleted before it is assigned",
                                   self.spec.loc(t))
