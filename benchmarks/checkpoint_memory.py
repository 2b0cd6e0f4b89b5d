"""Issue 7: memory and time of reverse mode with and without checkpointing.

An RNN over T steps (hidden size H): peak memory traced during one gradient call
(tracemalloc) and median time, full tape vs ``tl.Periodic(every=k)``, all in one
process, interleaved. Run: ``python benchmarks/checkpoint_memory.py [--quick]``.
"""
import argparse
import statistics
import sys
import time
import tracemalloc

import numpy as np

import tangentlike as tl


def rnn(W, U, xs):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t])
    return np.sum(h * h)


def peak_bytes(g, args):
    g(*args)  # compiled and warm
    tracemalloc.start()
    g(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args(argv)
    T, H, rounds = (500, 32, 3) if a.quick else (5000, 128, 5)
    rng = np.random.default_rng(0)
    W, U = rng.standard_normal((H, H)) / np.sqrt(H), rng.standard_normal((H, 8)) / 3
    xs = rng.standard_normal((T, 8))
    k = int(round(np.sqrt(T)))
    variants = {"full tape": tl.grad(rnn, wrt=(0, 1)),
                "Binomial(20)": tl.grad(rnn, wrt=(0, 1), checkpoint=tl.Binomial(snapshots=20)),
                f"Periodic({k})": tl.grad(rnn, wrt=(0, 1), checkpoint=tl.Periodic(every=k))}
    ref = variants["full tape"](W, U, xs)
    for name, g in variants.items():
        for x, y in zip(g(W, U, xs), ref):
            assert np.allclose(x, y, rtol=1e-12), name
    peaks = {n: peak_bytes(g, (W, U, xs)) for n, g in variants.items()}
    times = {n: [] for n in variants}
    for _ in range(rounds):
        for n, g in variants.items():
            t0 = time.perf_counter()
            g(W, U, xs)
            times[n].append(time.perf_counter() - t0)
    base_p, base_t = peaks["full tape"], statistics.median(times["full tape"])
    print(f"RNN T={T} H={H}: peak memory during the gradient call, and median time")
    print(f"{'variant':<16}{'peak MiB':>10}{'vs full':>9}{'time s':>9}{'vs full':>9}")
    for n in variants:
        t = statistics.median(times[n])
        print(f"{n:<16}{peaks[n] / 2**20:>10.2f}{peaks[n] / base_p:>9.1%}{t:>9.3f}"
              f"{t / base_t:>8.2f}x")


if __name__ == "__main__":
    sys.exit(main())
