"""Calls whose arguments carry no derivative run as opaque primal calls (issue 20): a
function the frontend cannot lower (SciPy's ``multigammaln`` checks its argument with
``raise``; a helper with ``try``; a function without source) is called as it is when no
argument is differentiated, in both modes and under second derivatives; when one is,
the error that its source caused is raised, naming the call. Finite-difference
tolerances: tests/usercode_check.py."""
import math
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.special

import tangentlike as tl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from usercode_check import check_grad  # noqa: E402

X = np.array([0.7, -1.3, 0.4])


def with_multigammaln(x, d):
    c = scipy.special.multigammaln(0.5 * (d + 3), d)  # a constant of the prior
    return np.sum(np.sin(x) * x) * c + c * x[0]


def careful_scale(n):
    try:  # outside the subset: the call runs as it is
        return 1.0 / n
    except ZeroDivisionError:
        return 0.0


def with_helper(x, n):
    s = careful_scale(n)
    return np.sum(x ** 3) * s + np.sin(s * x[1])


def in_loop(x):
    total = 0.0
    for k in range(1, 4):
        total = total + x[k - 1] ** 2 * scipy.special.multigammaln(k + 1.5, k)
    return total


_NS = {"np": np}
exec(compile("def no_source(a):\n    return np.sum(a) + 1.0\n", "<generated>", "exec"), _NS)
no_source = _NS["no_source"]
exec(compile("def writes(a):\n    a[0] = 5.0\n    return 1.0\n", "<generated>", "exec"), _NS)
writes_arg = _NS["writes"]


def uses_no_source(x, c):
    return np.sum(x * no_source(c))


def uses_writer(x, c):
    k = writes_arg(c)
    return np.sum(x * c) * k


@pytest.mark.parametrize("f, args", [(with_multigammaln, (X, 3)), (with_helper, (X, 4)),
                                     (in_loop, (X,)),
                                     (uses_no_source, (X, np.array([1.0, 2.0])))],
                         ids=["multigammaln", "helper-with-try", "in-a-loop", "no-source"])
def test_inactive_calls_run_opaque_in_both_modes_and_second_order(f, args):
    check_grad(f, *args, second=True)


def test_the_value_is_the_library_s():
    c = scipy.special.multigammaln(3.0, 3)
    g = tl.grad(with_multigammaln)(X, 3)
    want = (np.sin(X) + X * np.cos(X)) * c
    want[0] += c
    np.testing.assert_allclose(g, want, rtol=1e-13)
    assert math.isclose(tl.value_and_grad(with_multigammaln)(X, 3)[0],
                        with_multigammaln(X, 3), rel_tol=1e-15)


def differentiated_multigammaln(x):
    return scipy.special.multigammaln(x[0] + 3.0, 2)


def differentiated_helper(x):
    return careful_scale(x[0])


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("f, construct", [(differentiated_multigammaln, "raise"),
                                          (differentiated_helper, "try")])
def test_a_differentiated_argument_reports_the_callee_s_construct(f, construct, mode):
    with pytest.raises(tl.UnsupportedSyntaxError, match=construct) as info:
        tl.grad(f, mode=mode)(X)
    notes = " ".join(getattr(info.value, "__notes__", []))
    assert "differentiated here" in notes and "test_opaque_calls.py" in notes


def test_a_callee_without_source_cannot_write_into_its_argument():
    with pytest.raises(ValueError, match="read-only"):
        tl.grad(uses_writer)(X, np.array([1.0, 2.0, 3.0]))


def test_a_differentiated_argument_of_a_callee_without_source_is_an_error():
    def f(x):
        return no_source(x)
    with pytest.raises(tl.TangentlikeError):
        tl.grad(f)(X)


def make_columns(d, v):
    make_columns.start = 0

    def column(j):
        c = v[make_columns.start:make_columns.start + d]
        make_columns.start += d
        return c
    return np.column_stack([column(j) for j in range(2)])


def function_attribute(v):
    return np.sum(make_columns(2, v) ** 2)


def test_a_function_attribute_updated_from_a_nested_function_is_named():
    with pytest.raises(tl.UnsupportedSyntaxError,
                       match="attribute of function 'make_columns'") as info:
        tl.grad(function_attribute)(np.arange(4.0))
    assert info.value.lineno == make_columns.__code__.co_firstlineno + 1


def unused_differentiated_call(x):
    careful_scale(x[0])  # an active argument: rejected although its result is unused
    return np.sum(x * x)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_an_active_argument_is_rejected_even_when_the_result_is_unused(mode):
    with pytest.raises(tl.UnsupportedSyntaxError, match="try"):
        tl.grad(unused_differentiated_call, mode=mode)(X)
