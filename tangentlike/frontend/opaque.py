"""Calls that run as opaque primal calls.

A module-level function the frontend cannot lower (it has no source, or its source
uses a construct outside the subset: ``scipy.special.multigammaln`` checks its
argument with ``raise``) is not followed: the call becomes a call of
``ir.callees.Opaque(fn, error)``, which runs ``fn`` itself. Activity decides the
rest: the transforms leave a call none of whose arguments carries a derivative as it
is, and raise ``error`` (where the callee cannot be lowered) when one does. Only
plain functions qualify: a nested function or a lambda can read the differentiated
function's values through its closure, and a bound method can change its object.
"""
from __future__ import annotations

import types

from ..errors import LocatedError, NoSourceError, UnsupportedSyntaxError
from ..ir.callees import Opaque
from .source import spec_of
from .unchanged import SourceChangedError

_PROBED: dict = {}  # (function, code) -> None (lowerable) or the error lowering raised


def opaque_callee(fn, make):
    """``Opaque(fn, error)`` when the plain function ``fn`` cannot be lowered (``make(spec)
    .lower()`` raises a located or no-source error), else None."""
    if not isinstance(fn, types.FunctionType):
        return None
    key = (fn, fn.__code__)
    if key not in _PROBED:
        _PROBED[key] = None  # recursion: lowerable as far as is known yet
        try:
            make(spec_of(fn)).lower()
        except SourceChangedError:
            del _PROBED[key]
            raise
        except (UnsupportedSyntaxError, LocatedError, NoSourceError) as e:
            _PROBED[key] = e
    error = _PROBED[key]
    return None if error is None else Opaque(fn, error)


def differentiated(fn, loc):
    """The error of an opaque call that an argument's derivative reaches."""
    err = fn.error
    where = f" (called at {loc.filename}, line {loc.lineno})" if loc is not None else ""
    note = (f"tangentlike: {fn.__qualname__} is differentiated here{where}: an argument "
            "carries a derivative, so its source must be supported")
    if isinstance(err, LocatedError):
        if note not in getattr(err, "__notes__", ()):
            err.add_note(note)
        return err
    return type(err)(f"{err}{where}")


def reject_differentiated(func, varied):
    """Raise ``differentiated`` for an opaque call of ``func`` that an argument carrying a
    derivative reaches, whether or not its result is used: the issue's rule is that only
    a call with no active argument runs opaque."""
    from ..ir.nodes import walk_ops
    for op in walk_ops(func.body):
        fn = op.attrs.get("fn") if op.kind == "call" else None
        if isinstance(fn, Opaque) and any(a in varied for a in op.args):
            raise differentiated(fn, op.loc)
