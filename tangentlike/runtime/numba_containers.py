"""numba versions of the container helpers (tuples, lists) of generated code: part of
``numba_ext``, under the same promise (the values the NumPy helpers give, for the types
numba gives them). Fixed-length tuples get implementations written out for their length."""
from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload

from tangentlike.errors import UnsupportedSyntaxError

from . import add, add_at, as_float_grad, copy, setitem_vjp, zeros_like
from .containers import (append_vjp, check_unshared, iterable, iterable_vjp, restore_item,
                         save_item, unpack_vjp)


def _tuple_impl(n, params, item):
    """A function of ``params`` returning the tuple of ``item.format(i=i)`` for i < n."""
    body = ", ".join(item.format(i=i) for i in range(n)) + ("," if n == 1 else "")
    ns = {"zeros_like": zeros_like, "np": np}
    exec(compile(f"def impl({params}):\n    return ({body})\n", "<numba_ext>", "exec"), ns)  # noqa: S102
    return ns["impl"]


@overload(zeros_like)
def _zeros_like_containers(x):
    if isinstance(x, types.BaseTuple) and not isinstance(x, types.BaseNamedTuple):
        return _tuple_impl(len(x), "x", "zeros_like(x[{i}])")
    if isinstance(x, types.List):
        return lambda x: [zeros_like(v) for v in x]
    return None


@overload(setitem_vjp)
def _setitem_vjp(g, idx):
    if isinstance(g, types.Array) and isinstance(idx, types.Array) \
            and isinstance(idx.dtype, types.Integer):
        def impl_positions(g, idx):  # an element set twice keeps its last value only
            value = copy(g[idx])
            before = g.copy()
            before[idx] = 0
            n = g.shape[0]
            seen = np.zeros(n, dtype=np.bool_)
            for j in range(idx.shape[0] - 1, -1, -1):
                k = idx[j] + n if idx[j] < 0 else idx[j]
                if seen[k]:
                    value[j] = 0
                seen[k] = True
            return before, value
        if idx.ndim == 1:
            return impl_positions
        return None
    if isinstance(g, types.Array):
        def impl(g, idx):
            value = copy(g[idx])
            before = g.copy()
            before[idx] = 0
            return before, value
        return impl
    return None


@overload(save_item)
def _save_item(x, idx):
    if isinstance(x, (types.Array, types.List)):
        return lambda x, idx: copy(x[idx])
    return None


@overload(restore_item)
def _restore_item(x, idx, old):
    if isinstance(x, (types.Array, types.List)):
        def impl(x, idx, old):
            x[idx] = old
            return x
        return impl
    return None


@overload(unpack_vjp)
def _unpack_vjp(cts, value):
    if not isinstance(cts, types.BaseTuple):
        return None
    items = ["zeros_like(value[{i}])" if isinstance(t, types.NoneType) else "cts[{i}]"
             for t in cts]
    if isinstance(value, types.BaseTuple) and not isinstance(value, types.BaseNamedTuple):
        return _items_impl(items, "")
    if isinstance(value, types.Array):
        return _items_impl(items, "rows")
    return None


def _items_impl(items, how):
    """``unpack_vjp`` returning the tuple of ``items`` (``how="rows"``: their stack)."""
    parts = [it.format(i=i) for i, it in enumerate(items)]
    if how == "rows":
        lines = ["    out = np.empty(value.shape, dtype=np.float64)"]
        lines += [f"    out[{i}] = {p}" for i, p in enumerate(parts)] + ["    return out"]
    else:
        lines = [f"    return ({', '.join(parts)}{',' if len(parts) == 1 else ''})"]
    ns = {"zeros_like": zeros_like, "np": np}
    src = "def impl(cts, value):\n" + "\n".join(lines) + "\n"
    exec(compile(src, "<numba_ext unpack_vjp>", "exec"), ns)  # noqa: S102
    return ns["impl"]


@overload(add_at)
def _add_at_containers(acc, idx, g):
    if isinstance(acc, types.List):
        def impl(acc, idx, g):
            acc[idx] = add(acc[idx], g)
            return acc
        return impl
    if isinstance(acc, types.BaseTuple) and isinstance(idx, types.IntegerLiteral) and \
            not isinstance(acc, types.BaseNamedTuple):
        at = idx.literal_value % len(acc)
        parts = ["add(acc[{i}], g)" if i == at else "acc[{i}]" for i in range(len(acc))]
        body = ", ".join(p.format(i=i) for i, p in enumerate(parts)) + ("," if len(acc) == 1 else "")
        ns = {"add": add}
        exec(compile(f"def impl(acc, idx, g):\n    return ({body})\n", "<numba_ext add_at>",  # noqa: S102
                     "exec"), ns)
        return ns["impl"]
    return None


@overload(append_vjp)
def _append_vjp(g):
    if isinstance(g, types.List):
        return lambda g: (g[:-1], g[-1])
    return None


@overload(setitem_vjp)
def _setitem_vjp_list(g, idx):
    if isinstance(g, types.List):
        def impl(g, idx):
            value = copy(g[idx])
            before = list(g)
            before[idx] = zeros_like(g[idx])
            return before, value
        return impl
    return None


@overload(add)
def _add_tuples(a, b):
    if isinstance(a, types.BaseTuple) and isinstance(b, types.BaseTuple) and \
            not isinstance(a, types.BaseNamedTuple) and len(a) == len(b):
        n = len(a)
        body = ", ".join(f"add(a[{i}], b[{i}])" for i in range(n)) + ("," if n == 1 else "")
        ns = {"add": add}
        exec(compile(f"def impl(a, b):\n    return ({body})\n", "<numba_ext add>",  # noqa: S102
                     "exec"), ns)
        return ns["impl"]
    return None


@overload(as_float_grad)
def _as_float_grad(g, x):
    """The gradient of a list or tuple of numbers built into an array (``np.array(lst)``)."""
    if isinstance(g, types.Array) and g.ndim == 1 and isinstance(x, types.List) and \
            isinstance(x.dtype, types.Float) and x.dtype.bitwidth == 64:
        return lambda g, x: [float(g[i]) for i in range(len(x))]
    if isinstance(g, types.Array) and g.ndim == 1 and isinstance(x, types.UniTuple) and \
            isinstance(x.dtype, types.Float) and x.dtype.bitwidth == 64 and \
            not isinstance(x, types.BaseNamedTuple):
        n = len(x)
        body = ", ".join(f"float(g[{i}])" for i in range(n)) + ("," if n == 1 else "")
        ns = {}
        exec(compile(f"def impl(g, x):\n    return ({body})\n", "<numba_ext as_float_grad>",  # noqa: S102
                     "exec"), ns)
        return ns["impl"]
    return None


@overload(check_unshared)
def _check_unshared(target, other, name, other_name):
    """Raise when the memory of ``other`` overlaps ``target``'s (numba cannot ask NumPy's
    exact ``shares_memory``: overlapping bounds are enough to refuse, never to allow)."""
    if not (isinstance(target, types.Array) and isinstance(other, types.Array)):
        return lambda target, other, name, other_name: None
    if not (isinstance(name, types.StringLiteral) and isinstance(other_name, types.StringLiteral)):
        return None
    msg = (f"in-place change of '{name.literal_value}' while '{other_name.literal_value}' "
           f"may be a view of the same data (make a copy: {other_name.literal_value} = "
           f"{other_name.literal_value}.copy())")

    def impl(target, other, name, other_name):
        a, b = target.ctypes.data, other.ctypes.data
        if target.size and other.size and a < b + other.nbytes and b < a + target.nbytes:
            raise UnsupportedSyntaxError(msg)
    return impl


@overload(iterable)
def _iterable(x):  # numba's values are never dicts: the loop runs over x itself
    return lambda x: x


@overload(iterable_vjp)
def _iterable_vjp(ct, x):
    return lambda ct, x: ct
