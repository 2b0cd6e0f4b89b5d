"""Central finite differences for functions of pytrees (dicts, lists, tuples,
namedtuples, dataclasses of floats and arrays), written independently of
tangentlike.pytrees so tests do not check the code with itself.

Step h = 1e-6: the truncation error is O(h^2) ~ 1e-12 and the rounding error
O(eps / h) ~ 1e-10 for the O(1) functions the tests use, so comparisons use
rtol=1e-6, atol=1e-8 (RTOL, ATOL), well above both and far below any real error.
"""
import dataclasses

import numpy as np

STEP, RTOL, ATOL = 1e-6, 1e-6, 1e-8


def leaves(x):
    """The leaves of ``x``, in order: dict values, dataclass fields, sequence items."""
    if isinstance(x, dict):
        return [leaf for v in x.values() for leaf in leaves(v)]
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return [leaf for f in dataclasses.fields(x) for leaf in leaves(getattr(x, f.name))]
    if isinstance(x, (list, tuple)):
        return [leaf for v in x for leaf in leaves(v)]
    return [x]


def ravel(x):
    return np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in leaves(x)] or
                          [np.zeros(0)])


def replace_leaves(x, it):
    if isinstance(x, dict):
        return {k: replace_leaves(v, it) for k, v in x.items()}
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return dataclasses.replace(x, **{f.name: replace_leaves(getattr(x, f.name), it)
                                         for f in dataclasses.fields(x)})
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*[replace_leaves(v, it) for v in x])
    if isinstance(x, (list, tuple)):
        return type(x)(replace_leaves(v, it) for v in x)
    return next(it)


def unravel(v, like):
    """``like`` with its leaves taken from the flat vector ``v`` (floats stay floats)."""
    parts, k = [], 0
    for leaf in leaves(like):
        n = int(np.size(leaf))
        piece = v[k:k + n]
        parts.append(float(piece[0]) if np.ndim(leaf) == 0 else piece.reshape(np.shape(leaf)))
        k += n
    return replace_leaves(like, iter(parts))


def jacobian(f, args, i):
    """Dense (out size, arg size) Jacobian of ``f`` w.r.t. argument ``i``, by central
    differences over the flattened pytrees."""
    x0 = ravel(args[i])
    cols = []
    for k in range(x0.size):
        vals = []
        for h in (STEP, -STEP):
            x = x0.copy()
            x[k] += h
            a = list(args)
            a[i] = unravel(x, args[i])
            vals.append(ravel(f(*a)))
        cols.append((vals[0] - vals[1]) / (2 * STEP))
    return np.stack(cols, axis=-1)


def dense(jac, out, x):
    """A structured Jacobian (``out``'s structure outside, ``x``'s inside) as the dense
    matrix ``jacobian`` gives: block (o, l) is leaf o of ``out`` by leaf l of ``x``."""
    blocks = leaves(jac)
    outs, ins = leaves(out), leaves(x)
    assert len(blocks) == len(outs) * len(ins)
    rows = []
    for o, ol in enumerate(outs):
        row = []
        for l, il in enumerate(ins):
            block = blocks[o * len(ins) + l]
            assert np.shape(block) == np.shape(ol) + np.shape(il), (o, l, np.shape(block))
            row.append(np.reshape(block, (np.size(ol), np.size(il))))
        rows.append(np.concatenate(row, axis=1))
    return np.concatenate(rows, axis=0)


def assert_close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL)
