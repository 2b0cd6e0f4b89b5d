"""Interleaved timing of several implementations in one process.

Each implementation is a zero-argument callable. ``calibrate`` sizes a loop
so that one timed loop lasts about ``target_s``; ``interleaved`` then runs
``rounds`` rounds, each timing every implementation's loop once (the order
rotated every round, so none always runs right after another), and keeps the
per-call time of each loop. On a shared machine the paired per-round ratio is
steadier than a ratio of medians, so ``ratio`` takes the median over rounds of
``a / b`` measured in the same round.
"""
from __future__ import annotations

import statistics
import time


def _loop(fn, n) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return time.perf_counter() - t0


def calibrate(fn, target_s: float) -> int:
    """Calls per loop so that one loop takes about ``target_s`` (at least 1)."""
    fn()  # warm: first-call work (compilation, caches) is not steady state
    n = 1
    while True:
        t = _loop(fn, n)
        if t >= target_s / 4 or n >= 1 << 20:
            break
        n *= 4
    return max(1, round(n * target_s / max(t, 1e-9)))


class Timings:
    """Per-round per-call seconds of each implementation."""

    def __init__(self, names):
        self.per_round = {name: [] for name in names}

    def median(self, name) -> float:
        return statistics.median(self.per_round[name])

    def ratio(self, a, b) -> float:
        """Median over rounds of time(a) / time(b), both measured in the same round."""
        pairs = zip(self.per_round[a], self.per_round[b])
        return statistics.median(x / y for x, y in pairs)

    def spread(self, name) -> float:
        """(max - min) / median of the per-round times: how noisy the rounds were."""
        xs = self.per_round[name]
        return (max(xs) - min(xs)) / statistics.median(xs)


def interleaved(impls: dict, rounds: int, target_s: float) -> Timings:
    """Time every implementation of ``impls`` (name -> callable) in ``rounds`` rounds."""
    sizes = {name: calibrate(fn, target_s) for name, fn in impls.items()}
    out = Timings(impls)
    names = list(impls)
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            n = sizes[name]
            out.per_round[name].append(_loop(impls[name], n) / n)
    return out


def once(fn) -> float:
    """Seconds of one call."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0
