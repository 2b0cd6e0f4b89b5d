"""Issue 15's "modules and methods users call" and "NumPy functions still missing", end
to end: the ``math`` module on scalars, ``numpy.random.Generator`` methods as
non-differentiable values, ``np.append`` and a user module defining ``pop`` /
``append``, and programs using each new NumPy rule, checked against central finite
differences in reverse mode, forward mode and ``tl.jvp``, and under grad-of-grad
where the function is twice differentiable."""
import math
import os
import sys

import numpy as np
import pytest

import tangentlike as tl

sys.path.insert(0, os.path.dirname(__file__))  # also under --import-mode=importlib
import surface_helpers as helpers  # noqa: E402
from test_rule_fixes import check_all_modes, numeric_grad  # noqa: E402

X = np.array([0.7, -1.3, 2.1, 0.4, -0.6, 1.1])
RNG = np.random.default_rng(7)


# --- the math module -------------------------------------------------------------------

def math_mix(a):
    return (math.exp(a) + math.log(a + 2.0) + math.log(a + 2.0, 3.0) + math.log2(a + 2.0)
            + math.log10(a + 2.0) + math.log1p(a) + math.expm1(a) + math.sqrt(a + 1.0)
            + math.pow(a + 1.0, 2.5) + math.sin(a) * math.cos(a) + math.tan(a)
            + math.asin(a) + math.acos(a) + math.atan(a) + math.atan2(a, 2.0)
            + math.sinh(a) + math.cosh(a) + math.tanh(a) + math.hypot(a, 2.0)
            + math.fabs(a - 1.0) + math.erf(a) + math.erfc(a) + math.asinh(a)
            + math.acosh(a + 2.0) + math.atanh(a) + math.degrees(a) + math.radians(a)
            + math.copysign(a, -1.0) + math.floor(a) + math.pi * a)


def math_base(a):
    return math.log(8.0, a) * a


@pytest.mark.parametrize("f, a", [(math_mix, 0.3), (math_base, 2.5)])
def test_math_module_on_scalars(f, a):
    expected = float(numeric_grad(lambda v: f(float(v)), np.array(a)))
    assert expected != 0.0
    for mode in ("reverse", "forward"):
        assert tl.grad(f, mode=mode)(a) == pytest.approx(expected, rel=1e-6)
    out, t = tl.jvp(f, (a,), (0.5,))
    assert out == pytest.approx(f(a)) and t == pytest.approx(0.5 * expected, rel=1e-6)


def math_twice(a):
    return math.exp(math.sin(a)) * math.sqrt(a)


def test_math_second_derivative():
    def d(a):
        return tl.grad(math_twice)(a)
    expected = float(numeric_grad(lambda v: d(float(v)), np.array(0.8)))
    assert tl.grad(d)(0.8) == pytest.approx(expected, rel=1e-5)


def math_missing(a):
    return math.gamma(a)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_math_function_without_a_rule_keeps_the_prefix(mode):
    with pytest.raises(tl.MissingRuleError) as info:
        tl.grad(math_missing, mode=mode)(1.5)
    assert "rule for math.gamma" in info.value.message  # the message, not the quoted line


# --- numpy.random.Generator methods --------------------------------------------------------

GEN = np.random.default_rng(3)


def noisy(x):
    rng = np.random.default_rng(0)
    e = rng.normal(size=x.shape) + rng.standard_normal(x.shape) + rng.uniform(-1.0, 1.0, x.shape)
    k = rng.integers(0, x.size)
    p = rng.permutation(x.size)
    return np.sum(x * e) + x[k] ** 2 + np.sum(x[p] * np.arange(x.size)) + rng.choice(x.size)


def noisy_global(x):
    return np.sum(x * GEN.normal(size=x.shape))


def test_generator_methods_are_non_differentiable_values():
    g = check_all_modes(noisy, X)  # the same seed in every evaluation: FD sees one function
    assert np.any(g != 0.0)


def test_a_global_generator_advances_like_the_primal():
    state = GEN.bit_generator.state
    got = tl.grad(noisy_global)(X)
    GEN.bit_generator.state = state
    np.testing.assert_array_equal(got, GEN.normal(size=X.shape))


# --- np.append, and a user module with pop/append functions ------------------------------

def appended(x):
    y = np.append(x[:2], x * x)
    z = np.append(np.reshape(x, (2, 3)), np.ones((1, 3)) * x[0], axis=0)
    return np.sum(y * np.arange(8.0)) + np.sum(z ** 2)


def module_pop_append(x):
    lst = [x]
    lst.append(x * 2.0)
    return np.sum(helpers.pop(x) + helpers.append(lst.pop(), x))


def test_np_append():
    assert np.any(check_all_modes(appended, X) != 0.0)


def test_user_module_functions_named_pop_and_append():
    assert np.any(check_all_modes(module_pop_append, X) != 0.0)


# --- the NumPy functions added -----------------------------------------------------------

def splits(x):
    a, b, c = np.split(x, 3)
    p = np.array_split(x, 4)
    h = np.hsplit(np.reshape(x, (2, 3)), 3)
    v = np.vsplit(np.reshape(x, (2, 3)), 2)
    d = np.dsplit(np.reshape(x, (1, 2, 3)), [1])
    return (np.sum(a * c) + np.sum(b ** 3) + np.sum(p[1] * p[3]) + np.sum(h[2] ** 2)
            + np.sum(v[0] * v[1]) + np.sum(d[1] ** 2))


def differences(x):
    return np.sum(np.diff(x) ** 2) + np.sum(np.diff(np.reshape(x, (2, 3)), 2, axis=1) * 3.0)


def convolutions(x):
    k = x[:3] * 0.5
    return (np.sum(np.convolve(x, k) ** 2) + np.sum(np.convolve(k, x, "same") * x)
            + np.sum(np.correlate(x, k) ** 2) + np.sum(np.correlate(k, x, "full") * 2.0)
            + np.sum(np.correlate(x[:2], x, "same") ** 2))


def geometry(x):
    m = np.reshape(x, (2, 3))
    return (np.sum(np.cross(m[0], m[1]) ** 2) + np.sum(np.rot90(m) * np.arange(6.0).reshape(3, 2))
            + np.sum(np.rollaxis(np.reshape(x, (1, 2, 3)), 2) * x[0]))


def stacks(x):
    c = np.column_stack((x[:3], x[3:] ** 2))
    return np.sum(c * np.arange(6.0).reshape(3, 2)) + np.einsum("i,i,i", x, x, x)


def selects(x):
    s = np.select([x > 1.0, x < -1.0], [x ** 2, -x], x * 0.5)
    return np.sum(s) + np.sum(np.nan_to_num(np.log(x + 1.0)) * 0.0 + np.nan_to_num(x * x))


def orders(x):
    return np.sum(np.partition(x, 2) * np.arange(6.0)) + np.sum(np.partition(x, 4)[4:] ** 2)


def complex_parts(x):
    return np.sum(np.real(x) * np.conjugate(x) + np.imag(x) + np.angle(x) + np.conj(x) ** 2
                  + x.conj() * x.imag + x.conjugate())


def svd_values(x):
    m = np.reshape(x, (2, 3)) + np.array([[2.0, 0.0, 0.0], [0.0, 3.0, 0.0]])
    return np.sum(np.linalg.svd(m, compute_uv=False) ** 2)


def atleast_several(x):
    a, b = np.atleast_2d(x[0], x[1:3])
    c, d = np.atleast_1d(x[3], x[4:])
    return np.sum(a * b) + np.sum(c * d) + np.sum(np.atleast_3d(x[0], x)[1])


XS = np.cumsum([0.5, 1.0, 0.7, 0.3, 1.1, 0.6])


def gradients(x):
    gx, gy = np.gradient(np.reshape(x, (2, 3)))
    return (np.sum(np.gradient(x) ** 2) + np.sum(gx * gy) + np.sum(gy ** 2)
            + np.sum(np.gradient(x, XS, edge_order=2) ** 2)
            + np.sum(np.gradient(x[1:], x[0] + 2.0) ** 2))


def nuclear(x):
    m = np.reshape(x, (2, 3)) + np.array([[2.0, 0.0, 0.0], [0.0, 3.0, 0.0]])
    return np.linalg.norm(m, "nuc") + np.linalg.norm(m.T, ord="nuc") * 0.5


def typed_joins(x):
    a = np.concatenate((x, x * x), dtype=float)
    b = np.stack((x, x), axis=1, dtype=np.float64)
    c = np.vstack((x, x), dtype=float) + np.hstack((x, x), dtype=float)[:6]
    i = np.concatenate((x, x), dtype=int, casting="unsafe")  # an integer type: derivative 0
    return np.sum(a ** 2) + np.sum(b * b) + np.sum(c ** 3) + np.sum(i) + np.sum(np.dstack((x, x)) ** 2)


PROGRAMS = [splits, differences, convolutions, geometry, stacks, selects, orders,
            complex_parts, svd_values, atleast_several, gradients, nuclear, typed_joins]


@pytest.mark.parametrize("f", PROGRAMS)
def test_new_numpy_functions_in_every_mode(f):
    assert np.any(check_all_modes(f, X) != 0.0)


@pytest.mark.parametrize("f", [splits, differences, convolutions, geometry, stacks, gradients,
                               nuclear])
def test_new_numpy_functions_under_grad_of_grad(f):
    def grad_sum(x):
        return np.sum(tl.grad(f)(x) * np.arange(1.0, 7.0))
    expected = numeric_grad(grad_sum, X)
    np.testing.assert_allclose(tl.grad(grad_sum)(X), expected, rtol=1e-5, atol=1e-7)


def gradient_coordinates(x):
    return np.sum(np.gradient(x[2:], x[:4]))


def test_differentiating_gradient_coordinates_is_an_error():
    with pytest.raises(tl.TangentlikeError, match="coordinates"):
        tl.grad(gradient_coordinates)(XS)


@pytest.mark.skipif(not hasattr(np, "row_stack"), reason="NumPy without np.row_stack")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_row_stack_with_its_keyword_only_dtype():
    def f(x):
        return np.sum(np.row_stack((x, x * x), dtype=float) ** 2)
    assert np.any(check_all_modes(f, X) != 0.0)
