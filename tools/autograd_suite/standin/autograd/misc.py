"""``autograd.misc``: ``flatten`` (a value's leaves as one vector, and the inverse) and
``const_graph`` (autograd caches a traced graph; here it is the function itself)."""
import numpy as np

from . import _space


def flatten(value):
    parts = [np.ravel(np.asarray(v, dtype=float)) for v in _space.leaves(value)]
    flat = np.concatenate(parts) if parts else np.zeros(0)

    def unflatten(vec):
        out, k = [], 0
        for v in _space.leaves(value):
            n = int(np.size(v))
            piece = np.reshape(vec[k:k + n], np.shape(v))
            out.append(piece if isinstance(v, np.ndarray) else float(piece))
            k += n
        return _space.rebuild(value, iter(out))
    return flat, unflatten


def const_graph(fun, *args, **kwargs):
    def wrapped(*more, **kw):
        return fun(*(args + more), **{**kwargs, **kw})
    return wrapped
