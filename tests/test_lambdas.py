"""Lambdas (issue 15): as the function differentiated (found in their file by
position), closing over data, bound to a name inside a differentiated function and
called there, called in place, passed to a user function; derivatives in both modes
and second derivatives against finite differences (tests/usercode_check.py)."""
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import tangentlike as tl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from usercode_check import check_grad  # noqa: E402

X = np.array([0.7, -1.3, 0.4])
Y = np.array([1.5, 0.5, -2.0])


def f(x, y):
    return np.sum(np.sin(x) * y)


def apply_twice(g, x):
    return g(g(x))


def weighted(g, x, w=2.0):
    return w * np.sum(g(x))


square = lambda v: v * v  # noqa: E731 - a module-level lambda, passed by name


def bound_inside(x):
    sq = lambda v: v * v  # noqa: E731
    scale = 3.0
    cube = lambda v, p=3: scale * v ** p  # noqa: E731 - closes over scale
    return np.sum(sq(x)) + np.sum(cube(x))


def called_in_place(x):
    return (lambda t: np.sum(np.exp(t)))(x) * 2.0


def passed_to_helpers(x, y):
    a = np.tanh(y)
    return np.sum(apply_twice(lambda v: v * a, x)) + weighted(lambda v: v * v, x, w=0.5) \
        + weighted(square, y) * np.sum(x)


def lambda_in_loop(x):
    s = 0.0
    for k in range(3):
        term = lambda v: v[k] * v[k]  # noqa: E731 - made anew each iteration
        s = s + term(x)
    return s


def lambda_as_value(x):
    fs = [lambda t: t * t]  # a list of functions: outside the subset
    return np.sum(x) + fs[0](1.0)


def test_lambda_as_the_function_differentiated_closes_over_data():
    y = Y * 2.0
    check_grad(lambda x: f(x, y), X, second=True)


def test_a_lambda_of_two_arguments_wrt_the_second():
    check_grad(lambda x, y: np.sum(x * y * y), X, Y, wrt=1, second=True)


def test_a_new_closure_gets_its_own_data():
    grads = []
    for scale in (1.0, 3.0):
        grads.append(tl.grad(lambda x: scale * np.sum(x * x))(X))
    np.testing.assert_allclose(grads[1], 3.0 * grads[0], rtol=1e-13)


def test_two_lambdas_on_one_line_are_told_apart():
    double, triple = (lambda x: 2.0 * x * x), (lambda x: 3.0 * x * x)  # noqa: E731
    assert tl.grad(double)(1.0) == pytest.approx(4.0)
    assert tl.grad(triple)(1.0) == pytest.approx(6.0)
    assert tl.grad(triple, mode="forward")(1.0) == pytest.approx(6.0)


def test_nested_lambdas_on_one_line_pick_the_innermost():
    outer = lambda a: (lambda x: a * x * x)  # noqa: E731
    inner = outer(5.0)
    assert tl.grad(inner)(1.0) == pytest.approx(10.0)


def test_lambdas_that_cannot_be_told_apart_are_an_error_not_a_guess():
    double, triple = (lambda x: 2.0 * x), (lambda x: 3.0 * x)  # noqa: E731, F841
    code = triple.__code__.replace(co_linetable=b"")  # no positions to go by
    blind = types.FunctionType(code, triple.__globals__)
    with pytest.raises(tl.NoSourceError, match="several lambdas"):
        tl.grad(blind)(1.0)


def test_a_lambda_made_by_eval_has_no_source():
    with pytest.raises(tl.NoSourceError, match="not available"):
        tl.grad(eval("lambda x: x * x"))(1.0)


@pytest.mark.parametrize("fn, args", [
    (bound_inside, (X,)), (called_in_place, (X,)), (passed_to_helpers, (X, Y)),
    (lambda_in_loop, (X,)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_lambdas_inside_a_differentiated_function(fn, args):
    check_grad(fn, *args, second=fn is not passed_to_helpers)


def test_passed_to_a_helper_wrt_the_closed_over_value():
    check_grad(passed_to_helpers, X, Y, wrt=1)


def test_a_lambda_used_as_a_value_is_a_located_error():
    with pytest.raises(tl.UnsupportedSyntaxError, match="lambda used as a value") as info:
        tl.grad(lambda_as_value)(X)
    assert info.value.lineno == lambda_as_value.__code__.co_firstlineno + 1


def test_generated_code_names_the_lambda():
    src = tl.source(tl.grad(lambda x: np.sum(square(x) * 2.0)))
    assert "def grad_lambda_(x):" in src, src
    code = [ln for ln in src.splitlines() if not ln.strip().startswith("#")]
    assert not any("square" in ln for ln in code), src  # the helper lambda is inlined


def test_a_lambda_holding_a_lambda_with_the_same_parameter():
    f2 = lambda x: (lambda x: x * 2.0)(x) * x  # noqa: E731 - the outer one is differentiated
    assert tl.grad(f2)(1.5) == pytest.approx(6.0)
    assert tl.grad(f2, mode="forward")(1.5) == pytest.approx(6.0)


def test_a_lambda_over_several_lines():
    g = tl.grad(
        lambda x: np.sum(
            x * x * x))
    np.testing.assert_allclose(g(X), 3.0 * X * X, rtol=1e-12)


def test_lambdas_made_in_a_comprehension_keep_their_defaults():
    fs = [lambda x, k=k: k * x * x for k in (1.0, 2.0)]
    assert [tl.grad(f)(3.0) for f in fs] == [pytest.approx(6.0), pytest.approx(12.0)]
