"""A user function's result shares data with its arguments only if the function can
return one of them, or a view of one (frontend/aliases.py ``returns_fresh``). A helper
computing ``np.dot(w[1:], w[:-1])`` returns a new value, so writing into ``w`` after
calling it is fine (it was rejected: found by the fuzzer, seed 202); a helper returning
a slice of its argument still makes the write an error, and one returning ``b[0]`` a
run-time check."""
import numpy as np
import pytest

import tangentlike as tl

RTOL = 1e-6  # central differences, h = 1e-6: error ~1e-9 relative on these O(1) values


def _fd(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


def closure_then_write(x):
    w = np.zeros(3)
    w[1] = x
    def g():
        return np.dot(w[1:], w[:-1]) + x * x
    s = g()
    w[0] = s + 1.0
    return np.sum(w * w) * s


def _head(b):
    return b[1:]


def slice_then_write(x):
    w = np.ones(3) * x
    u = _head(w)
    w[0] = 2.0
    return np.sum(u)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_fresh_helper_result_lets_the_argument_be_written(mode):
    x = 0.7
    assert tl.grad(closure_then_write, mode=mode)(x) == pytest.approx(
        _fd(closure_then_write, x), rel=RTOL)


def test_a_helper_returning_a_view_still_makes_the_write_an_error():
    with pytest.raises(tl.UnsupportedSyntaxError, match="may refer to the same data"):
        tl.grad(slice_then_write)(0.5)
