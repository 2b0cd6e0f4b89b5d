"""Values as vectors: the leaves of a (possibly nested) tuple/list/dict of floats and
arrays, random values and inner products of that structure (what autograd calls a
vector space; written here from its definition, for the numerical checks)."""
import numpy as np


def leaves(x):
    if isinstance(x, (list, tuple)):
        return [leaf for v in x for leaf in leaves(v)]
    if isinstance(x, dict):
        return [leaf for k in x for leaf in leaves(x[k])]
    return [x]


def rebuild(like, it):
    """A value with the structure of ``like`` whose leaves are taken from ``it``."""
    if isinstance(like, tuple) and hasattr(like, "_fields"):
        return type(like)(*[rebuild(v, it) for v in like])
    if isinstance(like, (list, tuple)):
        return type(like)(rebuild(v, it) for v in like)
    if isinstance(like, dict):
        return type(like)((k, rebuild(v, it)) for k, v in like.items())
    return next(it)


def _scalar(x):
    return not isinstance(x, np.ndarray)


def _leaf_randn(x):
    if _scalar(x):
        v = np.random.randn()
        return complex(v, np.random.randn()) if isinstance(x, complex) else float(v)
    v = np.random.randn(*np.shape(x))
    if np.iscomplexobj(x):
        v = v + 1j * np.random.randn(*np.shape(x))
    return v


def randn_like(x):
    return rebuild(x, iter([_leaf_randn(leaf) for leaf in leaves(x)]))


def ones_like(x):
    return rebuild(x, iter([1.0 if _scalar(v) else np.ones(np.shape(v)) for v in leaves(x)]))


def zeros_like(x):
    return rebuild(x, iter([0.0 if _scalar(v) else np.zeros(np.shape(v)) for v in leaves(x)]))


def axpy(a, x, y):
    """``a * x + y`` leaf by leaf."""
    return rebuild(y, iter([a * np.asarray(u) + v for u, v in zip(leaves(x), leaves(y))]))


def inner(x, y):
    lx, ly = leaves(x), leaves(y)
    assert len(lx) == len(ly), (len(lx), len(ly))
    total = 0.0
    for u, v in zip(lx, ly):
        u = 0.0 if u is None else u
        v = 0.0 if v is None else v
        total = total + np.sum(np.real(np.conj(np.asarray(u)) * np.asarray(v)))
    return float(total)


def same_shape(x, y):
    """``x`` and ``y`` have the same structure and leaf shapes."""
    lx, ly = leaves(x), leaves(y)
    return len(lx) == len(ly) and all(np.shape(u) == np.shape(v) for u, v in zip(lx, ly))
