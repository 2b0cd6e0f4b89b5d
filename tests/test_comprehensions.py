"""Comprehensions and generator expressions (issue 15): list and dict comprehensions,
generator expressions in sum()/list()/tuple()/max(), with conditions and nested
``for``; derivatives in both modes against finite differences, second derivatives,
Python's scoping, and the generated adjoint (no list taped per iteration)."""
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import tangentlike as tl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from usercode_check import check_grad, fresh  # noqa: E402

X = np.array([0.7, -1.3, 0.4, 1.1])
W = np.array([0.5, 1.5, -2.0, 0.25])


def dot_gen(xs, ws):
    return sum(x * w for x, w in zip(xs, ws))


def squares_if(x):
    sq = [v * v for v in x if v > 0.0]
    return sum(sq) + len(sq)


def nested_for(x):
    return sum([a * b for a in x for b in x[1:] if a < b])


def dict_comp(x):
    d = {k: x[k] * np.sin(x[k]) for k in range(3)}
    return d[0] + d[2] * d[1]


def dict_from_zip(x, w):
    d = dict(zip(["a", "b"], [x * w, np.tanh(x)]))
    return np.sum(d["a"] * d["b"])


def in_tuple_and_list(x):
    t = tuple(np.exp(v) for v in x)
    lst = list(v * 2.0 for v in x)
    return t[0] * lst[-1] + t[1]


def array_from_comp(x):
    y = np.array([np.cos(v) * i for i, v in enumerate(x)])
    return np.sum(y * y)


def max_of_generator(x):
    return max(v * v for v in x) + min([np.sin(v) for v in x])


def comp_in_loop(x):
    s = 0.0
    for k in range(3):
        s = s + sum(v ** (k + 1) for v in x)
    return s


def comp_in_helper(x):
    return _norm2([v * 3.0 for v in x])


def _norm2(vs):
    return sum(v * v for v in vs)


def scoping(x):
    v = 10.0
    ys = [v * 2.0 for v in x]
    return v * ys[0]  # the comprehension's v is its own: v is still 10.0


@pytest.mark.parametrize("fn, args", [
    (dot_gen, (X, W)), (squares_if, (X,)), (nested_for, (X,)), (dict_comp, (X,)),
    (dict_from_zip, (X, W)), (in_tuple_and_list, (X,)), (array_from_comp, (X,)),
    (max_of_generator, (X,)), (comp_in_loop, (X,)), (comp_in_helper, (X,)), (scoping, (X,)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_gradient_matches_finite_differences(fn, args):
    check_grad(fn, *args, second=fn in (dot_gen, array_from_comp, comp_in_loop, in_tuple_and_list))


def test_wrt_the_second_sequence():
    check_grad(dot_gen, X, W, wrt=1)


def test_lists_of_floats():
    xs, ws = [0.3, -0.8, 1.2], [1.0, 2.0, 3.0]
    got = tl.grad(dot_gen)(xs, ws)
    assert got == pytest.approx(ws, rel=1e-12)
    assert isinstance(got, list)


def test_values_are_pythons():
    for fn, args in [(squares_if, (X,)), (nested_for, (X,)), (scoping, (X,)),
                     (dict_from_zip, (X, W)), (in_tuple_and_list, (X,))]:
        value, _ = tl.value_and_grad(fn)(*fresh(args))
        assert value == pytest.approx(fn(*fresh(args)), rel=1e-12), fn.__name__


def test_sum_of_a_generator_accumulates_without_a_list():
    src = tl.source(tl.grad(dot_gen))
    appends = re.findall(r"(\w+)\.append\(", src)
    assert appends and set(appends) == {"tape"}, src  # no list of the terms is built
    assert re.search(r"^\s+acc_?\d* = acc_?\d* \+ t", src, re.M), src
    names = set(re.findall(r"\b[A-Za-z_]\w*\b", src))
    assert not any(n.startswith("_") for n in names - {"__name__"}), src  # readable names


def test_comprehension_tapes_the_list_once_per_iteration_not_its_items():
    src = tl.source(tl.grad(squares_if))
    pushes = re.findall(r"tape\.append\((.*)\)", src)
    assert pushes, src
    # what a push holds: the list (a reference), the item and the branch taken, never a copy
    assert all("copy" not in p and "list(" not in p for p in pushes), src


def test_generator_variables_do_not_leak():
    def leaks(x):
        s = sum(v for v in x)
        return s * v  # noqa: F821 - v is the comprehension's
    with pytest.raises(tl.TangentlikeError, match="v"):
        tl.grad(leaks)(X)


def test_set_comprehension_stays_outside_the_subset():
    def setcomp(x):
        return len({v for v in x})
    with pytest.raises(tl.UnsupportedSyntaxError, match="set comprehension"):
        tl.grad(setcomp)(X)


def test_hessian_of_a_comprehension_inside_a_loop():
    """Regression: forward mode over the gradient of a loop whose body iterates over a
    sequence (here a generator expression) read the taped range's tangent, None
    (``drng[::-1]``: TypeError); a range's zero tangent is now zeros of its length."""
    h = tl.hessian(comp_in_loop)(X.copy())
    want = np.diag(2.0 + 6.0 * X)  # d²/dv² of v + v² + v³
    np.testing.assert_allclose(h, want, rtol=1e-12, atol=1e-12)


def test_second_derivative_of_a_nested_comprehension_with_a_condition():
    # Was a strict xfail (None + None in the adjoint of a taped tuple's append, reverse
    # over reverse); main's tapes (rt.Tape / rt.IndexTape, issue 16) fixed it.
    check_grad(nested_for, X, second=True)


def generator_bound_to_a_name(x):
    g = (v * v for v in x)
    return sum(g) + sum(g)  # Python: the second sum is 0, the generator is spent


def any_of_a_generator(x):
    if any(v > 1.0 for v in x):
        return np.sum(x * x)
    return np.sum(x)


def for_over_a_generator(x):
    s = 0.0
    for y in (np.sin(v) for v in x):
        s = s + y * y
    return s


def test_a_generator_that_could_be_consumed_twice_is_a_located_error():
    with pytest.raises(tl.UnsupportedSyntaxError, match="generator expression used as a value") \
            as info:
        tl.grad(generator_bound_to_a_name)(X)
    assert info.value.lineno == generator_bound_to_a_name.__code__.co_firstlineno + 1


@pytest.mark.parametrize("fn", [any_of_a_generator, for_over_a_generator])
def test_generators_consumed_where_they_stand(fn):
    check_grad(fn, X)
