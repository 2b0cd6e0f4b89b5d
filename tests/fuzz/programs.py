"""Random programs inside the accepted subset, as source text (hypothesis strategies).

Promise: ``programs()`` draws a ``Program``: the source of a module with a main
function ``f(x, v)`` (``x`` a float, ``v`` a float array of length 3) returning a
scalar, and 0-2 helpers ``h0``, ``h1`` it calls (a helper may call the helpers
before it; each is called at least once). Bodies mix arithmetic, core NumPy
functions, indexing and slices (``expressions``), nested ``if``/``elif``/``else``,
``for`` (over ranges, arrays, lists) and ``while`` with ``break``/``continue``/early
``return``, in-place writes into arrays, lists with ``append``, tuples returned from
helpers and unpacked, dict literals read back (also by ``.items()``, ``.values()``,
``.get()``), nested ``def``s and lambdas (closures), ``for`` over
``enumerate``/``zip``/``reversed``, comprehensions and builtins, namedtuples, calls of a
``*args`` helper (also with ``*t``), f-strings printed, tuple ``+`` and ``list.extend``. Every
program runs without error for any finite inputs:

* ``while`` loops are bounded by a counter that the body increments first;
* arrays are written in place only when made by ``np.zeros``/``np.ones`` (or a fresh
  expression); array assignments build a new array, so arrays are aliased only by
  the ``alias_write`` feature (``u = w``, ``u = w[::-1]``): Python's reference
  semantics are the reference, and the harness compares with them;
* a name made inside a block is used only inside it (never undefined after it).

Each program also comes in an *instrumented* twin (``Program.inst``, same lines),
where every float comparison ``e > c`` reads ``_tie(e, c) > c`` and every
``np.maximum(a, b)`` reads ``_sep(a, b)``: the harness runs the twin to measure how
far each branch is from its tie and which way it went, so that it can reject
examples whose branches are too close to a tie for finite differences.
"""
from __future__ import annotations

from dataclasses import dataclass

import hypothesis.strategies as st

from .expressions import Code, Env, ExprGen, Helper, fmt


@dataclass
class Program:
    """A generated module: ``source`` (plain) and ``inst`` (instrumented twin)."""
    source: str
    inst: str
    n_helpers: int

    def __repr__(self):  # what hypothesis prints for a falsifying example
        return f"Program(source=<<<\n{self.source}>>>)"


# Lines are (indent level, Code); blocks are lists of lines.
def _indent(lines, by=1):
    return [(d + by, c) for d, c in lines]


class _Gen(ExprGen):
    """Statements and functions of one program's random choices."""

    # ------------------------------------------------------------ statements

    def block(self, env, depth, lo=1, hi=3):
        lines = []
        for _ in range(self.num(lo, hi)):
            lines += self.statement(env, depth)
        return lines

    def statement(self, env, depth):
        kinds = ["assign", "aug", "array"]
        if "array_write" not in self.avoid:
            kinds += ["zeros", "write"]
            if "alias_write" not in self.avoid:
                kinds.append("alias")
        if depth > 0:
            kinds += ["if", "for", "while", "list", "foreach"]
        kinds += ["dict", "tuple", "assert", "record", "star_call", "dict_methods", "fstring",
                  "concat"]
        if env.closures and not (env.looping and "def_in_loop" in self.avoid):
            kinds += ["closure", "lambda"]
        if depth > 0:
            kinds.append("foreach_builtin")
        if any(h.returns != "s" for h in env.helpers):
            kinds.append("unpack")
        if env.in_loop:
            kinds += ["jump", "jump", "jump"]  # loops are short: jump often
        kinds.append("return")
        return getattr(self, "st_" + self.pick(kinds))(env, depth)

    def expr_depth(self):
        return self.num(1, 2)

    def st_assign(self, env, depth):
        name = self.pick(env.scalars + ["new"])
        if name == "new":
            name = self.fresh("s")
        rhs = self.scalar(env, self.expr_depth())
        if name not in env.scalars:
            env.scalars.append(name)
        return [(0, fmt(name + " = {}", rhs))]

    def st_aug(self, env, depth):
        name = self.pick(env.scalars)
        return [(0, fmt(f"{name} {self.pick(['+=', '-=', '*='])} {{}}",
                        self.scalar(env, self.expr_depth())))]

    def st_array(self, env, depth):
        name = self.pick([a for a in env.arrays if a in env.writable] + ["new"])
        if name == "new":
            name = self.fresh("a")
        line = fmt(name + " = {}", self.array(env, self.expr_depth(), fresh=True))
        if name not in env.arrays:
            env.arrays.append(name)
            env.writable.append(name)
        return [(0, line)]

    def st_zeros(self, env, depth):
        name = self.fresh("w")
        env.arrays.append(name)
        env.writable.append(name)
        return [(0, Code(f"{name} = np.{self.pick(['zeros', 'ones'])}(3)"))] + \
            self.st_write(env, depth)

    def st_write(self, env, depth):
        if not env.writable:
            return self.st_zeros(env, depth)
        name, op = self.pick(env.writable), self.pick(["=", "+=", "*=", "whole"])
        if op == "whole":  # an in-place operation on the whole array
            rhs = self.pick([self.array(env, 1), self.paren(self.scalar(env, 1))])
            return [(0, fmt(f"{name} {self.pick(['+=', '-=', '*='])} {{}}", rhs))]
        return [(0, fmt(f"{name}[{{}}] {op} {{}}", self.index(env),
                        self.scalar(env, self.expr_depth())))]

    def st_alias(self, env, depth):
        """A second name for a writable array (or a view of it), then a write."""
        if not env.writable:
            return self.st_zeros(env, depth)
        w, u = self.pick(env.writable), self.fresh("u")
        env.arrays.append(u)
        env.writable.append(u)
        return [(0, Code(f"{u} = {self.pick([w, w + '[::-1]'])}"))] + self.st_write(env, depth)

    def st_if(self, env, depth):
        lines = [(0, fmt("if {}:", self.cond(env, 1)))] + \
            _indent(self.block(env.child(), depth - 1))
        if self.num(0, 2) == 0:
            lines += [(0, fmt("elif {}:", self.cond(env, 1)))] + \
                _indent(self.block(env.child(), depth - 1))
        if self.num(0, 1):
            lines += [(0, Code("else:"))] + _indent(self.block(env.child(), depth - 1))
        return lines

    def st_for(self, env, depth):
        i = self.fresh("i")
        arr = self.pick(env.arrays)
        rng = self.pick(["range(3)", "range(1, 3)", "range(2)", "range(0, 3, 2)",
                         f"range(len({arr}))", f"range({arr}.shape[0])"])
        inner = env.child(indices=env.indices + [i], in_loop=True, looping=True)
        body = self.block(inner, depth - 1)
        return [(0, Code(f"for {i} in {rng}:"))] + _indent(body)

    def st_foreach(self, env, depth):
        e = self.fresh("e")
        inner = env.child(scalars=env.scalars + [e], in_loop=True, looping=True)
        if self.num(0, 2):
            arr = self.pick(env.arrays)
            if "iterate_mutated" in self.avoid:  # no writes into the array iterated over
                inner.writable = [a for a in inner.writable if a != arr]
            body = self.block(inner, depth - 1)
            if arr in inner.writable and self.num(0, 1):  # Python sees the write later on
                body.append((0, fmt(f"{arr}[{self.pick('21')}] = {{}}", self.scalar(inner, 1))))
            return [(0, Code(f"for {e} in {arr}:"))] + _indent(body)
        body = self.block(inner, depth - 1)
        items = [self.scalar(env, 1) for _ in range(self.num(1, 3))]
        return [(0, fmt(f"for {e} in [" + ", ".join("{}" for _ in items) + "]:", *items))] + \
            _indent(body)

    def st_while(self, env, depth):
        k, bound = self.fresh("k"), self.num(1, 3)
        head = f"while {k} < {bound}"
        cond = self.cond_cmp(env, 1) if self.num(0, 1) else None
        line = fmt(head + " and {}:", cond) if cond else Code(head + ":")
        inner = env.child(indices=env.indices + [f"({k} - 1)"], in_loop=True,
                          looping=True)
        body = [(0, Code(f"{k} += 1"))] + self.block(inner, depth - 1)
        return [(0, Code(f"{k} = 0")), (0, line)] + _indent(body)

    def st_jump(self, env, depth):
        return [(0, fmt("if {}:", self.cond(env, 1))),
                (1, Code(self.pick(["break", "continue"])))]

    def st_return(self, env, depth):
        if depth <= 0 and self.num(0, 1):  # keep early returns guarded, mostly
            return self.st_assign(env, depth)
        return [(0, fmt("if {}:", self.cond(env, 1))), (1, self.returned(env))]

    def returned(self, env):
        d = self.expr_depth()
        if env.returns == "s":
            return fmt("return {}", self.scalar(env, d))
        second = self.scalar(env, d) if env.returns == "ss" else self.array(env, d, fresh=True)
        return fmt("return {}, {}", self.scalar(env, d), second)

    def st_list(self, env, depth):
        acc, i, out = self.fresh("acc"), self.fresh("i"), self.fresh("s")
        inner = env.child(indices=env.indices + [i],
                          in_loop="jump_in_list_loop" not in self.avoid, looping=True)
        body = self.block(inner, depth - 1, lo=0, hi=2)
        body.append((0, fmt(f"{acc}.append({{}})", self.scalar(inner, self.expr_depth()))))
        lines = [(0, fmt(f"{acc} = [{{}}]", self.scalar(env, 1))),
                 (0, Code(f"for {i} in {self.pick(['range(3)', 'range(1, 3)'])}:"))]
        lines += _indent(body)
        if self.num(0, 2) == 0:  # item assignment into the list
            lines.append((0, fmt(f"{acc}[{self.pick(['0', '-1'])}] = {{}}", self.scalar(env, 1))))
        t = self.fresh("t")
        lines += self.pick([
            [(0, Code(f"{out} = {acc}[0] * {acc}[-1]"))],
            [(0, Code(f"{out} = 0.0")), (0, Code(f"for {t} in {acc}:")),
             (1, Code(f"{out} = {out} + {t} * {t}"))],
            [(0, Code(f"{out} = 0.0")), (0, Code(f"for {t} in {acc}:")),  # Python sees it
             (1, Code(f"if len({acc}) < 5:")), (2, Code(f"{acc}.append({t} * 0.5)")),
             (1, Code(f"{out} = {out} + {t} * {t}"))] if "iterate_mutated" not in self.avoid
            else [(0, Code(f"{out} = {acc}[-1]"))],
            [(0, Code(f"{out} = np.sum(np.array({acc})) / len({acc})"))],
        ])
        env.scalars.append(out)
        return lines

    def st_dict(self, env, depth):
        d, out = self.fresh("d"), self.fresh("s")
        lines = [(0, fmt(d + ' = {{"a": {}, "b": {}}}', self.scalar(env, 1),
                         self.array(env, 1, fresh=True))),
                 (0, Code(f'{out} = {d}["a"] * ' +
                          self.pick([f'np.sum({d}["b"])', f'{d}["b"][1]'])))]
        env.scalars.append(out)
        return lines

    def st_tuple(self, env, depth):
        t, p, q = self.fresh("t"), self.fresh("p"), self.fresh("q")
        lines = [(0, fmt(t + " = ({}, {})", self.scalar(env, 1), self.scalar(env, 1))),
                 (0, Code(self.pick([f"{p}, {q} = {t}", f"{p}, {q} = {t}[1], {t}[0]"])))]
        if self.num(0, 2) == 0:
            lines.append((0, Code(f"{p}, {q} = {q}, {p}")))
        env.scalars += [p, q]
        return lines

    def st_closure(self, env, depth):
        """A nested def reading the enclosing function's variables, called at once."""
        g, t, out = self.fresh("g"), self.fresh("t"), self.fresh("s")
        inner = env.child(scalars=env.scalars + [t], writable=[], in_loop=False, returns="s",
                          closures=False, arrays=self.closure_arrays(env))
        lines = [(0, Code(f"def {g}({t}):")), (1, self.returned(inner)),
                 (0, fmt(f"{out} = {g}({{}})", self.scalar(env, 1)))]
        env.scalars.append(out)
        return lines

    def st_assert(self, env, depth):
        """An assert that holds for any input (arrays have length 3): kept in the primal,
        no derivative."""
        return [(0, fmt("assert len({}) == 3, 'three'", self.array(env, 1)))]

    def st_lambda(self, env, depth):
        """A lambda bound to a name, reading the enclosing function's variables, called
        twice."""
        g, t, out = self.fresh("g"), self.fresh("t"), self.fresh("s")
        inner = env.child(scalars=env.scalars + [t], writable=[], in_loop=False, returns="s",
                          closures=False, arrays=self.closure_arrays(env))
        lines = [(0, fmt(f"{g} = lambda {t}: {{}}", self.scalar(inner, self.expr_depth()))),
                 (0, fmt(f"{out} = {g}({{}}) + {g}({{}})", self.scalar(env, 1),
                         self.scalar(env, 1)))]
        env.scalars.append(out)
        return lines

    def st_foreach_builtin(self, env, depth):
        """``for`` over ``enumerate``, ``zip`` or ``reversed`` of arrays (not written in
        the body: Python would iterate over the changed array)."""
        e, u, i = self.fresh("e"), self.fresh("u"), self.fresh("i")
        a, b = self.pick(env.arrays), self.pick(env.arrays)
        kind = self.pick(["enumerate", "zip", "reversed"])
        inner = env.child(scalars=env.scalars + [e], in_loop=True, looping=True)
        inner.writable = [w for w in inner.writable if w not in (a, b)]
        if kind == "enumerate":
            inner.indices.append(i)
            head = f"for {i}, {e} in enumerate({a}):"
        elif kind == "zip":
            inner.scalars.append(u)
            head = f"for {e}, {u} in zip({a}, {b}):"
        else:
            head = f"for {e} in reversed({a}):"
        return [(0, Code(head))] + _indent(self.block(inner, depth - 1))

    def st_record(self, env, depth):
        """A namedtuple built from the function's values and read back (fields, index,
        unpacking)."""
        r, out, p, q = self.fresh("r"), self.fresh("s"), self.fresh("p"), self.fresh("q")
        lines = [(0, fmt(r + " = Pair({}, {})", self.scalar(env, 1),
                         self.array(env, 1, fresh=True)))]
        lines += self.pick([
            [(0, Code(f"{out} = {r}.a * np.sum({r}.b)"))],
            [(0, Code(f"{out} = {r}[0] + {r}.b[1]"))],
            [(0, Code(f"{p}, {q} = {r}")), (0, Code(f"{out} = {p} * np.sum({q} * {q})"))],
        ])
        env.scalars.append(out)
        return lines

    def st_star_call(self, env, depth):
        """A call of the module's ``*args``/keyword-only helper ``_tot``, by position or
        with ``*`` of a tuple built here."""
        out, t = self.fresh("s"), self.fresh("t")
        a, b, c = (self.scalar(env, 1) for _ in range(3))
        if self.num(0, 1):
            return [(0, fmt(f"{out} = _tot({{}}, {{}}, {{}}, w=0.5)", a, b, c))] + \
                self._done(env, out)
        return [(0, fmt(t + " = ({}, {})", a, b)),
                (0, fmt(f"{out} = _tot(*{t}) + _tot({{}})", c))] + self._done(env, out)

    def _done(self, env, name):
        env.scalars.append(name)
        return []

    def st_dict_methods(self, env, depth):
        """A dict read through ``.items()``, ``.values()``, ``.get()`` and iterated."""
        d, out, k, u = self.fresh("d"), self.fresh("s"), self.fresh("k"), self.fresh("u")
        lines = [(0, fmt(d + ' = {{"a": {}, "b": {}}}', self.scalar(env, 1), self.scalar(env, 1)))]
        lines += self.pick([
            [(0, Code(f"{out} = sum({u} for {u} in {d}.values()) * {d}.get('b', 1.0)"))],
            [(0, Code(f"{out} = 0.0")), (0, Code(f"for {k}, {u} in {d}.items():")),
             (1, Code(f"{out} = {out} + {u} * (2.0 if {k} == 'a' else 1.0)"))],
            [(0, Code(f"{out} = {d}.get('z', {d}['a']) + len({d}.keys())"))],
        ])
        env.scalars.append(out)
        return lines

    def st_fstring(self, env, depth):
        """An f-string printed: kept in the primal sweep, no derivative."""
        t = self.fresh("t")  # bound first: the expression may hold quotes
        return [(0, fmt(t + " = {}", self.scalar(env, 1))),
                (0, Code(f'print(f"value {{{t}:.3f}} {{{t}!r}}")'))]

    def st_concat(self, env, depth):
        """Tuples and lists concatenated with ``+`` and extended, then indexed."""
        t, out = self.fresh("t"), self.fresh("s")
        a, b, c = (self.scalar(env, 1) for _ in range(3))
        if self.num(0, 1):
            lines = [(0, fmt(t + " = ({},) + ({}, {})", a, b, c))]
        else:
            lines = [(0, fmt(t + " = [{}]", a)), (0, fmt(t + ".extend([{}, {}])", b, c))]
        lines.append((0, Code(f"{out} = {t}[0] * {t}[2] + {t}[-2]")))
        env.scalars.append(out)
        return lines

    def st_unpack(self, env, depth):
        h = self.pick([h for h in env.helpers if h.returns != "s"])
        p, q = self.fresh("p"), self.fresh("q")
        line = fmt(f"{p}, {q} = {{}}", self.call(h, env, 1))
        env.scalars.append(p)
        (env.scalars if h.returns == "ss" else env.arrays).append(q)
        return [(0, line)]

    # ------------------------------------------------------------ functions

    def function(self, name, params, env, n_lo, n_hi, must_call=()):
        body = self.block(env, self.max_depth, lo=n_lo, hi=n_hi)
        for h in must_call:  # every helper is called (from a later function or from f)
            if not any(f"{h.name}(" in c.plain for _, c in body):
                body += self.call_statement(h, env)
        body.append((0, self.final_return(env)))
        return [(0, Code(f"def {name}({params}):"))] + _indent(body)

    def call_statement(self, h, env):
        if h.returns == "s":
            name = self.fresh("s")
            line = fmt(name + " = {}", self.call(h, env, 1))
            env.scalars.append(name)
            return [(0, line)]
        saved, env.helpers = env.helpers, [h]
        try:
            return self.st_unpack(env, 0)
        finally:
            env.helpers = saved

    def final_return(self, env):
        """The last return mixes some of the scalars computed, so that they matter."""
        if env.returns != "s" or len(env.scalars) < 2 or self.num(0, 2) == 0:
            return self.returned(env)
        names = self.draw(st.lists(st.sampled_from(env.scalars), min_size=1, max_size=3,
                                   unique=True))
        return fmt("return {} + " + " + ".join(names), self.scalar(env, 1))


def render(funcs, which: str) -> str:
    out = ['"""Generated by tests/fuzz/programs.py."""', "from collections import namedtuple",
           "", "import numpy as np", "", 'Pair = namedtuple("Pair", ["a", "b"])', "", "",
           "def _tot(*xs, w=1.0):", "    return w * sum(xs)", ""]
    for lines in funcs:
        out += ["", *("    " * d + getattr(c, which) for d, c in lines), ""]
    return "\n".join(out)


@st.composite
def programs(draw, max_helpers=2, max_depth=2, avoid=()):
    """A random ``Program`` (see the module docstring). ``avoid``: features to leave out,
    the constructs of known compiler bugs: ``"def_in_loop"`` (a nested def inside a
    loop), ``"array_write"`` (writes into arrays: ``w[i] = e``, ``w += e``),
    ``"jump_in_list_loop"`` (``break``/``continue`` in a loop that appends to a list),
    ``"iterate_mutated"`` (a loop over an array or list that its body writes into or
    appends to: Python's iteration sees the change), ``"alias_write"`` (``u = w`` or
    ``u = w[::-1]``, then writes through either name), ``"closure_alias"`` (a nested
    def or lambda reading an array that is written)."""
    g = _Gen(draw, max_depth, avoid)
    helpers, funcs = [], []
    for k in range(draw(st.integers(0, max_helpers))):
        h = Helper(f"h{k}", g.pick(["s", "ss", "sa"]), draw(st.booleans()))
        env = Env(["a", "c"] if h.has_default else ["a"], ["b"], helpers=list(helpers),
                  returns=h.returns)
        funcs.append(g.function(h.name, "a, b, c=0.5" if h.has_default else "a, b", env, 0, 2))
        helpers.append(h)
    env = Env(["x"], ["v"], helpers=list(helpers), closures=True)
    funcs.append(g.function("f", "x, v", env, 1, 4, must_call=helpers))
    return Program(render(funcs, "plain"), render(funcs, "inst"), len(helpers))


def inputs():
    """``(x, v)``: a float and a float array of length 3, both in [-2, 2]."""
    num = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)
    return st.tuples(num, st.lists(num, min_size=3, max_size=3))
