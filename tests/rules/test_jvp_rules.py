"""Every JVP rule against central finite differences, and against its VJP rule.

For ``ans = f(*args)`` and random directions ``v_i`` of the differentiable
arguments: each argument's contribution ``J_i v_i`` must have the structure of
``ans`` and equal the central difference of ``f`` along ``v_i`` alone; their
sum must equal the difference along all ``v_i`` at once; and with a random
output cotangent ``u``, ``<u, sum_i J_i v_i> = sum_i <J_iᵀ u, v_i>`` (the
inner-product identity between the JVP and the VJP rules). Same cases as
``test_vjp_rules``.
"""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))  # also under --import-mode=importlib
from rulecheck import (call_jvp, call_vjp, numeric_jvp, rand_like, ravel,  # noqa: E402
                       structure)
from test_vjp_rules import ALL_CASES as _ALL  # noqa: E402

ALL_CASES = [p for p in _ALL if p.values[0].jvp]


def _directions(case, args, kwargs, rng):
    """Random tangents of the arguments that have JVP rules and float leaves."""
    idx = case.checked(args, kwargs, sorted(case.rule.jvps))
    return {i: rand_like(case.get(args, kwargs, i), rng) for i in idx}


def _check(actual, expected, case, what):
    np.testing.assert_allclose(ravel(actual, ints=True), expected, rtol=case.tol[0],
                               atol=case.tol[1], err_msg=what)


@pytest.mark.parametrize("case", ALL_CASES)
def test_each_jvp_contribution_matches_finite_differences(case):
    args, kwargs, rng = case.draw()
    ans = case.fn(*args, **kwargs)
    f = case.fd_fn(args, kwargs)
    for i, v in _directions(case, args, kwargs, rng).items():
        c = call_jvp(case, i, v, ans, args, kwargs)
        assert structure(c, tuples=True) == structure(ans, tuples=True), \
            f"the contribution of argument {i} must have the structure of ans"
        _check(c, numeric_jvp(f, case, args, kwargs, {i: v}), case, f"argument {i}")


@pytest.mark.parametrize("case", ALL_CASES)
def test_sum_of_jvp_contributions_matches_finite_differences(case):
    args, kwargs, rng = case.draw(seed=1)
    ans = case.fn(*args, **kwargs)
    vs = _directions(case, args, kwargs, rng)
    if not vs:
        pytest.skip("no differentiable argument in this case")
    total = sum(ravel(call_jvp(case, i, v, ans, args, kwargs), ints=True) for i, v in vs.items())
    _check(total, numeric_jvp(case.fd_fn(args, kwargs), case, args, kwargs, vs), case, "sum")


@pytest.mark.parametrize("case", ALL_CASES)
def test_jvp_and_vjp_satisfy_the_inner_product_identity(case):
    args, kwargs, rng = case.draw(seed=2)
    ans = case.fn(*args, **kwargs)
    vs = {i: v for i, v in _directions(case, args, kwargs, rng).items()
          if i in case.rule.vjp_argnums}
    if not vs:
        pytest.skip("no differentiable argument in this case")
    u = rand_like(ans, rng)
    jv = sum(ravel(call_jvp(case, i, v, ans, args, kwargs), ints=True) for i, v in vs.items())
    cts = call_vjp(case, u, ans, args, kwargs)
    left = ravel(u) @ jv if ravel(u).size == jv.size else 0.0
    right = sum(ravel(cts[i]) @ ravel(v) for i, v in vs.items())
    scale = 1.0 + abs(left) + abs(right)
    assert abs(left - right) <= 1e-9 * scale * (1e3 if case.tol[0] > 1e-5 else 1.0), (left, right)
