"""The derivative-rule registry (docs/architecture.md: rules).

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
from typing import Any, Callable, TypeVar

_R = TypeVar("_R", bound=Callable[..., Any])


@dataclass(eq=False)
class Primitive:
    """Everything the compiler knows about one function (JAX's primitives): its rules,
    whether it is differentiable or has effects, what it returns, and the named
    ``facts`` the analyses and passes ask for (``FACTS``). One record per function;
    every pass asks the registry, none keeps its own table of functions."""

    fn: object
    name: str
    vjp: object = None
    vjp_argnums: tuple = (0,)
    jvps: dict = field(default_factory=dict)  # argnum -> JVP rule
    family: str = ""
    params: tuple = field(default=())  # primal parameter names, from the rule
    nondiff: bool = False  # its outputs carry no derivative
    effects: bool = False  # calls are kept and never merged (dce, cse)
    stops: bool = False  # an effect that takes derivatives and stops them (print)
    tuple_size: int | None = None  # returns a tuple of this many arrays
    sequence: bool = False  # returns a list of arrays whose length depends on its arguments
    facts: frozenset = frozenset()
    spellings: dict = field(default_factory=dict)  # back end -> how it is written
    batch: object = None  # how a call with batched tangents is made (``defbatch``)

    @property
    def has_rule(self) -> bool:
        return self.vjp is not None or bool(self.jvps)


Rule = Primitive  # the name the rule tables and tests use

# The facts a primitive can have, and who asks for them.
FACTS = {
    "elementwise": "result has the broadcast shape of the arguments (analysis.shapes)",
    "scalar_closed": "scalar arguments give a scalar result (analysis.activity)",
    "reduction": "one positional argument, no keywords: a full reduction to a scalar",
    "scalar_result": "always returns a Python scalar (float, len)",
    "integral": "returns integers, shapes, ranges: never a derivative",
    "comparison": "returns a bool (simplify's selects, activity)",
    "creator": "np.zeros(shape)-like: the result's shape is the argument's value",
    "shape_of_first": "the result has the shape of the first argument",
    "structure_of_first": "the result has the structure (kind) of the first argument",
    "structure_of_second": "the result has the structure (kind) of the second argument",
    "shape_of_second": "(ans, x, ...) -> a result shaped like x (specialize)",
    "matmul": "a matrix product",
    "foldable": "Python arithmetic folded on Python number constants (inline_calls)",
    "negation": "unary minus (signs)",
    "addition": "binary plus (signs, shift)",
    "subtraction": "binary minus (signs)",
    "scaling": "a product or quotient (signs, specialize)",
    "linear_first": "linear in the first argument, the others being shapes or axes (signs)",
    "product_vjp_left": "the cotangent helper of a product's left operand (specialize)",
    "product_vjp_right": "the cotangent helper of a product's right operand (specialize)",
    "view": "may return a view of its first argument (frontend.aliases)",
    "in_place": "changes its first argument in place and returns it (transforms.stale, cse)",
    "shrinking": "linear, its result never larger than its first argument (signs)",
    "multiplication": "binary times (sum_views)",
    "per_argument": "given several arrays, one call per array (frontend.rewrites)",
}

_PRIMS: dict = {}
STATE = {"generation": 0}  # counts registrations: compiled code made before one is stale


def _changed():
    STATE["generation"] += 1


def _key(fn):
    return id(fn)  # the record holds ``fn``, so the address is never reused


def _name(fn) -> str:
    import numpy as np
    mod = getattr(fn, "__module__", None) or ""
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", repr(fn))
    short = getattr(fn, "__name__", name)
    for prefix, space in (("np.", np), ("np.linalg.", np.linalg), ("np.random.", np.random)):
        if vars(space).get(short) is fn:  # vars: no module __getattr__ warnings
            return prefix + short
    if mod.startswith("numpy.random") and getattr(np.random.Generator, short, None) is fn:
        return f"np.random.Generator.{short}"
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


def display_name(fn) -> str:
    """How messages name ``fn``: with its module (``np.sin``, ``math.exp``, ``rt.T``)."""
    return _name(fn)


def _family(rule_fn) -> str:
    return (getattr(rule_fn, "__module__", "") or "").rsplit(".", 1)[-1]


def _entry(fn) -> Primitive:
    r = _PRIMS.get(_key(fn))
    if r is None:
        r = _PRIMS[_key(fn)] = Primitive(fn=fn, name=_name(fn))
    return r


def defvjp(*fns: Any, argnums: tuple[int, ...] = (0,)) -> Callable[[_R], _R]:
    """Register the decorated function as the VJP rule of each of ``fns``."""
    def register(rule):
        import inspect
        params = tuple(inspect.signature(rule).parameters)[2:]
        _check_argnums(rule, params, argnums)
        for fn in fns:
            r = _entry(fn)
            r.vjp, r.vjp_argnums, r.family, r.params = rule, tuple(argnums), _family(rule), params
        _changed()
        return rule
    return register


def _check_argnums(rule, params, argnums):
    """Each position names one of the rule's primal parameters (after ``g`` and ``ans``):
    a rule for an argument it cannot see would be applied to the wrong one."""
    from ..errors import ArgumentError
    name = getattr(rule, "__qualname__", repr(rule))
    if not isinstance(argnums, (tuple, list)) or not argnums:
        raise ArgumentError(f"argnums of rule {name} must be a non-empty tuple of positions, "
                            f"not {argnums!r}")
    for a in argnums:
        if isinstance(a, bool) or not isinstance(a, int) or not 0 <= a < len(params):
            raise ArgumentError(
                f"rule {name}: argument position {a!r} is not one of its primal parameters "
                f"({', '.join(f'{i}: {p}' for i, p in enumerate(params)) or 'none'}; the first "
                "two parameters are the cotangent or tangent and the output)")
    if len(set(argnums)) != len(argnums):
        raise ArgumentError(f"rule {name}: argnums {tuple(argnums)} repeats a position")


def defjvp(*fns: Any, argnum: int = 0) -> Callable[[_R], _R]:
    """Register the decorated function as the JVP rule of argument ``argnum`` of each
    of ``fns``."""
    def register(rule):
        import inspect
        _check_argnums(rule, tuple(inspect.signature(rule).parameters)[2:], (argnum,))
        for fn in fns:
            _entry(fn).jvps[argnum] = rule
        _changed()
        return rule
    return register


def nondiff(*fns, effects=False, stops=False):
    """Declare that the outputs of ``fns`` carry no derivative (``effects=True``: and that
    their calls must be kept and not merged; see the module docstring). ``stops=True``
    (with ``effects``): an effect whose arguments may carry derivatives, which it drops
    (``print``, a failed ``assert``): ``is_nondiff`` although it has effects."""
    for fn in fns:
        r = _entry(fn)
        r.nondiff, r.effects, r.stops = True, r.effects or effects, r.stops or stops
    _changed()


def declare(facts, *fns, effects=False, **spellings):
    """Give each of ``fns`` the named ``facts`` (a name or a tuple of names from
    ``FACTS``); ``effects=True`` marks calls that must be kept (a differentiable runtime
    helper that writes into its argument); ``spellings`` say how a back end writes it."""
    facts = (facts,) if isinstance(facts, str) else tuple(facts)
    unknown = [f for f in facts if f not in FACTS]
    if unknown:
        raise ValueError(f"unknown primitive facts {unknown}; known: {sorted(FACTS)}")
    for fn in fns:
        r = _entry(fn)
        r.facts = r.facts | frozenset(facts)
        r.effects = r.effects or effects
        r.spellings.update(spellings)
    _changed()


def defbatch(how, *fns):
    """How a call of each of ``fns`` whose operands carry batched tangents (a leading
    batch axis, ``runtime/batching.py``) is made (``transforms/batch.py``):
    ``"elementwise"`` (the same call, batched operands given size-1 axes after the
    batch axis by ``rt.lift``), ``"source"``
    (makes a batched tangent of unbatched operands), ``"size"`` (reads ``k``), ``"loop"``
    (one call per member, ``rt.per_member``: what a differentiable function without
    effects and without an entry gets), or a dict
    from the tuple of batched argument positions to the batched helper (``"same"``:
    the function itself is already correct on batched operands)."""
    for fn in fns:
        _entry(fn).batch = how
    _changed()


def batch_rule(fn):
    """``fn``'s ``defbatch`` entry; ``"elementwise"`` for a one-output NumPy ufunc;
    ``"loop"`` for another function with a derivative rule and no effects; else None."""
    import numpy as np
    r = _PRIMS.get(_key(fn))
    if r is not None and r.batch is not None:
        return r.batch
    if isinstance(fn, np.ufunc) and fn.nout == 1:
        return "elementwise"
    return "loop" if r is not None and r.has_rule and not r.effects else None


def primitive(fn) -> Primitive | None:
    """The record of ``fn``, or None (a function the registry knows nothing of)."""
    return _PRIMS.get(_key(fn))


def has(fn, fact: str) -> bool:
    """Whether ``fn`` has the named fact (``FACTS``)."""
    r = _PRIMS.get(_key(fn))
    return r is not None and fact in r.facts


def spelling(fn, backend: str):
    r = _PRIMS.get(_key(fn))
    return None if r is None else r.spellings.get(backend)


def lookup(fn) -> Primitive | None:
    """The record of ``fn`` if it has a derivative rule, or None."""
    r = _PRIMS.get(_key(fn))
    return r if r is not None and r.has_rule else None


def is_nondiff(fn) -> bool:
    r = _PRIMS.get(_key(fn))
    return r is not None and r.nondiff and (r.stops or not r.effects)


def tuple_result(size, *fns):
    """Declare that each of ``fns`` returns a tuple of ``size`` arrays (``np.linalg.qr``:
    ``(Q, R)``), so that kind inference can treat its result as a container."""
    for fn in fns:
        _entry(fn).tuple_size = size
    _changed()


def result_size(fn):
    """The tuple size declared with ``tuple_result``, or None for a single value."""
    r = _PRIMS.get(_key(fn))
    return None if r is None else r.tuple_size


def sequence_result(*fns):
    """Declare that each of ``fns`` returns a list of arrays whose length depends on its
    arguments (``np.split``), so that kind inference treats its result as a container."""
    for fn in fns:
        _entry(fn).sequence = True
    _changed()


def returns_sequence(fn) -> bool:
    r = _PRIMS.get(_key(fn))
    return r is not None and r.sequence


def has_effects(fn) -> bool:
    r = _PRIMS.get(_key(fn))
    return r is not None and r.effects


def all_rules() -> list:
    return [r for r in _PRIMS.values() if r.has_rule]


def all_nondiff() -> list:
    """``(name, fn, effects)`` of every function registered with ``nondiff``."""
    prims = [r for r in _PRIMS.values() if r.nondiff]
    return [(r.name, r.fn, False) for r in prims if not r.effects] + \
        [(r.name, r.fn, True) for r in prims if r.effects]
