"""A valid program rejected by the aliasing check (found by ``tools/fuzz.py
--programs 300`` with the generators of issue 15, 2026-12; the same with the
compiler before it, see the second case, which uses none of issue 15's constructs).

The check assumes a user function's result may share data with its arguments, and a
closure's with the variables it reads; so ``s = g(x)`` with ``def g(t): return
a[-1]`` "may refer to" ``a``, and a later ``a[0] += c`` while ``s`` is still read is
rejected, although ``a[-1]`` is a number (a copy). Fixed: the check now looks into
the callee (``frontend/aliases.returns_fresh``): ``a0[-1] * t`` is a new value.
"""
import numpy as np

from . import Case


def closure_reads_an_element_then_the_array_is_written(x, v):
    a0 = np.array([v[1], v[2], np.sum(v)])
    g = lambda t: a0[-1] * t  # noqa: E731
    s = g(x)
    for i in range(1, 3):
        a0[0] += -0.7
        s = s * 0.5 + a0[i]
    return s


def nested_def_reads_an_element_then_the_array_is_written(x, v):
    a0 = v * 1.0

    def g(t):
        return a0[-1] * t
    s = g(x)
    for i in range(2):
        a0[0] += -0.7
        s = s + a0[0] * x
    return s


def _point(r):
    return 0.7, np.array([0.3, -0.6, 0.9])


CASES = [Case(closure_reads_an_element_then_the_array_is_written, _point),
         Case(nested_def_reads_an_element_then_the_array_is_written, _point)]
XFAIL = {}
