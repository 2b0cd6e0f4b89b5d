"""Random expressions for ``programs``: scalars, arrays of length 3, conditions.

Promise: every expression ``ExprGen`` draws evaluates without error for finite
inputs: ``log``/``sqrt`` and divisors see ``e * e + 1.0`` (or a constant), ``exp``
sees a bounded argument, powers are small integers, indices lie in ``[0, 3)``.
Arrays always have length 3 (slices appear only inside reductions). A comparison
never sets a constant against a constant, and ``np.maximum`` never sets two
operands that are sure to tie (so that rejecting near-ties rejects few examples).

Expressions include generator expressions and comprehensions (``sum(e for t in a)``,
``zip``, ``enumerate``, ``reversed``, conditions, nested ``for``), builtins (``max``,
``min``, ``abs``, ``len``, ``tuple``, ``list``, ``dict``, dict comprehensions) and
lambdas called in place.

Each piece of text is a ``Code``: the plain form and the instrumented one, where
``e > c`` reads ``_tie(e, c) > c`` and ``np.maximum(a, b)`` reads ``_sep(a, b)``.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace

import hypothesis.strategies as st

CONSTS = ("0.5", "1.5", "2.0", "-0.7", "0.3", "-1.2")
# Odd thresholds: the values hypothesis likes (0, +-1, 0.5, 2, ...) are never ties.
THRESHOLDS = ("0.27", "-0.43", "0.71", "1.13", "-0.89", "1.57")


@dataclass(frozen=True)
class Code:
    """One piece of program text: the plain form and the instrumented form."""
    plain: str
    inst: str = None

    def __post_init__(self):
        if self.inst is None:
            object.__setattr__(self, "inst", self.plain)


def fmt(template: str, *parts) -> Code:
    """``template.format(*parts)`` on both forms; ``parts`` are ``Code``s or strings."""
    parts = [p if isinstance(p, Code) else Code(str(p)) for p in parts]
    return Code(template.format(*(p.plain for p in parts)),
                template.format(*(p.inst for p in parts)))


def maximum(a: Code, b: Code) -> Code:
    return Code(f"np.maximum({a.plain}, {b.plain})", f"_sep({a.inst}, {b.inst})")


@dataclass
class Helper:
    name: str
    returns: str  # "s": a scalar, "ss": a pair of scalars, "sa": (scalar, array)
    has_default: bool


@dataclass
class Env:
    """What a block can use. Blocks get a copy: names made inside stay inside."""
    scalars: list
    arrays: list
    writable: list = field(default_factory=list)  # fresh, unaliased arrays
    indices: list = field(default_factory=list)  # int expressions in [0, 3)
    helpers: list = field(default_factory=list)
    in_loop: bool = False  # may break/continue
    returns: str = "s"
    closures: bool = False  # may define nested functions
    looping: bool = False  # inside a loop body

    def child(self, **changes) -> "Env":
        lists = ("scalars", "arrays", "writable", "indices", "helpers")
        new = replace(self, **{k: list(getattr(self, k)) for k in lists})
        for k, v in changes.items():
            setattr(new, k, v)
        return new


class ExprGen:
    """Expression half of one program's random choices, drawn from hypothesis."""

    def __init__(self, draw, max_depth=2, avoid=frozenset()):
        self.draw, self.max_depth, self.avoid = draw, max_depth, frozenset(avoid)
        self._ids = itertools.count()

    def fresh(self, prefix):
        return f"{prefix}{next(self._ids)}"

    def pick(self, seq):
        return self.draw(st.sampled_from(list(seq)))

    def num(self, lo, hi):
        return self.draw(st.integers(lo, hi))

    @staticmethod
    def paren(c: Code) -> Code:
        simple = c.plain.replace("_", "").replace(".", "").replace("[", "").replace("]", "")
        if simple.isalnum() and not c.plain.startswith("-"):
            return c
        return fmt("({})", c)

    def index(self, env):
        return self.pick(["0", "1", "2", "-1"] + env.indices)

    def scalar_leaf(self, env):
        kind = self.pick(["var", "const", "item", "int"] if env.indices else
                         ["var", "const", "item"])
        if kind == "var":
            return Code(self.pick(env.scalars))
        if kind == "const":
            return Code(self.pick(CONSTS))
        if kind == "int":
            return Code(self.pick(env.indices))
        return fmt("{}[{}]", self.pick(env.arrays), self.index(env))

    def scalar(self, env, depth):
        if depth <= 0 or self.num(0, 2) == 0:
            return self.scalar_leaf(env)
        kinds = ["binop", "unary", "reduce", "guarded", "pow", "div", "maximum", "ifexp",
                 "comp", "builtin", "lam"]
        if any(h.returns == "s" for h in env.helpers):
            kinds.append("call")
        return getattr(self, "s_" + self.pick(kinds))(env, depth - 1)

    def s_binop(self, env, d):
        return fmt("{} " + self.pick("+-*") + " {}", self.scalar(env, d), self.scalar(env, d))

    def s_unary(self, env, d):
        fn = self.pick(["np.sin({})", "np.cos({})", "np.tanh({})", "-{}", "+{}",
                        "np.exp(np.sin({}))", "np.exp(np.tanh({}))", "np.exp(-{0} * {0})"])
        return fmt(fn, self.paren(self.scalar(env, d)))

    def s_guarded(self, env, d):
        fn = self.pick(["np.log({0} * {0} + 1.0)", "np.sqrt({0} * {0} + 1.0)",
                        "1.0 / ({0} * {0} + 1.0)"])
        return fmt(fn, self.paren(self.scalar(env, d)))

    def s_pow(self, env, d):
        return fmt("{} ** " + self.pick("231"), self.paren(self.scalar(env, d)))

    def s_div(self, env, d):
        a = self.scalar(env, d)
        if self.num(0, 1):
            return fmt("{} / " + self.pick(["2.0", "3.0", "-4.0", "2"]), self.paren(a))
        return fmt("{0} / ({1} * {1} + 1.0)", self.paren(a), self.paren(self.scalar(env, d)))

    def s_reduce(self, env, d):
        fn = self.pick(["np.sum({0})", "np.dot({0}, {1})", "np.sum({0}[1:] * {1}[:2])",
                        "np.dot({0}[1:], {1}[:-1])", "np.sum({0}[::2])", "{0} @ {1}",
                        "{0}.sum()", "{0}.dot({1})", "np.mean({0})", "{0}[1:].sum()"])
        return fmt(fn, self.paren(self.array(env, d)), self.paren(self.array(env, d)))

    def s_comp(self, env, d):
        """A generator expression or comprehension reduced by ``sum``."""
        t, u, i = self.fresh("t"), self.fresh("u"), self.fresh("i")
        inner = env.child(scalars=env.scalars + [t])
        arr = self.array(env, d)
        kind = self.pick(["gen", "list_if", "zip", "enumerate", "reversed", "nested"])
        if kind == "gen":
            return fmt(f"sum({{}} for {t} in {{}})", self.scalar(inner, d), arr)
        if kind == "list_if":
            return fmt(f"sum([{{}} for {t} in {{}} if {{}}])", self.scalar(inner, d), arr,
                       self.cond_cmp(inner, 1))
        if kind == "zip":
            inner.scalars.append(u)
            return fmt(f"sum({{}} * {u} for {t}, {u} in zip({{}}, {{}}))",
                       self.paren(self.scalar(inner, d)), arr, self.array(env, d))
        if kind == "enumerate":
            inner.indices.append(i)
            return fmt(f"sum({{}} for {i}, {t} in enumerate({{}}))", self.scalar(inner, d), arr)
        if kind == "nested":
            inner.scalars.append(u)
            return fmt(f"sum([{{}} for {t} in {{}} for {u} in {{}}[1:]])",
                       self.scalar(inner, d), arr, self.paren(self.array(env, d)))
        return fmt(f"sum({{}} for {t} in reversed({{}}))", self.scalar(inner, d), arr)

    def s_builtin(self, env, d):
        """A builtin on numbers or sequences; branches are instrumented like
        ``np.maximum`` (``_sep``) and comparisons (``_tie``)."""
        kind = self.pick(["max", "min", "max_seq", "abs", "len", "tuple", "list", "dict",
                          "dict_comp"])
        if kind in ("max", "min"):
            a = self.varying(self.scalar(env, d), env)
            b = fmt("{} + " + self.pick(CONSTS), self.scalar(env, d))
            if kind == "max":
                return Code(f"max({a.plain}, {b.plain})", f"_sep({a.inst}, {b.inst})")
            return Code(f"min({a.plain}, {b.plain})", f"-_sep(-({a.inst}), -({b.inst}))")
        arr = self.paren(self.array(env, d))
        if kind == "max_seq":
            return Code(f"max({arr.plain})",
                        f"_sep(_sep({arr.inst}[0], {arr.inst}[1]), {arr.inst}[2])")
        if kind == "abs":
            a = self.varying(self.scalar(env, d), env)
            return Code(f"abs({a.plain})", f"abs(_tie({a.inst}, 0.0))")
        if kind == "len":
            return fmt("len({}) * {}", arr, self.paren(self.scalar(env, d)))
        if kind in ("tuple", "list"):
            return fmt(kind + "({})[{}]", arr, self.index(env))
        if kind == "dict":
            return fmt('dict(p={}, q={})["' + self.pick("pq") + '"]', self.scalar(env, d),
                       self.scalar(env, d))
        k = self.fresh("k")
        return fmt(f"{{{{{k}: {{}} * {k} for {k} in range(3)}}}}[{self.pick('012')}]",
                   self.paren(self.scalar(env, d)))

    def s_lam(self, env, d):
        """A lambda called where it is made."""
        t = self.fresh("t")
        inner = env.child(scalars=env.scalars + [t], arrays=self.closure_arrays(env))
        return fmt(f"(lambda {t}: {{}})({{}})", self.scalar(inner, d), self.scalar(env, d))

    def closure_arrays(self, env):
        """The arrays a closure may read: with ``closure_alias`` avoided, none that is
        written (harness.KNOWN_BUGS)."""
        if "closure_alias" not in self.avoid:
            return list(env.arrays)
        return [a for a in env.arrays if a not in env.writable]

    def s_maximum(self, env, d):
        a = self.varying(self.scalar(env, d), env)
        b = fmt("{} + " + self.pick(CONSTS), self.scalar(env, d))  # never a sure tie with a
        return maximum(a, b)

    def varying(self, c: Code, env) -> Code:
        """``c``, plus a variable when it names none (a constant would tie a constant)."""
        names = set(re.findall(r"[A-Za-z_]\w*", c.plain))
        if names & set(env.scalars + env.arrays):
            return c
        return fmt("{} + {}", c, self.pick(env.scalars))

    def s_ifexp(self, env, d):
        return fmt("({} if {} else {})", self.scalar(env, d), self.cond(env, d),
                   self.scalar(env, d))

    def s_call(self, env, d):
        h = self.pick([h for h in env.helpers if h.returns == "s"])
        return self.call(h, env, d)

    def call(self, h, env, d):
        extra = ""
        if h.has_default and self.num(0, 1):
            extra = ", c=" + self.pick(CONSTS)
        template = self.pick(["{}({}, {}", "{}({}, b={}", "{}(a={}, b={}"])
        return fmt(template + extra + ")", h.name, self.scalar(env, d), self.array(env, d))

    def array(self, env, depth, fresh=False):
        """An array expression of length 3; ``fresh``: never a bare name (no alias)."""
        if not fresh and (depth <= 0 or self.num(0, 2) == 0):
            return Code(self.pick(env.arrays))
        d = max(depth - 1, 0)
        kind = self.pick(["binop", "scale", "unary", "guarded", "pow", "reverse", "maximum",
                          "stack", "comp"])
        if kind == "comp":  # a list comprehension (length 3) made an array
            t = self.fresh("t")
            inner = env.child(scalars=env.scalars + [t])
            src = self.pick(["{}", "reversed({})", "list({})"])
            return fmt(f"np.array([{{}} for {t} in {src}])", self.scalar(inner, d),
                       self.array(env, d))
        a = self.paren(self.array(env, d))
        if kind == "binop":
            return fmt("{} " + self.pick("+-*") + " {}", a, self.paren(self.array(env, d)))
        if kind == "scale":
            return fmt(self.pick(["{} * {}", "{} + {}", "{} - {}", "{} / 2.0"]), a,
                       self.paren(self.scalar(env, d)))
        if kind == "unary":
            return fmt(self.pick(["np.sin({})", "np.cos({})", "np.tanh({})",
                                  "np.exp(np.tanh({}))", "-{}"]), a)
        if kind == "guarded":
            return fmt(self.pick(["np.log({0} * {0} + 1.0)", "np.sqrt({0} * {0} + 1.0)",
                                  "{0} / ({0} * {0} + 1.0)"]), a)
        if kind == "pow":
            return fmt("{} ** 2", a)
        if kind == "reverse":
            return fmt("{}[::-1] * " + self.pick(CONSTS), a)
        if kind == "stack":
            return fmt("np.array([{}, {}, {}])", *(self.scalar(env, d) for _ in range(3)))
        # not an element of ``a``: no sure tie
        return maximum(a, Code(self.pick(CONSTS + tuple(env.scalars))))

    def cond(self, env, depth):
        kind = self.pick(["cmp", "cmp", "and", "not", "chain", "int"] if env.indices else
                         ["cmp", "cmp", "and", "not", "chain"])
        if kind == "and":
            return fmt("{} " + self.pick(["and", "or"]) + " {}", self.cond_cmp(env, depth),
                       self.cond_cmp(env, depth))
        if kind == "not":
            return fmt("not {}", self.cond_cmp(env, depth))
        if kind == "int":
            return Code(f"{self.pick(env.indices)} {self.pick(['>', '==', '<'])} 1")
        if kind == "chain":
            lo, hi = sorted(self.draw(st.lists(st.sampled_from(THRESHOLDS), min_size=2,
                                               max_size=2, unique=True)), key=float)
            e = self.varying(self.scalar(env, max(depth, 1)), env)
            return Code(f"{lo} < {e.plain} < {hi}",
                        f"{lo} < _tie(_tie({e.inst}, {lo}), {hi}) < {hi}")
        return self.cond_cmp(env, depth)

    def cond_cmp(self, env, depth):
        lhs = self.varying(self.scalar(env, max(depth, 1)), env)
        thr, op = self.pick(THRESHOLDS), self.pick("><")
        return Code(f"{lhs.plain} {op} {thr}", f"_tie({lhs.inst}, {thr}) {op} {thr}")
