"""A loop over a container the loop body mutates (found while triaging the fuzzer's
aliasing rules, 2026-11). Python iterates over the live object: a write into an array
at a later position, or an append to a list, is seen by later iterations.

* ``for e in w:`` with ``w[2] = ...`` in the body: the value is right (the primal
  sweep iterates over the live array) but the gradient is wrong in both modes, as if
  the loop had iterated over a snapshot of ``w``: d/dx = 0 instead of 0.504.
* ``for t in acc:`` with ``acc.append(...)`` in the body: reverse mode raises
  ``ValueError: zip() argument 2 is shorter than argument 1`` in the generated code;
  forward mode returns a wrong value (2.1 instead of 3.57) and gradient; with a
  constant list both modes return a wrong value (the loop stops after the list's
  original elements).

Rejected with an ``UnsupportedSyntaxError`` naming the loop (iterate over a copy, or
by index); a silently wrong gradient is the one wrong answer.
"""
import numpy as np

from . import Case


def iterate_array_while_writing(x, v):
    w = v * 1.0
    s = 0.0
    for e in w:
        w[2] = e * x
        s = s + e * e
    return s


def iterate_list_while_appending(x, v):
    acc = [x, 2.0 * x]
    s = 0.0
    for t in acc:
        if len(acc) < 4:
            acc.append(t * x)
        s = s + t
    return s + v[0]


def iterate_constant_list_while_appending(x, v):
    # the fuzzer's minimal program: the value is wrong in both modes (0.59 instead of
    # 0.7527 here: the loop stops after the list's original element)
    acc = [-0.7]
    s = 0.0
    for t in acc:
        if len(acc) < 5:
            acc.append(t * 0.5)
        s = s + t * t
    return (v[1] if -0.43 < s < 1.57 else -1.2) + s + x


def _point(r):
    return 0.7, np.array([0.3, -0.6, 0.9])


# Fixed by rejecting the construct (an explicit error, never a wrong gradient):
# (function, the construct the UnsupportedSyntaxError names)
REJECTED = [(iterate_array_while_writing, "while the loop body changes it"),
            (iterate_list_while_appending, "while the loop body changes it"),
            (iterate_constant_list_while_appending, "while the loop body changes it")]
