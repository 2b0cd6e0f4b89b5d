"""Odd run-time inputs never crash the compiler (issue 8): integers where a float
derivative is asked are promoted (float gradients equal to those at the same floats);
NaN/inf inputs flow through without an exception (and reach the gradient); a shape
error in user code is NumPy's own ``ValueError``, raised in the generated file, which
the traceback shows; an array of another length fails as the program itself does.
"""
import os
import traceback
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tangentlike as tl

from . import bad_programs, harness
from .programs import inputs, programs
from .support import PACKAGE, SETTINGS, grad, innermost_culprit, load, modes, raised


def _ints():
    return st.tuples(st.integers(-2, 2), st.lists(st.integers(-2, 2), min_size=3, max_size=3))


@settings(max_examples=60, **SETTINGS)
@given(program=programs(avoid=frozenset(harness.KNOWN_BUGS)), point=_ints(), mode=modes())
def test_integer_inputs_are_promoted_to_float(program, point, mode):
    module, _ = load(program.source)
    xi, vi = point[0], np.array(point[1])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value_i, (gx_i, gv_i) = grad(module.f, mode)(xi, vi)
        value_f, (gx_f, gv_f) = grad(module.f, mode)(float(xi), vi.astype(float))
    assert isinstance(gx_i, (float, np.floating)) and not isinstance(gx_i, np.ndarray), \
        f"d/dx of an int is {type(gx_i).__name__}, not a float"
    assert isinstance(gv_i, np.ndarray) and gv_i.dtype.kind == "f" and gv_i.shape == (3,), \
        f"d/dv of an int array: {gv_i!r}"
    np.testing.assert_array_equal(np.array([value_i, gx_i]), np.array([value_f, gx_f]))
    np.testing.assert_array_equal(gv_i, gv_f)


SPECIAL = [np.nan, np.inf, -np.inf]


@settings(max_examples=60, **SETTINGS)
@given(program=programs(avoid=frozenset(harness.KNOWN_BUGS)), point=inputs(),
       where=st.integers(0, 3), special=st.sampled_from(SPECIAL), mode=modes())
def test_nan_and_inf_inputs_flow_through_without_an_exception(program, point, where,
                                                              special, mode):
    module, _ = load(program.source)
    x, v = point[0], np.array(point[1], dtype=float)
    if where == 0:
        x = special
    else:
        v[where - 1] = special
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = module.f(x, v.copy())
        value, (gx, gv) = grad(module.f, mode)(x, v.copy())
    assert np.ndim(gx) == 0 and np.shape(gv) == (3,)
    np.testing.assert_array_equal(value, expected)  # NaN equals NaN here


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("where, special", [(0, np.nan), (0, np.inf), (2, np.nan), (3, np.inf)])
def test_nan_and_inf_reach_the_gradient(where, special, mode):
    if mode == "forward" and not harness.forward_available():
        pytest.skip("forward-mode (JVP) rules have not landed yet")
    x, v = 0.5, np.array([0.3, -0.6, 0.9])
    if where == 0:
        x = special
    else:
        v[where - 1] = special
    with np.errstate(all="ignore"):
        _, (gx, gv) = grad(bad_programs.smooth, mode)(x, v)
    assert not np.all(np.isfinite(np.append(gv, gx))), (gx, gv)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("fn", [bad_programs.shape_error, bad_programs.shape_error_in_helper],
                         ids=["in-f", "in-helper"])
def test_a_shape_error_is_numpys_own_valueerror_in_generated_code(fn, mode):
    if mode == "forward" and not harness.forward_available():
        pytest.skip("forward-mode (JVP) rules have not landed yet")
    v = np.array([0.3, -0.6, 0.9])
    with pytest.raises(ValueError) as plain:
        fn(0.5, v)
    with pytest.raises(ValueError) as info:
        grad(fn, mode)(0.5, v)
    err = info.value
    assert not isinstance(err, tl.TangentlikeError), repr(err)
    assert str(err) == str(plain.value)
    frames = traceback.extract_tb(err.__traceback__)
    generated = [f for f in frames if f.filename.startswith(os.environ["TANGENTLIKE_CACHE_DIR"])]
    assert generated, "no frame of the generated file in the traceback:\n" + \
        "".join(traceback.format_exception(err))
    assert generated[-1].line, "the generated file's line is not shown in the traceback"
    assert innermost_culprit(err) == generated[-1].filename


@settings(max_examples=40, **SETTINGS)
@given(program=programs(avoid=frozenset(harness.KNOWN_BUGS)), point=inputs(),
       n=st.sampled_from([2, 4]), mode=modes())
def test_an_array_of_another_length_fails_like_the_program(program, point, n, mode):
    module, _ = load(program.source)
    x, v = point[0], np.resize(np.array(point[1]), n)
    plain = raised(lambda: module.f(x, v.copy()))
    got = raised(lambda: grad(module.f, mode)(x, v.copy()))
    where = f"--- program:\n{program.source}\nv = {v!r}; without tangentlike: {plain!r}"
    # got None with plain not None: the failing statement was dead code, which the
    # compiler drops (see regressions/reg_errors.py, dead_*: a question for the lead)
    if got is None or isinstance(got, tl.TangentlikeError):
        assert not isinstance(got, tl.InternalError), f"{got}\n{where}"
        return
    trace = "".join(traceback.format_exception(got))
    assert plain is not None and type(got) is type(plain), f"{trace}\n{where}"
    assert not innermost_culprit(got).startswith(PACKAGE), f"{trace}\n{where}"
