"""Local simplifications: constant folding, algebraic identities, selects.

``fold(fn, args, kinds)`` is asked while a rule body is being inlined: it
returns a value to use instead of the call (``x * 1`` -> ``x``,
``rt.unbroadcast(g, x)`` -> ``g`` when both are scalars, a call of a pure NumPy
or operator function on constants -> its value), or ``None`` to keep it.
Identities are applied only to cotangent code, where every value is a float
or a float array, so they never change a type the primal relies on.

Pass ``selects``: an ``if`` whose branches only choose constants becomes the
condition itself (``brk = x > 10.0`` instead of a four-line ``if``).
"""
from __future__ import annotations

import operator

import numpy as np

from .. import runtime as rt
from ..ir.nodes import Op, walk_ops
from ..rules import registry

_FOLDABLE_MODULES = ("numpy", "_operator", "operator", "builtins")


def const_of(v):
    """(True, value) if ``v`` is defined by a ``const`` op."""
    op = getattr(v, "owner", None)
    if isinstance(op, Op) and op.kind == "const":
        return True, op.attrs["value"]
    return False, None


def _is(v, number):
    ok, c = const_of(v)
    return ok and isinstance(c, (int, float)) and not isinstance(c, bool) and c == number


def fold(fn, args, kinds, builder, kw=()):
    """A replacement for ``fn(*args)`` in cotangent code, or None. ``kinds`` are the
    arguments' kinds (``activity.kinds``)."""
    if kw:
        return None
    if fn in (rt.unbroadcast, rt.broadcast_like) and kinds[0] == "scalar" == kinds[1]:
        return args[0]  # between two scalars there is nothing to sum or spread
    if fn is operator.mul and len(args) == 2:
        if _is(args[0], 1):
            return args[1]
        if _is(args[1], 1):
            return args[0]
    if fn in (operator.truediv, operator.pow) and len(args) == 2 and _is(args[1], 1):
        return args[0]
    if fn in (operator.add, operator.sub) and len(args) == 2 and _is(args[1], 0):
        return args[0]
    if fn is operator.add and len(args) == 2 and _is(args[0], 0):
        return args[1]
    return _fold_constants(fn, args, builder)


def _fold_constants(fn, args, builder):
    consts = [const_of(a) for a in args]
    if not args or not all(ok for ok, _ in consts):
        return None
    mod = (getattr(fn, "__module__", "") or "").split(".")[0]
    pure = registry.lookup(fn) or registry.is_nondiff(fn)
    helper = mod == "tangentlike" and registry.is_nondiff(fn)  # rt.dtype_passes(None)
    if (mod not in _FOLDABLE_MODULES and not helper) or not pure or fn in (range, reversed, len):
        return None
    values = [c for _, c in consts]
    if not all(isinstance(v, (int, float, bool, np.generic)) or (helper and v is None)
               for v in values):
        return None
    try:
        with np.errstate(all="ignore"):
            out = fn(*values)
    except Exception:  # noqa: BLE001 - leave it to run time, where the user sees it
        return None
    if isinstance(out, np.ndarray) and out.ndim == 0:
        out = out.item()
    if isinstance(out, np.generic):
        out = out.item()
    if not isinstance(out, (int, float, bool)):
        return None
    return builder.const(out)


def selects(func) -> bool:
    """Replace ``if`` results that just pick constants by the condition."""
    changed = False
    for op in list(walk_ops(func.body)):
        if op.kind != "if" or not all(_only_consts(r) for r in op.regions):
            continue
        then_y, else_y = (r.ops[-1].args for r in op.regions)
        cond = op.args[0]
        for j, res in enumerate(op.results):
            a, b = const_of(then_y[j])[1], const_of(else_y[j])[1]
            if a is True and b is False and _is_bool(cond):
                changed |= _replace_result(op, j, cond)
    return changed


def _only_consts(block):
    return all(o.kind in ("const", "yield") for o in block.ops)


def _is_bool(v):
    op = v.owner
    return isinstance(op, Op) and op.kind == "call" and registry.has(op.attrs["fn"], "comparison")


def _replace_result(op, j, new) -> bool:
    """Read ``new`` wherever result ``j`` of ``op`` is read; whether it was read at all."""
    old, found = op.results[j], False
    for o in walk_ops(_root(op)):
        if any(a is old for a in o.args):
            o.args = [new if a is old else a for a in o.args]
            found = True
    return found


def _root(op):
    block = op.block
    while block.parent is not None:
        block = block.parent.block
    return block
