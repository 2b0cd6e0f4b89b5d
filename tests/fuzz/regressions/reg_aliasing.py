"""Aliasing: two names for one mutable object, then an in-place write through one of
them (found while triaging the fuzzer's aliasing rules, 2026-11; the fuzzer's programs
leave aliasing out unless ``alias_write`` is allowed, see harness.KNOWN_BUGS).

The gradient is computed as if each name held its own copy, so it silently misses
the write: an alias (``u = w``), a view (``u = w[1:]``), an array stored in a list or
dict, an array written by a helper it is passed to, the caller's own input. Mostly the
value is right (the primal sweep runs on the real objects), but an in-place ``w += c``
is not seen through a view made before it (wrong value too), and a write through an
alias inside nested loops crashes (``TypeError: 'NoneType' object is not
subscriptable`` in the generated code). Forward mode also writes into the caller's
input array in ``alias_input_write`` (reverse does not). ``alias_list_append`` is wrong
in reverse mode only. The last three are the fuzzer's minimal programs.
"""
import numpy as np

from . import Case


def alias_input_write(x, v):
    w = v
    w[0] = x
    return np.sum(v * v)


def alias_local_write(x, v):
    w = v * 1.0
    u = w
    w[0] = x
    return u[0] * 3.0 + np.sum(u)


def alias_list_append(x, v):
    acc = [x]
    other = acc
    other.append(2.0 * x)
    return acc[-1] + v[0]


def slice_view_write(x, v):
    w = v * 1.0
    u = w[1:]
    w[1] = x
    return u[0] * 2.0


def dict_holds_array_write(x, v):
    w = v * 1.0
    d = {"w": w}
    w[0] = x
    return d["w"][0] * 2.0


def list_holds_array_write(x, v):
    w = v * 1.0
    acc = [w]
    w[0] = x
    return acc[0][0] * 2.0


def _write_into(a, b):
    b[0] = a
    return 0.0


def helper_writes_its_argument(x, v):
    w = v * 1.0
    _write_into(x, w)
    return w[0] * 2.0


def view_write_then_read_base(x, v):
    a0 = v[::-1] * -1.2
    u1 = a0[::-1]
    u1[-1] = np.exp(-1.44)
    return a0[0] + x


def alias_write_in_nested_loops(x, v):
    w0 = np.zeros(3)
    for i in range(3):
        for j in range(1, 3):
            u5 = w0
            u5[1] += 0.5
    return x * 0.5 + v[0] * w0[1]


def inplace_add_seen_by_view(x, v):
    w1 = np.ones(3)
    u2 = w1[::-1]
    w1 += -1.2
    return u2[1] + x


def _point(r):  # inputs used when these were failures
    return 0.7, np.array([0.3, -0.6, 0.9])


_WRONG = "write through an alias: the gradient misses it"
# Rejected with an UnsupportedSyntaxError naming both names (never a wrong gradient):
REJECTED = [(fn, "in-place") for fn in (
    alias_input_write, alias_local_write, alias_list_append, slice_view_write,
    dict_holds_array_write, list_holds_array_write, helper_writes_its_argument,
    view_write_then_read_base, alias_write_in_nested_loops, inplace_add_seen_by_view)]
