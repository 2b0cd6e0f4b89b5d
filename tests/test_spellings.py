"""Spellings of one program are specialised alike (issue 17): ``np.dot``/``np.matmul``
as ``@``, ``np.sum(x, axis=...)``/``x.sum(0)``/``keepdims=`` and the mean as a full sum.
Each case is checked against central differences and the general variant, and on the
text: no run-time helper is left that the ``@``/full-sum spelling does not need."""
import numpy as np
import pytest

import tangentlike as tl
from tangentlike.fdcheck import central_difference


def mlp_dot(W1, b1, W2, x):
    h = np.tanh(np.dot(x, W1) + b1)
    d = np.matmul(h, W2)
    return np.sum((d * d).sum(0), axis=0) / d.size


def rows(x, w):
    return np.sum(np.sum(x * x, axis=1) * w)


def rows_keep(x, w):
    s = np.sum(x * x, axis=1, keepdims=True)
    return np.sum(s * x * w)


def cols_mean(x):
    return np.sum(np.mean(x * x, axis=0))


def rnn_dot(W, U, xs):
    h = np.zeros((xs.shape[1], W.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(np.dot(h, W) + np.dot(xs[t], U))
    return np.sum(h * h)


def neg_axis(x, w):
    return np.sum(np.sum(x * x, axis=-1) * w)


R = np.random.default_rng(5)
CASES = [
    (mlp_dot, (R.standard_normal((6, 4)), R.standard_normal(4), R.standard_normal((4, 3)),
               R.standard_normal((5, 6))), (0, 1, 2), ("rt.sum_vjp", "rt.dot_vjp", "rt.matmul_vjp")),
    (rows, (R.standard_normal((3, 4)), R.standard_normal(3)), (0, 1), ("rt.sum_vjp",)),
    (rows_keep, (R.standard_normal((3, 4)), R.standard_normal(4)), (0, 1), ("keepdims=True, None",)),
    (cols_mean, (R.standard_normal((3, 4)),), (0,), ("rt.sum_vjp", "count(x * x")),
    (rnn_dot, (0.3 * R.standard_normal((4, 4)), 0.3 * R.standard_normal((3, 4)),
               R.standard_normal((5, 2, 3))), (0, 1), ("rt.dot_vjp", "rt.unbroadcast")),
    (neg_axis, (R.standard_normal((3, 4)), R.standard_normal(3)), (0, 1), ()),
]


@pytest.mark.parametrize("fn, args, wrt, absent", CASES, ids=[c[0].__name__ for c in CASES])
def test_spelling_is_specialised_and_right(fn, args, wrt, absent):
    g = tl.grad(fn, wrt=wrt)
    got = g(*args)
    got = got if isinstance(got, tuple) else (got,)
    general = g.compiled().fn(*args)
    general = general if isinstance(general, tuple) else (general,)
    for i, gi, ge in zip(wrt, got, general):
        assert np.shape(gi) == np.shape(args[i])
        np.testing.assert_allclose(gi, ge, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(gi, central_difference(fn, list(args), i), rtol=1e-5,
                                   atol=1e-8)
    src = g.source
    for helper in absent:
        assert helper not in src, src


def test_a_sum_over_a_middle_axis_puts_the_axis_back():
    x, w = R.standard_normal((3, 4, 2)), R.standard_normal((3, 2))

    def middle(x, w):
        return np.sum(np.sum(x * x, axis=1) * w)
    g = tl.grad(middle, wrt=(0, 1))
    gx, gw = g(x, w)
    np.testing.assert_allclose(gx, central_difference(middle, [x, w], 0), rtol=1e-5, atol=1e-8)
    assert "np.expand_dims" in g.source and "rt.sum_vjp" not in g.source, g.source
    np.testing.assert_allclose(gw, central_difference(middle, [x, w], 1), rtol=1e-5, atol=1e-8)


def products(a, b, W):
    return np.sum(np.tanh(np.outer(a, b) + W) ** 2) + \
        np.sum(np.einsum("ij,jk->ik", W, W.T) * 2.0) + np.sum(np.inner(W, W) + np.einsum("i,i", a, a))


def test_outer_inner_einsum_results_have_patterns():
    """np.outer, np.inner and np.einsum (constant subscripts) have shape facts, so what
    follows them is specialised (no rt.unbroadcast of outer(a, b) + W)."""
    a, b, W = R.standard_normal(3), R.standard_normal(4), R.standard_normal((3, 4))
    g = tl.grad(products, wrt=(0, 1, 2))
    got = g(a, b, W)
    for i in range(3):
        np.testing.assert_allclose(got[i], central_difference(products, [a, b, W], i),
                                   rtol=1e-5, atol=1e-8)
    assert "rt.unbroadcast" not in g.source, g.source
