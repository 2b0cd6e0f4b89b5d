"""The harness of the rule tests: random arguments from a function's domain, central
finite differences of ``<g, f(args)>`` (reverse) and of ``f`` along a direction
(forward), and the structure of values (containers and leaf shapes).

A case is ``C(fn, *args, wrt=..., fd=..., tol=..., **kwargs)``: ``fn(*args,
**kwargs)`` with ``Gen`` arguments drawn at test time. ``wrt`` narrows the
arguments checked against finite differences; ``fd`` is a factory
``fd(args, kwargs) -> callable`` replacing ``fn`` in the finite differences (a
function of a symmetric matrix, outputs with a sign ambiguity); ``tol`` is
``(rtol, atol)``; ``jvp=False`` leaves a case out of the JVP tests.
"""
import copy

import numpy as np
import pytest

import tangentlike.rules  # noqa: F401  (registers the tables)
from tangentlike.rules import registry

# Central differences have truncation error O(h^2 |f'''|) ~ 1e-12 and rounding
# error ~ eps |f| / h ~ 1e-16 * 10 / 1e-6 = 1e-9 for these O(1) inputs in
# float64, so rtol 1e-5 / atol 1e-7 leave two orders of margin and still catch
# any wrong factor, sign or missing broadcast sum.
STEP, RTOL, ATOL = 1e-6, 1e-5, 1e-7
# Matrix functions amplify the rounding error by the condition number of the
# input (and by 1/gap for eigen- and singular vectors), ~1e2 for the random
# well-conditioned matrices of the cases: a hundredfold looser tolerance.
LINALG_TOL = (1e-4, 1e-6)


class Gen:
    """A random argument drawn at test time (plain values in a case stay constant)."""

    def __init__(self, draw):
        self.draw = draw


def arr(*shape, lo=-2.0, hi=2.0):
    return Gen(lambda rng: rng.uniform(lo, hi, shape))


def num(lo=-2.0, hi=2.0):
    return Gen(lambda rng: float(rng.uniform(lo, hi)))


def away(*shape):
    """Values in ±[0.5, 2]: away from the kinks of abs/sign at 0."""
    return Gen(lambda rng: rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5, 2.0, shape))


def pos(*shape):
    return arr(*shape, lo=0.5, hi=2.0)


def distinct(*shape, gap=0.3):
    """Entries whose sorted values are at least ``gap`` apart (no ties for max/sort)."""
    def draw(rng):
        n = int(np.prod(shape))
        vals = np.cumsum(rng.uniform(gap, 2 * gap, n)) - gap * n * 0.75
        return rng.permutation(vals).reshape(shape)
    return Gen(draw)


def spd(n, batch=()):
    """Symmetric positive definite matrices (condition number below ~10)."""
    def draw(rng):
        m = rng.uniform(-1.0, 1.0, batch + (n, n))
        return m @ np.swapaxes(m, -1, -2) / n + np.eye(n)
    return Gen(draw)


def well(m, n=None, batch=()):
    """A well-conditioned (m, n) matrix: the identity's leading block plus noise."""
    n = m if n is None else n
    return Gen(lambda rng: np.eye(m, n) * 2.0 + rng.uniform(-0.5, 0.5, batch + (m, n)))


def sym(a):
    return 0.5 * (a + np.swapaxes(a, -1, -2))


def draw(spec, rng):
    if isinstance(spec, Gen):
        return spec.draw(rng)
    if isinstance(spec, dict):
        return {k: draw(v, rng) for k, v in spec.items()}
    if isinstance(spec, (tuple, list)):
        return type(spec)(draw(v, rng) for v in spec)
    return spec


def is_leaf(x):
    return isinstance(x, (float, np.floating)) or (
        isinstance(x, np.ndarray) and x.dtype.kind in "fc")


def ravel(x, ints=False):
    """The float leaves of ``x`` as one vector (ints, strings, None contribute nothing;
    ``ints``: integer arrays do, as floats: an output converted to int)."""
    if isinstance(x, dict):
        x = list(x.values())
    if isinstance(x, (tuple, list)):
        return np.concatenate([np.zeros(0)] + [ravel(v, ints) for v in x])
    leaf = is_leaf(x) or (ints and isinstance(x, (np.ndarray, np.integer)) and x.dtype.kind in "iu")
    return np.ravel(np.asarray(x, dtype=float)) if leaf else np.zeros(0)


def rebuild(like, items):
    items = list(items)
    return type(like)(*items) if hasattr(like, "_fields") else type(like)(items)


def unravel(v, like):
    """``like`` with its float leaves replaced by the entries of ``v``; returns (value, rest)."""
    if isinstance(like, (tuple, list, dict)):
        keys = list(like) if isinstance(like, dict) else range(len(like))
        out = {}
        for k in keys:
            out[k], v = unravel(v, like[k])
        if isinstance(like, dict):
            return out, v
        return rebuild(like, (out[k] for k in keys)), v
    if not is_leaf(like):
        return like, v
    n = np.size(like)
    if isinstance(like, np.ndarray):
        return v[:n].reshape(like.shape).copy(), v[n:]
    return float(v[0]), v[1:]


def structure(x, tuples=False):
    """Container types and leaf shapes: what a cotangent must share with its primal
    (``tuples``: a namedtuple counts as a tuple, for tangents built in a rule)."""
    if isinstance(x, dict):
        return {k: structure(v, tuples) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        name = "tuple" if tuples and isinstance(x, tuple) else type(x).__name__
        return (name, [structure(v, tuples) for v in x])
    return None if x is None or isinstance(x, str) else np.shape(x)  # a str: no cotangent


def rand_like(x, rng):
    if isinstance(x, str):
        return None  # subscripts, directives: no tangent
    if isinstance(x, dict):
        return {k: rand_like(v, rng) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return rebuild(x, (rand_like(v, rng) for v in x))
    if isinstance(x, np.ndarray):
        return rng.standard_normal(x.shape)
    return float(rng.standard_normal())


class Case:
    def __init__(self, fn, args, kwargs, wrt=None, fd=None, tol=None, jvp=True):
        self.fn, self.args, self.kwargs, self.wrt = fn, args, kwargs, wrt
        self.fd, self.tol, self.jvp = fd, tol or (RTOL, ATOL), jvp
        self.rule = registry.lookup(fn)

    def draw(self, seed=0):
        """Concrete ``(args, kwargs, rng)``; ``Gen`` keyword values are drawn too."""
        rng = np.random.default_rng(seed)
        return draw(self.args, rng), draw(self.kwargs, rng), rng

    def fd_fn(self, args, kwargs):
        return self.fn if self.fd is None else self.fd(args, kwargs)

    def names(self):
        return list(self.rule.params)

    def get(self, args, kwargs, i):
        """The value of the rule's argument number ``i`` (positional or keyword)."""
        if i < len(args):
            return args[i]
        return kwargs.get(self.names()[i]) if i < len(self.names()) else None

    def put(self, args, kwargs, i, value):
        args, kwargs = list(copy.deepcopy(args)), copy.deepcopy(kwargs)
        if i < len(args):
            args[i] = value
        else:
            kwargs[self.names()[i]] = value
        return args, kwargs

    def checked(self, args, kwargs, argnums):
        """Which of ``argnums`` carry float leaves and are checked (``wrt``)."""
        return [i for i in argnums if ravel(self.get(args, kwargs, i)).size
                and (self.wrt is None or i in self.wrt)]


def C(fn, *args, wrt=None, fd=None, tol=None, jvp=True, **kwargs):
    case = Case(fn, args, kwargs, wrt, fd, tol, jvp)
    assert case.rule is not None, f"no rule for {fn}"
    return pytest.param(case, id=case.rule.name)


def binary(*fns, lo=-2.0, hi=2.0, rhs_lo=-2.0, rhs_hi=2.0):
    a, b = (lambda *s: arr(*s, lo=lo, hi=hi)), (lambda *s: arr(*s, lo=rhs_lo, hi=rhs_hi))
    pairs = [(a(3, 4), b(3, 4)), (a(3, 1), b(1, 4)), (num(lo, hi), b(2, 3)),
             (a(2, 3), num(rhs_lo, rhs_hi)), (num(lo, hi), num(rhs_lo, rhs_hi)), (a(4), b(2, 3, 4))]
    return [C(fn, x, y) for fn in fns for x, y in pairs]


def unary(*fns, gen=arr, scalar=(0.5, 1.0)):
    return [C(fn, s) for fn in fns for s in (gen(3, 4), gen(), num(*scalar))]


# --- Finite differences -------------------------------------------------------------

def numeric_grad(f, case, args, kwargs, i, g):
    """Central differences of ``<g, f(...)>`` with respect to argument ``i``."""
    x0 = case.get(args, kwargs, i)
    v0 = ravel(x0)
    out = np.zeros_like(v0)
    for k in range(v0.size):
        vals = []
        for h in (STEP, -STEP):
            v = v0.copy()
            v[k] += h
            a, kw = case.put(args, kwargs, i, unravel(v, x0)[0])
            vals.append(ravel(g) @ ravel(f(*a, **kw), ints=True))
        out[k] = (vals[0] - vals[1]) / (2 * STEP)
    return out


def numeric_jvp(f, case, args, kwargs, tangents):
    """Central differences of ``f`` along ``tangents`` (argnum -> direction), raveled."""
    vals = []
    for h in (STEP, -STEP):
        a, kw = list(args), dict(kwargs)
        for i, t in tangents.items():
            x = case.get(args, kwargs, i)
            a, kw = case.put(a, kw, i, unravel(ravel(x) + h * ravel(t), x)[0])
        vals.append(ravel(f(*copy.deepcopy(a), **kw), ints=True))
    return (vals[0] - vals[1]) / (2 * STEP)


def call_vjp(case, g, ans, args, kwargs):
    """The rule's cotangents as a dict argnum -> cotangent."""
    rule = case.rule
    cts = rule.vjp(g, ans, *copy.deepcopy(args), **copy.deepcopy(kwargs))
    cts = cts if len(rule.vjp_argnums) > 1 else (cts,)
    assert len(cts) == len(rule.vjp_argnums)
    return dict(zip(rule.vjp_argnums, cts))


def call_jvp(case, i, t, ans, args, kwargs):
    return case.rule.jvps[i](t, ans, *copy.deepcopy(args), **copy.deepcopy(kwargs))
