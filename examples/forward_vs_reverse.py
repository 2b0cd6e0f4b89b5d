"""Forward mode or reverse mode? Count the sweeps.

A Jacobian of f: Rⁿ → Rᵐ costs n forward sweeps (``tl.jacfwd``: one
Jacobian-vector product per input direction) or m reverse sweeps
(``tl.jacrev``: one vector-Jacobian product per output). So reverse mode wins
for many inputs and few outputs (a loss: m = 1, the case of gradients), and
forward mode wins for few inputs and many outputs. Both give the same matrix.

The timings are a demonstration, not a benchmark: few repetitions, printed as
ratios.

Run: python examples/forward_vs_reverse.py
"""
import time

import numpy as np

import tangentlike as tl


def layer(x, W):
    """Rⁿ → Rᵐ: one tanh layer, W of shape (m, n)."""
    return np.tanh(W @ x)


def energy(x, W):
    """Rⁿ → R: a scalar of the same layer."""
    return np.sum(np.tanh(W @ x) ** 2)


def best_time(fn, *args, repeat=3):
    fn(*args)  # compile (cached) and warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def compare(fn, n, m, rng):
    x = rng.standard_normal(n)
    W = rng.standard_normal((m, n)) / np.sqrt(n)
    J_fwd = tl.jacfwd(fn)(x, W)
    J_rev = tl.jacrev(fn)(x, W)
    t_fwd = best_time(tl.jacfwd(fn), x, W)
    t_rev = best_time(tl.jacrev(fn), x, W)
    return J_fwd, J_rev, t_fwd / t_rev


def main():
    rng = np.random.default_rng(0)
    cases = [("energy", energy, 200, 1), ("layer", layer, 200, 4),
             ("layer", layer, 50, 50), ("layer", layer, 4, 200)]
    print(f"{'function':10s} {'n':>4} {'m':>4}  {'sweeps fwd/rev':>14}  "
          f"{'time jacfwd / jacrev':>20}  winner")
    results = []
    for name, fn, n, m in cases:
        J_fwd, J_rev, ratio = compare(fn, n, m, rng)
        agree = float(np.max(np.abs(J_fwd - J_rev)))
        winner = "reverse" if ratio > 2 else ("forward" if ratio < 0.5 else "about even")
        sweeps = f"{n}/{m}"
        print(f"{name:10s} {n:>4} {m:>4}  {sweeps:>14}  {ratio:20.2f}  {winner}")
        results.append(dict(name=name, n=n, m=m, J_fwd=J_fwd, J_rev=J_rev, ratio=ratio,
                             max_difference=agree))
    print("max |jacfwd - jacrev| over all cases: "
          f"{max(r['max_difference'] for r in results):.1e}")
    return results


if __name__ == "__main__":
    results = main()
    assert all(r["max_difference"] < 1e-12 for r in results)
