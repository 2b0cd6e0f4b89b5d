"""Issues 16 and 20: Jacobians with a batch of tangents in one sweep, against one sweep
per column, interleaved in one process.

``tl.jacfwd`` (and ``tl.hessian``, forward over reverse) carry every column of the
Jacobian through one sweep where every construct of the function has a batched form
(``transforms/batch.py``), else one sweep per column. Workloads: an HT-like function
(hand tracking, ADBench: rotation matrices built from 26 pose parameters with
``np.array`` of nested lists and ``np.cos``/``np.sin``, applied to 100, 800 and 6400
points) and the dense Hessian of the 50-parameter loop of ``hvp_loops.chain``.
The per-column figure is the same public call with the batched path switched off
(``jacobian_sweeps._UNBATCHED``). Run: ``python benchmarks/jacobian_batch.py [--quick]``.
"""
from __future__ import annotations

import argparse
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import tangentlike as tl  # noqa: E402
from tangentlike import jacobian_sweeps  # noqa: E402
from timing import interleaved  # noqa: E402
from hvp_loops import chain  # noqa: E402


def rot(a, b, c):
    """The rotation by Euler angles a, b, c, built from nested lists."""
    ca, sa, cb, sb, cc, sc = np.cos(a), np.sin(a), np.cos(b), np.sin(b), np.cos(c), np.sin(c)
    rx = np.array([[1.0, 0.0, 0.0], [0.0, ca, -sa], [0.0, sa, ca]])
    ry = np.array([[cb, 0.0, sb], [0.0, 1.0, 0.0], [-sb, 0.0, cb]])
    rz = np.array([[cc, -sc, 0.0], [sc, cc, 0.0], [0.0, 0.0, 1.0]])
    return rz @ ry @ rx


def hand(theta, points):
    """An HT-like pose: a global rotation and translation, then five fingers of a base
    rotation and three bending joints each, every point moved by its finger's chain."""
    R = rot(theta[0], theta[1], theta[2])
    out = points @ R.T + theta[3:6]
    parts = []
    for f in range(5):
        j = 6 + 4 * f
        M = rot(theta[j], theta[j + 1], 0.0)
        M = M @ rot(0.0, 0.0, theta[j + 2]) @ rot(0.0, 0.0, theta[j + 3])
        parts.append(out[f::5] @ M.T)
    return np.concatenate(parts, axis=0) * (1.0 + 0.0 * theta[0])


def _per_column(jac, args):
    """``jac(*args)`` with the batched path off for this function (as before it existed)."""
    vals, idx, _ = jacobian_sweeps.prepare(jac.fn, jac.wrt, args)
    known = jacobian_sweeps._UNBATCHED.setdefault(jac.fn, {})
    key = jacobian_sweeps.unbatched_key(vals, idx)
    known[key] = "switched off (benchmark)"
    try:
        return jac(*args)
    finally:
        del known[key]


def rows(quick):
    r = np.random.default_rng(20)
    theta = r.uniform(-0.5, 0.5, 26)
    out = []
    for n in ((100,) if quick else (100, 800, 6400)):
        pts = r.uniform(-1, 1, (n, 3))
        out.append((f"HT-like jacfwd, 26 parameters, {n} points", tl.jacfwd(hand),
                    hand, (theta, pts)))
    w = np.random.default_rng(5).uniform(-1, 1, 50)
    out.append(("Hessian of the 50-parameter loop (hvp_loops.chain)", tl.hessian(chain),
                tl.grad(chain), (w,)))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args(argv)
    rounds, target = (3, 0.05) if a.quick else (7, 0.3)
    print("| workload | one sweep per column | batched | speed-up | batched / gradient |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, jac, fn, args in rows(a.quick):
        fast, slow = jac(*args), _per_column(jac, args)
        assert jac(*args) is not None and "batched" in jac.sweeps, jac.sweeps
        assert np.allclose(fast, slow, rtol=1e-12, atol=1e-12), "batched != per column"
        g = tl.grad(lambda x: np.sum(hand(x, args[1]) ** 2)) if len(args) == 2 else fn
        t = interleaved({"column": lambda: _per_column(jac, args),
                         "batched": lambda: jac(*args), "grad": lambda: g(args[0])},
                        rounds, target)
        print(f"| {name} | {t.median('column') * 1e3:.3f} ms | {t.median('batched') * 1e3:.3f} ms "
              f"| {t.ratio('column', 'batched'):.1f}x | {t.ratio('batched', 'grad'):.1f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
