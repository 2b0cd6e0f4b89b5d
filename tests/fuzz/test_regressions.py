"""The fuzzer's failures, kept (tests/fuzz/regressions): each case's gradient in
reverse mode, and in forward mode once its rules exist, against central finite
differences (harness tolerance), and the two modes against each other; programs that
raise (``ERROR_CASES``) must make their derivative raise the same. Known compiler bugs
are strict xfails (a module's ``XFAIL``: case name -> reason, or -> {mode: reason}):
fixing one turns its case red, then delete its ``XFAIL`` entry."""
import numpy as np
import pytest

import tangentlike as tl

from . import harness
from .regressions import cases, error_cases, rejected_cases

CASES = cases()
ERROR_CASES = error_cases()
FORWARD = harness.forward_available()
NO_FORWARD = ("forward-mode (JVP) rules have not landed yet: "
              "tangentlike.rules.lookup(operator.mul).jvps is empty")


def _reason(known, mode):
    """The xfail reason of a case in ``mode`` (``known``: a str, a dict or None)."""
    if isinstance(known, dict):
        return known.get(mode) if mode else "; ".join(f"{m}: {r}" for m, r in known.items())
    return known


def _marks(known, mode):
    marks = []
    if mode == "forward" and not FORWARD:
        marks.append(pytest.mark.skip(reason=NO_FORWARD))
    reason = _reason(known, mode)
    if reason:
        marks.append(pytest.mark.xfail(strict=True, reason=reason))
    return marks


def _gradient(case, mode):
    x, v = case.make_args()
    v = np.asarray(v, dtype=float)
    y0 = float(case.fn(x, v.copy()))
    fd = harness.fd_gradient(case.fn, x, v)
    scale = max(1.0, abs(y0), float(np.max(np.abs(fd))))
    try:
        ad = harness.differentiate(case.fn, mode, x, v, y0)
        harness.compare(mode, ad, fd, scale, lambda: [
            harness.fd_gradient(case.fn, x, v, step=harness.STEP * k) for k in (10, 0.1)])
    except (harness.Failed, harness.Rejected) as e:
        pytest.fail(f"{e}: {getattr(e, 'message', '')}")
    return ad, scale


def test_regression_cases_exist():
    assert CASES, "tests/fuzz/regressions has no cases"
    names = [c.name for c, _ in CASES]
    assert len(names) == len(set(names)), "regression case names must be unique"


@pytest.mark.parametrize("case, mode", [
    pytest.param(case, mode, marks=_marks(known, mode), id=f"{case.name}-{mode}")
    for case, known in CASES for mode in ("reverse", "forward")])
def test_regression_matches_finite_differences(case, mode):
    _gradient(case, mode)


@pytest.mark.skipif(not FORWARD, reason=NO_FORWARD)
@pytest.mark.parametrize("case", [
    pytest.param(case, marks=_marks(known, None), id=case.name) for case, known in CASES])
def test_regression_modes_agree(case):
    rev, scale = _gradient(case, "reverse")
    fwd, _ = _gradient(case, "forward")
    np.testing.assert_allclose(fwd, rev, rtol=harness.MODES_RTOL, atol=harness.MODES_RTOL * scale)


@pytest.mark.parametrize("fn, args, exc, mode", [
    pytest.param(fn, args, exc, mode, marks=_marks(known, mode), id=f"{fn.__name__}-{mode}")
    for fn, args, exc, known in ERROR_CASES for mode in ("reverse", "forward")])
def test_regression_fails_like_the_program(fn, args, exc, mode):
    with pytest.raises(exc):
        fn(*args)
    with pytest.raises((exc, tl.TangentlikeError)) as info:
        tl.value_and_grad(fn, wrt=(0, 1), mode=mode)(*args)
    assert not isinstance(info.value, tl.InternalError), repr(info.value)


@pytest.mark.parametrize("fn, text", rejected_cases(), ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_regression_is_rejected_with_a_located_error(fn, text, mode):
    with pytest.raises(tl.UnsupportedSyntaxError, match=text):
        tl.grad(fn, wrt=(0, 1), mode=mode)(0.7, np.array([0.3, -0.6, 0.9]))
