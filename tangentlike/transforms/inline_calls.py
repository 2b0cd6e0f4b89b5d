"""Inlining small user functions before reverse mode, and folding constant arithmetic.

``inline_calls(func)``: a call of a small leaf user function (at most
``MAX_OPS`` ops, calling no user function itself, called with its positional
parameters only) is replaced by a copy of the callee's body. Reverse mode then
tapes the callee's intermediate values directly instead of building an
``f_fwd``/``f_bwd`` pair with a residual tuple per call (the RK4 right-hand side
of the ODE benchmark: eight calls per step). Derivative objects, checkpointed
functions and recursive or larger functions keep their pair.

``fold_constants(func)``: ``0.5 * h`` with ``h`` a module constant becomes
``0.005``, so it is neither recomputed in a loop nor taped. Only Python
arithmetic on Python ``int``/``float`` constants is folded (the result is what
Python computes at run time; NumPy calls are left alone, whose scalar types
differ from Python's).
"""
from __future__ import annotations

import operator

from ..frontend.lower_expr import LocalFunc, is_user_function
from ..ir.builder import clone_op_into
from ..ir.nodes import Block, Op, walk_ops
from ..rules import registry

MAX_OPS = 48  # ops that compute (constants and slice objects not counted)


def inline_calls(func, lowered) -> bool:
    """Inline the small leaf user functions ``func`` calls; ``lowered(fn)`` gives a
    callee's IR (or None when it cannot be inlined). One pass over the ops, whatever
    the number of calls."""
    subst = {}
    _inline_block(func.body, lowered, subst)
    if subst:
        for op in walk_ops(func.body):
            op.args = [subst.get(a, a) for a in op.args]
    return bool(subst)


def _inline_block(block, lowered, subst):
    ops = []
    for op in block.ops:
        for r in op.regions:
            _inline_block(r, lowered, subst)
        callee = _inlinable(op, lowered)
        if callee is None:
            ops.append(op)
            continue
        # the call's arguments may be results of calls inlined before it
        vmap = {p: subst.get(a, a) for p, a in zip(callee.params, op.args)}
        for o in callee.body.ops[:-1]:
            new = clone_op_into(o, Block(), vmap)
            new.block = block
            ops.append(new)
        ret = callee.body.ops[-1].args[0]
        subst[op.result] = vmap.get(ret, ret)
    block.ops = ops


def _inlinable(op, lowered):
    if op.kind != "call" or op.attrs.get("kw") or len(op.results) != 1:
        return None
    fn = op.attrs["fn"]
    if not is_user_function(fn) or not (isinstance(fn, LocalFunc) or hasattr(fn, "__code__")):
        return None
    callee = lowered(fn)
    if callee is None or len(callee.params) != len(op.args):
        return None
    ops = list(walk_ops(callee.body))
    if sum(o.kind not in ("const", "slice") for o in ops) > MAX_OPS or any(o.kind == "call" and is_user_function(o.attrs["fn"])
                                 for o in ops):
        return None
    return callee


def fold_constants(func) -> bool:
    """Replace Python arithmetic on Python number constants by its value."""
    subst = {}
    for op in list(walk_ops(func.body)):
        if subst:
            op.args = [subst.get(a, a) for a in op.args]
        if op.kind != "call" or not registry.has(op.attrs["fn"], "foldable") or op.attrs.get("kw"):
            continue
        values = [_number(a) for a in op.args]
        if any(v is None for v in values) or _huge_power(op.attrs["fn"], values):
            continue
        try:
            out = op.attrs["fn"](*values)
        except (ArithmeticError, ValueError):
            continue  # left to run time, where the user sees it
        if type(out) not in (int, float):
            continue
        const = Op("const", [], [], {"value": out}, [], op.loc, op.block)
        subst[op.result] = const.add_result(op.result.hint)
        op.block.ops[op.block.ops.index(op)] = const
    return bool(subst)


def _number(v):
    o = v.owner
    if isinstance(o, Op) and o.kind == "const" and type(o.attrs["value"]) in (int, float):
        return o.attrs["value"]
    return None


def _huge_power(fn, values):
    return fn is operator.pow and len(values) == 2 and abs(values[1]) > 64
