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

    @defjvp(operator.add, argnum=1)
    def add_1(d, ans, a, b):
        return rt.broadcast_like(d, ans)   # d alone has b's shape

The compiler adds the contributions of the arguments that carry a tangent;
arguments without one contribute nothing (no zeros are built). The JVP rules
of one function have the same parameters as its VJP rule, and one exists for
each of the VJP's ``argnums`` (the tests check both).

Rule bodies are one to three statements: assignments, calls of ``np.*``,
``np.linalg.*`` and ``rt.*``, arithmetic, subscripts, ``.T``/``.shape`` and a
returned value or tuple; no branches, loops or comprehensions. Case analysis
(ranks, ``axis=None``, optional operands) goes into a small ``rt`` helper,
and a helper that receives a differentiable value has VJP and JVP rules of
its own (or is ``nondiff``), so derivative code can be differentiated again.
Parameter names are NumPy's (keywords bind by name); a variadic primal names
its leading operands itself (``np.einsum(subscripts, op0, op1)``, one or two
operands) and ``np.atleast_1d(arys)`` takes one array.

A function can have the same function as its VJP and its JVP when its Jacobian
is diagonal (unary elementwise functions: ``g * cos(x)`` is both) or it is a
self-adjoint linear map (``np.flip``); stack the two decorators.

``nondiff`` marks functions whose output carries no derivative (shapes,
comparisons, integer functions): they need no rule. The passes treat their
calls as pure (dead-code elimination drops unused ones, CSE merges equal ones),
so functions with effects (random number generation: ``np.random.seed``, two
draws from ``np.random.normal``) are recorded with ``effects=True`` instead: they
are listed by ``all_nondiff`` but not reported by ``is_nondiff`` (a call on
constant arguments needs nothing; a call on a differentiated value is a
``MissingRuleError``). ``has_effects`` says which they are.

Custom rules (public: ``tl.defvjp`` and ``tl.defjvp``). The same decorators
give a user's own function, or a third-party one, its derivative; the compiler
looks the registry up before it reads a function's body, so a registered rule
is used instead of differentiating the body (which may then be anything, even
outside the subset)::

    def logsumexp(x):
        m = np.max(x)
        return m + np.log(np.sum(np.exp(x - m)))

    @tl.defvjp(logsumexp)
    def logsumexp_vjp(g, ans, x):
        return g * np.exp(x - ans)

    @tl.defjvp(logsumexp)
    def logsumexp_jvp(d, ans, x):
        return np.sum(d * np.exp(x - ans))

The rules follow the conventions above (parameters named as the function's
own; ``argnums`` for several differentiable arguments) and their bodies must be
in the subset, because they are inlined into the generated code; ``grad`` needs
the VJP, forward mode the JVPs. Register them before the first call of a
derivative that uses them (the cache key includes the rules' source).
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
_EFFECTS: dict = {}
_TUPLES: dict = {}


def _key(fn):
    return id(fn)


def _name(fn) -> str:
    import numpy as np
    mod = getattr(fn, "__module__", None) or ""
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", repr(fn))
    short = getattr(fn, "__name__", name)
    for prefix, space in (("np.", np), ("np.linalg.", np.linalg), ("np.random.", np.random)):
        if vars(space).get(short) is fn:  # vars: no module __getattr__ warnings
            return prefix + short
    if mod.startswith("numpy") or isinstance(fn, np.ufunc):
        sub = "linalg." if "linalg" in mod else ""
        return f"np.{sub}{short}"
    if mod.startswith("tangentlike.runtime"):
        return f"rt.{short}"
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


def nondiff(*fns, effects=False):
    """Declare that the outputs of ``fns`` carry no derivative (``effects=True``: and that
    their calls must be kept and not merged; see the module docstring)."""
    for fn in fns:
        (_EFFECTS if effects else _NONDIFF)[_key(fn)] = fn


def lookup(fn) -> Rule | None:
    """The rule of ``fn``, or None."""
    return _RULES.get(_key(fn))


def is_nondiff(fn) -> bool:
    return _key(fn) in _NONDIFF


def tuple_result(size, *fns):
    """Declare that each of ``fns`` returns a tuple of ``size`` arrays (``np.linalg.qr``:
    ``(Q, R)``), so that kind inference can treat its result as a container."""
    for fn in fns:
        _TUPLES[_key(fn)] = size


def result_size(fn):
    """The tuple size declared with ``tuple_result``, or None for a single value."""
    return _TUPLES.get(_key(fn))


def has_effects(fn) -> bool:
    return _key(fn) in _EFFECTS


def all_rules() -> list:
    return list(_RULES.values())


def all_nondiff() -> list:
    """``(name, fn, effects)`` of every function registered with ``nondiff``."""
    return [(_name(fn), fn, _key(fn) in _EFFECTS) for fn in _NONDIFF.values()] + \
        [(_name(fn), fn, True) for k, fn in _EFFECTS.items() if k not in _NONDIFF]
