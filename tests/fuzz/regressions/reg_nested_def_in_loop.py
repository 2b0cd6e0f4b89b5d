"""A nested ``def`` inside a loop body (found by tools/fuzz.py, 2026-11).

Lowering fails in both modes with ``InternalError: VerifyError: yield ... uses
<nested function f.g> before its definition``: the nested function value is made
inside the loop body but is treated as a loop-carried value, yielded around the
loop before the definition dominates it. A ``def`` inside an ``if`` is fine.
"""
import numpy as np

from . import Case


def def_in_for_unused(x, v):
    for e in v:
        def g(t):
            return t * x
    return x * v[0]


def def_in_for_called(x, v):
    s = 0.0
    for e in v:
        def g(t):
            return t * x
        s = s + g(e)
    return s


def def_in_while_branch(x, v):
    # the fuzzer's minimal program, names shortened
    s = v[2] / 2.44
    k = 0
    while k < 3:
        k += 1
        if -0.89 < s ** 3 < -0.43:
            def g(t):
                return t
    return x + s


def def_in_if_control(x, v):
    # the same def in a branch, not a loop: works (keeps the xfails honest)
    if x > 0.27:
        def g(t):
            return t * x
        s = g(v[0])
    else:
        s = x
    return s


def _point(r):
    return 0.6685712663629899, np.array([1.4932474604377974, 0.681912688205768,
                                         -0.3353815337126629])



CASES = [
    Case(def_in_for_unused, _point, wrt=(0, 1)),
    Case(def_in_for_called, _point, wrt=(0, 1)),
    Case(def_in_while_branch, _point, wrt=(0, 1)),
    Case(def_in_if_control, _point, wrt=(0, 1)),
]

