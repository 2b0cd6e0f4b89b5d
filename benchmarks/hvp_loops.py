"""Issue 16: Hessian-vector products of loop code, as a multiple of one gradient.

``tl.hvp`` is one forward sweep over the generated reverse-mode gradient
(Pearlmutter 1994); its tape of tangents is pushed and popped like the tape, so
the ratio HVP / gradient should be a small constant (target <= 5x) and flat in
the trip count. Workloads: the scalar RK4 ODE loop of ``workloads.py`` at 200,
2,000 and 20,000 steps, the RNN workload (d/dW), and a least-squares fit of a
polynomial (a loop over the terms inside a loop over the data). Also the dense
Hessian of a 50-parameter loop function against one gradient (target <= 60x): one
forward sweep over the gradient carrying all 50 tangents as a batch
(``transforms/batch.py``; ``benchmarks/jacobian_batch.py`` compares it with 50 sweeps).
Each ratio is the median over rounds of the two timed in the same round
(``timing.interleaved``), with the public API calls (``tl.grad(f)(...)`` against
``tl.hvp(f, ...)``). Run: ``python benchmarks/hvp_loops.py [--quick]``.
"""
from __future__ import annotations

import argparse
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import tangentlike as tl  # noqa: E402
from timing import interleaved  # noqa: E402
from workloads import ode_loss, rnn_args, rnn_loss  # noqa: E402


def poly_fit(c, xs, ys):
    """Least squares of a polynomial, Horner's rule inside the loop over the data."""
    loss = 0.0
    for k in range(xs.shape[0]):
        p = 0.0
        for j in range(c.shape[0]):
            p = p * xs[k] + c[j]
        loss = loss + (p - ys[k]) ** 2
    return loss


def chain(w):
    """A loop over 50 parameters, each step coupling the next one to the state."""
    s = 0.5
    for i in range(w.shape[0]):
        s = s + 0.1 * np.sin(w[i] * s) + 0.05 * w[i] * w[i]
    return s * s


def _check(f, args, v, hv):
    g = tl.grad(f)
    h = 1e-6
    fd = (np.asarray(g(args[0] + h * v, *args[1:])) - np.asarray(g(args[0] - h * v, *args[1:])))
    assert np.allclose(hv, fd / (2 * h), rtol=1e-4, atol=1e-7), "HVP disagrees with FD"


def hvp_rows(quick):
    """(name, f, args, v) of the HVP workloads."""
    r = np.random.default_rng(16)
    rows = [(f"ODE loop, {n} steps", ode_loss, (0.7, 1.2, n), 1.0)
            for n in ((200, 2000) if quick else (200, 2000, 20000))]
    W, U, b, xs = rnn_args(quick)
    rows.append(("RNN (workloads.rnn), d/dW", rnn_loss, (W, U, b, xs),
                 r.standard_normal(W.shape)))
    m = 20 if quick else 200
    xs_, ys = r.uniform(-1, 1, m), r.uniform(-1, 1, m)
    rows.append((f"polynomial least squares, {m} points x 5 terms", poly_fit,
                 (r.uniform(-1, 1, 5), xs_, ys), r.uniform(-1, 1, 5)))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args(argv)
    rounds, target = (3, 0.05) if a.quick else (7, 0.3)
    print("| workload | gradient | HVP | HVP / gradient (target <= 5x) |")
    print("| --- | ---: | ---: | ---: |")
    for name, f, args, v in hvp_rows(a.quick):
        g = tl.grad(f)
        _check(f, args, v, tl.hvp(f, args, v))
        t = interleaved({"grad": lambda: g(*args), "hvp": lambda: tl.hvp(f, args, v)},
                        rounds, target)
        print(f"| {name} | {t.median('grad') * 1e3:.3f} ms | {t.median('hvp') * 1e3:.3f} ms "
              f"| {t.ratio('hvp', 'grad'):.2f}x |")
    w = np.random.default_rng(5).uniform(-1, 1, 50)
    g, hess = tl.grad(chain), tl.hessian(chain)
    H = hess(w)
    assert np.allclose(H, H.T, rtol=1e-8, atol=1e-10)
    t = interleaved({"grad": lambda: g(w), "hessian": lambda: hess(w)}, rounds, target)
    print(f"| Hessian of a 50-parameter loop (dense, one batched sweep of 50 tangents; "
          f"target <= 60x) | "
          f"{t.median('grad') * 1e3:.3f} ms | {t.median('hessian') * 1e3:.3f} ms | "
          f"{t.ratio('hessian', 'grad'):.1f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
