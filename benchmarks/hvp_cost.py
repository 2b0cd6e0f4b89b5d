"""Issue 3: the cost of a Hessian-vector product as a multiple of one gradient.

``tl.hvp`` is one forward sweep over the generated reverse-mode gradient (forward
over reverse, Pearlmutter 1994), so it should cost a small constant times one
gradient, independent of the number of parameters (target: <= 4x on a
1000-parameter problem). Measured in one process, interleaved, medians.
Run: ``python benchmarks/hvp_cost.py [--quick]``.
"""
import argparse
import statistics
import sys
import time

import numpy as np

import tangentlike as tl


def loss(w, X, y):
    """Logistic regression with an L2 penalty and a tanh feature layer."""
    z = np.tanh(X @ w)
    p = 1.0 / (1.0 + np.exp(-z))
    return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)) + 0.01 * np.sum(w * w)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args(argv)
    n, m, rounds = (200, 100, 5) if a.quick else (1000, 500, 21)
    rng = np.random.default_rng(0)
    w, X = rng.standard_normal(n) / np.sqrt(n), rng.standard_normal((m, n))
    y = (rng.uniform(size=m) > 0.5).astype(float)
    v = rng.standard_normal(n)
    g = tl.grad(loss)
    g(w, X, y)
    tl.hvp(loss, (w, X, y), v)  # compile both before timing
    h = 1e-5
    fd = (g(w + h * v, X, y) - g(w - h * v, X, y)) / (2 * h)
    assert np.allclose(tl.hvp(loss, (w, X, y), v), fd, rtol=1e-4, atol=1e-7)
    times = {"gradient": [], "hvp": []}
    for _ in range(rounds):
        t0 = time.perf_counter()
        g(w, X, y)
        t1 = time.perf_counter()
        tl.hvp(loss, (w, X, y), v)
        t2 = time.perf_counter()
        times["gradient"].append(t1 - t0)
        times["hvp"].append(t2 - t1)
    ratio = statistics.median(b / a for a, b in zip(times["gradient"], times["hvp"]))
    print(f"{n} parameters: gradient {statistics.median(times['gradient']) * 1e3:.3f} ms, "
          f"hvp {statistics.median(times['hvp']) * 1e3:.3f} ms, "
          f"hvp / gradient = {ratio:.2f}x (target <= 4x: {'met' if ratio <= 4 else 'not met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
