"""The dataflow graph of IR functions as Graphviz DOT text (``tl.graph``, ``tangentlike graph``).

Promise: ``to_dot(funcs, name, variables, grads)`` returns deterministic text for one
``digraph``: a cluster per function; a node per parameter (ellipse, its name) and per op
(box: a constant shows its value, a call its callee as the printer names it; an op whose
one result is a source variable of ``variables`` reads ``c = add``). The blocks of
``if``/``for``/``while`` are nested clusters holding only the nodes defined in them;
every edge is written after all clusters, at the top level, so that an edge never pulls
a node defined outside a block into that block's box (Graphviz puts a node in each
subgraph that mentions it). An edge goes from the node that defines a value to each op
that uses it, labelled with the value's name when its definer has several results; a
block's parameters are fed by a dashed edge from the op that owns them and its ``yield``
sends a dashed edge back. Helpers that only pass a value on (``rt.unbroadcast``, which
sums a broadcast adjoint back to its operand's shape, and the ``rt.check_scalar``
assertion) are left out, and so are the values only they read: their users are fed
by the node that defines the value they pass on. With ``grads`` (the parameter names
the last function returns gradients of), each adjoint node is linked by a dotted edge
to the primal value it differentiates, in the first function: a value named ``dX``
for a source variable ``X``, and each returned gradient to its parameter. No Graphviz
library is needed to make the text.
"""
from __future__ import annotations

import re

from .nodes import Block, Func
from .printer import callee_name, const_repr

_REGION_LABELS = {"if": ("then", "else"), "for": ("body",), "while": ("cond", "body")}
_HIDDEN = ("rt.unbroadcast", "rt.check_scalar")  # pass a value on / assert: not drawn
_KEYWORDS = ("node", "edge", "graph", "digraph", "subgraph", "strict")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot_id(name: str) -> str:
    """A DOT identifier: bare when it may be (as the ``graphviz`` package writes it)."""
    ok = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and name.lower() not in _KEYWORDS
    return name if ok else _quote(name)


def _hidden(op) -> bool:
    return op.kind == "call" and callee_name(op.attrs["fn"]) in _HIDDEN


_ALWAYS = ("yield", "return", "push", "pop", "tape", "setitem", "append", "listpop")


def _drawn_ops(funcs) -> set:
    """The ops the picture shows: terminators, effects and blocks, and whatever they read
    (through the left-out helpers); a value only those helpers read is left out too."""
    ops, stack = [], [f.body for f in funcs]
    while stack:
        block = stack.pop()
        for op in block.ops:
            ops.append(op)
            stack.extend(op.regions)
    drawn = {op for op in ops if not _hidden(op) and (op.kind in _ALWAYS or op.regions)}
    needed, changed = set(), True
    while changed:
        changed = False
        for op in reversed(ops):
            hidden = _hidden(op)
            if op not in drawn and not hidden and any(r in needed for r in op.results):
                drawn.add(op)
            reads = (op.args if op in drawn else
                     op.args[:1] if hidden and any(r in needed for r in op.results) else ())
            fresh = [a for a in reads if a not in needed]
            if fresh:
                needed.update(fresh)
                changed = True
    return drawn


class _Graph:
    def __init__(self, funcs, variables):
        self.lines, self.edges, self.count = [], [], 0
        self.defs = {}  # Value -> (node id, edge label)
        self.first = {}  # source variable -> node id, in the function being drawn
        self.variables = variables
        self.drawn = _drawn_ops(funcs)

    def node(self, label, indent, shape="box", style=None) -> str:
        nid = f"n{self.count}"
        self.count += 1
        extra = f", style={style}" if style else ""
        self.lines.append(f"{indent}{nid} [label={_quote(label)}, shape={shape}{extra}];")
        return nid

    def edge(self, src, dst, label=None, style=None, extra=""):
        attrs = [f"label={_quote(label)}"] if label else []
        attrs += [f"style={style}"] if style else []
        attrs += [extra] if extra else []
        self.edges.append(f"  {src} -> {dst}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")

    def variable(self, value):
        """The source variable a value holds (``X``), or its adjoint (``dX``); else None."""
        base = value.hint or ""
        if base in self.variables or base[:1] == "d" and base[1:] in self.variables:
            return base
        return None

    def define(self, value, nid, top, label=None):
        self.defs[value] = (nid, label)
        var = self.variable(value)
        if var is not None and top:
            self.first.setdefault(var, nid)
            self.last[var] = nid

    def func(self, func: Func, index: int) -> tuple:
        """Draw ``func``; its top-level variables' first and last defining nodes."""
        self.first, self.last = {}, {}
        self.lines.append(f"  subgraph cluster_{index} {{")
        self.lines.append(f"    label={_quote(func.name)};")
        self.block(func.body, "    ", None)
        self.lines.append("  }")
        return self.first, self.last

    def block(self, block: Block, indent, owner):
        for p in block.params:
            nid = self.node(p.hint or "v", indent, "ellipse")
            self.define(p, nid, owner is None)
            if owner is not None:
                self.edge(owner, nid, style="dashed")
        for op in block.ops:
            self.op(op, indent, owner)

    def op(self, op, indent, owner):
        if _hidden(op):
            if op.results and op.args:  # users read the value it passes on
                self.defs[op.results[0]] = self.defs.get(op.args[0], (None, None))
            return
        if op not in self.drawn:
            return
        label = (const_repr(op.attrs["value"]) if op.kind == "const" else
                 callee_name(op.attrs["fn"]) if op.kind == "call" else op.kind)
        var = self.variable(op.results[0]) if len(op.results) == 1 else None
        nid = self.node(f"{var} = {label}" if var and op.kind != "const" else label, indent,
                        style="rounded" if op.regions else None)
        for a in op.args:
            src, name = self.defs.get(a, (None, None))
            if src is not None:
                self.edge(src, nid, name)
        if op.kind == "yield" and owner is not None:
            self.edge(nid, owner, style="dashed")
        multi = len(op.results) > 1
        for r in op.results:
            self.define(r, nid, owner is None, (r.hint or "v") if multi else None)
        labels = _REGION_LABELS.get(op.kind, ())
        for i, region in enumerate(op.regions):
            self.lines.append(f"{indent}subgraph cluster_{nid}_{i} {{")
            self.lines.append(f"{indent}  label={_quote(labels[i] if i < len(labels) else '')};")
            self.block(region, indent + "  ", nid)
            self.lines.append(f"{indent}}}")


_LINK = 'color="#3060c0", fontcolor="#3060c0", constraint=false'


def _returned(func: Func):
    ret = func.body.terminator
    return ret.args[0] if ret is not None and ret.kind == "return" and ret.args else None


def _link_adjoints(g: _Graph, primal: tuple, grad_func: Func, adjoint: dict, grads, out):
    """Dotted edges from each adjoint node of ``grad_func`` to the primal node it
    differentiates: each returned gradient to its parameter, and the first top-level
    ``dX`` to the last top-level definition of ``X`` (the value the adjoint sweep starts
    from) for the other variables."""
    first, last = primal
    links = {}
    value = _returned(grad_func)
    parts = [value]
    if len(grads) > 1 and value is not None and getattr(value.owner, "kind", "") == "tuple":
        parts = list(value.owner.args)
    for name, part in zip(grads, parts if len(parts) == len(grads) else []):
        src = g.defs.get(part, (None, None))[0]
        if src is not None and name in first:
            links[(src, first[name])] = name
    for var, nid in adjoint.items():
        x = var[1:]
        if var[:1] == "d" and x in last and var not in g.variables and x not in grads:
            links[(nid, last[x])] = x
    for (src, dst), var in links.items():
        g.edge(src, dst, f"∂{out}/∂{var}", "dotted", _LINK)


def to_dot(funcs, name="dataflow", variables=(), grads=None, output="f") -> str:
    """One ``digraph`` holding the dataflow graph of each function of ``funcs``; with
    ``grads``, the last function's adjoints link to the first function's values."""
    g = _Graph(funcs, set(variables))
    drawn = [g.func(f, i) for i, f in enumerate(funcs)]
    if grads and len(funcs) > 1:
        _link_adjoints(g, drawn[0], funcs[-1], drawn[-1][0], list(grads), output)
    head = [f"digraph {dot_id(name)} {{", "  rankdir=TB;", "  node [fontname=monospace];",
            "  edge [fontname=monospace, fontsize=10];"]
    return "\n".join(head + g.lines + g.edges + ["}"]) + "\n"
