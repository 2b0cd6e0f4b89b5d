"""Functions defined in a test module that pytest rewrote (its assertion rewriting
compiles ``assert`` into other code) are still found unchanged: the source check
applies the same rewriting before comparing (frontend/unchanged.py). This module is
rewritten on purpose (no PYTEST_DONT_REWRITE)."""
import numpy as np

import tangentlike as tl

from usercode_check import check_grad


def guarded(x):
    assert np.all(np.isfinite(x)), "x must be finite"
    assert x.shape == (3,)
    return np.sum(np.sin(x) * x)


def test_module_level_function_with_asserts():
    check_grad(guarded, np.array([0.3, -1.2, 0.8]), second=True)


def test_nested_function_with_asserts():
    scale = 1.5

    def f(x, y):
        assert y > 0.0, "y must be positive"
        return scale * x * x * y

    assert tl.grad(f)(2.0, 3.0) == 18.0
    assert tl.grad(f, mode="forward")(2.0, 3.0) == 18.0
    assert tl.grad(tl.grad(f))(2.0, 3.0) == 9.0


def test_a_failing_assert_still_raises():
    def f(x):
        assert x > 0.0, "x must be positive"
        return x * x

    try:
        tl.grad(f)(-1.0)
    except AssertionError as e:
        assert "x must be positive" in str(e)
    else:
        raise AssertionError("the assert did not run")


def returns_early_then_dead_code(x):
    return x * x
    y = x + 1.0  # noqa: F841 - dropped by the compiler: no position recorded
    return y


def test_a_body_that_goes_on_after_dropped_code_is_read_whole():
    """The compiler records no position for code after a return; the block read for
    the function must still be all of it (else the source check reports a changed file)."""
    assert tl.grad(returns_early_then_dead_code)(3.0) == 6.0
    assert tl.grad(returns_early_then_dead_code, mode="forward")(3.0) == 6.0
