"""IR verifier: every pass's output must satisfy it.

Checks: each value defined once; every use is dominated by its definition
(defined earlier in the same block or an enclosing one, so regions see outer
values but not the other way round); blocks end with the right terminator;
region arity (yields match results, loop parameters match carries).
"""
from __future__ import annotations

from .nodes import Block, Func


class VerifyError(Exception):
    pass


def verify(func: Func) -> Func:
    defined: set = set()
    for p in func.params:
        _define(p, defined)
    _block(func.body, defined, visible=set(func.params), top=True)
    return func


def _define(v, defined):
    if v in defined:
        raise VerifyError(f"value {v!r} defined twice")
    defined.add(v)


def _block(block: Block, defined, visible, top=False):
    visible = set(visible)
    term = "return" if top else "yield"
    if not block.ops or block.ops[-1].kind != term:
        raise VerifyError(f"block must end with {term}")
    for i, op in enumerate(block.ops):
        if op.kind in ("yield", "return") and i != len(block.ops) - 1:
            raise VerifyError(f"{op.kind} in the middle of a block")
        if op.block is not block:
            raise VerifyError(f"op {op.kind} has a stale block pointer")
        for a in op.args:
            if a not in visible:
                raise VerifyError(f"{op.kind} at {op.loc} uses {a!r} before its definition")
        for r in op.regions:
            if r.parent is not op:
                raise VerifyError(f"region of {op.kind} has a stale parent pointer")
            for p in r.params:
                _define(p, defined)
            _block(r, defined, visible | set(r.params))
        _arity(op)
        for r in op.results:
            _define(r, defined)
            visible.add(r)


def _arity(op):
    n = len(op.results)
    if op.kind == "if":
        for r in op.regions:
            if len(r.ops[-1].args) != n:
                raise VerifyError(f"if at {op.loc}: branch yields {len(r.ops[-1].args)}, expected {n}")
    elif op.kind == "for":
        body = op.regions[0]
        extra = 1 if op.attrs.get("brk") else 0
        if len(body.params) != n + 1 or len(op.args) != n + 1 or len(body.ops[-1].args) != n + extra:
            raise VerifyError(f"for at {op.loc}: carries do not match")
    elif op.kind == "while":
        cond, body = op.regions
        extra = 1 if op.attrs.get("brk") else 0
        if not (len(cond.params) == len(body.params) == len(op.args) == n):
            raise VerifyError(f"while at {op.loc}: carries do not match")
        if len(cond.ops[-1].args) != 1 or len(body.ops[-1].args) != n + extra:
            raise VerifyError(f"while at {op.loc}: yields do not match")
