"""Regressions of issue 13's silent wrong derivatives in the rule tables: ``np.r_`` /
``np.c_`` differentiated to zero, ``np.linspace`` was listed as non-differentiable,
``np.einsum``'s sublist form differentiated to zero, and ``np.std`` over one
element gave NaN. Each program is checked end to end against central finite
differences in reverse mode, forward mode and ``tl.jvp``."""
import numpy as np
import pytest

import tangentlike as tl

# Central differences with h = 1e-6 on these O(1) programs (polynomials of degree
# <= 3 in x): truncation error ~h^2 = 1e-12, rounding ~1e-16 / h = 1e-10; rtol
# 1e-6 keeps a margin of 100 and still catches any wrong factor or missing term.
RTOL, ATOL = 1e-6, 1e-8
X = np.array([0.7, -1.3, 2.1])
A = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
W6 = np.linspace(-1.0, 1.5, 6)


def numeric_grad(f, x, h=1e-6):
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for k in range(x.size):
        e = np.zeros_like(x)
        e.flat[k] = h
        g.flat[k] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def check_all_modes(f, x):
    """Reverse, forward and ``tl.jvp`` all agree with central differences."""
    expected = numeric_grad(f, x)
    np.testing.assert_allclose(tl.grad(f)(x), expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(tl.grad(f, mode="forward")(x), expected, rtol=RTOL, atol=ATOL)
    v = np.cos(np.arange(np.size(x)) + 1.0).reshape(np.shape(x))
    out, tangent = tl.jvp(f, (x,), (v,))
    np.testing.assert_allclose(out, f(x), rtol=1e-12)
    np.testing.assert_allclose(tangent, np.sum(expected * v), rtol=RTOL, atol=ATOL)
    return expected


# --- 7. np.r_ and np.c_ ----------------------------------------------------------------

def r_join(x):
    return np.sum(np.r_[x, 0.5, x[:2] * 2.0] ** 2 * np.arange(6.0))


def r_with_slice(x):
    return np.sum(np.r_[0:2, x] * W6[:5])


def r_directive(x):
    return np.sum(np.r_["0,2", x, x * x] * A)


def c_join(x):
    return np.sum(np.c_[x, x ** 2] * np.arange(6.0).reshape(3, 2))


@pytest.mark.parametrize("f", [r_join, r_with_slice, r_directive, c_join])
def test_index_joins_have_their_derivative(f):
    g = check_all_modes(f, X)
    assert np.any(g != 0.0)


def sum_of_grad_r(x):
    return np.sum(tl.grad(r_join)(x))


def test_r_join_second_derivative():
    """grad of grad goes through the rules of rt.axis_concat_vjp (d2/dx2 of sum(w r^2))."""
    expected = numeric_grad(sum_of_grad_r, X)
    assert np.all(expected != 0.0)
    np.testing.assert_allclose(tl.grad(sum_of_grad_r)(X), expected, rtol=1e-5)


# --- 8. np.linspace ---------------------------------------------------------------------

def ramp(a):
    return np.sum(np.linspace(a, 2.0 * a + 1.0, 5) ** 2)


def ramp_arrays(x):
    return np.sum(np.linspace(x[:2], x[2], 4, axis=-1) ** 3)


def ramp_open(x):
    return np.sum(np.linspace(x[0], x[1], 3, endpoint=False) * x[2])


@pytest.mark.parametrize("f", [ramp_arrays, ramp_open])
def test_linspace_is_smooth_in_start_and_stop(f):
    assert np.any(check_all_modes(f, X) != 0.0)


def test_linspace_of_a_scalar():
    a = 1.5
    expected = numeric_grad(lambda v: ramp(float(v)), np.array(a))
    assert tl.grad(ramp)(a) == pytest.approx(float(expected), rel=RTOL)
    assert tl.grad(ramp, mode="forward")(a) == pytest.approx(float(expected), rel=RTOL)


def test_linspace_retstep_is_an_error_not_a_guess():
    def f(a):
        v, step = np.linspace(a, 2.0, 5, retstep=True)
        return np.sum(v) * step
    with pytest.raises(tl.TangentlikeError, match="retstep"):
        tl.grad(f)(0.5)


# --- 9. np.einsum's sublist form (and three operands) ----------------------------------

def einsum_sublist(x):
    m = np.reshape(np.r_[x, x * x], (2, 3))
    return np.sum(np.einsum(m, [0, 1], [1, 0]) * A.T)


def einsum_sublist_two(x):
    return np.sum(np.einsum(A, [0, 1], np.outer(x, x), [1, 2], [0, 2]))


def einsum_three(x):
    return np.einsum("i,ij,j->", x, np.outer(x, x) + 1.0, x * 2.0)


@pytest.mark.parametrize("f", [einsum_sublist, einsum_sublist_two, einsum_three])
def test_einsum_forms_have_their_derivative(f):
    assert np.any(check_all_modes(f, X) != 0.0)


def test_einsum_three_operands_second_derivative():
    def grad_sum(x):
        return np.sum(tl.grad(einsum_three)(x))
    np.testing.assert_allclose(tl.grad(grad_sum)(X), numeric_grad(grad_sum, X), rtol=1e-5)


# --- 10. np.std / np.var where the function is constant ---------------------------------

def std_of_one_row(x):
    return np.sum(np.std(x[None, :], axis=0)) + np.var(x[:1]) + np.std(x[1]) + np.sum(x)


def test_std_and_var_of_one_element_have_derivative_zero():
    check_all_modes(std_of_one_row, X)
    for mode in ("reverse", "forward"):  # exactly: only sum(x) contributes
        np.testing.assert_array_equal(tl.grad(std_of_one_row, mode=mode)(X), np.ones(3))
