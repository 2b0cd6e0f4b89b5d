"""Batched tangents: the helpers a batched JVP (``transforms/batch.py``) calls.

A batched tangent of a value ``v`` holds ``k`` tangents of ``v`` at once: for an array
or number, an array of shape ``(k,) + np.shape(v)`` (the batch axis leads); for a
container, the same container of batched leaves; ``None`` stays ``None``. Every
helper here is the batched form of one primitive: ``f_batch(..., t, ...)[j]`` equals
``f(..., t[j], ...)`` for each ``j`` (``tests/test_batch_rules.py`` checks it against
``k`` separate calls). The primal operands never carry the batch axis: an operand
whose rank exceeds the tangent's primal rank is met by ``lift``, which inserts the
size-1 axes NumPy's broadcasting would have put in front of the primal's shape,
after the batch axis (not before it, where broadcasting would put them).
"""
from __future__ import annotations

import numpy as np

from . import _is_fancy, add_at, zeros_like  # defined before the package imports this module
from .containers import restore_item
from .dtypes import float_dtype
from .records import is_record, rebuild_record, record_items


def _children(x):
    """The items of a container (dict, tuple, list, namedtuple, record); None for a leaf."""
    if x is None or isinstance(x, (np.ndarray, float, int, np.generic)):
        return None
    if isinstance(x, dict):
        return list(x.values())
    if isinstance(x, (tuple, list)):
        return list(x)
    return list(record_items(x)) if is_record(x) else None


def _build(like, items):
    """A container like ``like`` holding ``items``."""
    items = list(items)
    if isinstance(like, dict):
        return dict(zip(like, items))
    if hasattr(like, "_fields"):
        return type(like)(*items)
    if isinstance(like, (tuple, list)):
        return type(like)(items)
    return rebuild_record(like, items)


def _leaves(t):
    items = _children(t)
    if items is not None:
        for v in items:
            yield from _leaves(v)
    elif t is not None:
        yield t


def batch_size(t) -> int:
    """``k``: the length of the batch axis of the batched tangent ``t`` (its first leaf
    that is an array: ``None`` leaves, of strings and ranges, have none)."""
    for leaf in _leaves(t):
        if np.ndim(leaf):
            return int(np.shape(leaf)[0])
    raise TypeError("a batched tangent without an array leaf")


def _tree(fn, x):
    if x is None:
        return None
    items = _children(x)
    return fn(x) if items is None else _build(x, [_tree(fn, v) for v in items])


def _zero(z, k):
    return None if z is None else np.zeros((k,) + np.shape(z), dtype=np.result_type(z))


def zeros_batch(x, k):
    """``k`` zero tangents of ``x`` (``rt.zeros_like`` batched: the same dtypes, ``None``
    where it gives none); a fresh buffer."""
    if type(x) is float:  # the common cases: a constant in a nested list, a scalar carry,
        return np.zeros(k)
    if type(x) is list and all(type(v) is float for v in x):  # a row of constants
        return [np.zeros(k) for _ in x]
    return _tree(lambda z: _zero(z, k), zeros_like(x))


def spread(t, k):
    """The tangent ``t`` of the unbatched kind, the same for each of ``k`` members: a
    fresh (writable) batched tangent."""
    return _tree(lambda v: np.array(np.broadcast_to(v, (k,) + np.shape(v))), t)


def _pad(d, nd):
    if isinstance(d, (tuple, list, dict)):
        raise TypeError("a batched container where a batched array was expected")
    extra = nd - (np.ndim(d) - 1)
    if extra <= 0:
        return d
    d = np.asarray(d)
    return d.reshape(d.shape[:1] + (1,) * extra + d.shape[1:])


def lift(d, *others):
    """The batched ``d`` with size-1 axes after the batch axis, so that its primal rank is
    at least each unbatched operand's in ``others`` (an elementwise op's other operands)."""
    return _pad(d, max([np.ndim(o) for o in others] + [0]))


def lift_b(d, *others):
    """As ``lift``, for other operands that are batched themselves."""
    return _pad(d, max([np.ndim(o) - 1 for o in others] + [0]))


def _bidx(idx):
    return (slice(None),) + (idx if isinstance(idx, tuple) else (idx,))


def batch_index(x, idx):
    """The index that selects ``x[idx]`` in each member of the batched ``x``: ``idx``
    itself for a container (its items are batched), ``(:,) + idx`` for an array."""
    return idx if isinstance(x, (list, tuple, dict)) else _bidx(idx)


def lift_item(v, x, idx):
    """The batched value ``v`` shaped for ``x[idx] = v`` (``idx`` from ``batch_index``)."""
    if isinstance(x, (list, tuple, dict)):
        return v
    return _pad(v, np.ndim(x[idx]) - 1)


def getitem_batch(x, idx):
    """``x[idx]`` for each member of the batched ``x``. A member's element (a number: a
    copy, in NumPy) is a copy here too, not a view of ``x``'s column, which a later
    write into ``x`` would change."""
    out = x[batch_index(x, idx)]
    if type(x) is np.ndarray and x.ndim > 1 and out.ndim == 1 and out.base is not None:
        return out.copy()
    return out


def broadcast_like_batch(t, ans):
    """``rt.broadcast_like`` batched: each member spread to the shape of ``ans``."""
    t = _pad(t, np.ndim(ans))
    shape = t.shape[:1] + np.shape(ans)
    return t if t.shape == shape else np.array(np.broadcast_to(t, shape))


def unbroadcast_batch(g, x):
    """``rt.unbroadcast`` batched: each member summed down to the shape of ``x``."""
    g = np.asarray(g)
    shape = np.shape(x)
    lead = g.ndim - 1 - len(shape)
    if lead < 0:
        return np.array(np.broadcast_to(_pad(g, len(shape)), g.shape[:1] + shape))
    axes = tuple(range(1, 1 + lead)) + tuple(
        1 + lead + i for i, n in enumerate(shape) if n == 1 and g.shape[1 + lead + i] != 1)
    out = np.sum(g, axis=axes, keepdims=True) if axes else g
    return out.reshape(g.shape[:1] + shape)


def _axis(axis, nd):
    """A primal ``axis`` (None, an int or a tuple) as the axis of the batched array."""
    if axis is None:
        return tuple(range(1, nd + 1))
    if isinstance(axis, tuple):
        return tuple(_axis(a, nd) for a in axis)
    return axis + 1 if axis >= 0 else axis


def sum_batch(a, axis=None, dtype=None, out=None, keepdims=False):
    """``np.sum`` batched."""
    if out is not None:
        raise TypeError("np.sum(out=...) of a batched tangent")
    return np.sum(a, axis=_axis(axis, np.ndim(a) - 1), dtype=dtype, keepdims=keepdims)


def mean_batch(a, axis=None, dtype=None, out=None, keepdims=False):
    """``np.mean`` batched."""
    if out is not None:
        raise TypeError("np.mean(out=...) of a batched tangent")
    return np.mean(a, axis=_axis(axis, np.ndim(a) - 1), dtype=dtype, keepdims=keepdims)


def reshape_batch(a, shape, order="C"):
    """``np.reshape`` batched (``shape`` an int or a tuple, -1 allowed)."""
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return np.reshape(a, (np.shape(a)[0],) + shape, order=order) if order == "C" else \
        np.stack([np.reshape(m, shape, order=order) for m in a])


def transpose_batch(a, axes=None):
    """``np.transpose`` batched."""
    nd = np.ndim(a) - 1
    axes = tuple(range(nd))[::-1] if axes is None else tuple(x % nd for x in axes)
    return np.transpose(a, (0,) + tuple(x + 1 for x in axes))


def T_batch(a):
    """``rt.T`` (the transpose of a 2-D array, a 1-D or 0-D one itself) batched."""
    return np.swapaxes(a, 1, 2) if np.ndim(a) == 3 else a


def matmul_batch0(d, b):
    """``np.matmul(d, b)`` for each member of the batched ``d``."""
    if np.ndim(d) - 1 >= 2:
        return np.matmul(_pad(d, np.ndim(b)), b)
    if np.ndim(b) == 1:
        return np.matmul(d, b)
    e = d.reshape((d.shape[0],) + (1,) * (np.ndim(b) - 2) + (1, d.shape[1]))
    return np.matmul(e, b)[..., 0, :]


def matmul_batch1(a, d):
    """``np.matmul(a, d)`` for each member of the batched ``d``."""
    if np.ndim(d) - 1 >= 2:
        return np.matmul(a, _pad(d, np.ndim(a)))
    if np.ndim(a) == 1:
        return np.matmul(d, a)
    e = d.reshape((d.shape[0],) + (1,) * (np.ndim(a) - 2) + (d.shape[1], 1))
    return np.matmul(a, e)[..., 0]


def dot_batch0(d, b):
    """``np.dot(d, b)`` batched: a scalar factor is a product, ranks <= 2 a matmul,
    anything else member by member."""
    nd = np.ndim(d) - 1
    if np.ndim(b) == 0 or nd == 0:
        return _pad(d, np.ndim(b)) * b
    if nd <= 2 and np.ndim(b) <= 2:
        return matmul_batch0(d, b)
    return np.stack([np.dot(m, b) for m in d])


def dot_batch1(a, d):
    """``np.dot(a, d)`` batched (as ``dot_batch0``)."""
    nd = np.ndim(d) - 1
    if np.ndim(a) == 0 or nd == 0:
        return _pad(d, np.ndim(a)) * a
    if np.ndim(a) <= 2 and nd <= 2:
        return matmul_batch1(a, d)
    return np.stack([np.dot(a, m) for m in d])


def _flat(d, out):
    """The leaves of the nested lists/tuples ``d`` into ``out``; their nesting shape."""
    if isinstance(d, (list, tuple)):
        inner = [_flat(e, out) for e in d]
        return (len(d),) + inner[0] if inner and all(i == inner[0] for i in inner) else None
    out.append(d)
    return ()


def _stack_nested(d):
    """The batched leaves of nested lists stacked after the batch axis, as ``np.array``
    stacks the members' lists (one ``np.stack`` when the nesting is regular)."""
    if not isinstance(d, (list, tuple)):
        return np.asarray(d)
    leaves = []
    shape = _flat(d, leaves)
    if shape is not None and leaves and all(np.shape(v) == np.shape(leaves[0]) for v in leaves):
        s = np.stack(leaves, axis=1)
        return s.reshape(s.shape[:1] + shape + s.shape[2:])
    return np.stack([_stack_nested(e) for e in d], axis=1)


def as_float_grad_batch(d, x):
    """``rt.as_float_grad`` batched for an array or number ``x`` (the tangent of
    ``np.array(nested list)``: the batched leaves stacked after the batch axis) or a
    list/tuple ``x`` (each member split along the nesting)."""
    if isinstance(x, (list, tuple)):
        parts = (d[i] if isinstance(d, (list, tuple)) else d[:, i] for i in range(len(x)))
        return type(x)(as_float_grad_batch(p, v) for p, v in zip(parts, x))
    if x is None or isinstance(x, dict):
        raise TypeError("rt.as_float_grad of a batched tangent of a dict")
    g = _stack_nested(d)
    g = broadcast_like_batch(g, x) if g.ndim - 1 < np.ndim(x) else unbroadcast_batch(g, x)
    dtype = np.result_type(float_dtype(x) if isinstance(x, (np.ndarray, np.generic))
                           else float, g.dtype)
    return np.array(g, dtype=dtype, copy=True)


def stack_batch(arrays, axis=0):
    """``np.stack`` of a list of batched tangents."""
    return np.stack(arrays, axis=axis + 1 if axis >= 0 else axis)


def concatenate_batch(arrays, axis=0):
    """``np.concatenate`` of a list of batched tangents."""
    if axis is None:
        return np.concatenate([np.reshape(a, (np.shape(a)[0], -1)) for a in arrays], axis=1)
    return np.concatenate(arrays, axis=axis + 1 if axis >= 0 else axis)


def sum_vjp_batch(g, x, axis=None, keepdims=False):
    """``rt.sum_vjp`` (``g`` broadcast back to the shape of ``x``) batched."""
    nd = np.ndim(x)
    g = np.asarray(g)
    if not keepdims and axis is not None:
        axes = (axis,) if not isinstance(axis, tuple) else axis
        g = np.expand_dims(g, tuple(1 + (a % nd) for a in axes))
    g = _pad(g, nd)
    dtype = np.result_type(x.dtype if isinstance(x, (np.ndarray, np.generic)) else 0.0,
                           g.dtype, 0.0)
    out = np.empty(g.shape[:1] + np.shape(x), dtype=dtype)
    out[...] = g
    return out


def add_at_batch(acc, idx, g):
    """``rt.add_at`` (add ``g`` into ``acc[idx]`` in place, return ``acc``) batched."""
    if not isinstance(acc, np.ndarray):
        return add_at(acc, idx, g)  # a container: its items are batched
    bidx = _bidx(idx)
    if type(idx) is int or isinstance(idx, np.integer):
        g = _pad(g, acc.ndim - 2)
    else:
        g = _pad(g, np.ndim(acc[bidx]) - 1)
    if _is_fancy(idx):
        np.add.at(acc, bidx, g)  # repeated indices must each receive g
    else:
        acc[bidx] += g
    return acc


def restore_item_batch(x, idx, old):
    """``rt.restore_item`` (undo ``x[idx] = ...`` in place, return ``x``) batched."""
    if not isinstance(x, np.ndarray):
        return restore_item(x, idx, old)
    x[_bidx(idx)] = old
    return x


def _member(x, j):
    return _tree(lambda v: v[j], x)


def _stack_members(outs):
    first = outs[0]
    items = _children(first)
    if items is None:
        return None if first is None else np.stack([np.asarray(o) for o in outs])
    parts = [_children(o) for o in outs]
    return _build(first, [_stack_members([p[i] for p in parts]) for i in range(len(items))])


def per_member(fn, batched, *args, **kwargs):
    """``fn(*args, **kwargs)`` for each member of its batched operands (``batched``: their
    positions, or keyword names), the results stacked: the batched form of any function
    without effects, one call per member (``defbatch("loop")``)."""
    k = batch_size([args[b] if isinstance(b, int) else kwargs[b] for b in batched])
    outs = []
    for j in range(k):
        a = [_member(v, j) if i in batched else v for i, v in enumerate(args)]
        kw = {n: _member(v, j) if n in batched else v for n, v in kwargs.items()}
        outs.append(fn(*a, **kw))
    return _stack_members(outs)
