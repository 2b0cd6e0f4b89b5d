"""The cost of a memory-cache hit's key: the hand-built tuple the pipeline used before
``Request`` (issue 14) against ``Request(...)`` and ``pipeline.memory_key``, interleaved in
one process (min of many repeats). ``python benchmarks/request_key.py``."""
import time

import numpy as np

from tangentlike import __version__
from tangentlike.frontend.source import spec_of
from tangentlike.pipeline import memory_key
from tangentlike.request import Request


def f(x, w):
    return np.sum(x * w)


def old(spec):
    mask, kinds, patterns = [True, False], ["num", "num"], [(0,), (0,)]
    key = (f, spec.hash, tuple(mask), tuple(kinds), "jvp", True, False, True, None,
           tuple(patterns), "numpy", __version__)
    return {key: 1}.get(key)


def new(spec):
    req = Request(f, [True, False], ["num", "num"], "jvp", patterns=[(0,), (0,)])
    key = memory_key(req, spec)
    return {key: 1}.get(key)


def main(n=5000, repeats=15):
    spec = spec_of(f)
    best = {"old": [], "new": []}
    for _ in range(repeats):
        for name, fn in (("old", old), ("new", new)):
            t0 = time.perf_counter()
            for _ in range(n):
                fn(spec)
            best[name].append((time.perf_counter() - t0) / n * 1e6)
    for name, times in best.items():
        print(f"{name}: {min(times):.2f} us per key (min of {repeats})")


if __name__ == "__main__":
    main()
