"""Rules of the ``rt`` helpers that the derivative code of shape, joining and copying
functions calls and that are linear in their cotangent argument (``unbroadcast``,
``broadcast_like``, ``concatenate_vjp``, ...): each VJP rule is the adjoint linear map
and each JVP the helper applied to the tangent, so ``grad(grad(f))`` and
forward-over-reverse need nothing beyond this table (docs/architecture.md: closure).
Their first parameter is named ``ct`` because the helper's own first parameter is ``g``.
"""
import numpy as np

from .. import runtime as rt
from .registry import defjvp, defvjp


@defvjp(rt.unbroadcast)
def unbroadcast(ct, out, g, x):
    return rt.as_float_grad(ct, g)


@defjvp(rt.unbroadcast)
def unbroadcast_jvp(d, out, g, x):
    return rt.unbroadcast(d, x)


@defvjp(rt.sum_axes)
def sum_axes(ct, out, g, axis=None, keepdims=False):
    return rt.sum_vjp(ct, g, axis, keepdims)


@defjvp(rt.sum_axes)
def sum_axes_jvp(d, out, g, axis=None, keepdims=False):
    return rt.sum_axes(d, axis, keepdims)


@defvjp(rt.T)
def transpose_2d(ct, out, a):
    return rt.T(ct)


@defjvp(rt.T)
def transpose_2d_jvp(d, out, a):
    return rt.T(d)


@defvjp(rt.broadcast_like)
def broadcast_like(ct, out, t, ans):
    return rt.unbroadcast(ct, t)


@defjvp(rt.broadcast_like)
def broadcast_like_jvp(d, out, t, ans):
    return rt.broadcast_like(d, ans)


@defvjp(rt.reshape_as)
def reshape_as(ct, out, g, x):
    return rt.reshape_as(ct, g)


@defjvp(rt.reshape_as)
def reshape_as_jvp(d, out, g, x):
    return rt.reshape_as(d, x)


@defvjp(rt.as_float_grad)
def as_float_grad(ct, out, g, x):
    return rt.as_float_grad(ct, g)


@defjvp(rt.as_float_grad)
def as_float_grad_jvp(d, out, g, x):
    return rt.as_float_grad(d, x)


@defvjp(rt.concatenate_vjp)
def concatenate_vjp(ct, out, g, arrays, axis=0):
    return np.concatenate(ct, axis=axis)


@defjvp(rt.concatenate_vjp)
def concatenate_vjp_jvp(d, out, g, arrays, axis=0):
    return rt.concatenate_vjp(d, arrays, axis)


@defvjp(rt.stack_vjp)
def stack_vjp(ct, out, g, arrays, axis=0):
    return np.stack(ct, axis=axis)


@defjvp(rt.stack_vjp)
def stack_vjp_jvp(d, out, g, arrays, axis=0):
    return rt.stack_vjp(d, arrays, axis)


@defvjp(rt.vstack_vjp)
def vstack_vjp(ct, out, g, tup):
    return np.vstack(ct)


@defjvp(rt.vstack_vjp)
def vstack_vjp_jvp(d, out, g, tup):
    return rt.vstack_vjp(d, tup)


@defvjp(rt.hstack_vjp)
def hstack_vjp(ct, out, g, tup):
    return np.hstack(ct)


@defjvp(rt.hstack_vjp)
def hstack_vjp_jvp(d, out, g, tup):
    return rt.hstack_vjp(d, tup)


@defvjp(rt.tile_vjp)
def tile_vjp(ct, out, g, A, reps):
    return np.tile(ct, reps)


@defjvp(rt.tile_vjp)
def tile_vjp_jvp(d, out, g, A, reps):
    return rt.tile_vjp(d, A, reps)


@defvjp(rt.pad_vjp)
def pad_vjp(ct, out, g, array, pad_width, mode="constant"):
    return np.pad(ct, pad_width, mode=mode)


@defjvp(rt.pad_vjp)
def pad_vjp_jvp(d, out, g, array, pad_width, mode="constant"):
    return rt.pad_vjp(d, array, pad_width, mode)


@defvjp(rt.copy)
def copy_(ct, out, x):
    return ct


@defjvp(rt.copy)
def copy_jvp_(d, out, x):
    return rt.copy(d)


@defvjp(rt.check_scalar)
@defjvp(rt.check_scalar)
def check_scalar(ct, out, y, fname):
    return ct
