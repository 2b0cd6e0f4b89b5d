"""The NumPy surface end to end: ``tl.grad`` (reverse mode) of small programs using
the rule tables, against central finite differences; second derivatives
(``grad(grad(f))``) through the runtime helpers' own rules; functions without a
derivative that must be recognised without error."""
import numpy as np
import pytest

import tangentlike as tl

# Central differences in float64 with h = 1e-6 on O(1) programs: error ~1e-9; the
# matrix programs amplify it by their conditioning (~1e2), hence rtol 1e-5.
RTOL, ATOL = 1e-5, 1e-7
RNG = np.random.default_rng(0)
M = np.array([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.0]])


def numeric_grad(f, x, h=1e-6):
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for k in range(x.size):
        e = np.zeros_like(x)
        e.flat[k] = h
        g.flat[k] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def prod_method(x):
    return x.prod() + np.prod(x[:3] * x[1:], axis=0)


def astype_method(x):
    return np.sum(x.astype(float) ** 2) + np.sum(x.astype(int))


def var_std(x):
    return x.var(ddof=1) + np.std(x, axis=0).sum() + np.var(x, axis=1, keepdims=True).sum()


def cumulative(x):
    return np.sum(x.cumprod() * x.cumsum(axis=0).ravel())


def norms(x):
    return np.linalg.norm(x) + np.linalg.norm(x, 1) + np.linalg.norm(x, np.inf)


def logs_and_trig(x):
    return np.sum(np.log1p(x * x) + np.arctan2(x, 2.0) + np.hypot(x, 1.0) + np.sinc(x)
                  + np.logaddexp(x, -x) + np.cbrt(x + 3.0) + np.arcsinh(x) + np.expm1(x))


def selections(x):
    return np.sum(np.where(x > 0, x ** 2, np.exp(x)) + x.clip(-0.5, 0.5) + np.maximum(x, 0.1))


def sorting_and_taking(x):
    s = np.sort(x)
    return np.sum(s * np.arange(s.size)) + np.sum(np.take(x, [0, 2, 2]) ** 2) + x[[1, 1]].sum()


def masks_and_fancy(x):
    return np.sum(x[x > 0] ** 2) + np.sum(x[np.array([0, 3])] * 2.0)


def reshaping(x):
    y = np.moveaxis(np.expand_dims(x.reshape(2, 3), 0), 0, -1)
    z = np.swapaxes(np.atleast_3d(x.reshape(3, 2)), 0, 2)
    return np.sum(np.squeeze(y) ** 2 * np.arange(6.0).reshape(2, 3)) + np.sum(z.flatten() * x)


def joining(x):
    a = np.vstack([x[:3], x[3:]])
    b = np.hstack((x, x[:2]))
    c = np.concatenate([a, a ** 2], axis=1)
    return np.sum(c * c) + np.sum(b * np.arange(8.0)) + np.sum(np.stack([x, x * x], axis=-1))


def tiling(x):
    return np.sum(np.tile(x, (2, 1)) ** 2 * 0.5) + np.sum(np.repeat(x, [1, 2, 0])) \
        + np.sum(np.roll(x, 1) * np.arange(3.0)) + np.sum(np.flip(x) * x)


def padding(x):
    return np.sum(np.pad(x, 2, mode="reflect") ** 2) + np.sum(np.pad(x, (1, 0)) * 3.0) \
        + np.sum(np.broadcast_to(x, (4, 3)) ** 2)


def products(a):
    b = a.T
    return np.sum(np.outer(a[0], a[1]) ** 2) + np.inner(a[0], a[1]) + np.vdot(a, b.T) \
        + np.sum(np.tensordot(a, b, axes=1)) + np.sum(np.kron(a, a))


def einsums(a):
    return np.einsum("ij,jk->", a, a.T) + np.einsum("ii", a @ a.T) \
        + np.sum(np.einsum("ij->j", a) ** 2)


def diagonals(a):
    return np.trace(a) + a.trace(1) + np.sum(a.diagonal() ** 2) + np.sum(np.diag(np.diag(a)) @ a) \
        + np.sum(np.triu(a) ** 2) + np.sum(np.tril(a, -1)) + np.sum(a.mT * a)


def det_inv_solve(a):
    s, logdet = np.linalg.slogdet(a)
    return np.linalg.det(a) + logdet + np.sum(np.linalg.inv(a)) \
        + np.sum(np.linalg.solve(a, np.array([1.0, 2.0, 3.0])))


def factorizations(a):
    spd = a @ a.T + np.eye(3)
    w, v = np.linalg.eigh(spd)
    q, r = np.linalg.qr(a)
    return np.sum(np.linalg.cholesky(spd)) + np.sum(w ** 2) + np.sum(np.abs(v @ v.T)) \
        + np.sum(r ** 2) + np.sum(np.linalg.eigvalsh(spd) ** 3)


def singular_values(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return np.sum(s ** 3) + np.sum((u * s) @ vh) + np.sum(np.linalg.svdvals(a)) \
        + np.sum(np.linalg.pinv(a))


def real_and_copy(x):
    return np.sum(np.real(x) * np.copy(x)) + np.sum(np.asarray(x) ** 3) + np.sum(np.deg2rad(x))


PROGRAMS = [
    (prod_method, RNG.uniform(0.5, 1.5, 4)),
    (astype_method, RNG.uniform(0.2, 0.8, 3)),
    (var_std, RNG.normal(size=(3, 4))),
    (cumulative, RNG.uniform(0.5, 1.5, (2, 3))),
    (norms, np.array([1.0, -2.0, 0.5, 3.0])),
    (logs_and_trig, RNG.uniform(-0.9, 0.9, 4)),
    (selections, np.array([-1.2, -0.3, 0.25, 0.7, 1.4])),
    (sorting_and_taking, np.array([0.3, -1.0, 2.0, 0.9])),
    (masks_and_fancy, np.array([0.5, -1.0, 2.0, -0.2])),
    (reshaping, RNG.normal(size=6)),
    (joining, RNG.normal(size=6)),
    (tiling, RNG.normal(size=3)),
    (padding, RNG.normal(size=3)),
    (products, RNG.normal(size=(2, 3))),
    (einsums, RNG.normal(size=(3, 3))),
    (diagonals, RNG.normal(size=(3, 3))),
    (det_inv_solve, M + 0.1 * RNG.normal(size=(3, 3))),
    (factorizations, M + 0.1 * RNG.normal(size=(3, 3))),
    (singular_values, RNG.normal(size=(4, 3))),
    (real_and_copy, RNG.normal(size=3)),
]


@pytest.mark.parametrize("f, x", [pytest.param(f, x, id=f.__name__) for f, x in PROGRAMS])
def test_grad_matches_finite_differences(f, x):
    np.testing.assert_allclose(tl.grad(f)(x), numeric_grad(f, x), rtol=RTOL, atol=ATOL)


# --- Second derivatives: reverse over reverse, through the helpers' own rules -----------

def second(f, x, h=1e-4):
    return (f(x + h) - 2.0 * f(x) + f(x - h)) / (h * h)


def det_2(x):
    return np.linalg.det(M * x + np.eye(3))


def eigh_2(x):
    return np.sum(np.linalg.eigh(M + x * np.diag([1.0, 2.0, 3.0]))[0] ** 2)


def cholesky_2(x):
    return np.sum(np.linalg.cholesky(M + x * np.eye(3)))


def prod_2(x):
    return np.prod(np.array([x, 2.0 * x, x + 1.0]))


def einsum_2(x):
    return np.einsum("ij,jk->", M * x, M * x)


def var_2(x):
    return np.var(np.array([x, x * x, 1.0]), ddof=1)


def sort_2(x):
    return np.sum(np.sort(np.array([x * x, 1.0, 3.0 * x])) * np.array([1.0, 2.0, 3.0]))


def svd_2(x):
    return np.sum(np.linalg.svd(M * x + np.eye(3))[1] ** 3)


def qr_2(x):
    return np.sum(np.linalg.qr(M * x + np.eye(3))[1] ** 2)


def kron_norm_2(x):
    return np.sum(np.kron(M * x, M) ** 2) + np.linalg.norm(np.array([x, 1.0]))


SCALAR_PROGRAMS = [det_2, eigh_2, cholesky_2, prod_2, einsum_2, var_2, sort_2, svd_2, qr_2,
                   kron_norm_2]


@pytest.mark.parametrize("f", [pytest.param(f, id=f.__name__) for f in SCALAR_PROGRAMS])
def test_grad_of_grad_matches_second_differences(f):
    # second differences with h = 1e-4: truncation ~1e-8, rounding ~eps |f| / h^2 ~ 1e-8
    np.testing.assert_allclose(tl.grad(tl.grad(f))(0.7), second(f, 0.7), rtol=1e-4, atol=1e-5)


# --- Functions without a derivative ---------------------------------------------------

def piecewise_and_indices(x):
    k = np.argmax(x) + np.argmin(x) + np.argsort(x)[0] + np.size(x) + np.ndim(x) + x.shape[0]
    flags = np.isnan(x) | ~np.isfinite(x)
    c = np.floor(x) + np.ceil(x) + np.round(x) + np.rint(x) + np.sign(x)
    return np.sum(x * c) + k + np.sum(flags) + np.sum(np.zeros_like(x) + np.ones_like(x)) \
        + np.sum(np.full_like(x, 2.0) * x) + (x.shape[0] // 2) + (3 & 1)


def test_non_differentiable_functions_are_recognised():
    x = np.array([0.3, 1.7, -0.4])
    expected = np.floor(x) + np.ceil(x) + np.round(x) + np.rint(x) + np.sign(x) + 2.0
    np.testing.assert_allclose(tl.grad(piecewise_and_indices)(x), expected)


def draws(x):
    np.random.seed(0)
    a = np.random.normal(size=3)
    b = np.random.normal(size=3)
    return np.sum(x * a) + np.sum(x * b) + np.sum(x * np.random.uniform(0.0, 1.0, 3))


def test_random_draws_are_kept_and_distinct():
    np.random.seed(0)
    expected = np.random.normal(size=3) + np.random.normal(size=3) + np.random.uniform(0.0, 1.0, 3)
    np.testing.assert_allclose(tl.grad(draws)(np.ones(3)), expected)


def differentiated_draw(mu):
    return np.sum(np.random.normal(mu, 1.0))


def test_a_random_draw_of_a_differentiated_value_is_a_missing_rule():
    with pytest.raises(tl.MissingRuleError, match="tl.defvjp"):
        tl.grad(differentiated_draw)(np.zeros(2))


def two_factors(a):
    q, r = np.linalg.qr(a)
    return np.sum(q ** 3) + np.sum(r ** 3)


def test_hessian_through_two_outputs_of_a_factorization():
    a = RNG.normal(size=(4, 3)) + np.eye(4, 3) * 2.0
    np.testing.assert_allclose(tl.hessian(two_factors)(a), tl.jacrev(tl.grad(two_factors))(a),
                               rtol=1e-8, atol=1e-8)


def _seeded_noise(x):
    np.random.seed(0)
    return x * np.random.normal()


def test_calls_with_effects_are_kept():
    # np.random.seed must not be removed as dead code: the noise is the seeded one
    np.random.seed(0)
    expected = np.random.normal()
    assert tl.grad(_seeded_noise)(2.0) == pytest.approx(expected, rel=1e-15)
