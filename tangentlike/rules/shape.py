"""VJP rules of shape, indexing and copying functions, and of the linear runtime helpers.

Promises: every rule returns a cotangent with the structure of its primal
argument: ``reshape``/``squeeze``/``ravel`` reshape ``g`` back, ``transpose``
applies the inverse permutation, ``concatenate``/``stack`` split ``g`` into a
tuple or list matching ``arrays``, ``getitem`` scatters ``g`` into zeros (adding
at repeated fancy indices).

The second half gives rules to the ``rt`` helpers that derivative code calls
and that are linear in their cotangent argument (``unbroadcast``,
``getitem_vjp``, ``setitem_vjp``, ``concatenate_vjp``, ...): each rule is the
adjoint linear map, so ``grad(grad(f))`` needs nothing beyond this table
(DESIGN §1, closure). Their first parameter is named ``ct`` because the helper's
own first parameter is ``g``.
"""
import operator

import numpy as np

from .. import runtime as rt
from .registry import defvjp


@defvjp(np.reshape)
def reshape(g, ans, a, shape, order="C"):
    return np.reshape(g, np.shape(a), order=order)


@defvjp(np.ravel)
def ravel(g, ans, a, order="C"):
    return np.reshape(g, np.shape(a), order=order)


@defvjp(np.squeeze)
def squeeze(g, ans, a, axis=None):
    return np.reshape(g, np.shape(a))


@defvjp(np.transpose)
def transpose(g, ans, a, axes=None):
    return np.transpose(g, rt.inverse_axes(axes, a))


@defvjp(np.concatenate)
def concatenate(g, ans, arrays, axis=0):
    return rt.concatenate_vjp(g, arrays, axis)


@defvjp(np.stack)
def stack(g, ans, arrays, axis=0):
    return rt.stack_vjp(g, arrays, axis)


@defvjp(operator.getitem)
def getitem(g, ans, a, b):
    return rt.getitem_vjp(g, a, b)


@defvjp(np.copy)
def copy(g, ans, a):
    return g


@defvjp(np.asarray)  # dtype is accepted for np.asarray(x, dtype=float); ints carry no gradient
def asarray(g, ans, a, dtype=None):
    return rt.as_float_grad(g, a)


# --- Rules of the runtime helpers (linear in their first argument) -------------

@defvjp(rt.unbroadcast)
def unbroadcast(ct, out, g, x):
    return rt.as_float_grad(ct, g)


@defvjp(rt.as_float_grad)
def as_float_grad(ct, out, g, x):
    return rt.as_float_grad(ct, g)


@defvjp(rt.getitem_vjp)
def getitem_vjp(ct, out, g, x, idx):
    return rt.as_float_grad(ct[idx], g)


@defvjp(rt.setitem_vjp)
def setitem_vjp(ct, out, g, idx):
    return rt.add(rt.setitem_vjp(ct[0], idx)[0], rt.getitem_vjp(ct[1], ct[0], idx))


@defvjp(rt.add_at, argnums=(0, 2))
def add_at(ct, out, acc, idx, g):
    return ct, rt.as_float_grad(ct[idx], g)


@defvjp(rt.add, argnums=(0, 1))
def add(ct, out, a, b):
    return rt.as_float_grad(ct, a), rt.as_float_grad(ct, b)


@defvjp(rt.concatenate_vjp)
def concatenate_vjp(ct, out, g, arrays, axis=0):
    return np.concatenate(ct, axis=axis)


@defvjp(rt.stack_vjp)
def stack_vjp(ct, out, g, arrays, axis=0):
    return np.stack(ct, axis=axis)


@defvjp(rt.copy)
def copy_(ct, out, x):
    return ct


@defvjp(rt.check_scalar)
def check_scalar(ct, out, y, fname):
    return ct


@defvjp(np.array)  # np.array([[x, 1.0], [y, x]]): the cotangent splits along the nesting
def array(g, ans, object, dtype=None):
    return rt.as_float_grad(g, object)
