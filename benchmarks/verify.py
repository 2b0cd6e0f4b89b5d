"""Correctness checks run before anything is timed.

``check_workload`` asserts that tangentlike's gradient equals the hand-written
one (to rounding) and that both match central finite differences along random
directions (a directional-derivative test: cheap even for 20000 x 200 data,
and it exercises every differentiated argument at once). ``check_peer`` asserts
that a peer's gradient equals the hand-written one.
"""
from __future__ import annotations

import numpy as np


def _perturb(args, wrt, dirs, eps):
    out = list(args)
    for i, d in zip(wrt, dirs):
        out[i] = args[i] + eps * d
    return out


def _directions(args, wrt, rng):
    return [rng.standard_normal(np.shape(args[i])) if np.ndim(args[i]) else
            float(rng.standard_normal()) for i in wrt]


def directional_fd(f, args, wrt, grads, n_dirs=3, eps=1e-6, rtol=1e-5):
    """Assert <grad, v> == (f(x + eps v) - f(x - eps v)) / (2 eps) for random v."""
    rng = np.random.default_rng(0)
    for _ in range(n_dirs):
        dirs = _directions(args, wrt, rng)
        fd = (float(f(*_perturb(args, wrt, dirs, eps)))
              - float(f(*_perturb(args, wrt, dirs, -eps)))) / (2 * eps)
        ad = sum(float(np.sum(np.asarray(g) * d)) for g, d in zip(grads, dirs))
        scale = max(abs(fd), abs(ad), 1e-8)
        assert abs(fd - ad) <= rtol * scale + 1e-7, \
            f"{f.__name__}: directional derivative {ad!r} != finite difference {fd!r}"


def assert_same(name, got, want, rtol=1e-9, atol=1e-12):
    assert len(got) == len(want), f"{name}: {len(got)} gradients, expected {len(want)}"
    for k, (a, b) in enumerate(zip(got, want)):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        assert a.shape == b.shape, f"{name}: gradient {k} has shape {a.shape}, not {b.shape}"
        assert np.allclose(a, b, rtol=rtol, atol=atol), \
            f"{name}: gradient {k} differs by {np.max(np.abs(a - b))}"


def check_workload(w, args, tl_grad):
    """Assert tangentlike == hand-written == finite differences for workload ``w``."""
    hand = w.hand(*args)
    ours = tl_grad(*args)
    ours = ours if isinstance(ours, tuple) else (ours,)
    assert_same(f"{w.name}: tangentlike vs hand-written", ours, hand)
    directional_fd(w.primal, args, w.wrt, hand)


def check_peer(w, peer, grads, hand):
    assert_same(f"{w.name}: {peer} vs hand-written", grads, hand, rtol=1e-7, atol=1e-10)
