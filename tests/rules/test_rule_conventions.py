"""Conventions at non-differentiable points and for ambiguous outputs, as documented in
the rule tables: ties, kinks, zeros, symmetric inputs, signs of singular vectors."""
import operator

import numpy as np
import pytest

import tangentlike.rules  # noqa: F401
from tangentlike import runtime as rt
from tangentlike.rules import registry


def vjp(fn):
    return registry.lookup(fn).vjp


def jvp(fn, i=0):
    return registry.lookup(fn).jvps[i]


def test_pow_exponent_cotangent_is_zero_where_the_base_is_not_positive():
    a, b = np.array([-2.0, 0.0, 2.0]), np.array([2.0, 2.0, 2.0])
    da, db = vjp(operator.pow)(np.ones(3), a ** b, a, b)
    np.testing.assert_array_equal(da, [-4.0, 0.0, 4.0])
    np.testing.assert_allclose(db, [0.0, 0.0, 4.0 * np.log(2.0)])


def test_pow_with_zero_exponent_has_zero_base_cotangent_at_zero():
    da, _ = vjp(np.power)(1.0, 1.0, 0.0, 0.0)
    assert da == 0.0
    assert jvp(np.power)(1.0, 1.0, 0.0, 0.0) == 0.0


@pytest.mark.parametrize("f, g", [(np.maximum, np.fmax), (np.minimum, np.fmin)])
def test_maximum_and_minimum_split_ties_evenly_in_both_modes(f, g):
    x, y = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 2.0])
    left = [0.0, 0.5, 1.0] if f is np.maximum else [1.0, 0.5, 0.0]
    for fn in (f, g):
        gx, gy = vjp(fn)(np.ones(3), fn(x, y), x, y)
        np.testing.assert_array_equal(gx, left)
        np.testing.assert_array_equal(gy, 1.0 - np.array(left))
        np.testing.assert_array_equal(jvp(fn, 0)(np.ones(3), fn(x, y), x, y), left)
        np.testing.assert_array_equal(jvp(fn, 1)(np.ones(3), fn(x, y), x, y), 1.0 - np.array(left))


def test_max_reduction_splits_ties_evenly():
    x = np.array([[1.0, 3.0, 3.0], [5.0, 0.0, 5.0]])
    ct = vjp(np.max)(np.array([6.0, 4.0]), np.max(x, axis=1), x, axis=1)
    np.testing.assert_array_equal(ct, [[0.0, 3.0, 3.0], [2.0, 0.0, 2.0]])
    t = jvp(np.max)(np.array([[0.0, 2.0, 4.0], [1.0, 0.0, 3.0]]), np.max(x, axis=1), x, axis=1)
    np.testing.assert_array_equal(t, [3.0, 2.0])


def test_abs_has_zero_derivative_at_zero():
    assert vjp(abs)(1.0, 0.0, 0.0) == 0.0
    assert jvp(np.fabs)(1.0, 0.0, 0.0) == 0.0


def test_mean_of_python_float_gives_python_float():
    ct = vjp(np.mean)(2.0, 3.0, 3.0)
    assert type(ct) is float and ct == 2.0


def test_prod_is_exact_with_zeros():
    x = np.array([2.0, 0.0, 3.0, 4.0])
    np.testing.assert_array_equal(vjp(np.prod)(1.0, 0.0, x), [0.0, 24.0, 0.0, 0.0])
    x2 = np.array([2.0, 0.0, 0.0])
    np.testing.assert_array_equal(vjp(np.prod)(1.0, 0.0, x2), [0.0, 0.0, 0.0])
    assert jvp(np.prod)(np.array([0.0, 1.0, 0.0, 0.0]), 0.0, x) == 24.0


def test_clip_sends_g_to_a_inside_bounds_included_and_to_the_bound_outside():
    a = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    ga, glo, ghi = vjp(np.clip)(np.ones(5), np.clip(a, -1.0, 1.0), a, -1.0, 1.0)[:3]
    np.testing.assert_array_equal(ga, [0.0, 1.0, 1.0, 1.0, 0.0])
    assert (glo, ghi) == (1.0, 1.0)


def test_sinc_derivative_at_zero_is_its_limit():
    assert vjp(np.sinc)(1.0, 1.0, 0.0) == 0.0
    h = 1e-4
    np.testing.assert_allclose(vjp(np.sinc)(1.0, np.sinc(h), h), (np.sinc(2 * h) - 1.0) / (2 * h),
                               atol=1e-3)


def test_norm_inf_splits_ties_and_ord_zero_has_zero_derivative():
    x = np.array([-3.0, 1.0, 3.0])
    ct = vjp(np.linalg.norm)(1.0, 3.0, x, ord=np.inf)
    np.testing.assert_array_equal(ct, [-0.5, 0.0, 0.5])
    np.testing.assert_array_equal(vjp(np.linalg.norm)(1.0, 3.0, x, ord=0), np.zeros(3))


def test_unsupported_matrix_norm_is_a_clear_error():
    with pytest.raises(tangentlike.TangentlikeError, match="ord='nuc'"):
        vjp(np.linalg.norm)(1.0, 1.0, np.eye(2), ord="nuc")


def test_astype_to_int_has_zero_derivative():
    x = np.array([1.5, 2.5])
    np.testing.assert_array_equal(vjp(rt.astype)(np.ones(2), x.astype(int), x, int), [0.0, 0.0])
    np.testing.assert_array_equal(jvp(rt.astype)(np.ones(2), x.astype(int), x, int), [0.0, 0.0])


def test_broadcast_like_keeps_matching_tangents_and_makes_fresh_arrays():
    t = np.ones(3)
    assert rt.broadcast_like(t, np.zeros(3)) is t
    out = rt.broadcast_like(t, np.zeros((2, 3)))
    assert out.shape == (2, 3) and out.flags.writeable
    assert type(rt.broadcast_like(np.float64(2.0), 1.0)) is float


# --- Linear algebra ---------------------------------------------------------------------

def _spd(rng, n):
    m = rng.standard_normal((n, n))
    return m @ m.T / n + np.eye(n)


@pytest.mark.parametrize("fn", [np.linalg.cholesky, np.linalg.eigvalsh])
def test_triangle_rules_give_the_unread_triangle_a_zero_cotangent(fn):
    """NumPy reads the lower triangle: the upper one has no influence, and an entry
    below the diagonal stands for both halves of the symmetric matrix."""
    rng = np.random.default_rng(3)
    a = _spd(rng, 4)
    ans = fn(a)
    ct = vjp(fn)(rng.standard_normal(np.shape(ans)), ans, a)
    np.testing.assert_array_equal(np.triu(ct, 1), 0.0)
    g = np.ones(np.shape(ans))
    np.testing.assert_allclose(vjp(fn)(g, ans, a + np.triu(a, 1)), vjp(fn)(g, ans, a),
                               atol=1e-12)


def test_eigh_jvp_sees_the_triangle_it_reads():
    rng = np.random.default_rng(4)
    a = _spd(rng, 3)
    ans = np.linalg.eigh(a)
    d = rng.standard_normal((3, 3))
    for uplo, tri in (("L", np.tril(d) + np.tril(d, -1).T), ("U", np.triu(d) + np.triu(d, 1).T)):
        one, two = jvp(np.linalg.eigh)(d, ans, a, uplo), jvp(np.linalg.eigh)(tri, ans, a, uplo)
        np.testing.assert_allclose(one[0], two[0])
        np.testing.assert_allclose(one[1], two[1])
        h = 1e-6
        fd = (np.linalg.eigvalsh(a + h * d, uplo) - np.linalg.eigvalsh(a - h * d, uplo)) / (2 * h)
        np.testing.assert_allclose(one[0], fd, atol=1e-7)


def test_cholesky_uses_the_lower_triangle_and_the_rule_matches_symmetric_perturbations():
    rng = np.random.default_rng(5)
    a = _spd(rng, 3)
    junk = a + np.triu(rng.standard_normal((3, 3)), 1)  # NumPy ignores the upper triangle
    np.testing.assert_allclose(np.linalg.cholesky(junk), np.linalg.cholesky(a))
    d = rng.standard_normal((3, 3))
    d = d + d.T
    h = 1e-6
    fd = (np.linalg.cholesky(a + h * d) - np.linalg.cholesky(a - h * d)) / (2 * h)
    np.testing.assert_allclose(jvp(np.linalg.cholesky)(d, np.linalg.cholesky(a), a), fd, atol=1e-7)


def test_svd_derivative_is_gauge_free_for_sign_invariant_functions():
    """Flipping the sign of a pair (u_i, v_i) leaves U diag(s) Vh and the rule's result
    for a sign-invariant cotangent unchanged."""
    rng = np.random.default_rng(6)
    a = rng.standard_normal((4, 3))
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    flip = np.array([1.0, -1.0, 1.0])
    w = rng.standard_normal((4, 3))
    # f(U, s, Vh) = sum(w * (U * s) @ Vh) is invariant under the flips
    def g_of(u, s, vh):
        return (w @ vh.T * s, np.sum(u * (w @ vh.T), axis=0), (u * s).T @ w)
    ct1 = vjp(np.linalg.svd)(g_of(u, s, vh), (u, s, vh), a, False)
    u2, vh2 = u * flip, vh * flip[:, None]
    ct2 = vjp(np.linalg.svd)(g_of(u2, s, vh2), (u2, s, vh2), a, False)
    np.testing.assert_allclose(ct1, ct2, atol=1e-12)
    np.testing.assert_allclose(ct1, w, atol=1e-10)  # f(a) = sum(w * a), so the gradient is w


def test_svd_singular_vectors_follow_the_primal_signs():
    """The JVP of U is orthogonal to U's columns (the sign is kept, not chosen anew)."""
    rng = np.random.default_rng(7)
    a = rng.standard_normal((3, 3))
    ans = np.linalg.svd(a)
    du = jvp(np.linalg.svd)(rng.standard_normal((3, 3)), ans, a)[0]
    np.testing.assert_allclose(np.sum(du * ans[0], axis=0), 0.0, atol=1e-10)


def test_qr_and_slogdet_conventions():
    rng = np.random.default_rng(8)
    a = rng.standard_normal((4, 3)) + np.eye(4, 3) * 2
    q, r = np.linalg.qr(a)
    dq, dr = jvp(np.linalg.qr)(rng.standard_normal((4, 3)), (q, r), a)
    np.testing.assert_allclose(np.tril(dr, -1), 0.0, atol=1e-12)  # R stays upper triangular
    skew = q.T @ dq
    np.testing.assert_allclose(skew, -skew.T, atol=1e-10)  # Q keeps orthonormal columns
    sign_t, _ = jvp(np.linalg.slogdet)(np.eye(3), np.linalg.slogdet(np.eye(3)), np.eye(3))
    assert sign_t == 0.0
