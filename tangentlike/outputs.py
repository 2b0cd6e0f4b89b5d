"""Gradients of outputs other than one scalar, and forward-mode gradients of pytree
arguments: ``has_aux=True`` (the function returns
``(out, aux)``; ``aux`` passes through untouched, as in JAX) and a size-1 array output
(shape ``(1,)`` or ``(1, 1)``), which ``grad`` accepts as a scalar as autograd does.

Promise: ``gradient(d, vals)`` gives what the ``Derivative`` ``d`` returns for promoted
arguments ``vals``: the gradient(s), ``(value, gradient)`` with ``with_value``, and
``(gradient, aux)`` / ``((value, aux), gradient)`` with ``has_aux``. Reverse mode runs the
compiled VJP pair once, seeding the output with ones of its shape (the aux part with
zeros); forward mode runs the compiled JVP once per element of each float leaf of the
``wrt`` arguments (dicts, lists, tuples, namedtuples and dataclasses too).
Gradients have the type of their primal (``rt.as_float_grad``).
"""
from __future__ import annotations

import numpy as np

from . import runtime as rt
from .errors import ArgumentError, NonScalarOutputError
from .pipeline import compile_derivative
from .request import Request
from .pytrees import flatten, unflatten


def restorer(compiled, vals):
    """A function giving the array arguments their values back before each sweep, for
    code that writes into its parameters (it calls ``rt.write_back``): every sweep must
    start from the caller's values; the last one leaves its writes there."""
    if "rt.write_back(" not in compiled.source:
        return lambda: None
    saved = [(v, v.copy()) for v in vals if isinstance(v, np.ndarray)]

    def restore():
        for v, s in saved:
            np.copyto(v, s)
    return restore


def split_aux(out, fname):
    """``(out, aux)`` of a ``has_aux`` function's result, or a clear error."""
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise ArgumentError(f"has_aux=True: {fname} must return a pair (output, aux), but it "
                            f"returned a {type(out).__name__}")
    return out[0], out[1]


def as_scalar_output(y, fname):
    """``y`` if it is a scalar or a size-1 array; else ``NonScalarOutputError``."""
    if isinstance(y, np.ndarray) and y.size == 1:
        return y
    return rt.check_scalar(y, fname)


def _select(d, grads, vals):
    """The gradients ``d`` returns, from one per active parameter (in parameter order)."""
    active = sorted(set(d.wrt))
    typed = [rt.as_float_grad(g, vals[i]) for g, i in zip(grads, active)]
    return typed[0] if d.single is True else tuple(typed[k] for k in d.single)


def _reverse(d, fn, vals, mask, kinds):
    c = d._last = compile_derivative(Request(fn, mask, kinds, "vjp", optimize=d.optimize))
    out, saved = c.fwd(*vals)
    value, aux = split_aux(out, d.__name__) if d.has_aux else (out, None)
    value = as_scalar_output(value, d.__name__)
    seed = np.ones(np.shape(value)) if isinstance(value, np.ndarray) else 1.0
    ct = (seed, rt.zeros_like(aux)) if d.has_aux else seed
    return value, aux, list(c.bwd(saved, ct))


def _unit_tangents(x):
    """``(leaf index, unit tangent of x)`` for each element of each float leaf of ``x``."""
    leaves = flatten(x)[0]
    zero = [np.zeros(np.shape(v)) if np.ndim(v) else 0.0 for v in leaves]
    for l, leaf in enumerate(leaves):
        for k in range(int(np.size(leaf))):
            e = rt.basis(leaf, k) if np.ndim(leaf) else 1.0
            yield l, k, unflatten(x, [e if m == l else z for m, z in enumerate(zero)])


def _forward(d, fn, vals, mask, kinds):
    d._last = compile_derivative(Request(fn, mask, kinds, "jvp", optimize=d.optimize))
    restore = restorer(d._last, vals)
    active = sorted(set(d.wrt))
    zeros = [unflatten(vals[i], [np.zeros(np.shape(v)) if np.ndim(v) else 0.0
                                 for v in flatten(vals[i])[0]]) for i in active]
    grads, value, aux = [], None, None
    for a, i in enumerate(active):
        flat = [np.zeros(np.size(v)) for v in flatten(vals[i])[0]]
        for l, k, e in _unit_tangents(vals[i]):
            restore()
            out, dout = d._last.fn(*vals, *(e if b == a else z for b, z in enumerate(zeros)))
            if d.has_aux:
                (out, aux), dout = split_aux(out, d.__name__), dout[0]
            value = as_scalar_output(out, d.__name__)
            flat[l][k] = np.reshape(dout, ())
        grads.append(unflatten(vals[i], [np.reshape(g, np.shape(v))
                                         for g, v in zip(flat, flatten(vals[i])[0])]))
    if value is None:
        raise ArgumentError(f"nothing to differentiate in {d.__name__}: the wrt arguments "
                            "have no elements")
    return value, aux, grads


def gradient(d, vals):
    """What ``d(*vals)`` returns when the output is a ``(out, aux)`` pair or a size-1
    array (see the module docstring)."""
    req = d.plan(vals)
    sweep = _forward if d.mode == "forward" else _reverse
    value, aux, grads = sweep(d, req.fn, vals, req.mask, req.kinds)
    g = _select(d, grads, vals)
    if d.has_aux:
        return ((value, aux), g) if d.with_value else (g, aux)
    return (value, g) if d.with_value else g


def size_one(err: NonScalarOutputError) -> bool:
    """True when ``err`` reports an array output with a single element."""
    shape = getattr(err, "shape", None)
    return shape is not None and int(np.prod(shape)) == 1
