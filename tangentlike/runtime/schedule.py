"""Binomial checkpointing schedules (Griewank 1992, "treeverse"; Griewank & Walther,
Algorithm 799 "revolve").

``binomial_schedule(n, snapshots)`` reverses ``n`` loop iterations keeping at most
``snapshots`` stored states (the loop's initial state is one of them). Each step
is a tuple ``(restore, a0, a1, store, i0, i1)``: take the state in slot
``restore``, advance it through iterations ``a0:a1`` without a tape, put it in slot
``store``, then run iteration ``i0:i1`` (one, or none) with its tape and reverse
it. Slot ``snapshots`` is a scratch slot, so every step has the same shape. With
``c`` free slots and ``r`` repetitions, ``C(c + r, c)`` iterations can be
reversed; the split points follow from that recurrence, so each iteration is
recomputed at most ``r`` times for the smallest such ``r``.
"""
from __future__ import annotations

from math import comb


def _repetitions(length, free):
    r = 0
    while comb(free + r, free) < length:
        r += 1
    return r


def binomial_schedule(n, snapshots):
    """The steps reversing iterations ``0..n-1`` (see the module docstring), made as the
    loop over them asks: the schedule itself takes memory only for its recursion."""
    if snapshots < 1:
        raise ValueError("binomial checkpointing needs at least one snapshot")
    return Schedule(n, snapshots)


class Schedule:
    """An iterable of schedule steps; indexing or ``len`` (a derivative of the loop over
    it reverses it) makes the list."""

    def __init__(self, n, snapshots):
        self.n, self.snapshots = n, snapshots

    def __iter__(self):
        return _steps(0, self.n, 0, list(range(1, self.snapshots)), self.snapshots)

    def __len__(self):
        return len(list(iter(self)))

    def __getitem__(self, i):
        return list(iter(self))[i]


def _steps(start, end, slot, free, scratch):
    # recursion on the right part only (depth <= number of slots); the left part loops
    while end - start > 0:
        length = end - start
        if length == 1 or not free:
            for i in range(end - 1, start - 1, -1):  # no room: recompute from ``start``
                yield (slot, start, i, scratch, i, i + 1)
            return
        c = len(free)
        r = _repetitions(length, c)
        m = max(1, min(length - 1, length - comb(c - 1 + r, c - 1)))
        yield (slot, start, start + m, free[0], 0, 0)
        yield from _steps(start + m, end, free[0], free[1:], scratch)
        end = start + m


def snapshot_slots(state, snapshots):
    """The ``snapshots + 1`` slots of a binomial schedule (the last is scratch), each
    holding the initial state until a step stores another."""
    return [state] * (snapshots + 1)


def sum_slots(slots):
    """The sum of the cotangents of all slots (the adjoint of ``snapshot_slots``)."""
    total = None
    for s in slots:
        total = s if total is None else _add(total, s)
    return total


def snapshot_count(slots):
    """How many snapshots ``slots`` (made by ``snapshot_slots``) hold, scratch excluded."""
    return len(slots) - 1


def _add(a, b):
    from . import add
    return add(a, b)
