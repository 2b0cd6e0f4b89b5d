"""tangentlike's array-API gradient under ``jax.jit`` against ``jax.jit(jax.grad)``.

JAX is not a requirement of tangentlike: this benchmark runs only where ``jax`` is
installed. The gradient ``tl.grad(f, backend="array_api")`` generates takes its
namespace from its arguments, so called on JAX arrays it is JAX code and ``jax.jit``
traces it; the peer is ``jax.grad`` of the same function written with ``jax.numpy``.
Both in float64, steady state (median of repeated calls after compiling, the two called in turn,
with ``block_until_ready``), and the first call's time (tracing and compiling). Prints the
ratio tangentlike / JAX (issue 18's target: at most 1.3).

    PYTHONPATH=$PWD python benchmarks/array_api_jax.py [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import tangentlike as tl


def logistic(w, b, X, y):
    z = X @ w + b
    return np.mean(np.logaddexp(0.0, z) - y * z)


def mlp(W1, b1, W2, b2, X, y):
    h = np.tanh(X @ W1 + b1)
    r = h @ W2 + b2 - y
    return np.sum(r * r) / X.shape[0]


def _jax_versions(jnp):
    def logistic_j(w, b, X, y):
        z = X @ w + b
        return jnp.mean(jnp.logaddexp(0.0, z) - y * z)

    def mlp_j(W1, b1, W2, b2, X, y):
        h = jnp.tanh(X @ W1 + b1)
        r = h @ W2 + b2 - y
        return jnp.sum(r * r) / X.shape[0]

    return {"logistic": logistic_j, "mlp": mlp_j}


def _cases():
    rng = np.random.default_rng(0)
    n, d, h, o = 20000, 200, 64, 10
    X = rng.standard_normal((n, d))
    return {
        "logistic": (logistic, (0.1 * rng.standard_normal(d), np.zeros(()), X,
                                (rng.random(n) < 0.5).astype(float)), (0, 1)),
        "mlp": (mlp, (0.1 * rng.standard_normal((d, h)), np.zeros(h),
                      0.1 * rng.standard_normal((h, o)), np.zeros(o), X,
                      rng.standard_normal((n, o))), (0, 1, 2, 3)),
    }


def _first(fn, args, jax):
    t0 = time.perf_counter()
    jax.block_until_ready(fn(*args))
    return time.perf_counter() - t0


def _interleaved(fns, args, repeat, jax):
    """Median seconds per call of each of ``fns``, called in turn (a shared machine's
    load then falls on all of them alike)."""
    times = [[] for _ in fns]
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            t0 = time.perf_counter()
            jax.block_until_ready(fn(*args))
            times[k].append(time.perf_counter() - t0)
    return [statistics.median(t) for t in times]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    opts = ap.parse_args(argv)
    try:
        import jax
    except ImportError:
        print("jax is not installed: nothing to compare (pip install jax)")
        return
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    peers = _jax_versions(jnp)
    print(f"{'workload':9s} {'tl first s':>10s} {'jax first s':>11s} {'tl ms':>8s} "
          f"{'jax ms':>8s} {'tl/jax':>7s}  max |diff|")
    for name, (fn, args, wrt) in _cases().items():
        jargs = tuple(jnp.asarray(a) for a in args)
        ours = jax.jit(tl.grad(fn, wrt=wrt, backend="array_api"))
        theirs = jax.jit(jax.grad(peers[name], argnums=wrt))
        f1, f2 = _first(ours, jargs, jax), _first(theirs, jargs, jax)
        t1, t2 = _interleaved([ours, theirs], jargs, opts.repeat, jax)
        diff = max(float(jnp.max(jnp.abs(a - b))) for a, b in zip(ours(*jargs), theirs(*jargs)))
        print(f"{name:9s} {f1:10.2f} {f2:11.2f} {t1 * 1e3:8.2f} {t2 * 1e3:8.2f} "
              f"{t1 / t2:7.2f}  {diff:.1e}")


if __name__ == "__main__":
    main()
