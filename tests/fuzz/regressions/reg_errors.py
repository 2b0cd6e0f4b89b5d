"""Programs that fail at run time: the derivative must fail the same way (found by
tests/fuzz/test_bad_input.py, 2026-11). ``ERROR_CASES``: (function, arguments,
the exception the program raises without tangentlike, which the derivative must
raise too, or any ``TangentlikeError``).

* Unpacking a float, or a tuple of the wrong length, ran without the error (or
  raised ``IndexError: invalid index to scalar variable`` from generated
  ``x[0]``) while tangentlike lowered unpacking to indexing; fixed the same day by
  the native unpack op (commit 9f3c8a4).
* Dead code that would raise is dropped by dead-code elimination, which runs even
  with ``optimize=False``: the derivative of a program that raises returns a value
  and a gradient. Whether a raising statement counts as an effect DCE must keep is
  the lead's call; xfail until decided (delete these cases if it is intended).
"""
import numpy as np


def unpack_rebound_float(x, v):
    x = v[0]
    y, z = x
    return x + 0.0 * np.sum(y)


def unpack_short_tuple(x, v):
    y, z, w = (x, x)
    x = x
    return x + 0.0 * np.sum(y)


def unpack_long_tuple(x, v):
    y, z = (x, x, x)
    return x + y


def dead_shape_error(x, v):
    s = np.dot(v, np.ones(3))
    return x * 2.0


def dead_index_error(x, v):
    w = np.ones(2)
    s = w[5]
    return x * 2.0


_ARGS = (0.5, np.array([0.3, -0.6]))
ERROR_CASES = [
    (unpack_rebound_float, _ARGS, TypeError),
    (unpack_short_tuple, _ARGS, ValueError),
    (unpack_long_tuple, _ARGS, ValueError),
    (dead_shape_error, _ARGS, ValueError),
    (dead_index_error, _ARGS, IndexError),
]
_DCE = "dead-code elimination drops a statement that raises: the derivative succeeds"
XFAIL = {"dead_shape_error": _DCE, "dead_index_error": _DCE}
