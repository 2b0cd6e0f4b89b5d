"""Structured SSA IR (docs/architecture.md: the IR).

A ``Func`` owns a ``Block``; a block is a list of ``Op``s whose last op is a
terminator (``yield`` in nested blocks, ``return`` in a function body). ``if``,
``for`` and ``while`` are ops that own nested blocks; values that flow out of a
branch or around a loop are explicit: block parameters, ``yield`` operands and
op results (MLIR's ``scf.if``/``scf.for`` with ``iter_args``).

Every value is defined once (an op result or a block parameter), is identified
by object identity, and carries a name *hint* and its ``facts`` (``ir.facts.Facts``:
kind and shape pattern, filled by the inference pass ``analysis.infer``; None until
then); unique names are made when printing or emitting. Every op carries the
source location it came from.

Op kinds and their shape:

=========  ==============================  ================================
kind       args                            regions / attrs
=========  ==============================  ================================
const      -                               attrs: value
call       positional then keyword args    attrs: fn (the Python object), kw
tuple      elements                        -
list       elements                        -
dict       values                          attrs: keys
slice      start, stop, step               -
setitem    target, index, value            result aliases target (in place)
append     list, value                     result aliases list (in place)
listpop    list, item                      result aliases list; drops its last item,
                                           which is ``item`` (read just before)
if         cond                            regions: then, else (no params)
for        iterable, *inits                regions: body(item, *carries);
                                           attrs: brk (body yields a stop flag last)
while      *inits                          regions: cond(*carries) yields a bool,
                                           body(*carries); attrs: brk
yield      values                          terminator of a nested block
return     value                           terminator of a function body
unpack     value                           results: its items (``a, b = value``)
tape       -                               a fresh tape (attr nondiff: of index values)
push       tape, *values                   -
pop        tape                            results: the values, in push order
=========  ==============================  ================================
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Loc

TERMINATORS = ("yield", "return")
REGION_OPS = ("if", "for", "while")
# Ops whose result is the same object as their first argument, mutated.
INPLACE_OPS = ("setitem", "append", "listpop")
EFFECT_OPS = ("setitem", "append", "listpop", "push", "pop", "tape")


@dataclass(slots=True, eq=False)
class Value:
    hint: str = "v"
    owner: Any = None  # the defining Op, or the Block for a parameter
    facts: Any = None  # ir.facts.Facts from analysis.infer; None: not inferred

    def __repr__(self):
        return f"%{self.hint}@{id(self) % 10000}"


@dataclass(slots=True, eq=False)
class Block:
    params: list = field(default_factory=list)
    ops: list = field(default_factory=list)
    parent: Any = None  # the Op owning this block, None for a function body

    def add_param(self, hint: str) -> Value:
        v = Value(hint, self)
        self.params.append(v)
        return v

    @property
    def terminator(self):
        return self.ops[-1] if self.ops and self.ops[-1].kind in TERMINATORS else None


@dataclass(slots=True, eq=False)
class Op:
    kind: str
    args: list = field(default_factory=list)
    results: list = field(default_factory=list)
    attrs: dict = field(default_factory=dict)
    regions: list = field(default_factory=list)
    loc: Loc | None = None
    block: Any = None  # the Block containing this op

    @property
    def result(self) -> Value:
        return self.results[0]

    def add_result(self, hint: str) -> Value:
        v = Value(hint, self)
        self.results.append(v)
        return v

    def set_regions(self, *blocks):
        self.regions = list(blocks)
        for b in blocks:
            b.parent = self


@dataclass(slots=True, eq=False)
class Func:
    name: str
    params: list  # Values; also body.params
    body: Block
    loc: Loc | None = None
    param_names: list = field(default_factory=list)
    defaults: dict = field(default_factory=dict)  # parameter name -> constant
    source_hash: str = ""


def append_op(block: Block, op: Op) -> Op:
    op.block = block
    block.ops.append(op)
    return op


def walk_ops(block: Block):
    """Every op of ``block`` and of its nested blocks, in program order."""
    for op in block.ops:
        yield op
        for r in op.regions:
            yield from walk_ops(r)


def values(func: Func):
    """Every value of ``func``: its parameters, then each op's results and its regions'
    parameters, in program order."""
    yield from func.params
    for op in walk_ops(func.body):
        yield from op.results
        for r in op.regions:
            yield from r.params


def defining_block(v: Value) -> Block:
    return v.owner if isinstance(v.owner, Block) else v.owner.block


def free_values(op: Op) -> list:
    """Values used inside ``op``'s regions but defined outside them, in first-use order."""
    inside, seen, out = set(), set(), []
    for r in op.regions:
        inside.update(r.params)
        for o in walk_ops(r):
            inside.update(o.results)
            for rr in o.regions:
                inside.update(rr.params)
    for r in op.regions:
        for o in walk_ops(r):
            for a in o.args:
                if a not in inside and a not in seen:
                    seen.add(a)
                    out.append(a)
    return out
