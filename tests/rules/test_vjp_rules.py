"""Every VJP rule against central finite differences, on inputs from its domain.

For ``ans = f(*args)`` and a random output cotangent ``g``, a rule's cotangent
for argument ``i`` must equal the gradient of ``<g, f(*args)>`` in ``args[i]``.
The table must cover every registered rule, and every rule body must stay in
the subset the compiler inlines.
"""
import ast
import copy
import inspect
import operator
import textwrap

import numpy as np
import pytest

import tangentlike.rules  # noqa: F401  (registers the tables)
from tangentlike import runtime as rt
from tangentlike.rules import registry

# Central differences have truncation error O(h^2 |f'''|) ~ 1e-12 and rounding
# error ~ eps |f| / h ~ 1e-16 * 10 / 1e-6 = 1e-9 for these O(1) inputs in
# float64, so rtol 1e-5 / atol 1e-7 leave two orders of margin and still catch
# any wrong factor, sign or missing broadcast sum.
STEP, RTOL, ATOL = 1e-6, 1e-5, 1e-7


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


def ravel(x):
    """The float leaves of ``x`` as one vector (ints, strings, None contribute nothing)."""
    if isinstance(x, dict):
        x = list(x.values())
    if isinstance(x, (tuple, list)):
        return np.concatenate([np.zeros(0)] + [ravel(v) for v in x])
    return np.ravel(np.asarray(x, dtype=float)) if is_leaf(x) else np.zeros(0)


def unravel(v, like):
    """``like`` with its float leaves replaced by the entries of ``v``; returns (value, rest)."""
    if isinstance(like, (tuple, list, dict)):
        keys = list(like) if isinstance(like, dict) else range(len(like))
        out = {}
        for k in keys:
            out[k], v = unravel(v, like[k])
        if isinstance(like, dict):
            return out, v
        return type(like)(out[k] for k in keys), v
    if not is_leaf(like):
        return like, v
    n = np.size(like)
    if isinstance(like, np.ndarray):
        return v[:n].reshape(like.shape).copy(), v[n:]
    return float(v[0]), v[1:]


def structure(x):
    """Container types and leaf shapes: what a cotangent must share with its primal."""
    if isinstance(x, dict):
        return {k: structure(v) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return (type(x).__name__, [structure(v) for v in x])
    return None if x is None else np.shape(x)


def rand_like(x, rng):
    if isinstance(x, dict):
        return {k: rand_like(v, rng) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return type(x)(rand_like(v, rng) for v in x)
    if isinstance(x, np.ndarray):
        return rng.standard_normal(x.shape)
    return float(rng.standard_normal())


def numeric_grad(fn, args, kwargs, i, g):
    """Central differences of ``<g, fn(*args)>`` with respect to ``args[i]``."""
    v0 = ravel(args[i])
    out = np.zeros_like(v0)
    for k in range(v0.size):
        vals = []
        for h in (STEP, -STEP):
            v = v0.copy()
            v[k] += h
            a = copy.deepcopy(list(args))  # add_at mutates its first argument
            a[i] = unravel(v, args[i])[0]
            vals.append(ravel(g) @ ravel(fn(*a, **kwargs)))
        out[k] = (vals[0] - vals[1]) / (2 * STEP)
    return out


def C(fn, *args, wrt=None, **kwargs):
    """A case: ``fn(*args, **kwargs)``; ``wrt`` narrows the checked argnums."""
    return pytest.param(fn, args, kwargs, wrt, id=registry.lookup(fn).name)


def binary(*fns, lo=-2.0, hi=2.0, rhs_lo=-2.0, rhs_hi=2.0):
    a, b = (lambda *s: arr(*s, lo=lo, hi=hi)), (lambda *s: arr(*s, lo=rhs_lo, hi=rhs_hi))
    pairs = [(a(3, 4), b(3, 4)), (a(3, 1), b(1, 4)), (num(lo, hi), b(2, 3)),
             (a(2, 3), num(rhs_lo, rhs_hi)), (num(lo, hi), num(rhs_lo, rhs_hi)), (a(4), b(2, 3, 4))]
    return [C(fn, x, y) for fn in fns for x, y in pairs]


def unary(*fns, gen=arr):
    return [C(fn, s) for fn in fns for s in (gen(3, 4), gen(), num(0.5, 1.0))]


MATMUL_SHAPES = [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)),
                 ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((4,), (2, 4, 5)), ((2, 3, 4), (4,))]
REDUCE_KW = [{}, {"axis": 0}, {"axis": -1}, {"axis": (0, 2)}, {"axis": 1, "keepdims": True},
             {"keepdims": True}]
MASK = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, True]])
COND = np.array([[True], [False], [True]])

CASES = [
    *binary(operator.add, np.add, operator.sub, np.subtract, operator.mul, np.multiply),
    *binary(operator.truediv, np.divide, rhs_lo=0.5),
    *binary(operator.pow, np.power, lo=0.5, rhs_lo=-2.0),
    C(operator.pow, arr(3, lo=-2.0, hi=-0.5), 3.0, wrt=(0,)),
    C(np.power, arr(2, 3), 2, wrt=(0,)),
    *[C(f, arr(*a), arr(*b)) for f in (operator.matmul, np.matmul) for a, b in MATMUL_SHAPES],
    *[C(f, s) for f in (operator.neg, np.negative, operator.pos, np.positive) for s in (arr(3, 2), num())],
    *unary(np.sin, np.cos, np.exp, np.tanh),
    *unary(np.tan, gen=lambda *s: arr(*s, lo=-1.0, hi=1.0)),
    *unary(np.log, np.sqrt, gen=pos),
    *unary(np.abs, abs, gen=away),
    *[C(f, x, y) for f in (np.maximum, np.minimum)
      for x, y in ((arr(3, 1), arr(1, 4)), (num(), arr(3)), (arr(2, 3), arr(2, 3)))],
    C(np.where, MASK, arr(3, 4), arr(3, 4)), C(np.where, COND, arr(1, 4), num()),
    C(float, num()), C(float, arr()),
    *[C(f, arr(3, 4, 2), **kw) for f in (np.sum, np.mean) for kw in REDUCE_KW],
    *[C(f, num()) for f in (np.sum, np.mean, np.max)],
    *[C(f, arr(3, 4, 2), **kw) for f in (np.max, np.amax, np.min, np.amin) for kw in REDUCE_KW],
    C(np.dot, arr(4), arr(4)), C(np.dot, arr(3, 4), arr(4)), C(np.dot, arr(4), arr(4, 3)),
    C(np.dot, arr(3, 4), arr(4, 2)), C(np.dot, num(), arr(3)), C(np.dot, arr(2, 3), num()),
    C(np.reshape, arr(3, 4), (2, 6)), C(np.reshape, arr(3, 4), shape=(4, 3), order="F"),
    C(np.ravel, arr(3, 4)), C(np.ravel, arr(3, 4), order="F"),
    C(np.squeeze, arr(3, 1, 4)), C(np.squeeze, arr(3, 1, 1), axis=1),
    C(np.transpose, arr(2, 3, 4)), C(np.transpose, arr(2, 3, 4), (1, 2, 0)),
    C(np.transpose, arr(2, 3, 4), axes=(-1, 0, 1)),
    C(np.concatenate, (arr(2, 3), arr(4, 3))), C(np.concatenate, [arr(2, 3), arr(2, 1)], axis=1),
    C(np.concatenate, (arr(2, 3), arr(3)), axis=None), C(np.concatenate, [arr(2), arr(3)], axis=-1),
    C(np.stack, (arr(3), arr(3))), C(np.stack, [arr(2, 3), arr(2, 3)], axis=-1),
    C(np.stack, [num(), num()]),
    C(operator.getitem, arr(5), 2), C(operator.getitem, arr(5), -1),
    C(operator.getitem, arr(5), slice(1, 4)), C(operator.getitem, arr(3, 4), (slice(None), slice(1, 3))),
    C(operator.getitem, arr(5), [0, 2, 2]), C(operator.getitem, arr(3, 4), MASK),
    C(operator.getitem, arr(3, 4), (np.array([0, 2, 0]), slice(None))),
    C(operator.getitem, [num(), num(), num()], 1), C(operator.getitem, (num(), arr(2)), 1),
    C(operator.getitem, {"a": num(), "b": arr(3)}, "b"),
    C(np.copy, arr(3)), C(np.asarray, arr(3)), C(np.asarray, [num(), num()]), C(np.asarray, num()),
    C(np.asarray, arr(2, 2), dtype=float), C(np.array, [num(), num()]), C(np.array, arr(3)),
    # the runtime helpers' own rules (second-order derivatives)
    C(rt.matmul_vjp_left, arr(3, 5), arr(3, 4), arr(4, 5)), C(rt.matmul_vjp_left, num(), arr(4), arr(4)),
    C(rt.matmul_vjp_left, arr(5), arr(4), arr(4, 5)), C(rt.matmul_vjp_left, arr(3), arr(3, 4), arr(4)),
    C(rt.matmul_vjp_left, arr(2, 3, 5), arr(3, 4), arr(2, 4, 5)),
    C(rt.matmul_vjp_right, arr(3, 5), arr(3, 4), arr(4, 5)), C(rt.matmul_vjp_right, num(), arr(4), arr(4)),
    C(rt.matmul_vjp_right, arr(5), arr(4), arr(4, 5)), C(rt.matmul_vjp_right, arr(3), arr(3, 4), arr(4)),
    C(rt.matmul_vjp_right, arr(2, 3, 5), arr(2, 3, 4), arr(4, 5)),
    *[C(f, g, a, b) for f in (rt.dot_vjp_left, rt.dot_vjp_right)
      for g, a, b in ((arr(3, 2), arr(3, 4), arr(4, 2)), (num(), arr(4), arr(4)), (arr(3), num(), arr(3)))],
    C(rt.sum_vjp, num(), arr(3, 4)), C(rt.sum_vjp, arr(4), arr(3, 4), 0),
    C(rt.sum_vjp, arr(3, 1), arr(3, 4), -1, True), C(rt.sum_vjp, num(), num()),
    C(rt.unbroadcast, arr(3, 4), arr(4)), C(rt.unbroadcast, arr(3, 4), arr(3, 1)),
    C(rt.unbroadcast, arr(2, 3), num()), C(rt.unbroadcast, arr(3), arr(3)),
    C(rt.as_float_grad, num(), arr(3)), C(rt.as_float_grad, arr(2), [num(), num()]),
    C(rt.as_float_grad, arr(3, 4), arr(4)), C(rt.as_float_grad, arr(3), arr(3)),
    C(rt.getitem_vjp, num(), arr(5), 2), C(rt.getitem_vjp, arr(3), arr(5), [0, 2, 2]),
    C(rt.getitem_vjp, num(), arr(5), slice(1, 3)), C(rt.getitem_vjp, num(), [num(), num()], 0),
    C(rt.setitem_vjp, arr(5), 2), C(rt.setitem_vjp, arr(4, 3), (slice(None), [0, 0])),
    C(rt.setitem_vjp, [num(), num(), num()], 1),
    C(rt.add_at, arr(5), [0, 2, 2], arr(3)), C(rt.add_at, arr(5), slice(1, 3), num()),
    C(rt.add_at, [num(), num()], 0, num()),
    C(rt.add, arr(3), arr(3)), C(rt.add, (num(), arr(2)), (num(), arr(2))),
    C(rt.add, {"a": arr(2)}, {"a": arr(2), "b": num()}), C(rt.add, None, arr(3)),
    C(rt.concatenate_vjp, arr(5, 3), (arr(2, 3), arr(3, 3)), 0),
    C(rt.concatenate_vjp, arr(5), [arr(2), arr(3)], None),
    C(rt.stack_vjp, arr(2, 3), [arr(3), arr(3)], 0), C(rt.stack_vjp, arr(2), (num(), num()), -1),
    C(rt.copy, arr(3)), C(rt.copy, [num(), num()]), C(rt.check_scalar, num(), "f"),
]


@pytest.mark.parametrize("fn, spec, kwargs, wrt", CASES)
def test_vjp_matches_finite_differences(fn, spec, kwargs, wrt):
    rng = np.random.default_rng(0)
    args = draw(spec, rng)
    rule = registry.lookup(fn)
    ans = fn(*copy.deepcopy(args), **kwargs)
    g = rand_like(ans, rng)
    cts = rule.vjp(g, ans, *copy.deepcopy(args), **kwargs)
    cts = cts if len(rule.vjp_argnums) > 1 else (cts,)
    assert len(cts) == len(rule.vjp_argnums)
    for i, ct in zip(rule.vjp_argnums, cts):
        assert structure(ct) == structure(args[i]), f"cotangent of argument {i}"
        if wrt is None or i in wrt:
            expected = numeric_grad(fn, args, kwargs, i, g)
            np.testing.assert_allclose(ravel(ct), expected, rtol=RTOL, atol=ATOL,
                                       err_msg=f"cotangent of argument {i}")


def test_every_rule_has_a_case():
    covered = {id(p.values[0]) for p in CASES}
    missing = [r.name for r in registry.all_rules() if id(r.fn) not in covered]
    assert missing == []
    assert len(registry.all_rules()) >= 60


RULES = [pytest.param(r, id=r.name) for r in registry.all_rules()]
SUBSET_NODES = (ast.FunctionDef, ast.arguments, ast.arg, ast.Return, ast.Assign, ast.Name,
                ast.Load, ast.Store, ast.Constant, ast.Call, ast.keyword, ast.Attribute,
                ast.BinOp, ast.UnaryOp, ast.USub, ast.Add, ast.Sub, ast.Mult, ast.Div,
                ast.Pow, ast.MatMult, ast.Subscript, ast.Tuple, ast.Expr)


@pytest.mark.parametrize("rule", RULES)
def test_rule_body_is_in_the_subset(rule):
    fdef = ast.parse(textwrap.dedent(inspect.getsource(rule.vjp))).body[0]
    fdef.decorator_list = []
    assert not fdef.args.vararg and not fdef.args.kwarg and not fdef.args.kwonlyargs
    for node in ast.walk(fdef):
        assert isinstance(node, SUBSET_NODES), f"{type(node).__name__} in {rule.name}'s rule"
        if isinstance(node, ast.Call):
            f = node.func
            assert isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name)
            assert f.value.id in ("np", "rt"), ast.unparse(f)
        elif isinstance(node, ast.Attribute):
            assert node.attr in ("T", "shape") or getattr(node.value, "id", "") in ("np", "rt")
        elif isinstance(node, ast.keyword):
            assert node.arg is not None, "**kwargs in a rule"
    assert 1 <= len(fdef.body) <= 3


@pytest.mark.parametrize("rule", RULES)
def test_rule_bodies_call_only_registered_functions(rule):
    """Closure: derivative code built from a rule can be differentiated again."""
    fdef = ast.parse(textwrap.dedent(inspect.getsource(rule.vjp))).body[0]
    for node in ast.walk(ast.Module(body=fdef.body, type_ignores=[])):
        if isinstance(node, ast.Call):
            fn = getattr({"np": np, "rt": rt}[node.func.value.id], node.func.attr)
            assert registry.lookup(fn) or registry.is_nondiff(fn), ast.unparse(node.func)


def _params(fn):
    try:
        return list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return None


@pytest.mark.parametrize("rule", RULES)
def test_rule_parameters_follow_the_primal_signature(rule):
    params = _params(rule.fn)
    assert params is not None, f"no signature for {rule.name}"
    assert set(rule.params) <= set(params)
    assert [p for p in params if p in rule.params] == list(rule.params)


# --- Conventions at non-differentiable points ------------------------------------

def test_pow_exponent_cotangent_is_zero_where_the_base_is_not_positive():
    rule = registry.lookup(operator.pow).vjp
    a, b = np.array([-2.0, 0.0, 2.0]), np.array([2.0, 2.0, 2.0])
    da, db = rule(np.ones(3), a ** b, a, b)
    np.testing.assert_array_equal(da, [-4.0, 0.0, 4.0])
    np.testing.assert_allclose(db, [0.0, 0.0, 4.0 * np.log(2.0)])


def test_pow_with_zero_exponent_has_zero_base_cotangent_at_zero():
    da, _ = registry.lookup(np.power).vjp(1.0, 1.0, 0.0, 0.0)
    assert da == 0.0


def test_maximum_and_minimum_split_ties_evenly():
    x, y = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 2.0])
    for f, left in ((np.maximum, [0.0, 0.5, 1.0]), (np.minimum, [1.0, 0.5, 0.0])):
        gx, gy = registry.lookup(f).vjp(np.ones(3), f(x, y), x, y)
        np.testing.assert_array_equal(gx, left)
        np.testing.assert_array_equal(gy, 1.0 - np.array(left))


def test_max_reduction_splits_ties_evenly():
    x = np.array([[1.0, 3.0, 3.0], [5.0, 0.0, 5.0]])
    ct = registry.lookup(np.max).vjp(np.array([6.0, 4.0]), np.max(x, axis=1), x, axis=1)
    np.testing.assert_array_equal(ct, [[0.0, 3.0, 3.0], [2.0, 0.0, 2.0]])


def test_abs_has_zero_cotangent_at_zero():
    assert registry.lookup(abs).vjp(1.0, 0.0, 0.0) == 0.0


def test_mean_of_python_float_gives_python_float():
    ct = registry.lookup(np.mean).vjp(2.0, 3.0, 3.0)
    assert type(ct) is float and ct == 2.0
