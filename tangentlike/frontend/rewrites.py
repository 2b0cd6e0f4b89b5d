"""Calls lowered as other calls that say the same thing (a mixin's helpers for
``ExprLowering``).

Promise: each rewrite keeps NumPy's value and makes the call one the rule tables
know. ``np.r_[...]`` / ``np.c_[...]`` (an indexing of a constant object) becomes
``rt.axis_concat("r" | "c", items)``; ``np.atleast_1d(x, y)`` (several arrays)
becomes a tuple of one-array calls; ``np.linalg.svd(a, compute_uv=False)`` (the
literal ``False``) becomes ``np.linalg.svdvals(a)``; ``np.linalg.norm(a, 'nuc')``
with no ``axis``/``keepdims`` becomes ``np.sum(np.linalg.svdvals(rt.as_matrix(a)))``,
the nuclear norm's definition (``rt.as_matrix`` rejects a non-matrix as NumPy
does). Anything else is left as it is.
"""
from __future__ import annotations

import operator

import gast
import numpy as np

from .. import runtime as rt
from ..rules import registry

def index_join(lw, node):
    """``np.r_[...]`` / ``np.c_[...]`` as a call of ``rt.axis_concat``, or None."""
    ok, obj = lw.static(node.value)
    if not ok or not (obj is np.r_ or obj is np.c_):
        return None
    elts = node.slice.elts if isinstance(node.slice, gast.Tuple) else [node.slice]
    items = lw.b.op("tuple", [lw.expr(e) for e in elts], ("items",)).result
    which = lw.b.const("r" if obj is np.r_ else "c")
    return lw.b.call(rt.axis_concat, [which, items], hint="joined")


def rewrite_call(lw, fn, node):
    """``(fn, node, value)``: ``value`` when the call was lowered here, else None and the
    (possibly rewritten) callee and call to lower as usual."""
    if registry.has(fn, "per_argument") and len(node.args) > 1 and not node.keywords:  # one call per array
        parts = [lw.b.call(fn, [lw.expr(a)], hint=fn.__name__) for a in node.args]
        return fn, node, lw.b.op("tuple", parts, ("arys",)).result
    if fn is pow and len(node.args) == 2 and not node.keywords:  # pow(a, b) is a ** b
        return operator.pow, node, None
    if fn is np.linalg.svd and _literal_kw(node, "compute_uv") is False:
        return np.linalg.svdvals, _without_kw(node, ("compute_uv", "full_matrices")), None
    if fn is np.linalg.norm and _nuclear(node):
        m = lw.b.call(rt.as_matrix, [lw.expr(node.args[0])], hint="m")
        s = lw.b.call(np.linalg.svdvals, [m], hint="s")
        return fn, node, lw.b.call(np.sum, [s], hint="nuc")
    return fn, node, None


def _nuclear(node) -> bool:
    """``np.linalg.norm(a, 'nuc')`` or ``np.linalg.norm(a, ord='nuc')``, nothing else."""
    if len(node.args) == 2 and not node.keywords:
        ord_ = node.args[1]
    elif len(node.args) == 1 and [k.arg for k in node.keywords] == ["ord"]:
        ord_ = node.keywords[0].value
    else:
        return False
    return isinstance(ord_, gast.Constant) and ord_.value == "nuc"


def _literal_kw(node, name):
    for k in node.keywords:
        if k.arg == name and isinstance(k.value, gast.Constant):
            return k.value.value
    return None


def _without_kw(node, names):
    """A copy of call ``node`` without the keyword arguments ``names``."""
    return gast.Call(func=node.func, args=node.args,
                     keywords=[k for k in node.keywords if k.arg not in names])
