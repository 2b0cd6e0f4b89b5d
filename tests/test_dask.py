"""Generated gradients and JVPs on Dask arrays (issue 18): NumPy parameters, Dask data.

The derivative code is the NumPy back end's, unchanged; the runtime helpers keep
foreign arrays in their library. Checked: the results are lazy Dask arrays equal to
the NumPy gradient (to 1e-12: the same float64 operations, only summed chunk by
chunk, so they differ by rounding alone), no task result is larger than two chunks of
the data, the graph carries nothing data-sized (its layers and its bytes per chunk do
not grow with the data), and the same code runs on a ``dask.distributed``
``LocalCluster`` of two workers, both of which get work.
"""
import io
import pickle
import runpy
import warnings
from pathlib import Path

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
distributed = pytest.importorskip("dask.distributed")
cloudpickle = pytest.importorskip("cloudpickle")

import tangentlike as tl  # noqa: E402
from dask.callbacks import Callback  # noqa: E402
from dask.highlevelgraph import HighLevelGraph  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 250  # rows per chunk
D, H = 6, 5


def logistic(w, b, X, y):
    z = X @ w + b
    return np.mean(np.logaddexp(0.0, z) - y * z)


def mlp(W1, b1, W2, X, y):
    h = np.tanh(X @ W1 + b1)
    r = h @ W2 - y
    return np.sum(r * r) / X.shape[0]


def _data(n, seed=0):
    rng = np.random.default_rng(seed)
    Xn = rng.standard_normal((n, D))
    yn = (rng.random(n) < 0.5).astype(float)
    return Xn, yn, da.from_array(Xn, chunks=(CHUNK, D)), da.from_array(yn, chunks=CHUNK)


def _params(seed=1):
    rng = np.random.default_rng(seed)
    return {"logistic": (logistic, (0.3 * rng.standard_normal(D), np.asarray(0.1)), (0, 1)),
            "mlp": (mlp, (0.5 * rng.standard_normal((D, H)), 0.1 * rng.standard_normal(H),
                          0.5 * rng.standard_normal(H)), (0, 1, 2))}


def _close(got, want):
    for a, b in zip(got, want):
        assert np.shape(a) == np.shape(b)
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


class _Sizes(Callback):
    """The largest result of any task the local scheduler runs."""

    def __init__(self):
        super().__init__()
        self.largest = 0

    def _posttask(self, key, result, dsk, state, worker_id):
        self.largest = max(self.largest, getattr(result, "nbytes", 0))


@pytest.mark.parametrize("name", ["logistic", "mlp"])
def test_reverse_gradient_is_lazy_chunkwise_and_matches_numpy(name):
    fn, params, wrt = _params()[name]
    Xn, yn, X, y = _data(2000)
    grads = tl.grad(fn, wrt=wrt)(*params, X, y)
    assert all(isinstance(g, da.Array) for g in grads)  # nothing computed yet
    with _Sizes() as sizes:
        got = dask.compute(*grads, scheduler="threads")
    _close(got, tl.grad(fn, wrt=wrt)(*params, Xn, yn))
    assert 0 < sizes.largest <= 2 * CHUNK * D * 8  # never more than two chunks of X


def test_value_and_grad_and_jvp_stay_lazy():
    fn, params, wrt = _params()["logistic"]
    Xn, yn, X, y = _data(1000)
    value, grads = tl.value_and_grad(fn, wrt=wrt)(*params, X, y)
    assert isinstance(value, da.Array) and value.shape == ()
    np.testing.assert_allclose(value.compute(), fn(*params, Xn, yn), rtol=1e-12)
    tangents = (np.ones(D), np.asarray(1.0), None, None)
    out, dout = tl.jvp(fn, (*params, X, y), tangents)
    assert isinstance(out, da.Array) and isinstance(dout, da.Array)
    want = tl.jvp(fn, (*params, Xn, yn), tangents)
    np.testing.assert_allclose(dask.compute(out, dout), want, rtol=1e-12)
    # forward-sweep identity: the JVP along (1, 1) is the sum of the gradient's entries
    gw, gb = dask.compute(*grads)
    np.testing.assert_allclose(dout.compute(), np.sum(gw) + gb, rtol=1e-12)


def test_forward_mode_grad_computes_one_sweep_per_parameter_element():
    """Documented: ``mode="forward"`` fills a NumPy gradient, so each of its entries is one
    JVP computed on the spot (n passes over the data); reverse mode is one lazy graph."""
    fn, params, wrt = _params()["logistic"]
    Xn, yn, X, y = _data(500)
    calls = []
    with Callback(pretask=lambda key, dsk, state: calls.append(key)):
        gw, gb = tl.grad(fn, wrt=wrt, mode="forward")(*params, X, y)
    assert isinstance(gw, np.ndarray) and calls  # computed, not a graph
    _close((gw, gb), tl.grad(fn, wrt=wrt)(*params, Xn, yn))


class _ArrayBytes(cloudpickle.Pickler):
    """Pickles a graph, noting the largest NumPy array inside it."""

    def __init__(self, f):
        super().__init__(f, protocol=pickle.HIGHEST_PROTOCOL)
        self.largest = 0

    def reducer_override(self, obj):
        if isinstance(obj, np.ndarray):
            self.largest = max(self.largest, obj.nbytes)
        return super().reducer_override(obj)


def _graph(name, n):
    fn, params, wrt = _params()[name]
    rng = da.random.default_rng(0)  # data made in the graph: only the code's own constants remain
    X = rng.standard_normal((n, D), chunks=(CHUNK, D))
    y = rng.random(n, chunks=CHUNK)
    grads = tl.grad(fn, wrt=wrt)(*params, X, y)
    hlg = HighLevelGraph.merge(*[g.dask for g in grads])
    buf = io.BytesIO()
    p = _ArrayBytes(buf)
    p.dump(dict(hlg))
    kinds = sorted(name.rsplit("-", 1)[0] for name in hlg.layers)  # the name less its token
    return kinds, len(buf.getvalue()), p.largest


@pytest.mark.parametrize("name", ["logistic", "mlp"])
def test_graph_size_does_not_grow_with_the_data(name):
    small, large = _graph(name, 8 * CHUNK), _graph(name, 32 * CHUNK)
    # the same layers, but for the levels of Dask's tree reductions (log of the chunk count)
    assert set(small[0]) == set(large[0])
    extra = list(large[0])
    for k in small[0]:
        extra.remove(k)
    assert all(k.endswith("-partial") for k in extra)
    per_chunk = small[1] / 8, large[1] / 32
    assert per_chunk[1] <= 1.1 * per_chunk[0]  # bytes scale with the chunk count only
    param_bytes = sum(np.asarray(p).nbytes for p in _params()[name][1])
    assert large[2] <= param_bytes  # no array bigger than the parameters is shipped


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address=":0")
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.mark.parametrize("name", ["logistic", "mlp"])
def test_gradient_on_a_local_cluster_splits_work_across_both_workers(client, name):
    fn, params, wrt = _params()[name]
    Xn, yn, X, y = _data(4000)
    grads = tl.grad(fn, wrt=wrt)(*params, X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. distributed's "Sending large graph"
        with distributed.get_task_stream(client) as ts:
            got = client.compute(list(grads), sync=True)
    _close(got, tl.grad(fn, wrt=wrt)(*params, Xn, yn))
    assert len({t["worker"] for t in ts.data}) == 2


def test_example_fits_on_a_cluster_with_data_larger_than_a_worker_limit(capsys):
    env = runpy.run_path(str(ROOT / "examples" / "dask_logistic.py"), run_name="not_main")
    # worker processes (a memory limit is a process's), 250 MiB of data, 200 MiB per worker
    w, b, history = env["main"](["--rows", "4096000", "--cols", "8", "--chunk-rows", "256000",
                                 "--memory-limit", "200MiB", "--steps", "2"])
    out = capsys.readouterr().out
    assert "2 workers, memory limit 0.20 GiB each (1.2x)" in out
    assert history[1] < history[0] < 0.7  # descends from log(2)
    assert np.corrcoef(w, env["make_data"](1000, 8, 1000)[2])[0, 1] > 0.99


def indexed(X, w):
    return np.sum(np.tanh(X @ w) ** 2) + np.sum(X[0] * 2.0)


def test_gradient_with_respect_to_dask_data_is_lazy_too():
    """A Dask array may itself be differentiated: its zero cotangent is Dask zeros in its
    chunks (``rt.zeros_like``), and the row cotangent of ``X[0]`` is added into it."""
    Xn, _, X, _ = _data(1000)
    w = np.linspace(-1.0, 1.0, D)
    gX, gw = tl.grad(indexed, wrt=(0, 1))(X, w)
    assert isinstance(gX, da.Array) and gX.chunks == X.chunks
    _close(dask.compute(gX, gw), tl.grad(indexed, wrt=(0, 1))(Xn, w))
