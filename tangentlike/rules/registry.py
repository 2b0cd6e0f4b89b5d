"""The derivative-rule registry (DESIGN §2).

A VJP rule is a plain Python function in the accepted subset::

    @defvjp(np.sin)
    def sin(g, ans, x):
        return g * np.cos(x)

Its parameters are the output cotangent ``g``, the primal output ``ans``, then
the primal's own parameters under the same names (keyword parameters with the
same defaults). It returns the cotangent of each differentiable argument named
by ``argnums`` (positions among the primal's parameters): one value when there
is one, a tuple in ``argnums`` order otherwise. Because a rule is in the subset,
the compiler lowers it with the same frontend and inlines it into the
generated code, and its own derivative comes from the same table (closure).

A JVP rule (forward mode) is given per differentiable argument: it takes the
tangent ``d`` of that argument, the primal output ``ans`` and the primal's
parameters, and returns that argument's contribution to the output tangent,
with the shape of ``ans`` (so a broadcasting rule broadcasts)::

    @defjvp(np.sin)
    def sin(d, ans, x):
        return d * np.cos(x)

    @defjvp(operator.mul, argnum=1)
    def mul_1(d, ans, a, b):
        return rt.broadcast_like(a * d, ans)

The compiler adds the contributions of the arguments that carry a tangent;
arguments without one contribute nothing (no zeros are built).

``nondiff`` marks functions whose output carries no derivative (shapes,
comparisons, integer functions): they need no rule.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(eq=False)
class Rule:
    fn: object
    name: str
    vjp: object = None
    vjp_argnums: tuple = (0,)
    jvps: dict = field(default_factory=dict)  # argnum -> JVP rule
    family: str = ""
    params: tuple = field(default=())  # primal parameter names, from the rule


_RULES: dict = {}
_NONDIFF: dict = {}


def _key(fn):
    return id(fn)


def _name(fn) -> str:
    mod = getattr(fn, "__module__", None) or ""
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", repr(fn))
    if mod.startswith("numpy") or isinstance(fn, type(__import__("numpy").add)):
        sub = "linalg." if "linalg" in mod else ""
        return f"np.{sub}{getattr(fn, '__name__', name)}"
    if mod in ("_operator", "operator"):
        return f"operator.{name}"
    if mod == "builtins":
        return name
    return f"{mod}.{name}" if mod else name


def _family(rule_fn) -> str:
    return (getattr(rule_fn, "__module__", "") or "").rsplit(".", 1)[-1]


def _entry(fn) -> Rule:
    r = _RULES.get(_key(fn))
    if r is None:
        r = _RULES[_key(fn)] = Rule(fn=fn, name=_name(fn))
    return r


def defvjp(*fns, argnums=(0,)):
    """Register the decorated function as the VJP rule of each of ``fns``."""
    def register(rule):
        import inspect
        params = tuple(inspect.signature(rule).parameters)[2:]
        for fn in fns:
            r = _entry(fn)
            r.vjp, r.vjp_argnums, r.family, r.params = rule, tuple(argnums), _family(rule), params
        return rule
    return register


def defjvp(*fns, argnum=0):
    """Register the decorated function as the JVP rule of argument ``argnum`` of each
    of ``fns``."""
    def register(rule):
        for fn in fns:
            _entry(fn).jvps[argnum] = rule
        return rule
    return register


def nondiff(*fns):
    """Declare that the outputs of ``fns`` carry no derivative."""
    for fn in fns:
        _NONDIFF[_key(fn)] = fn


def lookup(fn) -> Rule | None:
    """The rule of ``fn``, or None."""
    return _RULES.get(_key(fn))


def is_nondiff(fn) -> bool:
    return _key(fn) in _NONDIFF


def all_rules() -> list:
    return list(_RULES.values())
