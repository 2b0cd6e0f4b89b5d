"""Text form of the IR, for tests (golden files), ``tl.ir`` and debugging.

Names are made unique here from the hints (``%x``, ``%x.1``, ...) in program
order, so the same IR always prints the same text.
"""
from __future__ import annotations

import operator

import numpy as np

from .nodes import Block, Func, Op

_OPNAMES = {getattr(operator, n): n for n in (
    "add sub mul truediv floordiv mod pow matmul neg pos not_ invert lt le gt ge eq ne "
    "getitem contains is_ is_not and_ or_").split()}


def callee_name(fn) -> str:
    if fn in _OPNAMES if _hashable(fn) else False:
        return _OPNAMES[fn]
    name = getattr(fn, "name", None) or getattr(fn, "__name__", None) or type(fn).__name__
    mod = getattr(fn, "__module__", "") or ""
    if isinstance(fn, np.ufunc) or mod.startswith("numpy"):
        return ("np.linalg." if "linalg" in mod else "np.") + name
    if mod.startswith("tangentlike.runtime"):
        return "rt." + name
    return name


def _hashable(x) -> bool:
    try:
        hash(x)
        return True
    except TypeError:
        return False


def const_repr(v) -> str:
    if isinstance(v, np.ndarray):
        return f"array{v.shape}"
    if callable(v) or type(v).__name__ == "module":
        return callee_name(v) if callable(v) else v.__name__
    return repr(v)


class _Names:
    def __init__(self):
        self.names, self.used = {}, {}

    def __call__(self, v) -> str:
        n = self.names.get(v)
        if n is None:
            base = v.hint or "v"
            k = self.used.get(base, 0)
            self.used[base] = k + 1
            n = self.names[v] = f"%{base}" + (f".{k}" if k else "")
        return n


def print_func(func: Func) -> str:
    names = _Names()
    params = ", ".join(names(p) for p in func.params)
    lines = [f"func {func.name}({params}) {{"]
    _print_block(func.body, names, lines, 1)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _print_block(block: Block, names, lines, depth):
    for op in block.ops:
        _print_op(op, names, lines, depth)


def _print_op(op: Op, names, lines, depth):
    ind = "  " * depth
    res = ", ".join(names(r) for r in op.results)
    lhs = f"{res} = " if res else ""
    args = ", ".join(names(a) for a in op.args)
    attrs = _attrs(op)
    line = op.loc.lineno if op.loc else 0
    call = "" if op.kind == "const" else f"({args})"
    lines.append(f"{ind}{lhs}{op.kind}{attrs}{call}" + (" {" if op.regions else "")
                 + (f"  # line {line}" if line and not op.regions else ""))
    for i, r in enumerate(op.regions):
        if i:
            lines.append(f"{ind}}} {'else' if op.kind == 'if' else 'do'} {{")
        if r.params:
            lines.append(f"{ind}  ^({', '.join(names(p) for p in r.params)}):")
        _print_block(r, names, lines, depth + 1)
    if op.regions:
        lines.append(f"{ind}}}" + (f"  # line {line}" if line else ""))


def _attrs(op: Op) -> str:
    a = op.attrs
    if op.kind == "const":
        return f" {const_repr(a['value'])}"
    if op.kind == "call":
        kw = f" kw={list(a['kw'])}" if a.get("kw") else ""
        return f" {callee_name(a['fn'])}{kw}"
    if op.kind == "dict":
        return f" keys={list(a['keys'])}"
    if op.kind in ("for", "while") and a.get("brk"):
        return " brk"
    return ""
