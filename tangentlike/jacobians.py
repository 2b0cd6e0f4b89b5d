"""Forward mode and higher-order derivatives: ``jvp``, ``jacfwd``, ``jacrev``,
``hessian``, ``hvp``, and gradients by forward sweeps.

Promise: each is built from the three compiled forms (``grad``, ``vjp``,
``jvp``) of ``pipeline``; a Jacobian costs one sweep per input element (forward)
or per output element (reverse). Derivatives of derivatives differentiate the
generated code (``hessian = jacfwd(grad(f))``, ``hvp`` = forward over reverse,
Pearlmutter 1994), so their cost is a small multiple of the inner derivative.
Jacobians have shape ``out.shape + arg.shape``.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .admissible import check_arguments
from .api import (Wrt, _copy_lists, _kind, check_differentiable, differentiable_mask,
                  function_for, grad, normalize_wrt, signature_of)
from .analysis.shapes import pattern
from .errors import ArgumentError, entry_point
from .ir.callees import register_jvp
from .pipeline import compile_derivative


def _basis(x):
    """Unit tangents for each element of ``x`` (a float or a float array)."""
    if np.ndim(x) == 0:
        yield (), 1.0
        return
    for idx in np.ndindex(np.shape(x)):
        e = np.zeros(np.shape(x))
        e[idx] = 1.0
        yield idx, e


def _zero(x):
    return 0.0 if np.ndim(x) == 0 else np.zeros(np.shape(x))


def _like(x, flat):
    """Reassemble per-element results into ``x``'s type: float for a float."""
    return float(flat[()]) if np.ndim(x) == 0 and np.ndim(flat) == 0 else flat


@entry_point
def jvp(fn: Callable[..., Any], primals: Sequence[Any],
        tangents: Sequence[Any]) -> tuple[Any, Any]:
    """``(out, out_tangent)`` by one forward sweep. A tangent of ``None`` marks an argument
    that is not differentiated; an integer argument's tangent must be zero."""
    sig = signature_of(fn)
    names = list(sig.parameters)
    if len(tangents) != len(primals):
        raise ArgumentError(f"jvp of {getattr(fn, '__name__', fn)}: {len(primals)} primals but "
                            f"{len(tangents)} tangents")
    try:
        bound = sig.bind(*primals)
    except TypeError as e:
        raise ArgumentError(f"bad primals for {getattr(fn, '__name__', fn)}: {e}") from None
    bound.apply_defaults()
    primals = tuple(bound.arguments.values())
    check_arguments(primals, names)
    check_arguments([t for t in tangents if t is not None], ["(a tangent)"] * len(tangents))
    tangents = tuple(tangents) + (None,) * (len(names) - len(tangents))
    vals, mask, ts = list(primals), [], []
    for i, (x, t) in enumerate(zip(primals, tangents)):
        if t is None or isinstance(x, (bool, int, np.integer, str)) or x is None:
            if t is not None and np.any(np.asarray(t) != 0):
                raise ArgumentError(f"argument '{names[i]}' is an integer: its tangent must be "
                                    "zero (it is not differentiated)")
            mask.append(False)
            continue
        vals[i] = check_differentiable(x, names[i])
        if np.shape(t) != np.shape(x):
            raise ArgumentError(f"tangent of '{names[i]}' has shape {np.shape(t)}, its primal "
                                f"{np.shape(x)}")
        mask.append(True)
        ts.append(check_differentiable(t, names[i]))
    compiled = compile_derivative(function_for(fn, vals), mask, [_kind(v) for v in vals], "jvp",
                                  patterns=[pattern(v) for v in vals])
    return compiled.fn(*vals, *ts)


def _prepare(fn, wrt, args):
    sig = signature_of(fn)
    names = list(sig.parameters)
    idx, single = normalize_wrt(fn, wrt, names)
    try:
        bound = sig.bind(*args)
    except TypeError as e:
        raise ArgumentError(f"bad arguments to {getattr(fn, '__name__', fn)}: {e}") from None
    bound.apply_defaults()  # the compiled code takes every parameter
    vals = list(bound.arguments.values())
    check_arguments(vals, names)
    for i in idx:
        vals[i] = check_differentiable(vals[i], names[i])
        if isinstance(vals[i], (list, tuple, dict)):
            raise ArgumentError(f"Jacobians are taken with respect to float and array "
                                f"arguments; '{names[i]}' is a {type(vals[i]).__name__}")
    return vals, idx, single


def _restorer(compiled, vals):
    """A function giving the array arguments their values back before each sweep, for
    a function that assigns into its parameters (its code calls ``rt.write_back``): every
    sweep must start from the caller's values; the last one leaves its writes there."""
    if "rt.write_back(" not in compiled.source:
        return lambda: None
    saved = [(v, v.copy()) for v in vals if isinstance(v, np.ndarray)]

    def restore():
        for v, s in saved:
            np.copyto(v, s)
    return restore


@entry_point
def jacfwd(fn: Callable[..., Any], wrt: Wrt = 0) -> Callable[..., Any]:
    """The Jacobian by forward sweeps (one per element of the ``wrt`` arguments)."""
    @entry_point
    def jac(*args: Any) -> Any:
        vals, idx, single = _prepare(fn, wrt, args)
        mask = [i in idx for i in range(len(vals))]
        compiled = compile_derivative(function_for(fn, vals), mask, [_kind(v) for v in vals],
                                      "jvp", patterns=[pattern(v) for v in vals])
        jvp_fn, restore = compiled.fn, _restorer(compiled, vals)
        out_jacs = []
        for i in idx:
            cols = []
            for _, e in _basis(vals[i]):
                restore()
                tangents = [e if j == i else _zero(vals[j]) for j in idx]
                out, dout = jvp_fn(*vals, *tangents)
                cols.append(np.asarray(dout, dtype=float))
            J = np.stack(cols, axis=-1).reshape(np.shape(out) + np.shape(vals[i]))
            out_jacs.append(_like(vals[i], J) if np.ndim(out) == 0 else J)
        return out_jacs[0] if single else tuple(out_jacs)
    jac.__name__ = f"jacfwd_{getattr(fn, '__name__', 'f')}"
    return jac


@entry_point
def jacrev(fn: Callable[..., Any], wrt: Wrt = 0) -> Callable[..., Any]:
    """The Jacobian by reverse sweeps (one per element of the output)."""
    @entry_point
    def jac(*args: Any) -> Any:
        vals, idx, single = _prepare(fn, wrt, args)
        names = list(signature_of(fn).parameters)
        mask = [i in idx for i in range(len(vals))]
        differentiable_mask(list(vals), names)
        c = compile_derivative(function_for(fn, vals), mask, [_kind(v) for v in vals], "vjp")
        out, saved = c.fwd(*vals)
        rows = [[] for _ in idx]
        for _, e in _basis(out):
            cts = c.bwd(_copy_lists(saved), e)
            for r, ct in zip(rows, cts):
                r.append(np.asarray(ct, dtype=float))
        jacs = []
        for i, r in zip(idx, rows):
            J = np.stack(r).reshape(np.shape(out) + np.shape(vals[i]))
            jacs.append(_like(vals[i], J) if np.ndim(out) == 0 else J)
        return jacs[0] if single else tuple(jacs)
    jac.__name__ = f"jacrev_{getattr(fn, '__name__', 'f')}"
    return jac


@entry_point
def hessian(fn: Callable[..., Any], wrt: Wrt = 0) -> Callable[..., Any]:
    """The dense Hessian, forward over reverse: ``jacfwd(grad(fn))``."""
    return jacfwd(grad(fn, wrt=wrt), wrt=wrt)


@entry_point
def hvp(fn: Callable[..., Any], primals: Sequence[Any], v: Any, wrt: int | str = 0) -> Any:
    """The Hessian-vector product H·v by one forward sweep over the generated gradient
    (Pearlmutter's R-operator); costs a small multiple of one gradient."""
    names = list(signature_of(fn).parameters)
    (i,), _ = normalize_wrt(fn, wrt, names)
    tangents = [v if j == i else None for j in range(len(primals))]
    return jvp(grad(fn, wrt=i), primals, tangents)[1]


def _compiled_jvp(fn, mask):
    f = function_for(fn, [None] * len(mask))
    return compile_derivative(f, list(mask), ["unk"] * len(mask), "jvp").fn


register_jvp(jvp, _compiled_jvp)
