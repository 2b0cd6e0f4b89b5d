"""The dataflow graph of IR functions as Graphviz DOT text (``tangentlike graph``).

Promise: ``to_dot(funcs)`` returns deterministic text for one ``digraph``: a cluster
per function; a node per parameter (ellipse) and per op (box: a constant shows its
value, a call its callee, as the printer names them); an edge from the node that
defines a value to each op that uses it, labelled with the value's name when its
definer has several results. The blocks of ``if``/``for``/``while`` are nested
clusters; their parameters are fed by a dashed edge from the op that owns them, and
their ``yield`` sends a dashed edge back to it. No Graphviz library is needed to make
the text (the ``dot`` program draws it).
"""
from __future__ import annotations

from .nodes import Block, Func
from .printer import _Names, callee_name, const_repr

_REGION_LABELS = {"if": ("then", "else"), "for": ("body",), "while": ("cond", "body")}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class _Graph:
    def __init__(self):
        self.lines, self.defs, self.count, self.names = [], {}, 0, _Names()

    def node(self, label, indent, shape="box", style=None) -> str:
        nid = f"n{self.count}"
        self.count += 1
        extra = f", style={style}" if style else ""
        self.lines.append(f"{indent}{nid} [label={_quote(label)}, shape={shape}{extra}];")
        return nid

    def edge(self, src, dst, indent, label=None, dashed=False):
        attrs = []
        if label:
            attrs.append(f"label={_quote(label)}")
        if dashed:
            attrs.append("style=dashed")
        tail = f" [{', '.join(attrs)}]" if attrs else ""
        self.lines.append(f"{indent}{src} -> {dst}{tail};")

    def func(self, func: Func, index: int):
        self.names = _Names()
        self.lines.append(f"  subgraph cluster_{index} {{")
        self.lines.append(f"    label={_quote(func.name)};")
        self.block(func.body, "    ", None)
        self.lines.append("  }")

    def block(self, block: Block, indent, owner):
        for p in block.params:
            self.defs[p] = (self.node(self.names(p), indent, "ellipse"), None)
            if owner is not None:
                self.edge(owner, self.defs[p][0], indent, dashed=True)
        for op in block.ops:
            self.op(op, indent, owner)

    def op(self, op, indent, owner):
        if op.kind == "const":
            label = const_repr(op.attrs["value"])
        elif op.kind == "call":
            label = callee_name(op.attrs["fn"])
        else:
            label = op.kind
        nid = self.node(label, indent, style="rounded" if op.regions else None)
        for a in op.args:
            src, name = self.defs.get(a, (None, None))
            if src is not None:
                self.edge(src, nid, indent, name)
        if op.kind == "yield" and owner is not None:
            self.edge(nid, owner, indent, dashed=True)
        multi = len(op.results) > 1
        for r in op.results:
            self.defs[r] = (nid, self.names(r) if multi else None)
        labels = _REGION_LABELS.get(op.kind, ())
        for i, region in enumerate(op.regions):
            self.lines.append(f"{indent}subgraph cluster_{nid}_{i} {{")
            self.lines.append(f"{indent}  label={_quote(labels[i] if i < len(labels) else '')};")
            self.block(region, indent + "  ", nid)
            self.lines.append(f"{indent}}}")


def to_dot(funcs, name="dataflow") -> str:
    """One ``digraph`` holding the dataflow graph of each function of ``funcs``."""
    g = _Graph()
    for i, f in enumerate(funcs):
        g.func(f, i)
    head = [f"digraph {_quote(name)} {{", "  rankdir=TB;", "  node [fontname=monospace];",
            "  edge [fontname=monospace, fontsize=10];"]
    return "\n".join(head + g.lines + ["}"]) + "\n"
