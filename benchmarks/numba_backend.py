"""Issue 18: the numba back end on scalar loops, against the numba-compiled primal and
``jax.jit(jax.grad)``.

Workloads: the RK4 scalar ODE of ``workloads.py`` (``ode_loss``, d/d(k, y0)) over many
steps, and a Gaussian-mixture log-likelihood written with Python loops over the points
and over the components (``gmm_loops`` below, d/d(mu, log_sigma, logit_w)). For each:

- ``primal``: ``numba.njit`` of the same source (its helper jitted too);
- ``tl numba``: ``tl.grad(f, backend="numba")`` called as users call it;
- ``JAX jit``: ``jax.jit(jax.grad(f))`` of the function written with ``jax.numpy`` as a
  user would for a jitted loop: ``lax.fori_loop`` over the steps / the points (a Python
  ``for`` over the 5 components inside, unrolled when traced); float64.

Steady state: the implementations are called in turn, each round timing a loop of
calls in CPU time of the process (the machine is shared: wall time mostly measures
waiting for a core); the best round and the median of per-round ratios are shown. First call: ``tl.grad`` + the first call in this process with an empty
tangentlike cache (tangentlike's compile and numba's; importing numba is timed apart),
and JAX's first call (trace and compile; ``import jax`` not counted). The gradients are checked against the NumPy back end (1e-12) and JAX before
anything is timed.

    PYTHONPATH=$PWD python benchmarks/numba_backend.py [--rounds N] [--quick]
"""
from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import time
import types

os.environ.setdefault("TANGENTLIKE_CACHE_DIR", tempfile.mkdtemp(prefix="tl-numba-bench-"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

import tangentlike as tl  # noqa: E402
from workloads import ODE_H, ode_loss, ode_rhs  # noqa: E402

LOG_2PI = 1.8378770664093453


def gmm_loops(mu, log_sigma, logit_w, x):
    """Log-likelihood of the points ``x`` under a 1-d mixture, loops over points and
    components (the weights a softmax of ``logit_w``)."""
    K = mu.shape[0]
    z = 0.0
    for k in range(K):
        z = z + np.exp(logit_w[k])
    log_z = np.log(z)
    total = 0.0
    for i in range(x.shape[0]):
        s = 0.0
        for k in range(K):
            d = (x[i] - mu[k]) * np.exp(-log_sigma[k])
            s = s + np.exp(logit_w[k] - log_z - log_sigma[k] - 0.5 * d * d)
        total = total + np.log(s)
    return total - x.shape[0] * 0.5 * LOG_2PI


def _numba_primal(fn, helpers):
    """``numba.njit`` of ``fn`` with the functions ``helpers`` (name -> function) jitted."""
    import numba
    scope = dict(fn.__globals__)
    scope.update({n: numba.njit(h) for n, h in helpers.items()})
    return numba.njit(types.FunctionType(fn.__code__, scope, fn.__name__))


def _jax_versions():
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    from jax import lax

    def ode_j(k, y0, n):
        def step(i, y):
            h = ODE_H
            k1 = -k * y + jnp.sin(y)
            k2 = -k * (y + 0.5 * h * k1) + jnp.sin(y + 0.5 * h * k1)
            k3 = -k * (y + 0.5 * h * k2) + jnp.sin(y + 0.5 * h * k2)
            k4 = -k * (y + h * k3) + jnp.sin(y + h * k3)
            return y + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        y = lax.fori_loop(0, n, step, y0)
        return y * y

    def gmm_j(mu, log_sigma, logit_w, x):
        K = mu.shape[0]
        z = 0.0
        for k in range(K):
            z = z + jnp.exp(logit_w[k])
        log_z = jnp.log(z)

        def point(i, total):
            s = 0.0
            for k in range(K):
                d = (x[i] - mu[k]) * jnp.exp(-log_sigma[k])
                s = s + jnp.exp(logit_w[k] - log_z - log_sigma[k] - 0.5 * d * d)
            return total + jnp.log(s)
        total = lax.fori_loop(0, x.shape[0], point, 0.0)
        return total - x.shape[0] * 0.5 * LOG_2PI

    return jax, {"ode": (ode_j, (0, 1), (2,)), "gmm": (gmm_j, (0, 1, 2), ())}


def _cases(quick):
    rng = np.random.default_rng(0)
    steps, points, K = (200, 200, 5) if quick else (2000, 2000, 5)
    gmm_args = (rng.standard_normal(K), 0.1 * rng.standard_normal(K),
                rng.standard_normal(K), 2.0 * rng.standard_normal(points))
    return {
        "ode": (f"RK4 scalar ODE, {steps} steps, d/d(k, y0)", ode_loss, {"ode_rhs": ode_rhs},
                (0.7, 1.2, steps), (0, 1)),
        "gmm": (f"GMM log-lik, loops over {points} points x {K} components, "
                "d/d(mu, log_sigma, logit_w)", gmm_loops, {}, gmm_args, (0, 1, 2)),
    }


def _per_call(fn, args, budget=0.02):
    """CPU seconds of this process per call of ``fn(*args)``, over a loop of about
    ``budget`` seconds (process time counts XLA's threads too, and not the time this
    process waits for a core of the shared machine)."""
    n, start = 0, time.process_time()
    while True:
        out = fn(*args)
        n += 1
        if hasattr(out, "block_until_ready"):
            out.block_until_ready()
        elif isinstance(out, tuple) and out and hasattr(out[0], "block_until_ready"):
            out[0].block_until_ready()
        elapsed = time.process_time() - start
        if elapsed >= budget:
            return elapsed / n


def _close(a, b, rtol):
    a, b = (a if isinstance(a, tuple) else (a,)), (b if isinstance(b, tuple) else (b,))
    return all(np.allclose(np.asarray(x), np.asarray(y), rtol=rtol, atol=rtol)
               for x, y in zip(a, b))


def run(rounds, quick):
    rows = []
    start = time.perf_counter()
    import numba  # noqa: F401 - timed apart: once per process, before any compile
    from tangentlike.runtime import numba_ext  # noqa: F401
    numba.njit(lambda v: v + 1.0)(1.0)  # numba's own start-up (LLVM), once per process
    print(f"import numba and tangentlike's numba helpers, numba's first compile: "
          f"{time.perf_counter() - start:.2f} s")
    try:
        jax, jaxfns = _jax_versions()
    except ImportError:
        jax, jaxfns = None, {}
    for name, (label, fn, helpers, args, wrt) in _cases(quick).items():
        start = time.perf_counter()
        g = tl.grad(fn, wrt=wrt, backend="numba")
        got = g(*args)
        first = time.perf_counter() - start
        ref = tl.grad(fn, wrt=wrt)(*args)
        assert _close(got, ref, 1e-12), (name, got, ref)
        primal = _numba_primal(fn, helpers)
        primal(*args)
        impls = {"primal": lambda *a: primal(*a), "tl numba": g}
        jfirst = None
        if jax is not None:
            jfn, argnums, static = jaxfns[name]
            jg = jax.jit(jax.grad(jfn, argnums=argnums), static_argnums=static)
            jargs = tuple(a if i in static else jax.numpy.asarray(a) for i, a in enumerate(args))
            start = time.perf_counter()
            jout = jg(*jargs)
            jax.block_until_ready(jout)
            jfirst = time.perf_counter() - start
            assert _close(tuple(np.asarray(o) for o in jout), got, 1e-9), (name, jout, got)
            impls["JAX jit"] = lambda *a, _jg=jg, _ja=jargs: _jg(*_ja)
        times = {k: [] for k in impls}
        for _ in range(rounds):
            for k, f in impls.items():
                times[k].append(_per_call(f, args))
        rows.append((name, label, times, first, jfirst))
    return rows


def _median_ratio(a, b):
    return statistics.median(x / y for x, y in zip(a, b))


def report(rows):
    print("| workload | primal (numba) | tl numba | tl / primal | JAX jit | JAX jit / tl "
          "| tl first call | JAX first call |")
    print("|---|---|---|---|---|---|---|---|")
    for name, label, t, first, jfirst in rows:
        best = {k: min(v) * 1e3 for k, v in t.items()}

        def both(a, b):  # best of the rounds, and the median of the per-round ratios
            return f"{min(t[a]) / min(t[b]):.2f}× ({_median_ratio(t[a], t[b]):.2f}×)"
        jax_cols = (f"{best['JAX jit']:.3f} ms | {both('JAX jit', 'tl numba')}"
                    if "JAX jit" in t else "– | –")
        jf = f"{jfirst:.2f} s" if jfirst is not None else "–"
        print(f"| {label} | {best['primal']:.3f} ms | {best['tl numba']:.3f} ms | "
              f"{both('tl numba', 'primal')} | {jax_cols} | {first:.2f} s | {jf} |")
    print("\nTimes: CPU time per call, best of the rounds; ratios: of the bests (in "
          "parentheses: the median of the per-round ratios).")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--quick", action="store_true", help="small sizes, 3 rounds")
    a = ap.parse_args()
    report(run(3 if a.quick else a.rounds, a.quick))


if __name__ == "__main__":
    main()
