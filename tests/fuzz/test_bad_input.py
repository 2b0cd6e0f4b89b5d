"""Bad input never crashes the compiler (issue 8).

1. A construct outside the subset, put at a random statement position of a random
   valid program (in ``f``, in a helper it calls, in a nested ``def``) or into a
   ``def`` line, is rejected with ``UnsupportedSyntaxError`` naming the construct
   and its file and line: never any other exception.
2. Semantically odd programs (undefined names, calling non-functions, wrong arity,
   bad unpacking, shape errors, non-scalar outputs, ...) raise a ``TangentlikeError``
   other than ``InternalError``, or the very error the program raises without
   tangentlike, from the user's or the generated code (not from the compiler).

Odd run-time inputs (ints, NaN/inf, shape errors) are in test_bad_runtime_input.py.
"""
import re
import traceback
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tangentlike as tl

from . import harness
from .programs import programs
from .support import PACKAGE, SETTINGS, grad, innermost_culprit, load, modes, raised

# name, snippet lines ({p}: a scalar parameter of the host function), offset of the
# line to report (or a tuple of acceptable offsets), regex the message must match
FORBIDDEN = [
    ("try", ["try:", "    y_bad = {p} * 2.0", "except ValueError:", "    y_bad = {p}"], 0,
     r"\btry\b"),
    ("with", ["with np.errstate(all='ignore'):", "    y_bad = {p} * 2.0"], 0, r"\bwith\b"),
    ("lambda used as a value", ["l_bad = [lambda t: t * 2.0]"], 0, r"\blambda\b"),
    ("set comprehension", ["l_bad = {{t for t in range(3)}}"], 0, r"comprehension"),
    ("global", ["global G_BAD"], 0, r"\bglobal\b"),
    ("nonlocal", ["def g_bad():", "    nonlocal {p}", "    {p} = 1.0", "g_bad()"], 1,
     r"\bnonlocal\b"),
    # (del of a name is supported in the function's own body: tests/test_del.py)
    ("del of an item", ["y_bad = [{p}]", "del y_bad[0]"], 1, r"\bdel\b"),
    ("star-args of unknown length", ["y_bad = np.add(*np.shape({p}))"], 0, r"star|\*"),
    ("double-star kwargs", ["y_bad = dict(**{{'a': {p}}})"], 0, r"\*\*|kwargs"),
    ("class", ["class C_bad:", "    pass"], 0, r"\bclass\b"),
    ("yield", ["yield {p}"], 0, r"\byield\b"),
    ("yield from", ["yield from range(2)"], 0, r"\byield\b"),
    ("import", ["import math"], 0, r"\bimport\b"),
    ("from-import", ["from math import sin"], 0, r"\bimport\b"),
    ("raise", ["raise ValueError('bad')"], 0, r"\braise\b"),
    ("walrus", ["y_bad = (z_bad := {p} * 2.0)"], 0, r":="),
    ("set literal", ["y_bad = {{{p}, 1.0}}"], 0, r"\bset\b"),
    ("f-string with a computed spec", ["y_bad = f'{{{p}:{{3}}}}'"], 0, r"f-string"),
    ("match", ["match 1:", "    case 1:", "        y_bad = {p}"], 0, r"\bmatch\b"),
    ("for-else", ["for t_bad in range(2):", "    y_bad = {p}", "else:", "    y_bad = {p}"], 0,
     r"\bfor\b.*\belse\b"),
    ("while-else", ["while False:", "    y_bad = {p}", "else:", "    y_bad = {p}"], 0,
     r"\bwhile\b.*\belse\b"),
    ("eval", ["y_bad = eval('1.0')"], 0, r"\beval\b"),
    ("exec", ["exec('y_bad = 1.0')"], 0, r"\bexec\b"),
    ("attribute assignment", ["y_bad = np.zeros(2)", "y_bad.shape = (2, 1)"], 1,
     r"attribute"),
    ("nested subscript assignment", ["m_bad = np.zeros((2, 2))", "m_bad[0][1] = {p}"], 1,
     r"nested subscript"),
    ("decorated nested def", ["@staticmethod", "def g_bad(t):", "    return t"], (0, 1),
     r"decorator"),
    ("async def", ["async def g_bad():", "    return 1.0"], 0, r"\basync\b"),
]
# a def line made bad: the parameters' replacement
SIGNATURES = [("*args", r"{0}, *rest_bad", r"star|\*args"),
              ("**kwargs", r"{0}, **kw_bad", r"star|\*\*kwargs"),
              ("keyword-only", r"{0}, *, k_bad=1.0", r"keyword-only"),
              ("positional-only", r"{0}, /", r"positional-only")]


def _indent(line):
    return len(line) - len(line.lstrip(" "))


def _host(lines, j):
    """The innermost ``def`` enclosing line ``j``: (its line index, its parameters)."""
    for i in range(j - 1, -1, -1):
        m = re.match(r"\s*def (\w+)\((.*)\):", lines[i])
        if m and _indent(lines[i]) < _indent(lines[j]):
            return i, [p.split("=")[0].strip() for p in m.group(2).split(",")]
    raise AssertionError(f"line {j} is in no function")


def _positions(lines):
    """Indices of lines a statement may be inserted before (at their indentation)."""
    return [j for j, ln in enumerate(lines) if _indent(ln) >= 4 and ln.strip()
            and not ln.strip().startswith(("else:", "elif "))
            and not lines[_host(lines, j)[0]].lstrip().startswith("def _tot(")]


# ---------------------------------------------------------------- 1. outside the subset

@settings(max_examples=120, **SETTINGS)
@given(program=programs(max_helpers=1, avoid=frozenset(harness.KNOWN_BUGS)), data=st.data())
def test_a_construct_outside_the_subset_is_rejected_at_its_line(program, data):
    name, snippet, offset, pattern = data.draw(st.sampled_from(FORBIDDEN), label="construct")
    lines = program.source.split("\n")
    j = data.draw(st.sampled_from(_positions(lines)), label="position")
    param = _host(lines, j)[1][0]
    pad = " " * _indent(lines[j])
    new = [pad + s.format(p=param) for s in snippet]
    source = "\n".join(lines[:j] + new + lines[j:])
    offsets = offset if isinstance(offset, tuple) else (offset,)
    _expect_rejection(source, [j + 1 + k for k in offsets], pattern, name,
                      data.draw(modes(), label="mode"))


@settings(max_examples=30, **SETTINGS)
@given(program=programs(max_helpers=2, avoid=frozenset(harness.KNOWN_BUGS)), data=st.data())
def test_a_bad_signature_is_rejected_at_its_def_line(program, data):
    name, template, pattern = data.draw(st.sampled_from(SIGNATURES), label="signature")
    lines = program.source.split("\n")
    defs = [j for j, ln in enumerate(lines) if re.match(r"def (f|h\d)\(", ln)]
    # Only f: calls pass helpers' parameters by keyword (positional-only), and a called
    # helper's star or keyword-only parameters are specialised at each call.
    defs = [j for j in defs if lines[j].startswith("def f(")]
    j = data.draw(st.sampled_from(defs), label="function")
    m = re.match(r"def (\w+)\((.*)\):", lines[j])
    lines[j] = f"def {m.group(1)}({template.format(m.group(2))}):"
    # A helper's bad signature is reported at its def line or, as tangentlike does for
    # star parameters, at a call of it ("call of a function with *args/**kwargs").
    calls = [k + 1 for k, ln in enumerate(lines) if f"{m.group(1)}(" in ln and k != j]
    _expect_rejection("\n".join(lines), [j + 1] + calls, pattern, name, "reverse")


def _expect_rejection(source, expected_lines, pattern, name, mode):
    compile(source, "<generated>", "exec")  # the test's own program must be valid Python
    module, path = load(source)
    try:
        grad(module.f, mode)(0.5, np.array([0.3, -0.6, 0.9]))
    except tl.UnsupportedSyntaxError as err:
        where = f"{name}: {err}\n--- program:\n{source}"
        assert Path(err.filename) == Path(path), where
        assert err.lineno in expected_lines, f"line {err.lineno}, expected {expected_lines}: " \
                                             + where
        assert re.search(pattern, err.message.lower()), f"construct not named: {where}"
    except Exception as err:  # noqa: BLE001 - any other exception is the failure under test
        pytest.fail(f"{name} raised {type(err).__name__}, not UnsupportedSyntaxError:\n"
                    f"{''.join(traceback.format_exception(err))}\n--- program:\n{source}")
    else:
        pytest.fail(f"{name} was not rejected:\n{source}")


def test_async_def_itself_is_rejected():
    module, path = load("import numpy as np\n\n\nasync def f(x, v):\n    return x\n")
    with pytest.raises(tl.UnsupportedSyntaxError) as info:
        tl.grad(module.f)(0.5, np.ones(3))
    assert info.value.lineno == 4 and "async" in info.value.message


# ---------------------------------------------------------------- 2. odd programs

# name, statement lines defining ``y_odd`` ({p}: x, {a}: v, {h}: a helper (a, b) or
# None); the program's output then uses y_odd, so that it cannot be dead code
ODD = [
    ("undefined name", ["y_odd = {p} + undefined_name_q"]),
    ("undefined function", ["y_odd = h9_q({p}, {a})"]),
    ("call a float", ["y_odd = {p}(2.0)"]),
    ("call an array", ["y_odd = {a}(1)"]),
    ("call a module constant", ["y_odd = NOT_CALLABLE_Q({p})"]),
    ("call a module", ["y_odd = np({p})"]),
    ("missing numpy function", ["y_odd = np.not_a_function_q({p})"]),
    ("missing attribute", ["y_odd = {p}.not_an_attribute_q"]),
    ("missing array method", ["y_odd = {a}.not_a_method_q()"]),
    ("too few arguments", ["y_odd = {h}({p})"]),
    ("too many arguments", ["y_odd = {h}({p}, {a}, {a}, {a})"]),
    ("unknown keyword", ["y_odd = {h}({p}, {a}, zz_q=1.0)"]),
    ("duplicate argument", ["y_odd = {h}({p}, {a}, a={p})"]),
    ("function as a value", ["y_odd = {h} * 2.0"]),
    ("unpack too many", ["y_odd, z_odd, w_odd = ({p}, {p})"]),
    ("unpack a float", ["y_odd, z_odd = {p}"]),
    ("index out of range", ["y_odd = {a}[7]"]),
    ("index a float", ["y_odd = {p}[0]"]),
    ("index with a string", ["y_odd = {a}['a']"]),
    ("add a string", ["y_odd = {p} + 'a'"]),
    ("None arithmetic", ["y_odd = None + {p}"]),
    ("shape mismatch", ["y_odd = np.dot({a}, {a}[1:])"]),
    ("broadcast mismatch", ["y_odd = np.sum({a} + np.ones(4))"]),
    ("len of a float", ["y_odd = len({p})"]),
    ("iterate a float", ["y_odd = 0.0", "for t_odd in {p}:", "    y_odd = t_odd"]),
    ("ambiguous truth value", ["y_odd = 0.0", "if {p} < {a}:", "    y_odd = 1.0"]),
    ("item assignment into a float", ["y_odd = {p} * 1.0", "y_odd[0] = 1.0"]),
    ("item assignment into a tuple", ["t_odd = ({p}, {p})", "t_odd[0] = 1.0", "y_odd = t_odd[0]"]),
    ("write out of range", ["w_odd = np.zeros(2)", "w_odd[5] = {p}", "y_odd = w_odd[0]"]),
    ("missing dict key", ["d_odd = {{'a': {p}}}", "y_odd = d_odd['b']"]),
    ("list index out of range", ["l_odd = [{p}]", "y_odd = l_odd[3]"]),
    ("division by zero", ["y_odd = {p} / 0"]),
    ("int of a float", ["y_odd = int({p}) * 1.0"]),
    ("variable maybe undefined", ["if {p} > 100.0:", "    y_odd = {p}"]),
]
# Not np.ones((1, 1)): a size-1 array output is a scalar to grad since issue 15 (as in
# autograd; tests/test_jax_spellings.py).
RETURNS = ["return {a}", "return None", "return 'text'", "return ({p}, {p})", "return [{p}]",
           "return", "return {a} > 0.0", "return np.ones((1, 2))"]


def _check_odd(source, mode):
    module, _ = load(source)
    x, v = 0.5, np.array([0.3, -0.6, 0.9])
    plain = raised(lambda: module.f(x, v.copy()))
    got = raised(lambda: grad(module.f, mode)(x, v.copy()))
    where = f"--- program:\n{source}\nwithout tangentlike: {plain!r}"
    if got is None:
        assert plain is None, f"the derivative ran, but the program raises:\n{where}"
        return
    trace = "".join(traceback.format_exception(got))
    assert not isinstance(got, tl.InternalError), f"a user mistake reported as a bug:\n" \
                                                  f"{trace}\n{where}"
    if isinstance(got, tl.TangentlikeError):
        return
    assert plain is not None and type(got) is type(plain), \
        f"escaped as {type(got).__name__}:\n{trace}\n{where}"
    culprit = innermost_culprit(got)
    assert not culprit.startswith(PACKAGE), \
        f"the program's own {type(got).__name__} was raised inside tangentlike " \
        f"({culprit}):\n{trace}\n{where}"


@settings(max_examples=120, **SETTINGS)
@given(program=programs(max_helpers=1, avoid=frozenset(harness.KNOWN_BUGS)), data=st.data())
def test_odd_programs_raise_a_tangentlike_error_or_their_own(program, data):
    name, snippet = data.draw(st.sampled_from(ODD), label="oddity")
    lines = program.source.split("\n")
    helper = "h0" if program.n_helpers else None
    assume(helper is not None or "{h}" not in "".join(snippet))
    start = next(j for j, ln in enumerate(lines) if ln.startswith("def f("))
    top = [j for j in range(start + 1, len(lines)) if re.match(r"    \S", lines[j])
           and not lines[j].strip().startswith(("else:", "elif "))]
    j = data.draw(st.sampled_from(top), label="position")
    new = ["    " + s.format(p="x", a="v", h=helper) for s in snippet]
    last = max(top)
    out = lines[:j] + new + lines[j:last] + [lines[last] + " + 0.0 * np.sum(y_odd)"] + \
        lines[last + 1:]
    source = "\n".join(out) + "\nNOT_CALLABLE_Q = 2.0\n"
    compile(source, "<generated>", "exec")
    _check_odd(source, data.draw(modes(), label="mode"))


@settings(max_examples=30, **SETTINGS)
@given(program=programs(max_helpers=1, avoid=frozenset(harness.KNOWN_BUGS)),
       ret=st.sampled_from(RETURNS), mode=modes())
def test_a_non_scalar_output_raises_a_tangentlike_error(program, ret, mode):
    lines = program.source.rstrip("\n").split("\n")
    assert lines[-1].startswith("    return ")
    lines[-1] = "    " + ret.format(p="x", a="v")
    source = "\n".join(lines) + "\n"
    module, _ = load(source)
    out = module.f(0.5, np.array([0.3, -0.6, 0.9]))
    # the bad return may sit behind an early return that is taken
    assume(not (isinstance(out, (float, np.number)) or
                isinstance(out, np.ndarray) and out.ndim == 0 and out.dtype.kind == "f"))
    got = raised(lambda: grad(module.f, mode)(0.5, np.array([0.3, -0.6, 0.9])))
    assert isinstance(got, tl.TangentlikeError) and not isinstance(got, tl.InternalError), \
        f"{got!r}:\n{''.join(traceback.format_exception(got)) if got else ''}\n{source}"
