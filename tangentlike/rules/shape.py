"""VJP and JVP rules of shape, joining, tiling and copying functions (the linear runtime
helpers they use have theirs in ``linear_helpers``).

Promises: every VJP rule returns a cotangent with the structure of its primal
argument: ``reshape``/``squeeze``/``ravel`` reshape ``g`` back, ``transpose``
applies the inverse permutation, ``concatenate``/``stack`` split ``g`` into a
tuple or list matching ``arrays`` (their keyword-only ``dtype``: an integer type
has derivative 0), ``tile`` sums the tiles, ``pad`` sends each padded entry's
cotangent to the entry it copies. Every JVP rule applies the
(linear) function to the tangent, so it has the shape of ``ans``. ``astype``
to an integer or boolean type has derivative 0 (``rt.dtype_passes``).

Indexing is in ``indexing``.
"""
import numpy as np

from .. import runtime as rt
from .registry import defjvp, defvjp


@defvjp(np.reshape)
def reshape(g, ans, a, shape, order="C"):
    return np.reshape(g, np.shape(a), order=order)


@defjvp(np.reshape)
def reshape_jvp(d, ans, a, shape, order="C"):
    return np.reshape(d, shape, order=order)


@defvjp(np.ravel)
def ravel(g, ans, a, order="C"):
    return np.reshape(g, np.shape(a), order=order)


@defjvp(np.ravel)
def ravel_jvp(d, ans, a, order="C"):
    return np.ravel(d, order=order)


@defvjp(rt.flatten)
def flatten(g, ans, x, order="C"):
    return np.reshape(g, np.shape(x), order=order)


@defjvp(rt.flatten)
def flatten_jvp(d, ans, x, order="C"):
    return rt.flatten(d, order)


@defvjp(np.squeeze)
def squeeze(g, ans, a, axis=None):
    return np.reshape(g, np.shape(a))


@defjvp(np.squeeze)
def squeeze_jvp(d, ans, a, axis=None):
    return np.squeeze(d, axis=axis)


@defvjp(np.expand_dims)
def expand_dims(g, ans, a, axis):
    return rt.reshape_as(g, a)


@defjvp(np.expand_dims)
def expand_dims_jvp(d, ans, a, axis):
    return np.expand_dims(d, axis)


@defvjp(np.atleast_1d, np.atleast_2d, np.atleast_3d)  # one array: np.atleast_1d(x)
def atleast(g, ans, arys):
    return rt.reshape_as(g, arys)


@defjvp(np.atleast_1d)
def atleast_1d_jvp(d, ans, arys):
    return np.atleast_1d(d)


@defjvp(np.atleast_2d)
def atleast_2d_jvp(d, ans, arys):
    return np.atleast_2d(d)


@defjvp(np.atleast_3d)
def atleast_3d_jvp(d, ans, arys):
    return np.atleast_3d(d)


@defvjp(np.transpose)
def transpose(g, ans, a, axes=None):
    return np.transpose(g, rt.inverse_axes(axes, a))


@defjvp(np.transpose)
def transpose_jvp(d, ans, a, axes=None):
    return np.transpose(d, axes)


@defvjp(np.swapaxes)  # an involution: its own adjoint
@defjvp(np.swapaxes)
def swapaxes(g, ans, a, axis1, axis2):
    return np.swapaxes(g, axis1, axis2)


@defvjp(np.moveaxis)
def moveaxis(g, ans, a, source, destination):
    return np.moveaxis(g, destination, source)


@defjvp(np.moveaxis)
def moveaxis_jvp(d, ans, a, source, destination):
    return np.moveaxis(d, source, destination)


@defvjp(np.broadcast_to)
def broadcast_to(g, ans, array, shape):
    return rt.unbroadcast(g, array)


@defjvp(np.broadcast_to)
def broadcast_to_jvp(d, ans, array, shape):
    return rt.broadcast_like(d, ans)  # a fresh array: np.broadcast_to's view is read-only


@defvjp(np.tile)
def tile(g, ans, A, reps):
    return rt.tile_vjp(g, A, reps)


@defjvp(np.tile)
def tile_jvp(d, ans, A, reps):
    return np.tile(d, reps)


@defvjp(np.flip)  # reversals are involutions: their own adjoints
@defjvp(np.flip)
def flip(g, ans, m, axis=None):
    return np.flip(g, axis)


@defvjp(np.fliplr)
@defjvp(np.fliplr)
def fliplr(g, ans, m):
    return np.fliplr(g)


@defvjp(np.flipud)
@defjvp(np.flipud)
def flipud(g, ans, m):
    return np.flipud(g)


@defvjp(np.roll)
def roll(g, ans, a, shift, axis=None):
    return np.roll(g, np.negative(shift), axis)


@defjvp(np.roll)
def roll_jvp(d, ans, a, shift, axis=None):
    return np.roll(d, shift, axis)


@defvjp(np.pad)  # constant_values are constants: they get no cotangent
def pad(g, ans, array, pad_width, mode="constant", constant_values=0):
    return rt.pad_vjp(g, array, pad_width, mode)


@defjvp(np.pad)
def pad_jvp(d, ans, array, pad_width, mode="constant", constant_values=0):
    return np.pad(d, pad_width, mode=mode)


@defvjp(np.concatenate)
def concatenate(g, ans, arrays, axis=0, dtype=None, casting="same_kind"):
    return rt.concatenate_vjp(g * rt.dtype_passes(dtype), arrays, axis)


@defjvp(np.concatenate)
def concatenate_jvp(d, ans, arrays, axis=0, dtype=None, casting="same_kind"):
    return np.concatenate(d, axis=axis) * rt.dtype_passes(dtype)


@defvjp(np.stack)
def stack(g, ans, arrays, axis=0, dtype=None, casting="same_kind"):
    return rt.stack_vjp(g * rt.dtype_passes(dtype), arrays, axis)


@defjvp(np.stack)
def stack_jvp(d, ans, arrays, axis=0, dtype=None, casting="same_kind"):
    return np.stack(d, axis=axis) * rt.dtype_passes(dtype)


@defvjp(np.vstack)
def vstack(g, ans, tup, dtype=None, casting="same_kind"):
    return rt.vstack_vjp(g * rt.dtype_passes(dtype), tup)


@defjvp(np.vstack)
def vstack_jvp(d, ans, tup, dtype=None, casting="same_kind"):
    return np.vstack(d) * rt.dtype_passes(dtype)


@defvjp(np.hstack)
def hstack(g, ans, tup, dtype=None, casting="same_kind"):
    return rt.hstack_vjp(g * rt.dtype_passes(dtype), tup)


@defjvp(np.hstack)
def hstack_jvp(d, ans, tup, dtype=None, casting="same_kind"):
    return np.hstack(d) * rt.dtype_passes(dtype)


@defvjp(np.copy)
def copy(g, ans, a):
    return g


@defjvp(np.copy)
def copy_jvp(d, ans, a):
    return np.copy(d)


@defvjp(np.asarray)  # dtype is accepted for np.asarray(x, dtype=float); ints carry no gradient
def asarray(g, ans, a, dtype=None):
    return rt.as_float_grad(g, a)


@defjvp(np.asarray)
def asarray_jvp(d, ans, a, dtype=None):
    return rt.as_float_grad(d, ans)


@defvjp(np.array)  # np.array([[x, 1.0], [y, x]]): the cotangent splits along the nesting
def array(g, ans, object, dtype=None):
    return rt.as_float_grad(g, object)


@defjvp(np.array)
def array_jvp(d, ans, object, dtype=None):
    return rt.as_float_grad(d, ans)


@defvjp(np.astype, rt.astype)  # x.astype(dtype) lowers to rt.astype
def astype(g, ans, x, dtype):
    return rt.as_float_grad(g * rt.dtype_passes(dtype), x)


@defjvp(np.astype, rt.astype)
def astype_jvp(d, ans, x, dtype):
    return d * rt.dtype_passes(dtype)


@defvjp(rt.item)  # x.item(): the one element, as a Python number
def item(g, ans, x):
    return rt.reshape_as(g, x)


@defjvp(rt.item)
def item_jvp(d, ans, x):
    return rt.item(d)
