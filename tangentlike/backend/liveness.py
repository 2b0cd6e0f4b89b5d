"""Dead locals are deleted: ``del a, b`` after the last top-level statement reading them.

A generated function binds every intermediate to a local, and a local keeps its value
until the function returns. A gradient runs the whole primal before its adjoint sweep,
so without this every temporary of the primal (``t = a * b`` read once, by the next
statement) would stay alive to the end: the peak memory is then the sum of all of
them, and each fresh array of the sweep is new memory to fault in (issue 20: GMM's
gradient peaked at 1.5x autograd's and ran 1.5x slower for that). Deleting a local
after its last read frees it there, as autograd frees what no closure holds.

Only what is certain is deleted, so the code means what it meant: a name is deleted
after top-level statement ``i`` when ``i`` is the last top-level statement reading it,
a plain top-level assignment at or before ``i`` binds it (it is bound there, whatever
branches ran), it is no parameter nor a local the inference knows to hold a Python
number (nothing worth freeing: ``del`` there is only noise), and no nested scope (lambda, comprehension, nested
def) reads it. Nothing is deleted after a ``return`` or ``raise``, nor just before the
closing ``return`` (which frees everything anyway), nor inside loops and branches
(their bodies' locals are freed by the next top-level ``del``, or at return).
"""
from __future__ import annotations

import ast

_SCOPES = (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
           ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)


def _stored_plainly(stmt) -> set:
    """Names a top-level statement binds unconditionally (an assignment's targets)."""
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        targets = [stmt.target]
    else:
        return set()
    out = set()
    for t in targets:
        for n in ast.walk(t):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                out.add(n.id)
    return out


def free_dead(body: list, keep) -> list:
    """``body`` (a function's top-level statements) with ``del`` statements added; the
    names in ``keep`` (the parameters, and locals known to hold numbers) are never deleted."""
    keep = set(keep)
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, _SCOPES):
                keep.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name))
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                keep.update(node.names)
    bound, last = {}, {}
    for i, stmt in enumerate(body):
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                last[node.id] = i
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                last[node.target.id] = i  # ``x += y`` reads x
        for name in _stored_plainly(stmt):
            bound.setdefault(name, i)
    dead = {}
    for name, i in last.items():
        if name not in keep and bound.get(name, len(body)) <= i:
            dead.setdefault(i, []).append(name)
    out = []
    for i, stmt in enumerate(body):
        out.append(stmt)
        names = dead.get(i)
        last_stmt = i + 1 == len(body) or isinstance(body[i + 1], ast.Return)
        if names and not last_stmt and not isinstance(stmt, (ast.Return, ast.Raise)):
            out.append(ast.Delete([ast.Name(n, ast.Del()) for n in sorted(names)]))
    return out
