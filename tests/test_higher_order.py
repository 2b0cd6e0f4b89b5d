"""Derivatives of derivatives (the closure property, docs/architecture.md) and nested differentiation.

Hessians and Hessian-vector products are checked against central finite
differences of the (exact, reverse-mode) gradient: with h = 1e-6 the truncation
error is O(h^2 |f''''|) and rounding O(eps |g| / h) ~ 1e-10, so rtol 1e-5 with
atol 1e-6 leaves two orders of magnitude of margin.
"""
import pathlib
import sys

import numpy as np
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import tangentlike as tl  # noqa: E402
from higher import programs as P  # noqa: E402

RTOL, ATOL = 1e-5, 1e-6


def _point(f):
    rng = np.random.default_rng(sum(map(ord, f.__name__)))
    return rng.uniform(0.2, 0.8, size=4 if f is P.matrix_quadratic else 3 if f in (
        P.with_calls, P.list_accumulate, P.item_writes, P.quartic, P.loop_poly, P.branchy,
        P.while_halving, P.softplus_sum, P.breaking_loop) else 4 if f is P.tanh_mlp else 2)


def fd_hessian(f, w, h=1e-6):
    g = tl.grad(f)
    H = np.zeros((w.size, w.size))
    for i in range(w.size):
        e = np.zeros(w.size)
        e[i] = h
        H[:, i] = (g(w + e) - g(w - e)) / (2 * h)
    return H


@pytest.mark.parametrize("f", P.HESSIAN_FUNCS, ids=lambda f: f.__name__)
def test_hessian_forward_over_reverse(f):
    w = _point(f)
    H = tl.hessian(f)(w)
    assert H.shape == (w.size, w.size)
    np.testing.assert_allclose(H, fd_hessian(f, w), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("f", P.HESSIAN_FUNCS, ids=lambda f: f.__name__)
def test_hvp_matches_dense_hessian(f):
    w = _point(f)
    v = np.linspace(-1.0, 1.0, w.size)
    np.testing.assert_allclose(tl.hvp(f, (w,), v), fd_hessian(f, w) @ v, rtol=RTOL, atol=ATOL)


def _cube(x):
    return x * x * x


@pytest.mark.parametrize("inner,outer", [("reverse", "reverse"), ("reverse", "forward"),
                                         ("forward", "reverse"), ("forward", "forward")])
def test_second_derivative_in_all_mode_pairs(inner, outer):
    d2 = tl.grad(tl.grad(_cube, mode=inner), mode=outer)(2.0)
    assert d2 == pytest.approx(12.0, rel=1e-12)


def test_third_derivative():
    assert tl.grad(tl.grad(tl.grad(_cube)))(2.0) == pytest.approx(6.0, rel=1e-12)


@pytest.mark.parametrize("fn", [P.saddle_rr, P.saddle_rf, P.saddle_fr, P.saddle_ff],
                         ids=["rev-rev", "rev-fwd", "fwd-rev", "fwd-fwd"])
def test_saddle_point_in_all_four_mode_combinations(fn):
    x0 = np.array([0.7, -0.4])
    np.testing.assert_allclose(fn(x0), P.saddle_plain(x0), rtol=1e-12)
    # and the whole min-max iteration is itself differentiable (a third level)
    J = tl.jacrev(fn)(x0)
    np.testing.assert_allclose(J, np.diag([(1 - 2 * P.RATE) ** P.STEPS,
                                           (1 + 2 * P.RATE) ** P.STEPS]), rtol=1e-10)


def test_no_perturbation_confusion():
    assert tl.grad(P.inner_product_confusion)(3.0) == pytest.approx(1.0, rel=1e-12)


def test_charged_particle_force_inside_a_differentiated_loop():
    q0 = np.array([0.3, -0.2])
    g = tl.grad(P.final_position)(q0, 0.7)
    h = 1e-6
    fd = np.array([(P.final_position(q0 + h * e, 0.7) - P.final_position(q0 - h * e, 0.7))
                   / (2 * h) for e in np.eye(2)])
    np.testing.assert_allclose(g, fd, rtol=RTOL, atol=1e-8)


def _vector_fn(x, y):
    return np.sin(x) * y + x * x


@pytest.mark.parametrize("jac", [tl.jacfwd, tl.jacrev], ids=["jacfwd", "jacrev"])
def test_jacobians_of_a_vector_function(jac):
    x, y = np.array([0.3, 0.5, 0.9]), 1.7
    Jx, Jy = jac(_vector_fn, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(Jx, np.diag(np.cos(x) * y + 2 * x), rtol=1e-12)
    np.testing.assert_allclose(Jy, np.sin(x), rtol=1e-12)


def _matrix_fn(A):
    return A @ A


def test_jacobian_of_a_matrix_function_has_out_and_in_shapes():
    A = np.arange(4.0).reshape(2, 2) / 4
    J1, J2 = tl.jacfwd(_matrix_fn)(A), tl.jacrev(_matrix_fn)(A)
    assert J1.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(J1, J2, rtol=1e-12)
    E = np.zeros((2, 2))
    E[0, 1] = 1.0
    np.testing.assert_allclose(J1[..., 0, 1], E @ A + A @ E, rtol=1e-12)
