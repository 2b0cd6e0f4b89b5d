"""VJP and JVP rules of splitting, appending and index-built joins, and of rotations
of axes.

Promises: the split family returns a list of pieces, so its cotangent ``g`` is a
list of piece cotangents and its VJP joins them again along the split axis
(``split``/``array_split``: ``concatenate``; ``hsplit``: ``hstack``; ``vsplit``:
``vstack``; ``dsplit``: axis 2); its JVP splits the tangent the same way.
``np.append`` splits ``g`` at ``arr``'s length (after flattening when ``axis`` is
None). ``np.r_[...]``/``np.c_[...]`` are lowered to ``rt.axis_concat("r" | "c",
items)``, linear in its float items (see ``runtime.pieces``). ``column_stack``
(and ``row_stack``, NumPy's old name of ``vstack``, where NumPy still has it) and
``dstack`` split ``g`` by piece widths. ``rot90`` and ``rollaxis`` permute entries: the VJP
applies the inverse permutation, the JVP the function itself. The ``rt`` helpers
here are linear in their first argument; their rules are their adjoints.
"""
import numpy as np

from .. import runtime as rt
from .registry import defjvp, defvjp, nondiff, sequence_result

sequence_result(np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit)
nondiff(rt.rollaxis_dest)


@defvjp(np.split, np.array_split)
def split(g, ans, ary, indices_or_sections, axis=0):
    return np.concatenate(g, axis=axis)


@defjvp(np.split)
def split_jvp(d, ans, ary, indices_or_sections, axis=0):
    return np.split(d, indices_or_sections, axis=axis)


@defjvp(np.array_split)
def array_split_jvp(d, ans, ary, indices_or_sections, axis=0):
    return np.array_split(d, indices_or_sections, axis=axis)


@defvjp(np.hsplit)
def hsplit(g, ans, ary, indices_or_sections):
    return np.hstack(g)


@defjvp(np.hsplit)
def hsplit_jvp(d, ans, ary, indices_or_sections):
    return np.hsplit(d, indices_or_sections)


@defvjp(np.vsplit)
def vsplit(g, ans, ary, indices_or_sections):
    return np.vstack(g)


@defjvp(np.vsplit)
def vsplit_jvp(d, ans, ary, indices_or_sections):
    return np.vsplit(d, indices_or_sections)


@defvjp(np.dsplit)
def dsplit(g, ans, ary, indices_or_sections):
    return np.concatenate(g, axis=2)


@defjvp(np.dsplit)
def dsplit_jvp(d, ans, ary, indices_or_sections):
    return np.dsplit(d, indices_or_sections)


@defvjp(np.append, argnums=(0, 1))
def append(g, ans, arr, values, axis=None):
    c = rt.np_append_vjp(g, arr, values, axis)
    return c[0], c[1]


@defjvp(np.append)
def append_jvp0(d, ans, arr, values, axis=None):
    return np.append(d, rt.zeros_like(np.asarray(values, dtype=float)), axis=axis)


@defjvp(np.append, argnum=1)
def append_jvp1(d, ans, arr, values, axis=None):
    return np.append(rt.zeros_like(np.asarray(arr, dtype=float)), d, axis=axis)


@defvjp(np.column_stack)
def column_stack(g, ans, tup):
    return rt.column_stack_vjp(g, tup)


@defjvp(np.column_stack)
def column_stack_jvp(d, ans, tup):
    return np.column_stack(d)


@defvjp(np.dstack)
def dstack(g, ans, tup):
    return rt.dstack_vjp(g, tup)


@defjvp(np.dstack)
def dstack_jvp(d, ans, tup):
    return np.dstack(d)


if hasattr(np, "row_stack") and np.row_stack is not np.vstack:  # NumPy < 2.4
    @defvjp(np.row_stack)
    def row_stack(g, ans, tup, dtype=None, casting="same_kind"):
        return rt.vstack_vjp(g * rt.dtype_passes(dtype), tup)

    @defjvp(np.row_stack)
    def row_stack_jvp(d, ans, tup, dtype=None, casting="same_kind"):
        return np.vstack(d) * rt.dtype_passes(dtype)


@defvjp(rt.axis_concat, argnums=(1,))
def axis_concat(g, ans, which, items):
    return rt.axis_concat_vjp(g, which, items)


@defjvp(rt.axis_concat, argnum=1)
def axis_concat_jvp(d, ans, which, items):
    return rt.axis_concat_lin(d, which, items)


@defvjp(np.rot90)
def rot90(g, ans, m, k=1, axes=(0, 1)):
    return np.rot90(g, -k, axes)


@defjvp(np.rot90)
def rot90_jvp(d, ans, m, k=1, axes=(0, 1)):
    return np.rot90(d, k, axes)


@defvjp(np.rollaxis)
def rollaxis(g, ans, a, axis, start=0):
    return np.moveaxis(g, rt.rollaxis_dest(a, axis, start), axis)


@defjvp(np.rollaxis)
def rollaxis_jvp(d, ans, a, axis, start=0):
    return np.rollaxis(d, axis, start)


# --- Rules of the runtime helpers (linear in their first argument) -------------

@defvjp(rt.axis_concat_vjp)
def axis_concat_vjp(ct, out, g, which, items):
    return rt.axis_concat_lin(ct, which, items)


@defjvp(rt.axis_concat_vjp)
def axis_concat_vjp_jvp(d, out, g, which, items):
    return rt.axis_concat_vjp(d, which, items)


@defvjp(rt.axis_concat_lin)
def axis_concat_lin(ct, out, t, which, items):
    return rt.axis_concat_vjp(ct, which, items)


@defjvp(rt.axis_concat_lin)
def axis_concat_lin_jvp(d, out, t, which, items):
    return rt.axis_concat_lin(d, which, items)


@defvjp(rt.np_append_vjp)
def np_append_vjp(ct, out, g, arr, values, axis=None):
    return np.append(ct[0], ct[1], axis=axis)


@defjvp(rt.np_append_vjp)
def np_append_vjp_jvp(d, out, g, arr, values, axis=None):
    return rt.np_append_vjp(d, arr, values, axis)


@defvjp(rt.column_stack_vjp)
def column_stack_vjp(ct, out, g, tup):
    return np.column_stack(ct)


@defjvp(rt.column_stack_vjp)
def column_stack_vjp_jvp(d, out, g, tup):
    return rt.column_stack_vjp(d, tup)


@defvjp(rt.dstack_vjp)
def dstack_vjp(ct, out, g, tup):
    return np.dstack(ct)


@defjvp(rt.dstack_vjp)
def dstack_vjp_jvp(d, out, g, tup):
    return rt.dstack_vjp(d, tup)
