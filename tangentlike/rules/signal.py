"""VJP and JVP rules of differences, convolutions, ramps, cross products, selections,
partitions and the complex-part functions.

Promises: ``diff`` is linear (VJP ``rt.diff_vjp``, its adjoint); ``convolve`` and
``correlate`` are bilinear on 1-d operands, for every ``mode``: the cotangent is
padded back to the ``'full'`` length (``rt.conv_pad``) and correlated (or
convolved) with the other operand. ``linspace`` is ``start + (stop - start) * w``
(``rt.linspace_weights``), linear in ``start`` and ``stop`` (arrays broadcast;
``dtype`` an integer type: derivative 0; ``retstep=True`` is an error).
``cross`` of 3-vectors along ``axis``: ``<g, a × b> = <b × g, a> = <g × a, b>``.
``select`` sends ``g`` to the first choice whose condition holds, and to
``default`` where none does. ``nan_to_num`` has derivative 1 at finite entries and
0 at the replaced ones. ``partition`` is a permutation, as ``sort``. ``imag``,
``conjugate`` and ``angle`` follow the JAX/autograd convention on complex inputs
(for real inputs ``imag`` and ``angle`` have derivative 0, ``conjugate`` 1;
``angle`` at 0 has derivative 0). ``gradient`` is linear in ``f`` for a uniform
spacing or coordinates (``rt.gradient_vjp`` reads the banded matrix from NumPy);
a uniform spacing ``h`` is differentiable (``-ans / h``), coordinates (an array)
are not (an error if they are differentiated); with several axes the result is a
tuple and ``g`` one. Inputs are real except where a rule says otherwise:
``correlate`` conjugates its second operand and these rules do not.
"""
import numpy as np

from .. import runtime as rt
from .registry import defjvp, defvjp, nondiff

nondiff(rt.conv_pad, rt.linspace_weights, rt.select_rest, rt.partition_index, rt.angle_scale)


@defvjp(np.diff)
def diff(g, ans, a, n=1, axis=-1):
    return rt.diff_vjp(g, a, n, axis)


@defjvp(np.diff)
def diff_jvp(d, ans, a, n=1, axis=-1):
    return np.diff(d, n, axis)


@defvjp(np.convolve, argnums=(0, 1))
def convolve(g, ans, a, v, mode="full"):
    gf = np.pad(g, rt.conv_pad(a, v, mode, False))
    return np.correlate(gf, v, "valid"), np.correlate(gf, a, "valid")


@defjvp(np.convolve)
def convolve_jvp0(d, ans, a, v, mode="full"):
    return np.convolve(d, v, mode)


@defjvp(np.convolve, argnum=1)
def convolve_jvp1(d, ans, a, v, mode="full"):
    return np.convolve(a, d, mode)


@defvjp(np.correlate, argnums=(0, 1))
def correlate(g, ans, a, v, mode="valid"):
    gf = np.pad(g, rt.conv_pad(a, v, mode, True))
    return np.convolve(gf, v, "valid"), np.flip(np.correlate(gf, a, "valid"))


@defjvp(np.correlate)
def correlate_jvp0(d, ans, a, v, mode="valid"):
    return np.correlate(d, v, mode)


@defjvp(np.correlate, argnum=1)
def correlate_jvp1(d, ans, a, v, mode="valid"):
    return np.correlate(a, d, mode)


@defvjp(np.linspace, argnums=(0, 1))
def linspace(g, ans, start, stop, num=50, endpoint=True, retstep=False,
              dtype=None, axis=0):
    w = rt.linspace_weights(ans, num, endpoint, axis, retstep) * rt.dtype_passes(dtype)
    p = rt.dtype_passes(dtype) - w
    return rt.unbroadcast(np.sum(g * p, axis=axis), start), \
        rt.unbroadcast(np.sum(g * w, axis=axis), stop)


@defjvp(np.linspace)
def linspace_jvp0(d, ans, start, stop, num=50, endpoint=True, retstep=False,
                  dtype=None, axis=0):
    w = rt.linspace_weights(ans, num, endpoint, axis, retstep) * rt.dtype_passes(dtype)
    return rt.broadcast_like(np.expand_dims(d, axis) * (rt.dtype_passes(dtype) - w), ans)


@defjvp(np.linspace, argnum=1)
def linspace_jvp1(d, ans, start, stop, num=50, endpoint=True, retstep=False,
                  dtype=None, axis=0):
    w = rt.linspace_weights(ans, num, endpoint, axis, retstep) * rt.dtype_passes(dtype)
    return rt.broadcast_like(np.expand_dims(d, axis) * w, ans)


@defvjp(np.cross, rt.cross, argnums=(0, 1))
def cross(g, ans, a, b, axis=None):
    return rt.unbroadcast(rt.cross(b, g, axis), a), rt.unbroadcast(rt.cross(g, a, axis), b)


@defjvp(np.cross, rt.cross)
def cross_jvp0(d, ans, a, b, axis=None):
    return rt.broadcast_like(rt.cross(d, b, axis), ans)


@defjvp(np.cross, rt.cross, argnum=1)
def cross_jvp1(d, ans, a, b, axis=None):
    return rt.broadcast_like(rt.cross(a, d, axis), ans)


@defvjp(np.select, argnums=(1, 2))
def select(g, ans, condlist, choicelist, default=0):
    return rt.select_vjp(g, condlist, choicelist), \
        rt.unbroadcast(g * rt.select_rest(condlist, ans), default)


@defjvp(np.select, argnum=1)
def select_jvp1(d, ans, condlist, choicelist, default=0):
    return rt.broadcast_like(np.select(condlist, d, 0.0), ans)


@defjvp(np.select, argnum=2)
def select_jvp2(d, ans, condlist, choicelist, default=0):
    return rt.broadcast_like(d * rt.select_rest(condlist, ans), ans)


@defvjp(np.nan_to_num)
@defjvp(np.nan_to_num)
def nan_to_num(g, ans, x, copy=True, nan=0.0, posinf=None, neginf=None):
    return np.where(np.isfinite(x), g, 0.0)


@defvjp(np.partition)
def partition(g, ans, a, kth, axis=-1):
    return rt.take_along_axis_vjp(g, a, rt.partition_index(a, ans, axis), axis)


@defjvp(np.partition)
def partition_jvp(d, ans, a, kth, axis=-1):
    return np.take_along_axis(d, rt.partition_index(a, ans, axis), axis=axis)


@defvjp(np.imag)
def imag(g, ans, val):
    return rt.match_complex(g * -1j, val)


@defjvp(np.imag)
def imag_jvp(d, ans, val):
    return np.imag(d)


@defvjp(np.conjugate)  # np.conj is np.conjugate
@defjvp(np.conjugate)
def conjugate(g, ans, x):
    return np.conjugate(g)


@defvjp(np.angle)
def angle(g, ans, z, deg=False):
    s = rt.recip0(np.real(z * np.conjugate(z))) * rt.angle_scale(deg)
    return rt.match_complex(g * np.conjugate(z * 1j) * s, z)


@defjvp(np.angle)
def angle_jvp(d, ans, z, deg=False):
    s = rt.recip0(np.real(z * np.conjugate(z))) * rt.angle_scale(deg)
    return np.imag(np.conjugate(z) * d) * s


# --- Rules of the runtime helpers ---------------------------------------------

@defvjp(rt.diff_vjp)
def diff_vjp(ct, out, g, a, n=1, axis=-1):
    return np.diff(ct, n, axis)


@defjvp(rt.diff_vjp)
def diff_vjp_jvp(d, out, g, a, n=1, axis=-1):
    return rt.diff_vjp(d, a, n, axis)


@defvjp(rt.select_vjp)
def select_vjp(ct, out, g, condlist, choicelist):
    return rt.broadcast_like(np.select(condlist, ct, 0.0), g)


@defjvp(rt.select_vjp)
def select_vjp_jvp(d, out, g, condlist, choicelist):
    return rt.select_vjp(d, condlist, choicelist)


@defvjp(rt.recip0)  # d(1/x) = -1/x**2 (0 where x == 0, as the function)
@defjvp(rt.recip0)
def recip0(g, ans, x):
    return -g * ans * ans


@defvjp(rt.match_complex)
def match_complex(ct, out, g, x):
    return rt.match_complex(ct, g)


@defjvp(rt.match_complex)
def match_complex_jvp(d, out, g, x):
    return rt.match_complex(d, x)


# --- np.gradient: linear in f; a uniform spacing h scales it by 1/h -----------------------

@defvjp(np.gradient, argnums=(0, 1))  # np.gradient(f), np.gradient(f, h), np.gradient(f, x)
def gradient(g, ans, f, varargs=None, axis=None, edge_order=1):
    return rt.gradient_vjp(g, f, varargs, axis, edge_order), \
        -np.sum(g * ans) / rt.spacing(varargs)


@defjvp(np.gradient)
def gradient_jvp0(d, ans, f, varargs=None, axis=None, edge_order=1):
    return rt.gradient_of(d, varargs, axis, edge_order)


@defjvp(np.gradient, argnum=1)
def gradient_jvp1(d, ans, f, varargs=None, axis=None, edge_order=1):
    return -d * ans / rt.spacing(varargs)


# Both helpers are linear in their first argument and scale as 1/h in a uniform spacing h.
@defvjp(rt.gradient_of, argnums=(0, 1))
def gradient_of(ct, out, f, varargs=None, axis=None, edge_order=1):
    return rt.gradient_vjp(ct, f, varargs, axis, edge_order), \
        -np.sum(ct * out) / rt.spacing(varargs)


@defjvp(rt.gradient_of)
def gradient_of_jvp0(d, out, f, varargs=None, axis=None, edge_order=1):
    return rt.gradient_of(d, varargs, axis, edge_order)


@defjvp(rt.gradient_of, argnum=1)
def gradient_of_jvp1(d, out, f, varargs=None, axis=None, edge_order=1):
    return -d * out / rt.spacing(varargs)


@defvjp(rt.gradient_vjp, argnums=(0, 2))
def gradient_vjp(ct, out, g, f, varargs=None, axis=None, edge_order=1):
    return rt.gradient_of(ct, varargs, axis, edge_order), -np.sum(ct * out) / rt.spacing(varargs)


@defjvp(rt.gradient_vjp)
def gradient_vjp_jvp0(d, out, g, f, varargs=None, axis=None, edge_order=1):
    return rt.gradient_vjp(d, f, varargs, axis, edge_order)


@defjvp(rt.gradient_vjp, argnum=2)
def gradient_vjp_jvp2(d, out, g, f, varargs=None, axis=None, edge_order=1):
    return -d * out / rt.spacing(varargs)


@defvjp(rt.spacing)  # the identity on a uniform spacing
@defjvp(rt.spacing)
def spacing(g, ans, varargs=None):
    return g


@defvjp(rt.as_matrix)  # the identity on matrices (np.linalg.norm(a, 'nuc') lowers to it)
@defjvp(rt.as_matrix)
def as_matrix(g, ans, a):
    return g
