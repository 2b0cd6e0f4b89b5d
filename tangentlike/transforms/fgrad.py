"""Gradients by forward sweeps, as generated code (``grad(f, mode="forward")``).

Promise: ``assemble_forward_grad`` builds a ``Func`` with the primal's
parameters that returns the gradient (or gradients, or ``(value, gradients)``)
by calling the generated JVP function once per element of each differentiated
argument (a unit tangent there, zero tangents for the other differentiated
arguments). Being ordinary generated code, it can itself be differentiated.
"""
from __future__ import annotations

import numpy as np

from .. import runtime as rt
from ..ir.builder import Builder
from ..ir.nodes import Block, Func
from .unit import ordered_gradients, scalar_gradient


def _sweep(b, jvp_ref, params, wrt, i, tangent_i, fname, restore=()):
    """One JVP call with ``tangent_i`` for parameter ``i``; returns (out, dout). The
    parameters the function writes into (``restore``: ``(param, saved copy)``) get their
    values back first, so that every sweep starts from the caller's arguments."""
    for p, saved in restore:
        b.call(rt.write_back, [p, saved])
    tangents = [tangent_i if j == i else b.call(rt.zeros_like, [params[j]], hint="z")
                for j in wrt]
    call = b.op("call", list(params) + tangents, ["out", "dout"], {"fn": jvp_ref, "kw": ()})
    b.op("call", [call.results[0], b.const(fname)], [], {"fn": rt.check_scalar, "kw": ()})
    return call.results


def _array_gradient(b, jvp_ref, params, wrt, i, fname, restore=()):
    x = params[i]
    n = b.call(np.size, [x], hint="n")
    dtype = b.call(rt.float_dtype, [x], hint="dtype")
    g0 = b.op("call", [n, dtype], ["g"], {"fn": np.zeros, "kw": ("dtype",)}).result
    body = Block()
    k, g = body.add_param("k"), body.add_param("g")
    inner = Builder(body, b.loc)
    e = inner.call(rt.basis, [x, k], hint="e")
    _, dout = _sweep(inner, jvp_ref, params, wrt, i, e, fname, restore)
    g2 = inner.op("setitem", [g, k, dout], ["g"]).result
    inner.yield_([g2])
    rng = b.call(range, [n], hint="rng")
    loop = b.op("for", [rng, g0], ["g"], {"brk": False}, (body,))
    return b.call(np.reshape, [loop.result, b.call(np.shape, [x], hint="shape")],
                  hint="d" + x.hint)


def assemble_forward_grad(func: Func, jvp_ref, wrt, kinds, single, with_value, name) -> Func:
    body = Block()
    params = [body.add_param(p.hint) for p in func.params]
    b = Builder(body, func.loc)
    grads = []
    restore = [(params[k], b.call(rt.copy, [params[k]], hint=params[k].hint + "_in"))
               for k in _written_back(func)]
    for i in wrt:
        if kinds[i] == "scalar":
            d = _sweep(b, jvp_ref, params, wrt, i, b.const(1.0), func.name, restore)[1]
            d.hint = "d" + params[i].hint
            grads.append(scalar_gradient(b, d, params[i]))
        else:
            grads.append(_array_gradient(b, jvp_ref, params, wrt, i, func.name, restore))
    out = ordered_gradients(b, grads, single)
    if with_value:
        zero = b.call(rt.zeros_like, [params[wrt[0]]], hint="z")
        value = _sweep(b, jvp_ref, params, wrt, wrt[0], zero, func.name, restore)[0]
        out = b.op("tuple", [value, out], ["out"]).result
    b.op("return", [out])
    return Func(name, params, body, func.loc, list(func.param_names))


def _written_back(func) -> list:
    """Indices of the parameters whose items ``func`` assigns (``rt.write_back``)."""
    out = []
    for op in func.body.ops:
        if op.kind == "call" and op.attrs["fn"] is rt.write_back and op.args[0] in func.params:
            out.append(func.params.index(op.args[0]))
    return sorted(set(out))
