"""The IR printer (tangentlike.ir.printer): deterministic text.

Names come from hints made unique in program order, never from object
identity, so printing is a pure function of the IR's structure: printing
twice gives the same text, and two independent lowerings of the same function
print identically. Checked on the whole corpus and on a hand-built function
whose exact text is known.
"""
import pathlib
import sys

import pytest

from tangentlike.errors import Loc
from tangentlike.frontend.lower import lower
from tangentlike.frontend.source import spec_of
from tangentlike.ir.builder import Builder
from tangentlike.ir.nodes import Block, Func
from tangentlike.ir.printer import print_func

TESTS = pathlib.Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))
import corpus  # noqa: E402

FUNCS = {c.name: c.fn for c in corpus.grad_cases() + corpus.vjp_cases()}


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_printing_is_deterministic(name):
    func = lower(spec_of(FUNCS[name]))
    text = print_func(func)
    assert print_func(func) == text  # printing twice
    other = lower(spec_of(FUNCS[name]))  # a second lowering: new objects, new ids
    assert other is not func
    assert print_func(other) == text
    assert "@" not in text  # no object ids leak into names


def _hand_built():
    loc = Loc("<hand-built>", 7, 0, "", "f")
    body = Block()
    x = body.add_param("x")
    b = Builder(body, loc)
    t = b.op("call", [x, x], ["t"], {"fn": __import__("operator").mul, "kw": ()}).result
    cond = b.op("call", [t, b.const(1.0)], ["t"],
                {"fn": __import__("operator").gt, "kw": ()}).result
    then, other = Block(), Block()
    Builder(then, loc).yield_([t])
    Builder(other, loc).yield_([x])
    y = b.op("if", [cond], ["y"], regions=(then, other)).result
    b.op("return", [y])
    return Func("f", [x], body, loc, ["x"])


def test_hand_built_text():
    assert print_func(_hand_built()) == (
        "func f(%x) {\n"
        "  %t = call mul(%x, %x)  # line 7\n"
        "  %c = const 1.0  # line 7\n"
        "  %t.1 = call gt(%t, %c)  # line 7\n"
        "  %y = if(%t.1) {\n"
        "    yield(%t)  # line 7\n"
        "  } else {\n"
        "    yield(%x)  # line 7\n"
        "  }  # line 7\n"
        "  return(%y)  # line 7\n"
        "}\n")


def test_same_hints_get_distinct_names():
    text = print_func(_hand_built())
    assert "%t =" in text and "%t.1 =" in text
