"""The error model (docs/architecture.md: errors): what a user mistake raises, and what it says.

Every bad function lives in tests/errors_cases.py with the offending line
marked ``# <- ...``; the expected line number is read from the marker, never
hard-coded. Each test calls ``tl.grad(f, ...)(*args)`` inside ``pytest.raises``
so that it holds whether ``grad`` compiles eagerly or on the first call.
"""
import importlib
import inspect
import math
import re
import sys
import traceback
from pathlib import Path

import numpy as np
import pytest

import tangentlike as tl
import tangentlike.errors as errors_module

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:  # also under --import-mode=importlib
    sys.path.insert(0, str(_HERE))
import errors_cases as cases  # noqa: E402

CASES_FILE = "errors_cases.py"
MARK = "# <-"


def marked_line(fn):
    """(line number, line text) of the one line of ``fn`` marked ``# <-``."""
    lines, start = inspect.getsourcelines(fn)
    hits = [(start + i, text) for i, text in enumerate(lines) if MARK in text]
    assert len(hits) == 1, f"{fn.__qualname__} needs exactly one {MARK!r} marker"
    return hits[0]


def code_of(text):
    """A source line without its marker comment and indentation."""
    return text.split("#", 1)[0].strip()


def grad_call(fn, *args, **options):
    return tl.grad(fn, **options)(*args)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    # A stale disk cache must not hide an error (nor skip a broken stage).
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path / "cache"))


# (bad function, regex the error's own message must match: the construct's name)
SYNTAX = [
    (cases.uses_try, r"\btry\b"),
    (cases.uses_with, r"\bwith\b"),
    (cases.uses_yield, r"\byield\b"),
    (cases.uses_global, r"\bglobal\b"),
    (cases.uses_nonlocal, r"\bnonlocal\b"),
    (cases.uses_class, r"\bclass\b"),
    (cases.uses_async, r"\basync\b"),
    (cases.uses_lambda, r"\blambda\b"),
    (cases.uses_eval, r"\beval\b"),
    (cases.uses_exec, r"\bexec\b"),
    (cases.uses_star_args, r"star|\*"),
    (cases.uses_double_star_kwargs, r"\*\*|kwargs|double.?star|keyword.{0,20}unpack"),
    (cases.uses_del, r"\bdel\b|delet"),
    (cases.uses_set_comprehension, r"set comprehension"),
    (cases.uses_import, r"\bimport\b"),
]
SYNTAX_IDS = [fn.__name__ for fn, _ in SYNTAX]


def _raise_syntax(fn):
    with pytest.raises(tl.UnsupportedSyntaxError) as info:
        grad_call(fn, 2.0)
    return info.value


# ---------------------------------------------------------------- the classes themselves

ERROR_CLASSES = [
    ("TangentlikeError", Exception),
    ("UnsupportedSyntaxError", SyntaxError),
    ("MissingRuleError", Exception),
    ("NoSourceError", TypeError),
    ("NonScalarOutputError", ValueError),
    ("ArgumentError", ValueError),
    ("DifferentiationTypeError", TypeError),
    ("InternalError", Exception),
]


@pytest.mark.parametrize("name, builtin_base", ERROR_CLASSES, ids=[n for n, _ in ERROR_CLASSES])
def test_error_classes_are_exported_from_the_package(name, builtin_base):
    cls = getattr(tl, name)
    assert cls is getattr(errors_module, name)
    assert issubclass(cls, tl.TangentlikeError)
    assert issubclass(cls, builtin_base)


# ---------------------------------------------------------------- 1. unsupported syntax

@pytest.mark.parametrize("fn, construct", SYNTAX, ids=SYNTAX_IDS)
def test_unsupported_syntax_is_named_and_located(fn, construct):
    line, _ = marked_line(fn)
    err = _raise_syntax(fn)
    assert isinstance(err, tl.TangentlikeError)
    assert isinstance(err, SyntaxError)
    msg = str(err)
    assert "not supported" in msg, msg
    # The construct's name must be in the error's own message, not merely in
    # the quoted source line (which would contain it anyway).
    assert re.search(construct, err.message.lower()), err.message
    assert CASES_FILE in msg, msg
    assert Path(err.filename).name == CASES_FILE
    assert err.lineno == line, msg


@pytest.mark.parametrize("fn, construct", SYNTAX, ids=SYNTAX_IDS)
def test_unsupported_syntax_shows_the_source_line_and_a_caret(fn, construct):
    _, text = marked_line(fn)
    code = code_of(text)
    err = _raise_syntax(fn)
    lines = str(err).splitlines()
    found = [i for i, ln in enumerate(lines) if code in ln]
    assert found, f"source line {code!r} not shown in:\n{err}"
    i = found[-1]
    assert i + 1 < len(lines) and re.fullmatch(r"\s*\^\s*", lines[i + 1]), \
        f"no caret line under {code!r} in:\n{err}"
    start, caret = lines[i].index(code), lines[i + 1].index("^")
    assert start <= caret < start + len(code), f"caret points outside the code:\n{err}"


# ---------------------------------------------------------------- 2. missing derivative rule

@pytest.mark.parametrize("fn, where", [
    (cases.calls_gamma, cases.calls_gamma),
    (cases.calls_gamma_in_helper, cases._gamma_helper),  # the line is in the callee
], ids=["direct", "in-callee"])
def test_missing_rule_names_the_function_and_the_calling_line(fn, where):
    from tangentlike.rules import registry
    assert registry.lookup(math.gamma) is None and not registry.is_nondiff(math.gamma), \
        "math.gamma has a rule now: make errors_cases.calls_gamma call a C function without one"
    line, _ = marked_line(where)
    with pytest.raises(tl.MissingRuleError) as info:
        grad_call(fn, 0.5)
    err = info.value
    assert isinstance(err, tl.TangentlikeError)
    assert "math.gamma" in err.message, err.message  # the message proper (module prefix kept)
    assert err.loc is not None and err.loc.lineno == line, str(err)
    assert f"line {line}" in str(err)
    assert CASES_FILE in str(err)


# ---------------------------------------------------------------- 3. non-scalar output

def test_grad_of_a_non_scalar_output_points_to_vjp_or_jacrev():
    with pytest.raises(tl.NonScalarOutputError) as info:
        grad_call(cases.vector_output, np.ones(3))
    err = info.value
    assert isinstance(err, ValueError)
    assert isinstance(err, tl.TangentlikeError)
    msg = str(err)
    assert "scalar" in msg.lower(), msg
    assert re.search(r"\bvjp\b|jacrev", msg), msg


# ---------------------------------------------------------------- 4. bad wrt

def test_wrt_naming_a_missing_parameter():
    with pytest.raises(tl.ArgumentError) as info:
        grad_call(cases.two_params, 1.0, 2.0, wrt="z")
    err = info.value
    assert isinstance(err, ValueError)
    msg = str(err)
    assert re.search(r"\bz\b", msg), msg  # what was asked for
    assert "alpha" in msg and "beta" in msg, msg  # what exists


@pytest.mark.parametrize("wrt", [5, -3, (0, 5), (0, "z")], ids=str)
def test_wrt_out_of_range(wrt):
    with pytest.raises(tl.ArgumentError) as info:
        grad_call(cases.two_params, 1.0, 2.0, wrt=wrt)
    assert isinstance(info.value, ValueError)


def test_wrt_of_the_wrong_type():
    with pytest.raises(TypeError) as info:
        grad_call(cases.two_params, 1.0, 2.0, wrt=1.5)
    # errors.py has no TypeError-flavoured API-argument class yet (see report).
    assert isinstance(info.value, tl.TangentlikeError)
    assert "1.5" in str(info.value) or "float" in str(info.value)


# ---------------------------------------------------------------- 5. no source

@pytest.mark.parametrize("fn", [
    cases.made_by_eval, cases.made_by_exec, cases.builtin_no_rule, cases.builtin_math_no_rule,
], ids=["eval-lambda", "exec-def", "np.busday_count", "math.gamma"])
def test_function_without_source(fn):
    with pytest.raises(tl.NoSourceError) as info:
        grad_call(fn, 0.5)
    err = info.value
    assert isinstance(err, TypeError)
    msg = str(err).lower()
    assert "source" in msg, msg
    assert re.search(r"not available|unavailable|no (python )?source", msg), msg


# ---------------------------------------------------------------- 6. argument types

@pytest.mark.parametrize("fn, args, options, param", [
    (cases.square, ("abc",), {}, "value"),
    (cases.square, (object(),), {}, "value"),
    (cases.square, (np.array(["a", "b"]),), {}, "value"),
    (cases.two_params, (1.0, "abc"), {"wrt": "beta"}, "beta"),
], ids=["str", "object", "str-array", "second-param"])
def test_differentiated_argument_must_be_float(fn, args, options, param):
    with pytest.raises(tl.DifferentiationTypeError) as info:
        grad_call(fn, *args, **options)
    err = info.value
    assert isinstance(err, TypeError)
    assert re.search(rf"\b{param}\b", str(err)), str(err)


def test_int_argument_is_promoted_to_float():
    g = tl.grad(cases.square)(3)
    assert g == 6.0
    assert isinstance(g, (float, np.floating)), type(g)
    assert np.ndim(g) == 0


# ---------------------------------------------------------------- 7. internal errors

# ASSUMPTION for the compiler author: reverse mode's stage entry point is
# ``tangentlike.transforms.reverse.reverse_function``. It did not exist when
# this test was written; if it is named otherwise, change these two names.
STAGE_MODULE, STAGE_ATTR = "tangentlike.transforms.reverse", "reverse_function"


def _break_stage(monkeypatch, exc):
    """Make the stage raise ``exc``, wherever tangentlike holds a reference to it."""
    original = getattr(importlib.import_module(STAGE_MODULE), STAGE_ATTR)

    def broken(*args, **kwargs):
        raise exc

    # Patch every binding, so that `from .reverse import reverse_function` in
    # api.py is broken as well as `reverse.reverse_function(...)`.
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "tangentlike" or name.startswith("tangentlike.")):
            continue
        for attr, value in list(vars(module).items()):
            if value is original:
                monkeypatch.setattr(module, attr, broken)


def test_internal_error_names_the_stage_and_the_function(monkeypatch):
    _break_stage(monkeypatch, KeyError("injected"))
    with pytest.raises(tl.InternalError) as info:
        grad_call(cases.internal_victim, 2.0, mode="reverse")
    err = info.value
    assert isinstance(err, tl.TangentlikeError)
    assert not isinstance(err, KeyError)
    msg = str(err)
    assert "reverse" in msg.lower(), msg  # the stage
    assert "internal_victim" in msg, msg  # the function
    assert "bug" in msg.lower(), msg
    assert isinstance(err.cause, KeyError)


# ---------------------------------------------------------------- 8 and 9. every mistake

def _case(fn, args, expected, **options):
    types = ",".join(type(a).__name__ for a in args)
    opts = "".join(f",{k}={v!r}" for k, v in options.items())
    return pytest.param(fn, args, options, expected, id=f"{fn.__name__}({types}{opts})")


BAD_CALLS = [
    *[_case(fn, (2.0,), tl.UnsupportedSyntaxError) for fn, _ in SYNTAX],
    _case(cases.calls_gamma, (0.5,), tl.MissingRuleError),
    _case(cases.calls_gamma_in_helper, (0.5,), tl.MissingRuleError),
    _case(cases.vector_output, (np.ones(3),), tl.NonScalarOutputError),
    _case(cases.two_params, (1.0, 2.0), tl.ArgumentError, wrt="z"),
    _case(cases.two_params, (1.0, 2.0), tl.ArgumentError, wrt=5),
    _case(cases.two_params, (1.0, 2.0), TypeError, wrt=1.5),
    _case(cases.made_by_eval, (0.5,), tl.NoSourceError),
    _case(cases.made_by_exec, (0.5,), tl.NoSourceError),
    _case(cases.builtin_no_rule, (0.5,), tl.NoSourceError),
    _case(cases.builtin_math_no_rule, (0.5,), tl.NoSourceError),
    _case(cases.square, ("abc",), tl.DifferentiationTypeError),
    _case(cases.square, (object(),), tl.DifferentiationTypeError),
    _case(cases.two_params, (1.0, "abc"), tl.DifferentiationTypeError, wrt="beta"),
]


@pytest.mark.parametrize("fn, args, options, expected", BAD_CALLS)
def test_every_error_is_a_tangentlike_error(fn, args, options, expected):
    with pytest.raises(tl.TangentlikeError) as info:
        grad_call(fn, *args, **options)
    assert isinstance(info.value, expected), repr(info.value)


@pytest.mark.parametrize("fn, args, options, expected", BAD_CALLS)
def test_no_user_mistake_escapes_as_a_bare_python_error(fn, args, options, expected):
    try:
        grad_call(fn, *args, **options)
    except Exception as exc:  # noqa: BLE001 - any escape is what is under test
        err = exc
    else:
        pytest.fail("a bad call raised nothing")
    where = "".join(traceback.format_exception(err))
    assert not isinstance(err, tl.InternalError), f"a user mistake reported as a bug:\n{where}"
    assert isinstance(err, tl.TangentlikeError), f"escaped as {type(err).__name__}:\n{where}"
    assert isinstance(err, expected), where
