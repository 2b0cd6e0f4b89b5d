"""``*args``/``**kwargs`` parameters of called functions and ``f(*t)`` calls
(frontend/starparams.py): gradients in both modes and second derivatives against
finite differences (tests/usercode_check.py), and the located errors of what stays
outside."""
import numpy as np
import pytest

import tangentlike as tl

from usercode_check import check_grad

X = np.array([0.3, -0.7, 1.1])


def total(*xs):
    s = 0.0
    for v in xs:
        s = s + np.sum(v * v)
    return s


def scaled(x, *rest, scale=2.0):
    return scale * np.sum(x) * len(rest) + total(*rest)


def options(x, **kw):
    return np.sum(x * kw["a"]) + kw["b"] * np.sum(np.sin(x))


def forward_call(f, *args):
    return f(*args)


def uses_varargs(x):
    return total(x, x * 2.0, np.cos(x)) + scaled(x, x[0], x[1] * x[2])


def uses_kwargs(x):
    return options(x, a=1.5, b=x[0]) + options(x * x, b=0.5, a=x[2])


def forwards_arguments(x):
    return np.sum(forward_call(np.tanh, x)) + forward_call(total, x, x[1:])


def nested_star_def(x):
    def inner(*a, **k):
        return a[0] * a[1] * k["c"] + len(a)
    t = (x[0], x[1])
    return inner(*t, c=x[2]) + inner(x[2], x[0], c=3.0)


def star_of_a_list(x):
    parts = [x[0], np.sum(x)]
    return total(*parts) + total()


@pytest.mark.parametrize("fn", [uses_varargs, uses_kwargs, forwards_arguments,
                                nested_star_def, star_of_a_list],
                         ids=lambda f: f.__name__)
def test_star_parameters_match_finite_differences(fn):
    check_grad(fn, X, second=True)


def test_the_function_differentiated_may_not_have_star_parameters():
    with pytest.raises(tl.UnsupportedSyntaxError, match=r"star parameters \(\*args/\*\*kwargs\)"):
        tl.grad(total)(1.0, 2.0)


def star_of_a_parameter(x, t):
    return total(*t) + x


def test_star_args_of_a_value_of_unknown_length_is_located():
    with pytest.raises(tl.UnsupportedSyntaxError, match="star-args .* length is not known") as e:
        tl.grad(star_of_a_parameter)(1.0, (2.0, 3.0))
    assert e.value.lineno == star_of_a_parameter.__code__.co_firstlineno + 1


def keyword_only(x, *, scale=3.0, shift):
    return scale * np.sum(x * x) + shift


def uses_keyword_only(x):
    def inner(v, *, k=2.0):
        return k * np.sum(np.exp(v))
    return keyword_only(x, shift=x[0]) + keyword_only(x, scale=x[1], shift=1.0) + inner(x) \
        + inner(x, k=x[2])


def test_keyword_only_parameters_of_called_functions():
    check_grad(uses_keyword_only, X, second=True)


def first_then_rest(x, *rest):
    return np.sum(x) * len(rest) + total(*rest[1:]) + total(*rest[:1])


def forwards_a_slice_of_args(x):
    wrap = lambda *args: first_then_rest(np.sin(args[0]), *args[1:])
    return wrap(x, x[0], x * 2.0, x[1:])


def test_star_of_a_slice_of_args():
    check_grad(forwards_a_slice_of_args, X, second=True)
