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

from . import runtime as rt
from .admissible import check_arguments
from .api import (Wrt, _kind, check_differentiable, function_for, grad, normalize_wrt,
                  signature_of)
from .analysis.shapes import pattern
from .errors import ArgumentError, entry_point
from .ir.callees import register_jvp
from .jacobian_sweeps import forward_jacobian, prepare, reverse_jacobian
from .jacobian_nest import nested_jacobian
from .options import check_options, resolve_wrt
from .pipeline import compile_derivative
from .request import Request
from .pytrees import align, flatten, is_container, same_structure


def _check_tangent(t, x, name):
    """``t`` if it has the structure of ``x`` and each leaf its primal's shape."""
    if not same_structure(t, x):
        raise ArgumentError(f"tangent of '{name}' is a {type(t).__name__}, its primal a "
                            f"{type(x).__name__}: give a tangent of the same structure")
    t = align(t, x)
    for tl_, xl in zip(flatten(t)[0], flatten(x)[0]):
        if np.shape(tl_) != np.shape(xl):
            where = "" if not is_container(x) else " (a leaf)"
            raise ArgumentError(f"tangent of '{name}'{where} has shape {np.shape(tl_)}, its "
                                f"primal {np.shape(xl)}")
    return t


@entry_point
def jvp(fn: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any],
        **options: Any) -> tuple[Any, Any]:
    """``(out, out_tangent)`` by one forward sweep. A tangent of ``None`` marks an argument
    that is not differentiated; an integer argument's tangent must be zero. Container
    arguments take tangents of the same structure (a leaf's tangent has its shape)."""
    check_options("jvp", options, ())
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
        mask.append(True)
        ts.append(check_differentiable(_check_tangent(t, vals[i], names[i]), names[i]))
    compiled = compile_derivative(Request(function_for(fn, vals), mask,
                                          [_kind(v) for v in vals], "jvp",
                                          patterns=[pattern(v) for v in vals]))
    try:
        return compiled.fn(*vals, *ts)
    except Exception as e:
        rt.source_note(e)  # name the user's line (backend.sourcemap)
        raise


class Jacobian:
    """What ``jacfwd``/``jacrev`` return: call it like the Jacobian function. A Jacobian of
    a Jacobian (``jacfwd(jacrev(f))``, any depth) differentiates the generated JVP code
    of the innermost function once per element of the inner ``wrt`` argument."""

    def __init__(self, fn, wrt, mode, has_aux):
        self.fn, self.wrt, self.mode, self.has_aux = fn, wrt, mode, bool(has_aux)
        self.__signature__ = signature_of(fn)
        self.__name__ = f"jac{'fwd' if mode == 'forward' else 'rev'}_" \
                        f"{getattr(fn, '__name__', 'f')}"
        self.report = {}  # forward: how the last call swept ("sweeps") and its "source"

    @property
    def sweeps(self):
        """How the last call of a forward Jacobian swept: one batched sweep carrying every
        column, or one sweep per column (and which construct has no batched form)."""
        return self.report.get("sweeps")

    @property
    def source(self):
        """The generated JVP code the last call of a forward Jacobian ran (``tl.source``)."""
        return self.report.get("source")

    def direct(self, fn, args, with_out=False):
        """This Jacobian of the plain (non-Jacobian) function ``fn`` at ``args``
        (``with_out``: and ``fn``'s output)."""
        vals, idx, single = prepare(fn, self.wrt, args)
        if self.mode == "forward":
            return forward_jacobian(fn, vals, idx, single, self.has_aux, with_out, self.report)
        return reverse_jacobian(fn, vals, idx, single, self.has_aux, with_out)

    @entry_point
    def __call__(self, *args: Any) -> Any:
        levels, fn = [self], self.fn
        while isinstance(fn, Jacobian):
            levels.append(fn)
            fn = fn.fn
        if len(levels) == 1:
            return self.direct(fn, args)
        if any(lv.has_aux for lv in levels):
            raise ArgumentError("has_aux=True applies to the innermost Jacobian only when "
                                "Jacobians are not nested")
        return nested_jacobian(levels, fn, list(args))


def _jacobian_options(entry, wrt, options):
    check_options(entry, options, ("wrt", "argnums", "argnum", "has_aux"))
    return (resolve_wrt(wrt, options.get("argnums"), argnum=options.get("argnum")),
            options.get("has_aux", False))


@entry_point
def jacfwd(fn: Callable[..., Any], wrt: Wrt | None = None, **options: Any) -> Jacobian:
    """The Jacobian by forward sweeps (one per element of the ``wrt`` arguments);
    ``argnums=`` is ``wrt``'s JAX spelling, ``has_aux=True`` gives ``(jacobian, aux)``."""
    wrt, has_aux = _jacobian_options("jacfwd", wrt, options)
    return Jacobian(fn, wrt, "forward", has_aux)


@entry_point
def jacrev(fn: Callable[..., Any], wrt: Wrt | None = None, **options: Any) -> Jacobian:
    """The Jacobian by reverse sweeps (one per element of the output); options as
    ``jacfwd``'s."""
    wrt, has_aux = _jacobian_options("jacrev", wrt, options)
    return Jacobian(fn, wrt, "reverse", has_aux)


@entry_point
def hessian(fn: Callable[..., Any], wrt: Wrt | None = None,
            **options: Any) -> Callable[..., Any]:
    """The dense Hessian, forward over reverse: ``jacfwd(grad(fn))``."""
    check_options("hessian", options, ("wrt", "argnums", "argnum"))
    wrt = resolve_wrt(wrt, options.get("argnums"), argnum=options.get("argnum"))
    return jacfwd(grad(fn, wrt=wrt), wrt=wrt)


@entry_point
def hvp(fn: Callable[..., Any], primals: Sequence[Any], v: Any, wrt: int | str | None = None,
        **options: Any) -> Any:
    """The Hessian-vector product H·v by one forward sweep over the generated gradient
    (Pearlmutter's R-operator); costs a small multiple of one gradient."""
    check_options("hvp", options, ("wrt", "argnums", "argnum"))
    wrt = resolve_wrt(wrt, options.get("argnums"), argnum=options.get("argnum"))
    names = list(signature_of(fn).parameters)
    (i,), _ = normalize_wrt(fn, wrt, names)
    tangents = [v if j == i else None for j in range(len(primals))]
    return jvp(grad(fn, wrt=i), primals, tangents)[1]


def _compiled_jvp(fn, mask):
    f = function_for(fn, [None] * len(mask))
    return compile_derivative(Request(f, mask, ["unk"] * len(mask), "jvp")).fn


register_jvp(jvp, _compiled_jvp)
