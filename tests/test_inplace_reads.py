"""Item assignment and the values around it (found by probing NumPy idioms in both modes).

- ``y[idx] = v`` with a repeated integer index keeps the last of the repeated positions
  (NumPy's own assignment decides which: ``keep_assigned`` asks it); the others have no
  effect on the result, so their cotangent is zero. ``y[idx] += x`` is that assignment of
  ``y[idx] + x``. The adjoint gathered a cotangent for every position (1.8 for 1.5 here).
- An adjoint that is a primal value itself (``1.0 * y`` folded to ``y``) was read after
  the reverse sweep restored ``y``'s overwritten items in place: the pass ``stale_uses``
  gives such a read a copy taken before the change.
Derivatives are compared with central differences (h = 1e-6 on polynomials and sines of
O(1) values: error ~1e-9; rtol 1e-6, atol 1e-9 for the exact zeros).
"""
import numpy as np
import pytest

import tangentlike as tl

MODES = ("reverse", "forward")
X = np.array([0.3, 0.9, 0.6])


def _fd(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


def add_at_repeated_positions(x):
    y = np.zeros(3)
    idx = np.array([0, 0, 2])
    y[idx] += x
    return np.sum(y * x[0])


def assign_repeated_positions(x):
    y = np.ones(4)
    y[np.array([1, 3, 1, -1])] = np.concatenate([np.sin(x) * x[::-1], x[:1] ** 2])
    return np.sum(y * y * np.arange(1.0, 5.0))


def assign_repeated_rows(x):
    M = np.zeros((3, 3))
    M[[2, 0, 2]] = np.outer(x, x)
    return np.sum(M * M) + M[2, 1]


def mask_then_use(x):
    y = x.copy()
    y[y > 0.5] = 0.0
    return np.sum(y * x)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", [add_at_repeated_positions, assign_repeated_positions,
                               assign_repeated_rows, mask_then_use])
def test_item_assignment_derivatives(f, mode):
    np.testing.assert_allclose(tl.grad(f, mode=mode)(X), _fd(f, X), rtol=1e-6, atol=1e-9)


def test_the_overwritten_position_gets_no_cotangent():
    # y = [x1, 0, x2] * x0 summed: d/dx0 = x1 + x2; x[0]'s own write into y[0] is lost
    np.testing.assert_allclose(tl.grad(add_at_repeated_positions)(X), [1.5, 0.3, 0.3],
                               rtol=1e-12)


@pytest.mark.parametrize("f", [assign_repeated_positions, assign_repeated_rows])
def test_second_derivatives_of_repeated_assignment(f):
    """The Hessian (forward over reverse) against central differences of the gradient
    (h = 1e-6, the gradient is smooth: error ~1e-9)."""
    H = tl.hessian(f)(X)
    g = tl.grad(f)
    ref = np.array([(g(X + 1e-6 * e) - g(X - 1e-6 * e)) / 2e-6 for e in np.eye(3)])
    np.testing.assert_allclose(H, ref, rtol=1e-5, atol=1e-7)


def test_a_copy_only_where_a_value_is_read_after_it_changed():
    src = tl.grad(mask_then_use).source
    assert src.count("rt.copy(y)") == 1, src
    assert "rt.copy" not in tl.grad(add_at_repeated_positions).source.split("# adjoint")[0] \
        .replace("old = rt.copy(t)", "")


def assign_repeated_positions_3(x):
    y = np.ones(4)
    y[np.array([1, 3, 1])] = np.sin(x) * x[::-1]
    return np.sum(y * y * np.arange(1.0, 5.0))


def test_numba_back_end_agrees_on_repeated_positions():
    pytest.importorskip("numba")
    f = assign_repeated_positions_3
    np.testing.assert_allclose(tl.grad(f)(X), _fd(f, X), rtol=1e-6)
    np.testing.assert_allclose(tl.grad(f, backend="numba")(X), tl.grad(f)(X), rtol=1e-12)
