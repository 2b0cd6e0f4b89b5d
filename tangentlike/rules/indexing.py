"""VJP and JVP rules of indexing: subscripts, ``take``, ``take_along_axis``, ``sort``,
``repeat``, and of the runtime helpers that scatter cotangents.

Promises: a VJP rule scatters ``g`` into zeros shaped like the indexed value,
adding at repeated indices (fancy indexing with index lists, ``take`` with
repeats, ``repeat``); a JVP rule indexes the tangent the way the primal indexes
its value, so it has the shape of ``ans``. ``x[i]`` covers integers, slices,
index lists and arrays, boolean masks and tuples of them, and containers (list,
tuple, dict). ``sort`` is ``take_along_axis`` with the sorting permutation
(``np.argsort`` with the same ``kind``), so tied values get the derivative of
the position argsort gives them.

The helpers' own rules are their adjoints: scattering (``getitem_vjp``,
``take_vjp``, ``take_along_axis_vjp``) and gathering are adjoint to each
other, so derivative code can be differentiated again (docs/architecture.md: closure).
"""
import operator

import numpy as np

from .. import runtime as rt
from .registry import defjvp, defvjp


@defvjp(operator.getitem)
def getitem(g, ans, a, b):
    return rt.getitem_vjp(g, a, b)


@defjvp(operator.getitem)
def getitem_jvp(d, ans, a, b):
    return d[b]


@defvjp(np.take)
def take(g, ans, a, indices, axis=None):
    return rt.take_vjp(g, a, indices, axis)


@defjvp(np.take)
def take_jvp(d, ans, a, indices, axis=None):
    return np.take(d, indices, axis=axis)


@defvjp(np.take_along_axis)
def take_along_axis(g, ans, arr, indices, axis=-1):
    return rt.take_along_axis_vjp(g, arr, indices, axis)


@defjvp(np.take_along_axis)
def take_along_axis_jvp(d, ans, arr, indices, axis=-1):
    return np.take_along_axis(d, indices, axis=axis)


@defvjp(np.sort)
def sort(g, ans, a, axis=-1, kind=None):
    return rt.take_along_axis_vjp(g, a, np.argsort(a, axis=axis, kind=kind), axis)


@defjvp(np.sort)
def sort_jvp(d, ans, a, axis=-1, kind=None):
    return np.take_along_axis(d, np.argsort(a, axis=axis, kind=kind), axis=axis)


@defvjp(np.repeat)
def repeat(g, ans, a, repeats, axis=None):
    return rt.take_vjp(g, a, rt.repeat_index(a, repeats, axis), axis)


@defjvp(np.repeat)
def repeat_jvp(d, ans, a, repeats, axis=None):
    return np.repeat(d, repeats, axis=axis)


# --- Rules of the runtime helpers (linear in their cotangent arguments) -------------

@defvjp(rt.getitem_vjp)
def getitem_vjp(ct, out, g, x, idx):
    return rt.as_float_grad(ct[idx], g)


@defjvp(rt.getitem_vjp)
def getitem_vjp_jvp(d, out, g, x, idx):
    return rt.getitem_vjp(d, x, idx)


@defvjp(rt.setitem_vjp)
def setitem_vjp(ct, out, g, idx):
    return rt.add(rt.setitem_vjp(ct[0], idx)[0],
                  rt.getitem_vjp(rt.keep_assigned(ct[1], ct[0], idx), ct[0], idx))


@defvjp(rt.keep_assigned)
@defjvp(rt.keep_assigned)
def keep_assigned(g, ans, v, x, idx):
    return rt.keep_assigned(g, x, idx)  # a 0/1 mask on v: its own adjoint


@defjvp(rt.setitem_vjp)
def setitem_vjp_jvp(d, out, g, idx):
    return rt.setitem_vjp(d, idx)


@defvjp(rt.add_at, argnums=(0, 2))
def add_at(ct, out, acc, idx, g):
    return ct, rt.as_float_grad(ct[idx], g)


@defjvp(rt.add_at)
def add_at_jvp0(d, out, acc, idx, g):
    return d


@defjvp(rt.add_at, argnum=2)
def add_at_jvp2(d, out, acc, idx, g):
    return rt.getitem_vjp(d, acc, idx)


@defvjp(rt.add, argnums=(0, 1))
def add(ct, out, a, b):
    return rt.as_float_grad(ct, a), rt.as_float_grad(ct, b)


@defjvp(rt.add)
def add_jvp0(d, out, a, b):
    return d


@defjvp(rt.add, argnum=1)
def add_jvp1(d, out, a, b):
    return d


@defvjp(rt.take_vjp)
def take_vjp(ct, out, g, a, indices, axis=None):
    return np.take(ct, indices, axis=axis)


@defjvp(rt.take_vjp)
def take_vjp_jvp(d, out, g, a, indices, axis=None):
    return rt.take_vjp(d, a, indices, axis)


@defvjp(rt.take_along_axis_vjp)
def take_along_axis_vjp(ct, out, g, arr, indices, axis=-1):
    return np.take_along_axis(ct, indices, axis=axis)


@defjvp(rt.take_along_axis_vjp)
def take_along_axis_vjp_jvp(d, out, g, arr, indices, axis=-1):
    return rt.take_along_axis_vjp(d, arr, indices, axis)
