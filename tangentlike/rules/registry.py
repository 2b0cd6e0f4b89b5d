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

A JVP rule (forward mode) has the same shape with the tangents first:
``def sin(dx, ans, x): return dx * np.cos(x)`` for one differentiable argument,
``def mul(dx, dy, ans, x, y)`` for two; a tangent may be ``None`` for zero.

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
    jvp: object = None
    jvp_argnums: tuple = (0,)
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


def defjvp(*fns, argnums=(0,)):
    """Register the decorated function as the JVP rule of each of ``fns``."""
    def register(rule):
        for fn in fns:
            r = _entry(fn)
            r.jvp, r.jvp_argnums = rule, tuple(argnums)
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
