"""Shape specialisation (issue 6): gradients compiled for the size-1 axes of the arguments.

``analysis.shapes`` infers, from the arguments' patterns, which axes have size
1; ``transforms.specialize`` then drops identity ``rt.unbroadcast`` calls, sums
over known axes, and writes ``g @ W.T`` for 2-d products. Each case here is
checked three ways: against central finite differences, against the variant
compiled without patterns (``g.compiled()``: the run-time helpers, which handle
every shape), and on the generated text (what was specialised away).
"""
import numpy as np
import pytest

import tangentlike as tl
from tangentlike.analysis.shapes import PY, SCALAR, join, pattern, shapes
from tangentlike.fdcheck import central_difference
from tangentlike.frontend.source import spec_of
from tangentlike.transforms.specialize import unbroadcast_axes
from tangentlike.transforms.unit import lower_cached


def bias_tanh(x, W, b):
    return np.sum(np.tanh(x @ W + b) ** 2)


def outer_bias(x, c):
    return np.sum(np.sin(x * c) + c)


def scalar_shift(x, s):
    m = np.max(x)
    return np.sum(np.exp(x - m) * s) + m


def rnn(W, U, b, xs):
    h = np.zeros((xs.shape[1], W.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(h @ W + xs[t] @ U + b)
    return np.sum(h * h)


def mat_vec(W, h, V, x):
    return np.sum(np.tanh(W @ h) * (x @ V))


def mean_square(d, y):
    e = d - y
    return np.mean(e * e)


def cell(h, W):
    return np.tanh(h @ W)


def two_cells(h, W):
    return np.sum(cell(cell(h, W), W))


def rng(seed=0):
    return np.random.default_rng(seed)


CASES = [  # (function, arguments, wrt, text the specialised source must not contain)
    (bias_tanh, (rng().standard_normal((4, 3)), rng(1).standard_normal((3, 5)),
                 rng(2).standard_normal(5)), (0, 1, 2), "rt.unbroadcast"),
    # (1, 5) + (4, 5): a keepdims sum; (4, 1): likewise along the other axis
    (bias_tanh, (rng().standard_normal((4, 3)), rng(1).standard_normal((3, 5)),
                 rng(2).standard_normal((1, 5))), (0, 1, 2), "rt.unbroadcast"),
    (bias_tanh, (rng().standard_normal((4, 3)), rng(1).standard_normal((3, 5)),
                 rng(2).standard_normal((4, 1))), (0, 1, 2), "rt.unbroadcast"),
    # a batch of one: the (1, 3) @ (3, 5) product has a size-1 axis of its own
    (bias_tanh, (rng().standard_normal((1, 3)), rng(1).standard_normal((3, 5)),
                 rng(2).standard_normal(5)), (0, 1, 2), "rt.unbroadcast"),
    (outer_bias, (rng().standard_normal((3, 1)), rng(1).standard_normal(4)), (0, 1),
     "rt.unbroadcast"),
    (scalar_shift, (rng().standard_normal(6), 1.5), (0, 1), "rt.matmul"),
    (scalar_shift, (rng().standard_normal(6), np.float64(1.5)), (0, 1), "rt.unbroadcast"),
    (rnn, (0.3 * rng().standard_normal((5, 5)), 0.3 * rng(1).standard_normal((3, 5)),
           rng(2).standard_normal(5), rng(3).standard_normal((4, 2, 3))), (0, 1, 2),
     "rt.unbroadcast"),
    (mat_vec, (rng().standard_normal((3, 4)), rng(1).standard_normal(4),
               rng(2).standard_normal((4, 3)), rng(3).standard_normal(4)), (0, 1, 2, 3),
     "rt.matmul_vjp"),
    (mean_square, (rng().standard_normal((3, 4)), rng(1).standard_normal(4)), (0, 1),
     "rt.sum_vjp"),
    (two_cells, (rng().standard_normal((2, 4)), 0.5 * rng(1).standard_normal((4, 4))), (0, 1),
     "rt.matmul_vjp"),
]
IDS = [f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path / "cache"))


@pytest.mark.parametrize("fn, args, wrt, absent", CASES, ids=IDS)
def test_specialised_gradient_is_right_and_specialised(fn, args, wrt, absent):
    g = tl.grad(fn, wrt=wrt)
    got = g(*args)
    general = g.compiled().fn(*args)  # no patterns: the run-time helpers
    for i, gi, ge in zip(wrt, got, general):
        assert np.shape(gi) == np.shape(args[i])
        np.testing.assert_allclose(gi, ge, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(gi, central_difference(fn, list(args), i), rtol=1e-5,
                                   atol=1e-8)
    assert absent not in g.source
    # the general variant keeps the helper, unless (issue 17) it is gone for any
    # shapes: the copies of mean's scalar times e, of e's own shape (analysis.shapes.Like)
    assert absent in g.compiled().source or absent == "rt.matmul" or \
        absent == "rt.sum_vjp" and fn is mean_square


def test_each_size_one_pattern_gets_its_own_variant():
    g = tl.grad(bias_tanh, wrt=2)
    x, W = rng().standard_normal((4, 3)), rng(1).standard_normal((3, 5))
    g(x, W, np.ones(5))
    wide = g.source
    g(x, W, np.ones((1, 5)))
    keep = g.source
    assert ".sum(axis=0)" in wide and "keepdims=True" in keep
    # back to the first pattern: the fast path serves the first variant again
    g(x, W, np.ones(5))
    assert g.source == wide


def test_the_rnn_gradient_reads_like_the_hand_written_one():
    g = tl.grad(rnn, wrt=(0, 1, 2))
    g(*CASES[7][1])
    src = g.source
    for text in ("@ W.T", ".T @ dt", ".sum(axis=0)"):
        assert text in src
    assert "rt.unbroadcast" not in src and "rt.matmul_vjp" not in src
    # only what the adjoint reads is taped: the new state, the input row, the old state
    assert "tape.append((h_2, t_2, h))" in src
    assert "for t in rng:" in src  # the user's loop variable keeps its name (issue 17)


def test_unknown_shapes_keep_the_run_time_helpers():
    """Arrays made from integers the analysis cannot follow keep ``rt.unbroadcast``."""
    g = tl.grad(made_from_a_count, wrt=0)
    x = rng().standard_normal(3)
    out = g(x, 3)
    assert "rt.unbroadcast" in g.source
    np.testing.assert_allclose(out, central_difference(made_from_a_count, [x, 3], 0), rtol=1e-5)


def made_from_a_count(x, n):
    z = np.ones(n + 0) * 2.0
    return np.sum(np.sin(x + z))


# --- the analysis itself --------------------------------------------------------------

def test_patterns_of_arguments():
    assert pattern(np.zeros((4, 1, 3))) == (0, 1, 0)
    assert pattern(np.float64(2.0)) == ()
    assert pattern(2.0) == PY and pattern(3) == PY
    assert pattern([1.0]) is None and pattern(True) is None


def test_joins():
    assert join((0, 1), (0, 0)) == (0, None)
    assert join((0,), (0, 0)) is None
    assert join(PY, ()) == SCALAR


def test_unbroadcast_axes():
    assert unbroadcast_axes((0, 0), (0,)) == (1, ())
    assert unbroadcast_axes((0, 0), (1, 0)) == (0, (0,))
    assert unbroadcast_axes((0, 0), (0, 0)) == (0, ())
    assert unbroadcast_axes((1, 0), (1, 0)) == (0, ())
    assert unbroadcast_axes((0, 0), (None, 0)) is None  # size 1 or not: cannot tell
    assert unbroadcast_axes((0,), PY) is None  # a Python float: the helper converts
    assert unbroadcast_axes((), PY) == (0, ())


def test_loop_carry_patterns_settle():
    func = lower_cached(spec_of(rnn))
    out = shapes(func, [(0, 0), (0, 0), (0,), (0, 0, 0)])
    loop = next(op for op in func.body.ops if op.kind == "for")
    assert out[loop.results[0]] == (0, 0)  # zeros((B, H)) joined with the tanh
    # with a batch of one the carry keeps its size-1 axis
    out = shapes(func, [(0, 0), (0, 0), (0,), (0, 1, 0)])
    assert out[loop.results[0]] == (1, 0)


# --- shift invariance of log-sum-exp (transforms/shift.py) ----------------------------

def logsumexp_loss(y, w):
    total = 0.0
    for i in range(y.shape[0]):
        z = y[i] * w
        m = np.max(z)
        total = total + m + np.log(np.sum(np.exp(z - m)))
    return total


def softmax_reuse(y):
    m = np.max(y)
    e = np.exp(y - m)
    s = np.sum(e)
    return m + np.log(s) + np.sum(e * y) / s  # e read twice: m's derivative is not zero


def shift_read_again(y):
    m = np.max(y)
    return m + np.log(np.sum(np.exp(y - m))) + m * m


@pytest.mark.parametrize("fn, args, cut", [
    (logsumexp_loss, (rng().standard_normal((5, 4)), rng(1).standard_normal(4)), True),
    (softmax_reuse, (rng().standard_normal(6),), False),
    (shift_read_again, (rng().standard_normal(6),), False),
], ids=["logsumexp", "softmax", "m-read-again"])
def test_log_sum_exp_shift_is_not_differentiated(fn, args, cut):
    wrt = tuple(range(len(args)))
    g = tl.grad(fn, wrt=wrt)
    got = g(*args)
    for i, gi in zip(wrt, got):
        np.testing.assert_allclose(gi, central_difference(fn, list(args), i), rtol=1e-5,
                                   atol=1e-8)
    assert ("rt.stop_gradient" in g.source) is cut
    assert ("extremum_share" in g.source) is not cut


def test_hessian_through_a_cut_shift():
    """The cut is exact, so it holds for derivatives of the gradient too."""
    y, w = rng().standard_normal((3, 4)), rng(1).standard_normal(4)
    h = tl.hessian(logsumexp_loss, wrt=1)(y, w)
    g = tl.grad(logsumexp_loss, wrt=1)
    # central differences of the gradient, one column per direction (H is symmetric)
    fd = np.stack([(g(y, w + 1e-6 * e) - g(y, w - 1e-6 * e)) / 2e-6 for e in np.eye(4)])
    np.testing.assert_allclose(h, fd, rtol=1e-5, atol=1e-7)


def broadcast_mix(a, b, c):
    u = a * b + c
    return np.sum(np.tanh(u) / (1.0 + b ** 2) - c * a + np.maximum(u, b))


SHAPES = [(), (1,), (4,), (3, 1), (1, 4), (3, 4), (1, 1)]


@pytest.mark.parametrize("sa", SHAPES, ids=str)
@pytest.mark.parametrize("sb, sc", [((3, 4), (4,)), ((1, 4), (3, 1)), ((), (1, 1)), ((4,), ())],
                         ids=str)
def test_broadcasting_grid_matches_the_general_variant(sa, sb, sc):
    """Every mix of size-1 axes, missing axes and NumPy scalars: the specialised
    gradient equals the run-time-helper one (same operations) and finite differences."""
    r = rng(len(sa) + 3 * len(sb))
    args = [np.float64(r.standard_normal()) if s == () else r.standard_normal(s)
            for s in (sa, sb, sc)]
    g = tl.grad(broadcast_mix, wrt=(0, 1, 2))
    got = g(*args)
    general = g.compiled().fn(*args)
    for i, gi, ge in zip(range(3), got, general):
        assert np.shape(gi) == np.shape(args[i])
        np.testing.assert_allclose(gi, ge, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(gi, central_difference(broadcast_mix, list(args), i),
                                   rtol=1e-5, atol=1e-8)
