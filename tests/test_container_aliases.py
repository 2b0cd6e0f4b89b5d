"""Lists that other names hold, changed in place (found by reading the forward transform
and the run-time alias check against each other).

- A list item changed in place while the list holding it is read afterwards
  (``r = rows[0]; r.append(v)``, ``r[0] = v`` on an array in a list) is an error at run
  time: ``rt.check_unshared`` knew only NumPy views, so these gave silently wrong
  derivatives in both modes (the IR gives ``r`` a version of its own; ``rows`` kept the old).
- A list changed in place after it was appended to another list that is read later is an
  error when lowering; after it was assigned into a list's item, at run time (assigned
  into an array's item, the value is copied and the code is fine).
- Forward mode mirrors a list popped from a tape-like list and then changed in place on
  its tangent in place; it changed a copy, and the pops that followed read stale tangents.
Each derivative is compared with central differences (h = 1e-6 on polynomials of O(1)
values: error ~1e-9, rtol 1e-6).
"""
import numpy as np
import pytest

import tangentlike as tl
from tangentlike.errors import UnsupportedSyntaxError

MODES = ("reverse", "forward")


def _fd(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    if x.ndim == 0:
        return (f(x + h) - f(x - h)) / (2 * h)
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


def append_to_an_item(x):
    rows = [[x[0]], [x[1]]]
    r = rows[1]
    r.append(x[0] * 3.0)
    return rows[1][1] * x[0]


def write_into_an_array_item(x):
    a = x * 1.0
    rows = [a, a * 2.0]
    r = rows[0]
    r[0] = 7.0 * x[1]
    return np.sum(rows[0] * x)


def append_then_change_the_item(x):
    rows = []
    row = [x[0]]
    rows.append(row)
    row.append(x[1] * 2.0)
    return rows[0][-1] * x[0]


def assign_then_change_the_item(x):
    rows = [None]
    row = [x[0]]
    rows[0] = row
    row.append(x[1] * 2.0)
    return rows[0][-1] * x[0]


def copy_a_buffer_into_rows(x):
    out = np.zeros((3, 2))
    v = np.zeros(2)
    for i in range(3):
        v[0] = x[i] * i
        out[i] = v  # an array copies what is assigned into it
    return np.sum(out * out)


def append_copies_of_a_buffer(x):
    out = []
    v = np.zeros(2)
    for i in range(3):
        v[0] = x[i] * i
        out.append(v.copy())
    return out[1][0] * out[2][0]


def pop_and_change_what_was_popped(x):
    acc = []
    stack = []
    for i in range(3):
        acc.append(x * i)
        stack.append((acc, i))
    s = 0.0
    for i in range(3):
        lst, j = stack.pop()
        s = s + lst[-1] * j
        lst.pop()
    return s


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", [append_to_an_item, write_into_an_array_item])
def test_changing_an_item_that_a_list_holds_is_an_error(f, mode):
    with pytest.raises(UnsupportedSyntaxError, match="'r' while 'rows' holds the same data"):
        tl.grad(f, mode=mode)(np.array([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("mode", MODES)
def test_changing_a_list_after_appending_it_is_an_error(mode):
    """Known when lowering: a list holds what is appended to it (this was silently
    wrong: 3.0 for 6.0)."""
    with pytest.raises(UnsupportedSyntaxError,
                       match="append.. of 'row' while 'rows' may refer to the same data"):
        tl.grad(append_then_change_the_item, mode=mode)(np.array([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("mode", MODES)
def test_changing_a_list_after_assigning_it_into_a_list_is_an_error(mode):
    """An item assignment holds its value when the target is a list: decided at run time
    (into an array, the value is copied; see copy_a_buffer_into_rows)."""
    with pytest.raises(UnsupportedSyntaxError, match="'row' while 'rows' holds the same data"):
        tl.grad(assign_then_change_the_item, mode=mode)(np.array([1.0, 2.0, 3.0]))


def append_to_a_copied_item(x):
    rows = [[x[0]], [x[1]]]
    r = list(rows[1])
    r.append(x[0] * 3.0)
    return r[1] * x[0] + rows[1][0] * x[2]


def write_into_a_copied_array_item(x):
    a = x * 1.0
    rows = [a, a * 2.0]
    r = rows[0].copy()
    r[0] = 7.0 * x[1]
    return np.sum(rows[0] * x) + np.sum(r * x)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", [append_to_a_copied_item, write_into_a_copied_array_item,
                               copy_a_buffer_into_rows, append_copies_of_a_buffer])
def test_the_same_change_on_a_copy_is_differentiated(f, mode):
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(tl.grad(f, mode=mode)(x), _fd(f, x), rtol=1e-6)


@pytest.mark.parametrize("mode", MODES)
def test_a_popped_list_changed_in_place_keeps_its_tangent(mode):
    # d/dx of sum_j (j * x * j), the items popped in reverse order: 0 + 1 + 4 = 5
    g = tl.grad(pop_and_change_what_was_popped, mode=mode)(1.5)
    np.testing.assert_allclose(g, 5.0, rtol=1e-12)
    np.testing.assert_allclose(g, _fd(pop_and_change_what_was_popped, 1.5), rtol=1e-6)
