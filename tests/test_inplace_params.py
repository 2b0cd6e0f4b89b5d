"""In-place writes into a parameter's items (issue 15): ``x[0] = v`` where ``x`` is an
argument. The caller's array sees the write, as when the function itself runs, and
the derivative (with respect to the value the caller passed) is correct in both
modes, for second derivatives and for Jacobians (tolerances: tests/usercode_check.py)."""
import sys
from pathlib import Path

import numpy as np
import pytest

import tangentlike as tl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from usercode_check import RTOL, check_grad, fd_grad  # noqa: E402

X0 = np.array([0.7, -1.3, 0.4, 1.1])


def overwrite(x, y):
    a = x[0] * x[1]
    x[0] = y * x[2]
    x[1] += a
    return np.sum(x * x)


def in_a_loop(x):
    for i in range(1, len(x)):
        x[i] = x[i - 1] * np.sin(x[i])
    return np.sum(x ** 2)


def normalise(x):
    s = np.sum(x * x)
    for i in range(len(x)):
        x[i] /= np.sqrt(s)
    return x * 2.0


def rebinds_first(x):
    x = x * 2.0  # a new array: the caller's stays as it was
    x[0] = 5.0
    return np.sum(x * x)


def _writes(b, a):
    b[0] = a
    return 0.0


def calls_a_writer(x):
    w = x * 1.0
    _writes(w, x[1])
    return np.sum(w)


def aliased(x):
    u = x
    x[0] = 2.0
    return np.sum(u * x)


def list_param(xs):
    xs[0] = xs[1] * xs[2]
    return xs[0] * xs[1]


def test_caller_sees_the_write_in_both_modes():
    want = X0.copy()
    overwrite(want, 0.5)
    for mode in ("reverse", "forward"):
        x = X0.copy()
        tl.grad(overwrite, mode=mode)(x, 0.5)
        np.testing.assert_array_equal(x, want, err_msg=mode)


@pytest.mark.parametrize("fn", [overwrite, in_a_loop])
def test_derivative_matches_finite_differences(fn):
    args = (X0, 0.5) if fn is overwrite else (X0,)
    check_grad(fn, *args, second=True)
    if fn is overwrite:
        check_grad(fn, *args, wrt=1)


def test_forward_mode_sweeps_each_start_from_the_callers_values():
    """Regression: a forward-mode gradient runs one sweep per element; each wrote into
    the caller's array, so later sweeps started from changed values (wrong gradient)."""
    x = X0.copy()
    got = tl.grad(in_a_loop, mode="forward")(x)
    np.testing.assert_allclose(got, fd_grad(in_a_loop, (X0,)), rtol=RTOL, atol=RTOL)
    want = X0.copy()
    in_a_loop(want)
    np.testing.assert_array_equal(x, want)


def test_jacobians_of_a_function_that_writes_into_its_argument():
    want = fd_grad(normalise, (X0,))
    for jac in (tl.jacfwd, tl.jacrev):
        x = X0.copy()
        np.testing.assert_allclose(jac(normalise)(x), want, rtol=RTOL, atol=RTOL)
        np.testing.assert_allclose(x, X0 / np.sqrt(np.sum(X0 * X0)), rtol=1e-12)


def test_vjp_and_value_and_grad():
    x = X0.copy()
    out, pullback = tl.vjp(normalise, x)
    np.testing.assert_allclose(out, 2.0 * X0 / np.linalg.norm(X0), rtol=1e-12)
    ct = np.array([1.0, -2.0, 0.5, 0.25])
    np.testing.assert_allclose(pullback(ct)[0], ct @ fd_grad(normalise, (X0,)), rtol=RTOL)
    x = X0.copy()
    value, _ = tl.value_and_grad(overwrite)(x, 0.5)
    assert value == pytest.approx(overwrite(X0.copy(), 0.5), rel=1e-12)


def test_a_rebound_parameter_is_a_new_array():
    x = X0.copy()
    check_grad(rebinds_first, X0)
    tl.grad(rebinds_first)(x)
    np.testing.assert_array_equal(x, X0)


def test_a_list_argument_sees_the_write():
    xs = [0.5, 2.0, -1.0]
    g = tl.grad(list_param)(xs)
    assert xs == [-2.0, 2.0, -1.0]
    assert g == pytest.approx([0.0, 2 * 2.0 * -1.0, 2.0 * 2.0])  # xs[1]² xs[2]


def test_a_callee_writing_into_its_parameter_is_a_located_error():
    with pytest.raises(tl.UnsupportedSyntaxError, match="_writes.*in-place.*'b'") as info:
        tl.grad(calls_a_writer)(X0.copy())
    assert info.value.lineno == calls_a_writer.__code__.co_firstlineno + 2


def test_a_write_seen_through_another_name_is_a_located_error():
    with pytest.raises(tl.UnsupportedSyntaxError, match="'u' may refer to the same data"):
        tl.grad(aliased)(X0.copy())


def test_generated_code_writes_back_once():
    src = tl.source(tl.grad(overwrite))
    assert src.count("rt.write_back(x, ") == 1, src
    assert "= rt.copy(x)" in src, src
