"""The README's table of what stays outside the subset is true: each row's construct,
written in tests/outside_cases.py (or tests/errors_cases.py), gives an
``UnsupportedSyntaxError`` whose message says what the row says (all of it, or the part
before its hint where the row abbreviates with "...")."""
import re
from pathlib import Path

import numpy as np
import pytest

import errors_cases as ec
import outside_cases as oc
import tangentlike as tl

README = Path(__file__).resolve().parents[1] / "README.md"
X = np.array([0.5, 1.5])

# first cell of the row -> (function, arguments)
ROWS = {
    "`try`": (ec.uses_try, (2.0,)),
    "`with`": (ec.uses_with, (2.0,)),
    "`class` inside the function": (ec.uses_class, (2.0,)),
    "`global`, `nonlocal`": (ec.uses_global, (2.0,)),
    "`yield`, `yield from`": (ec.uses_yield, (2.0,)),
    "`async def`, `await`, `async for`/`with`": (ec.uses_async, (2.0,)),
    "a generator expression or iterator (`zip`, `map`, ...) bound to a name":
        (oc.iterator_bound, (2.0,)),
    "a lambda used as a value (in a list, returned)": (oc.lambda_as_value, (2.0,)),
    "calling a function held in a variable, parameter or list (`for f in fns: f(x)`)":
        (oc.computed_call, (2.0,)),
    "a method of an object held in a local variable or parameter": (oc.local_method, (2.0,)),
    "set literals and set comprehensions": (ec.uses_set_comprehension, (2.0,)),
    "`min`/`max` with `default=`": (oc.max_default, (2.0,)),
    "`del` of an item, or inside a loop, branch or nested `def` (`del a, b` of names in "
    "the function's own body is supported)": (ec.uses_del, (2.0,)),
    "`import` inside the function": (ec.uses_import, (2.0,)),
    "`raise`": (oc.uses_raise, (2.0,)),
    "`eval`, `exec`": (ec.uses_eval, (2.0,)),
    "`:=`": (oc.walrus, (2.0,)),
    "f-strings with a computed format spec (`f\"{x:{w}}\"`)": (oc.fstring_computed_spec, (2.0,)),
    "`match`": (oc.match_stmt, (2.0,)),
    "`for`/`while` with `else`": (oc.for_else, (2.0,)),
    "`f(*t)` with `t` of a length not known when compiling (a parameter, a call's result)":
        (oc.star_of_unknown_length, (2.0,)),
    "`**kwargs` in calls": (oc.double_star_call, (2.0,)),
    "`*args`/`**kwargs` on the function differentiated itself": (oc.star_params, (2.0,)),
    "keyword-only parameters on the function differentiated itself, positional-only "
    "parameters": (oc.keyword_only, (2.0,)),
    "decorators on nested functions": (oc.nested_decorator, (2.0,)),
    "assignment to an attribute": (oc.attribute_assignment, (2.0,)),
    "state kept on a function object (`constructL.idx = d`, `+=` from a nested function)":
        (oc.constructL, (2.0,)),
    "`M[i][j] = v`": (oc.nested_subscript, (2.0,)),
    "an in-place write another name sees (`u = x; x[0] = v`, then `u` is read)":
        (oc.aliased_write, (X,)),
    "a called function that writes into its parameter": (oc.callee_writes, (X,)),
}


def table_rows():
    text = README.read_text()
    part = text.split("Outside the subset, each")[1].split("For example:")[0]
    rows = []
    for line in part.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 2 and cells[0] not in ("construct", "---"):
            rows.append((cells[0], cells[1]))
    return rows


def test_every_row_has_a_case():
    assert sorted(r for r, _ in table_rows()) == sorted(ROWS)


@pytest.mark.parametrize("construct, says", table_rows(), ids=[r for r, _ in table_rows()])
def test_the_row_is_the_error(construct, says):
    fn, args = ROWS[construct]
    with pytest.raises(tl.UnsupportedSyntaxError) as e:
        tl.grad(fn)(*args)
    message = str(e.value).splitlines()[0]
    expected = says.split(" (")[0] if "..." in says else says
    assert expected in message, message
