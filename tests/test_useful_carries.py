"""A loop carry that never reaches the output gets no cotangent (transforms/useful.py).

Its adjoint would start from zero and multiply by its partials; once the unused carry
has overflowed (``a = a * a`` in a helper, from 1e100), ``0 * inf`` is NaN and flowed
into the cotangent of the input it started from: a NaN gradient where the true one is
finite. Found by the fuzzer (seed 101)."""
import warnings

import numpy as np
import pytest

import tangentlike as tl


def _grow(a):
    for k in range(2):  # a call the dead-code pass keeps (a user function with a loop)
        a = a * a
    return a


def unused_overflowing_carry(x):
    a = x * 1e100
    s = 0.0
    for i in range(4):
        a = _grow(a)       # inf after the first step; never used after the loop
        s = s + x * x * i
    return s


def feeds_a_used_carry(x):
    a = x
    s = 0.0
    for i in range(3):
        s = s + a * x      # a reaches the output through s
        a = a * 2.0
    return s


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_an_unused_carry_gives_no_nan(mode):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the primal's own overflow
        g = tl.grad(unused_overflowing_carry, mode=mode)(1.5)
    assert g == pytest.approx(2 * 1.5 * (0 + 1 + 2 + 3), rel=1e-12)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_carry_that_feeds_a_used_one_keeps_its_cotangent(mode):
    x = 0.7
    # s = x^2 (1 + 2 + 4): ds/dx = 14 x
    assert tl.grad(feeds_a_used_carry, mode=mode)(x) == pytest.approx(14 * x, rel=1e-12)


def test_the_unused_carry_has_no_adjoint_in_the_source():
    src = tl.source(tl.grad(unused_overflowing_carry))
    assert "_grow_bwd" not in src
