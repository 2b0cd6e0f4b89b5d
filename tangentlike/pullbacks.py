"""``tl.vjp``: the value of a function and its pullback (the api layer).

Promise: ``vjp(f, *primals)`` runs the forward function compiled for these arguments
once and returns ``(out, pullback)``; each call of ``pullback(ct)`` runs the backward
function on a copy of the saved lists, so it can be called many times, and returns one
cotangent per argument with the argument's dtype (None where there is no derivative).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import outputs, runtime as rt
from .admissible import check_arguments
from .api import _copy_lists, _kind, differentiable_mask, function_for, signature_of
from .errors import ArgumentError, entry_point
from .options import check_options
from .pipeline import compile_derivative
from .request import Request


def _like_primal(g, x):
    """A cotangent with its primal's dtype: a float32 array or NumPy scalar keeps float32
    even where the primal computed in float64 (a float64 constant, ``np.zeros(n)``)."""
    if isinstance(x, np.ndarray):
        return rt.dtype_like(g, x)
    if isinstance(x, np.inexact) and not isinstance(x, np.complexfloating) and g is not None:
        return rt.scalar_like(g, x)
    return g


@entry_point
def vjp(fn: Callable[..., Any], *primals: Any, has_aux: bool = False,
        **options: Any) -> tuple[Any, ...]:
    """``(out, pullback)``; ``pullback(ct)`` -> one cotangent per argument (None for
    arguments that are not floats, float arrays or containers of them). ``has_aux=True``:
    ``fn`` returns ``(out, aux)`` and ``vjp`` gives ``(out, pullback, aux)``."""
    check_options("vjp", options, ("has_aux",))
    sig = signature_of(fn)
    names = list(sig.parameters)
    try:
        bound = sig.bind(*primals)
    except TypeError as e:
        raise ArgumentError(f"bad primals for vjp of {fn.__name__}: {e}") from None
    bound.apply_defaults()
    vals = list(bound.arguments.values())
    check_arguments(vals, names)
    mask = differentiable_mask(vals, names)
    compiled = compile_derivative(Request(function_for(fn, vals), mask,
                                          [_kind(v) for v in vals], "vjp"))
    try:
        out, saved = compiled.fwd(*vals)
    except Exception as e:
        rt.source_note(e)
        raise
    aux = None
    if has_aux:
        out, aux = outputs.split_aux(out, getattr(fn, "__name__", "f"))

    def pullback(ct):
        ct = (ct, rt.zeros_like(aux)) if has_aux else ct
        try:
            grads = iter(compiled.bwd(_copy_lists(saved), ct))
        except Exception as e:
            rt.source_note(e)
            raise
        return tuple(_like_primal(next(grads), v) if m else None for m, v in zip(mask, vals))

    pullback.source = compiled.source
    return (out, pullback, aux) if has_aux else (out, pullback)
