"""Time gradients that lean on the runtime's general helpers (issue 20's fast paths).

Two workloads: a Gaussian mixture in ADBench's loop style (scalar arithmetic on
NumPy scalars: ``alphas[k]``, ``np.sum(...)`` are ``np.float64``, so every
cotangent goes through ``rt.unbroadcast`` with scalars), and a vectorised mixture
whose components are built with ``np.stack(..., axis=2)`` and reduced with
``np.sum`` (``rt.stack_vjp`` and ``rt.sum_vjp`` on (n, d, K) arrays). Each through
``tl.grad`` (shape-specialised) and through ``tl.vjp``'s pullback (general helpers
only). Prints the median of repeated gradient calls and the peak traced memory of one
call.

    PYTHONPATH=$PWD python benchmarks/runtime_fast_paths.py [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np

import tangentlike as tl


def gmm_loop(alphas, means, qs, x):
    n = x.shape[0]
    K = means.shape[0]
    total = 0.0
    for i in range(n):
        s = 0.0
        for k in range(K):
            r = np.exp(qs[k]) * (x[i] - means[k])
            v = alphas[k] + np.sum(qs[k]) - 0.5 * np.sum(r * r)
            s = s + np.exp(v)
        total = total + np.log(s)
    return total


def gmm_stacked(means, qs, x):
    K = means.shape[0]
    parts = []
    for k in range(K):
        parts.append((x - means[k]) * np.exp(qs[k]))
    z = np.stack(parts, axis=2)  # (n, d, K)
    lp = np.sum(qs, axis=1) - 0.5 * np.sum(z * z, axis=1)  # (n, K)
    m = np.max(lp)
    return np.sum(np.log(np.sum(np.exp(lp - m), axis=1))) + x.shape[0] * m


def _loop_args(rng):
    n, d, K = 60, 4, 5
    return (rng.standard_normal(K), rng.standard_normal((K, d)),
            0.1 * rng.standard_normal((K, d)), rng.standard_normal((n, d)))


def _stacked_args(rng):
    n, d, K = 1000, 64, 100
    return (rng.standard_normal((K, d)), 0.1 * rng.standard_normal((K, d)),
            rng.standard_normal((n, d)))


CASES = [("gmm loop style n=60 d=4 K=5", gmm_loop, (0, 1, 2), _loop_args),
         ("gmm stacked n=1000 d=64 K=100", gmm_stacked, (0, 1), _stacked_args)]


def _pullback(fn, wrt, args):
    """The gradient through ``tl.vjp`` (never shape-specialised: the general helpers)."""
    def g(*a):
        return tl.vjp(fn, *a)[1](1.0)
    return g


def measure(fn, wrt, args, repeat, general=False):
    g = _pullback(fn, wrt, args) if general else tl.grad(fn, wrt=wrt)
    g(*args)  # compile
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        g(*args)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    g(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    opts = ap.parse_args(argv)
    for title, fn, wrt, make in CASES:
        for general in (False, True):
            t, peak = measure(fn, wrt, make(np.random.default_rng(0)), opts.repeat, general)
            how = "tl.vjp pullback" if general else "tl.grad"
            print(f"{title:32s} {how:16s} {t * 1e3:9.2f} ms   peak {peak / 2**20:8.1f} MiB")


if __name__ == "__main__":
    main()
