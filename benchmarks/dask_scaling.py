"""How a tangentlike gradient over Dask data scales with the data (issue 18).

For logistic regression and a one-hidden-layer MLP, with NumPy parameters and Dask
data of a fixed chunk size (generated lazily in the graph), prints per data size: the
chunks, the graph's tasks and pickled bytes per chunk, the largest task result in
chunks of X, the time of the gradient's ``dask.compute`` on the threaded scheduler and
the same gradient computed by NumPy on the whole data in memory. Flat bytes per chunk
and a largest result of at most a chunk are the claims: nothing data-sized in the
graph, nothing data-sized held by a task.

    PYTHONPATH=$PWD python benchmarks/dask_scaling.py [--chunk-rows N] [--max-chunks K]
"""
from __future__ import annotations

import argparse
import time

import cloudpickle
import dask
import dask.array as da
import numpy as np
from dask.callbacks import Callback
from dask.highlevelgraph import HighLevelGraph

import tangentlike as tl

D, H = 50, 16


def logistic(w, b, X, y):
    z = X @ w + b
    return np.mean(np.logaddexp(0.0, z) - y * z)


def mlp(W1, b1, W2, X, y):
    h = np.tanh(X @ W1 + b1)
    r = h @ W2 - y
    return np.sum(r * r) / X.shape[0]


def _params():
    rng = np.random.default_rng(1)
    return {"logistic": (logistic, (0.1 * rng.standard_normal(D), np.zeros(())), (0, 1)),
            "mlp": (mlp, (0.1 * rng.standard_normal((D, H)), np.zeros(H),
                          0.1 * rng.standard_normal(H)), (0, 1, 2))}


class _Largest(Callback):
    def __init__(self):
        super().__init__()
        self.nbytes = 0

    def _posttask(self, key, result, dsk, state, worker_id):
        self.nbytes = max(self.nbytes, getattr(result, "nbytes", 0))


def run(name, chunks, chunk_rows):
    fn, params, wrt = _params()[name]
    rng = da.random.default_rng(0)
    n = chunks * chunk_rows
    X = rng.standard_normal((n, D), chunks=(chunk_rows, D))
    y = (rng.random(n, chunks=chunk_rows) < 0.5).astype(float)
    grad = tl.grad(fn, wrt=wrt)
    grads = grad(*params, X, y)
    hlg = HighLevelGraph.merge(*[g.dask for g in grads])
    tasks = dict(hlg)
    nbytes = len(cloudpickle.dumps(tasks))
    t0 = time.perf_counter()
    with _Largest() as largest:
        dask.compute(*grads, scheduler="threads")
    t_dask = time.perf_counter() - t0
    Xn, yn = dask.compute(X, y)
    t0 = time.perf_counter()
    grad(*params, Xn, yn)
    t_np = time.perf_counter() - t0
    return n, len(tasks), nbytes / chunks, largest.nbytes / (chunk_rows * D * 8), t_dask, t_np


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chunk-rows", type=int, default=20_000)
    ap.add_argument("--max-chunks", type=int, default=32)
    opts = ap.parse_args(argv)
    print(f"{'workload':9s} {'rows':>9s} {'chunks':>6s} {'tasks':>6s} {'bytes/chunk':>11s} "
          f"{'largest':>8s} {'dask s':>7s} {'numpy s':>8s}")
    for name in ("logistic", "mlp"):
        k = 2
        while k <= opts.max_chunks:
            n, ntask, per_chunk, largest, t_dask, t_np = run(name, k, opts.chunk_rows)
            print(f"{name:9s} {n:9d} {k:6d} {ntask:6d} {per_chunk:11.0f} {largest:7.2f}c "
                  f"{t_dask:7.3f} {t_np:8.3f}")
            k *= 4


if __name__ == "__main__":
    main()
