"""Logistic regression on more data than a worker can hold, with a Dask cluster.

The gradient tangentlike generates is ordinary array code, so called with Dask
arrays it builds a Dask graph instead of computing: nothing runs until
``dask.compute``, then every task works on one chunk of rows. This script starts
a ``LocalCluster`` of two workers with a memory limit each, makes a dataset
several times larger than that limit (generated lazily, chunk by chunk, with
``dask.array``'s random numbers: it never exists whole anywhere), and fits the
weights by gradient descent. The parameters stay NumPy arrays (the intercept a
0-d array, so that its gradient is part of the same lazy graph; a Python float
parameter would get a Python float gradient, computed on the spot).

    python examples/dask_logistic.py                # 8.4M x 25: 1.56 GiB, 4x a worker's 400 MiB
    python examples/dask_logistic.py --rows 200000  # a quick run
"""
import argparse
import time

import dask
import dask.array as da
import numpy as np
from dask.distributed import Client, LocalCluster

import tangentlike as tl


def loss(w, b, X, y):
    z = X @ w + b
    return np.mean(np.logaddexp(0.0, z) - y * z)


value_and_grad = tl.value_and_grad(loss, wrt=(0, 1))


def make_data(rows, cols, chunk_rows, seed=0):
    """``(X, y, w_true)``: standard normal features, labels drawn from a logistic model
    (lazy Dask arrays in chunks of ``chunk_rows`` rows)."""
    rng = da.random.default_rng(seed)
    X = rng.standard_normal((rows, cols), chunks=(chunk_rows, cols))
    w_true = np.linspace(-1.0, 1.0, cols)
    p = 1.0 / (1.0 + da.exp(-(X @ w_true + 0.5)))
    y = (rng.random(rows, chunks=chunk_rows) < p).astype(float)
    return X, y, w_true


def fit(X, y, steps, lr):
    """Gradient descent from zero: one ``dask.compute`` (one pass over the data) per step."""
    w, b = np.zeros(X.shape[1]), np.zeros(())
    history = []
    for _ in range(steps):
        value, (gw, gb) = value_and_grad(w, b, X, y)  # a lazy graph, nothing computed yet
        value, gw, gb = dask.compute(value, gw, gb)
        history.append(float(value))
        w, b = w - lr * gw, b - lr * gb
    return w, b, history


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=8_400_000)
    ap.add_argument("--cols", type=int, default=25)
    ap.add_argument("--chunk-rows", type=int, default=300_000)
    ap.add_argument("--memory-limit", default="400MiB", help="per worker")
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--lr", type=float, default=2.0)
    ap.add_argument("--processes", action=argparse.BooleanOptionalAction, default=True,
                    help="worker processes (--no-processes: threads in this process)")
    opts = ap.parse_args(argv)
    X, y, w_true = make_data(opts.rows, opts.cols, opts.chunk_rows)
    gib = X.nbytes / 2**30
    with LocalCluster(n_workers=2, threads_per_worker=1, memory_limit=opts.memory_limit,
                      processes=opts.processes, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        limit = cluster.workers[0].memory_manager.memory_limit if not opts.processes else \
            next(iter(client.scheduler_info()["workers"].values()))["memory_limit"]
        print(f"data: {X.shape[0]} x {X.shape[1]} float64 = {gib:.2f} GiB in "
              f"{X.numblocks[0]} chunks; 2 workers, memory limit {limit / 2**30:.2f} GiB each "
              f"({X.nbytes / limit:.1f}x)")
        t0 = time.perf_counter()
        w, b, history = fit(X, y, opts.steps, opts.lr)
        seconds = time.perf_counter() - t0
    print(f"{opts.steps} gradient steps in {seconds:.1f} s; loss {history[0]:.4f} -> "
          f"{history[-1]:.4f}")
    print("fitted w[:4]:", np.round(w[:4], 3), " intercept:", round(float(b), 3))
    print("true   w[:4]:", np.round(w_true[:4], 3), " intercept: 0.5")
    return w, b, history


if __name__ == "__main__":
    w, b, history = main()
