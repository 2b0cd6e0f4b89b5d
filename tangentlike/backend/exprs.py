"""Rendering IR values as Python expressions (``ast`` nodes).

Known callables turn back into syntax (``operator.add`` -> ``a + b``,
``operator.getitem`` -> ``x[i, 1:]``); NumPy objects become ``np.<path>``,
runtime helpers ``rt.<name>``; any other object (a user function called as a
primal, a module-level array) is bound to a module-level name at load time
(``Globals``).
"""
from __future__ import annotations

import ast
import builtins
import keyword
import inspect
import math
import operator

import numpy as np

from .. import runtime as rt
from ..rules import registry

def python_operator(fn):
    """``(form, ast node class)`` when ``fn`` is written as a Python operator (the
    primitive's ``python`` spelling, rules/facts.py): form is binary, unary or compare."""
    return registry.spelling(fn, "python")


def _name(n):
    return ast.Name(n, ast.Load())


def dotted(path: str):
    parts = path.split(".")
    node = _name(parts[0])
    for p in parts[1:]:
        node = ast.Attribute(node, p, ast.Load())
    return node


MAX_LITERAL_DEPTH = 32  # deeper tuples are bound by name: their text would be as deep


def _literal(v, depth=0):
    if v is None or v is Ellipsis or isinstance(v, (bool, str, bytes)):
        return ast.Constant(v)
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        v = v.item() if isinstance(v, np.generic) else v
        if isinstance(v, float) and math.isnan(v):
            return dotted("np.nan")
        if isinstance(v, float) and math.isinf(v):
            node = dotted("np.inf")
            return ast.UnaryOp(ast.USub(), node) if v < 0 else node
        if v < 0:
            return ast.UnaryOp(ast.USub(), ast.Constant(-v))
        return ast.Constant(v)
    if isinstance(v, tuple) and depth < MAX_LITERAL_DEPTH:
        elts = [_literal(e, depth + 1) for e in v]
        return None if any(e is None for e in elts) else ast.Tuple(elts, ast.Load())
    return None


def is_literal(v) -> bool:
    return _literal(v) is not None or v is None


class Globals:
    """Module-level names for objects that have no literal or known path."""

    def __init__(self, reserved=()):
        self.objects, self.by_id, self.taken = {}, {}, set(reserved) | {"np", "rt"}

    def path(self, obj, hint=None) -> str:
        known = _known_path(obj)
        if known:
            return known
        if id(obj) in self.by_id:
            return self.by_id[id(obj)]
        base = getattr(obj, "__name__", None) or hint or "const"
        base = base if isinstance(base, str) else "const"
        base = "".join(c if c.isalnum() or c == "_" else "_" for c in base) or "const"
        if not base.isidentifier() or keyword.iskeyword(base):
            base = "const_" + base
        name, k = base, 1
        while name in self.taken or hasattr(builtins, name):
            k += 1
            name = f"{base}_{k}"
        self.taken.add(name)
        self.by_id[id(obj)] = name
        self.objects[name] = obj
        return name


def _known_path(obj):
    name = getattr(obj, "__name__", None)
    if obj is np:
        return "np"
    if name and isinstance(name, str):
        if getattr(np, name, None) is obj:
            return f"np.{name}"
        if getattr(np.linalg, name, None) is obj:
            return f"np.linalg.{name}"
        if getattr(rt, name, None) is obj:
            return f"rt.{name}"
        if getattr(np.random.Generator, name, None) is obj:
            return f"np.random.Generator.{name}"
        if getattr(builtins, name, None) is obj:
            return name
    return None


def const_expr(v, globals_: Globals):
    lit = _literal(v)
    return lit if lit is not None else dotted(globals_.path(v))


def subscript_index(node):
    """``slice(a, b, c)`` calls become ``a:b:c`` inside a subscript."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "slice" \
            and len(node.args) == 3:
        parts = [None if isinstance(a, ast.Constant) and a.value is None else a
                 for a in node.args]
        return ast.Slice(*parts)
    if isinstance(node, ast.Tuple):
        return ast.Tuple([subscript_index(e) for e in node.elts], ast.Load())
    return node


_DEFAULTS: dict = {}


def _defaults(fn) -> dict:
    key = id(fn)
    if key not in _DEFAULTS:
        try:
            params = inspect.signature(fn).parameters.values()
            _DEFAULTS[key] = {p.name: p.default for p in params if p.default is not p.empty}
        except (TypeError, ValueError):
            _DEFAULTS[key] = {}
    return _DEFAULTS[key]


def _is_default(fn, name, node) -> bool:
    d = _defaults(fn)
    if name not in d or not isinstance(node, ast.Constant):
        return False
    v = d[name]
    if v is np._NoValue:  # NumPy's "not given", which means False for keepdims
        return name == "keepdims" and node.value is False
    return type(v) is type(node.value) and v == node.value


def _trim_none(fn, pos):
    """A runtime helper's trailing positional ``None``s that are its defaults, left out
    (``rt.einsum_into(plan, t, a, b)`` rather than ``..., b, None, None, None``)."""
    if not (getattr(fn, "__module__", "") or "").startswith("tangentlike.runtime"):
        return pos
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return pos
    n = len(pos)
    while n and n <= len(params) and params[n - 1].default is None \
            and params[n - 1].kind is params[n - 1].POSITIONAL_OR_KEYWORD \
            and isinstance(pos[n - 1], ast.Constant) and pos[n - 1].value is None:
        n -= 1
    return pos[:n]


def call_expr(fn, args, kw, target_name, spell=None):
    """The expression for calling ``fn`` on rendered ``args`` (keywords last; keywords
    passed their default value are left out, and a runtime helper's trailing ``None``
    defaults); ``spell(fn, pos, kws)``, a back end's own syntax for some calls, is asked
    first."""
    npos = len(args) - len(kw)
    pos = args[:npos] if kw else _trim_none(fn, args[:npos])
    kws = [ast.keyword(k, a) for k, a in zip(kw, args[npos:]) if not _is_default(fn, k, a)]
    special = spell(fn, pos, kws) if spell is not None else None
    if special is not None:
        return special
    if not kws:
        form, node = python_operator(fn) or (None, None)
        if form == "binary" and len(pos) == 2:
            return ast.BinOp(pos[0], node(), pos[1])
        if form == "unary" and len(pos) == 1:
            return ast.UnaryOp(node(), pos[0])
        if form == "compare" and len(pos) == 2:
            return ast.Compare(pos[0], [node()], [pos[1]])
        if fn is operator.contains:
            return ast.Compare(pos[1], [ast.In()], [pos[0]])
        if fn is operator.getitem:
            return ast.Subscript(pos[0], subscript_index(pos[1]), ast.Load())
        if fn is list.pop:
            return ast.Call(ast.Attribute(pos[0], "pop", ast.Load()), [], [])
    if fn in (rt.T, rt.size) and len(pos) == 1 and not kws:
        return ast.Attribute(pos[0], fn.__name__, ast.Load())
    if fn is rt.sum_axes and len(pos) == 1 and spell is None:
        return ast.Call(ast.Attribute(pos[0], "sum", ast.Load()), [], kws)
    return ast.Call(dotted(target_name(fn)), pos, kws)
