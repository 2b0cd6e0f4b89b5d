"""Shift invariance of log-sum-exp (a primal rewrite before reverse mode).

In ``total = m + np.log(np.sum(np.exp(y - m)))`` the derivative with respect to
``m`` is exactly zero, whatever ``m`` is: ``1 - sum(exp(y - m)) / sum(exp(y -
m))``. The usual ``m = np.max(y)`` is there for numerical safety only, so
differentiating through it (``extremum_share``, a sum, a product, then adding
contributions that cancel to rounding) costs as much as the rest of the
adjoint. ``cut_shifts(func)`` finds ``m`` used exactly twice: as the subtrahend
of ``y - m`` whose only use is ``exp``, whose only use is a full ``sum``, whose
only use is ``log``; and as a leaf of the same tree of ``+`` as that ``log``.
Both uses then read ``rt.stop_gradient(m)``, which is what ``jax.nn.logsumexp``
writes by hand. Anything else (``m`` read elsewhere, a reduction over an axis,
``e`` reused for a softmax) is left as it is.
"""
from __future__ import annotations


import numpy as np

from .. import runtime as rt
from ..ir.nodes import Op, walk_ops
from ..rules import registry


def cut_shifts(func) -> bool:
    uses = {}
    for op in walk_ops(func.body):
        for a in op.args:
            uses.setdefault(a, []).append(op)
    changed = False
    for op in list(walk_ops(func.body)):
        if op.kind == "call" and len(op.results) == 1 and _is_shift(op.result, uses):
            _stop(op.result, uses[op.result])
            changed = True
    return changed


def _only_use(v, uses, fns, nargs=None):
    us = uses.get(v, [])
    if len(us) != 1 or us[0].kind != "call":
        return None
    fn = us[0].attrs["fn"]
    if not (registry.has(fn, fns) if isinstance(fns, str) else fn in fns):
        return None
    op = us[0]
    if op.attrs.get("kw") or (nargs is not None and len(op.args) != nargs):
        return None
    return op


def _is_shift(m, uses):
    if m.owner.kind == "call" and m.owner.attrs["fn"] is rt.stop_gradient:
        return False  # already cut
    us = uses.get(m, [])
    if len(us) != 2 or any(u.kind != "call" or u.attrs.get("kw") for u in us):
        return False
    subs = [u for u in us if registry.has(u.attrs["fn"], "subtraction")
            and len(u.args) == 2 and u.args[1] is m and u.args[0] is not m]
    adds = [u for u in us if registry.has(u.attrs["fn"], "addition") and len(u.args) == 2]
    if len(subs) != 1 or len(adds) != 1:
        return False
    e = _only_use(subs[0].result, uses, (np.exp,), 1)
    s = e and _only_use(e.result, uses, (np.sum,), 1)
    log = s and _only_use(s.result, uses, (np.log,), 1)
    return bool(log) and _add_root(log.result, uses) is _add_root(adds[0].result, uses)


def _add_root(v, uses):
    """The top of the tree of single-use ``+`` that ``v`` is a leaf of."""
    while True:
        op = _only_use(v, uses, "addition", 2)
        if op is None:
            return v
        v = op.result


def _stop(m, users):
    block = m.owner.block
    stop = Op("call", [m], [], {"fn": rt.stop_gradient, "kw": ()}, [], m.owner.loc, block)
    cut = stop.add_result(m.hint)
    block.ops.insert(block.ops.index(m.owner) + 1, stop)
    for u in users:
        u.args = [cut if a is m else a for a in u.args]
