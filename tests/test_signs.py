"""Sign propagation in cotangent code (transforms/signs.py): exact, never adds an op."""
import ast

import numpy as np
import pytest

import tangentlike as tl
from tangentlike.fdcheck import central_difference


def chain(x, y):
    z = 3.0 - x * y              # dz/dx = -y: a negation, pushed through * and / ...
    return np.sum(z / y * z + x)  # ... and absorbed where dx's two parts are summed


def stays(x):
    return np.sum(1.0 - x)   # the cotangent is -1 everywhere: nothing absorbs it


def sums(c, w):
    return np.sum(w * (c - np.sum(c)))


def _negations(src):
    return sum(isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub)
               and not isinstance(n.operand, ast.Constant) for n in ast.walk(ast.parse(src)))


@pytest.mark.parametrize("fn, args, most", [
    # dy ends as -(a + b) in the returned tuple: one negation is needed there
    (chain, (np.array([0.5, -1.0, 2.0]), np.array([1.5, 2.0, 0.7])), 1),
    (stays, (np.array([0.5, -1.0]),), 1),
    (sums, (np.array([0.3, 0.1, -0.4]), np.array([1.0, 2.0, 3.0])), 0),
], ids=["chain", "stays", "sums"])
def test_negations_are_absorbed_where_possible(fn, args, most, tmp_path, monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path))
    wrt = tuple(range(len(args)))
    g = tl.grad(fn, wrt=wrt)
    got = g(*args)
    got = got if isinstance(got, tuple) else (got,)
    for i, gi in zip(wrt, got):
        np.testing.assert_allclose(gi, central_difference(fn, list(args), i), rtol=1e-6)
    assert _negations(g.source) <= most, g.source
    # the same operations up to exact sign moves: equal to the general variant bit for bit
    general = g.compiled().fn(*args)
    general = general if isinstance(general, tuple) else (general,)
    for a, b in zip(got, general):
        np.testing.assert_array_equal(a, b)


def shared_negations(x, y):
    a = -x ** 2.5 + (-y) ** 2
    b = - -x * y + x ** y     # -(-x) and a negated cotangent read twice
    return a - b + 2.0 ** x


def test_a_negation_read_twice_and_negated_again():
    """Regression: a use list holding an op twice (after a double negation was folded)
    made the pass flip the sign of the other operand: the pullback's dx was -2.72, not
    -2.81 (the gradient, with its constant seed, was right)."""
    args = (0.7, 1.3)
    _, pullback = tl.vjp(shared_negations, *args)
    got = pullback(1.0)
    for i in (0, 1):
        assert got[i] == pytest.approx(central_difference(shared_negations, list(args), i),
                                       rel=1e-6)


def centred(x, mu):
    xc = x[None, :, :] - mu[:, None, :]   # (K, n, d): mu's cotangent is -(a sum over n)
    return np.sum(np.sin(xc) * xc)


def test_a_negation_moves_past_a_shrinking_sum():
    """``rt.unbroadcast(-w, mu)`` of a (K, n, d) ``w`` is ``-rt.unbroadcast(w, mu)``: the
    one negation is done on the (K, 1, d) sum (issue 20, GMM)."""
    rng = np.random.default_rng(3)
    x, mu = rng.standard_normal((5, 2)), rng.standard_normal((3, 2))
    g = tl.grad(centred, wrt=(0, 1))
    got = g(x, mu)
    for i in (0, 1):  # float64 central differences: rtol 1e-6 is well above their error
        np.testing.assert_allclose(got[i], central_difference(centred, [x, mu], i), rtol=1e-6)
    assert "-rt.unbroadcast(" in g.source and "rt.unbroadcast(-" not in g.source, g.source
    assert _negations(g.source) == 1, g.source
    general = g.compiled().fn(x, mu)
    for a, b in zip(got, general):  # an exact move: equal bit for bit
        np.testing.assert_array_equal(a, b)
