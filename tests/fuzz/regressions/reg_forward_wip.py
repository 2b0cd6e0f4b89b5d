"""Forward-mode failures the fuzzer found while forward mode was being written
(2026-11); all fixed the same day, kept as regressions of both modes.

* ``NameError: name 'dw' is not defined``: an item write into an array made by
  ``np.zeros`` whose tangent did not exist yet;
* ``TypeError: 'NoneType' object does not support item assignment``: the same
  inside nested loops;
* ``UnboundLocalError: dacc_2``: ``continue`` in a loop that appends to a list.
"""
import numpy as np

from . import Case


def zeros_write_dead(x, v):
    w = np.zeros(3)
    w[2] = x * v[0]
    return x


def zeros_write_used(x, v):
    w = np.zeros(3)
    w[2] = x * v[0]
    return np.sum(w * w) + x


def _write_in_nested_loops(a, b):
    for i in range(3):
        for j in range(1, 3):
            w = np.zeros(3)
            w[1] = -a
    return a


def zeros_write_in_nested_loops(x, v):
    s = _write_in_nested_loops(np.dot(v, v), v)
    return np.tanh(x + v[2]) + s


def list_append_with_continue(x, v):
    acc = [x + x]
    for i in range(3):
        if i == 1:
            continue
        acc.append(np.sum(v[::2]) * x)
    return x + acc[0] * acc[-1]


def _point(r):
    return -1.4755866123160262, np.array([0.34539927399672754, 0.5, -0.08286543802694668])


CASES = [Case(fn, _point, wrt=(0, 1)) for fn in (
    zeros_write_dead, zeros_write_used, zeros_write_in_nested_loops, list_append_with_continue)]
