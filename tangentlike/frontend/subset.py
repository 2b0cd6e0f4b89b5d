"""The accepted subset of Python, checked before lowering.

Promise: ``check_subset(spec)`` either returns, and then the lowering meets only
constructs it knows, or raises ``UnsupportedSyntaxError`` naming the first
construct outside the subset with its file, line and column. A table maps each
rejected node type to the name users know it by and what to do instead.
"""
from __future__ import annotations

import gast

from ..errors import UnsupportedSyntaxError

# node type -> (construct, hint)
_REJECTED = {
    gast.Try: ("try", "exceptions cannot be differentiated; check the condition with if"),
    gast.With: ("with", "move the context manager outside the differentiated function"),
    gast.AsyncWith: ("async with", ""),
    gast.Yield: ("yield", "generators are not supported; build a list"),
    gast.YieldFrom: ("yield from", "generators are not supported; build a list"),
    gast.Global: ("global", "pass the value as an argument and return the new value"),
    gast.Nonlocal: ("nonlocal", "pass the value as an argument and return the new value"),
    gast.ClassDef: ("class", "define classes outside the differentiated function"),
    gast.AsyncFunctionDef: ("async def", ""),
    gast.Await: ("async/await", ""),
    gast.AsyncFor: ("async for", ""),
    gast.Delete: ("del", "only del of names, in the function's own body, is supported; "
                  "rebind the name instead"),
    gast.SetComp: ("set comprehension", "use a list comprehension"),
    gast.Import: ("import inside the function", "import at module level"),
    gast.ImportFrom: ("import inside the function", "import at module level"),
    gast.Raise: ("raise", "check inputs before calling the differentiated function"),
    gast.NamedExpr: ("assignment expression (:=)", "assign on its own line"),
    gast.Set: ("set literal", "use a list or tuple"),
    gast.Starred: ("star-args (*)", "pass the arguments one by one"),
}
if hasattr(gast, "Match"):
    _REJECTED[gast.Match] = ("match statement", "use if/elif")
if hasattr(gast, "TryStar"):
    _REJECTED[gast.TryStar] = ("try", "")


def check_subset(spec) -> None:
    _check_signature(spec, spec.node, stars=False)
    top = [s for s in spec.node.body
           if isinstance(s, gast.Delete) and all(isinstance(t, gast.Name) for t in s.targets)]
    for node in _walk_body(spec.node):
        if any(node is s for s in top):  # ``del a, b`` in the function's own body: freed
            continue
        _check_node(spec, node)


def _walk_body(fn_node):
    stack = list(reversed(fn_node.body))
    while stack:
        node = stack.pop()
        yield node
        children = list(gast.iter_child_nodes(node))
        if isinstance(node, gast.Call):  # f(*t): t is lowered (frontend/starparams.py)
            children = [c.value if isinstance(c, gast.Starred) and c in node.args else c
                        for c in children]
        stack.extend(reversed(children))


def _reject(spec, node, construct, hint=""):
    raise UnsupportedSyntaxError(construct, spec.loc(node), hint)


def _check_node(spec, node):
    entry = _REJECTED.get(type(node))
    if entry:
        _reject(spec, node, *entry)
    if isinstance(node, gast.Call):
        if isinstance(node.func, gast.Name) and node.func.id in ("eval", "exec"):
            _reject(spec, node, node.func.id, "write the code directly")
        for kw in node.keywords:
            if kw.arg is None:
                _reject(spec, node, "**kwargs in a call", "pass keyword arguments by name")
    elif isinstance(node, gast.Lambda):
        _check_signature(spec, node)
    elif isinstance(node, gast.FunctionDef):
        if node.decorator_list:
            _reject(spec, node, "decorator on a nested function")
        _check_signature(spec, node)
    elif isinstance(node, (gast.For, gast.While)) and node.orelse:
        _reject(spec, node, f"{type(node).__name__.lower()}-else", "use a flag variable")
    elif isinstance(node, (gast.Assign, gast.AugAssign, gast.AnnAssign)):
        targets = node.targets if isinstance(node, gast.Assign) else [node.target]
        for t in targets:
            _check_target(spec, t)
    elif isinstance(node, gast.For):
        _check_target(spec, node.target)


def _check_target(spec, t):
    if isinstance(t, gast.Attribute) and _names_function(spec, t.value):
        _reject(spec, t, f"assignment to an attribute of function '{t.value.id}' (state kept "
                "on a function object, also from a nested function)",
                "keep it in a local variable; a nested function can take it and return the "
                "new value: col, idx = make_col(i, idx)")
    if isinstance(t, gast.Attribute):
        _reject(spec, t, "assignment to an attribute", "assign to a local variable")
    if isinstance(t, gast.Subscript) and not isinstance(t.value, gast.Name):
        _reject(spec, t, "assignment to a nested subscript",
                "index with a tuple: M[i, j] = v instead of M[i][j] = v")
    if isinstance(t, (gast.Tuple, gast.List)):
        for e in t.elts:
            _check_target(spec, e)


def _names_function(spec, node) -> bool:
    """``node`` is a name of a function: this one, an enclosing one, or a global one."""
    import types
    if not isinstance(node, gast.Name):
        return False
    s = spec
    while s is not None:
        if s.name == node.id:
            return True
        s = s.parent
    return isinstance((spec.globals or {}).get(node.id), types.FunctionType)


def _check_signature(spec, node, stars=True):
    """Star parameters are accepted on nested and called functions (a call specialises
    them, frontend/starparams.py), not on the function differentiated."""
    a = node.args
    if (a.vararg or a.kwarg) and not stars:
        _reject(spec, node, "star parameters (*args/**kwargs)", "list the parameters")
    if a.posonlyargs or (a.kwonlyargs and not stars):
        _reject(spec, node, "keyword-only or positional-only parameters")
