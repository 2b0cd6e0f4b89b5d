"""Syntactic questions the lowering asks about statements (no IR involved).

``assigned_names`` decides loop carries; ``has_break``/``has_continue`` look
through ``if``s but not into nested loops (whose jumps are their own);
``has_return`` looks everywhere except nested ``def``s.
"""
from __future__ import annotations

import gast


def _walk(nodes, into_loops=True):
    stack = list(nodes) if isinstance(nodes, list) else [nodes]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, gast.FunctionDef):
            continue
        for child in gast.iter_child_nodes(node):
            if not into_loops and isinstance(child, (gast.For, gast.While)):
                continue
            stack.append(child)


def _stmts(s):
    return s if isinstance(s, list) else [s]


def has_return(s) -> bool:
    return any(isinstance(n, gast.Return) for n in _walk(_stmts(s)))


def has_break(stmts) -> bool:
    return any(isinstance(n, gast.Break) for n in _walk(_stmts(stmts), into_loops=False))


def has_continue(stmts) -> bool:
    return any(isinstance(n, gast.Continue) for n in _walk(_stmts(stmts), into_loops=False))


def may_jump(s) -> bool:
    if isinstance(s, (gast.For, gast.While)):
        return has_return(s)
    return has_break(s) or has_continue(s) or has_return(s)


def target_names(t) -> set:
    if isinstance(t, gast.Name):
        return {t.id}
    if isinstance(t, (gast.Tuple, gast.List)):
        return set().union(*[target_names(e) for e in t.elts]) if t.elts else set()
    if isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name):
        return {t.value.id}  # item assignment rebinds the array to its new version
    return set()


def assigned_names(stmts, methods=True) -> set:
    """Names the statements bind; with ``methods``, also the receivers of ``.append()`` /
    ``.pop()`` (a list changed in place; the caller keeps those that are locals)."""
    out = set()
    for n in _walk(_stmts(stmts)):
        if isinstance(n, gast.Assign):
            for t in n.targets:
                out |= target_names(t)
        elif isinstance(n, (gast.AugAssign, gast.AnnAssign, gast.For)):
            out |= target_names(n.target)
        elif methods and isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) \
                and n.func.attr in ("append", "pop") and isinstance(n.func.value, gast.Name):
            out.add(n.func.value.id)
        elif isinstance(n, gast.FunctionDef):
            out.add(n.name)
    return out


def def_names(stmts) -> set:
    """Names bound by nested ``def``s and ``name = lambda ...`` (not loop carries: they
    are lifted functions)."""
    out = set()
    for n in _walk(_stmts(stmts)):
        if isinstance(n, gast.FunctionDef):
            out.add(n.name)
        elif is_lambda_def(n):
            out.add(n.targets[0].id)
    return out


def is_lambda_def(s) -> bool:
    """``name = lambda ...``: a nested function under another spelling."""
    return isinstance(s, gast.Assign) and len(s.targets) == 1 \
        and isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Lambda)


def local_names(fn_node) -> set:
    """Parameters, assigned names and comprehension variables (local to their
    comprehension, but never a global inside the function). ``x.append(v)`` alone does
    not make ``x`` local: it may be a module (``np.append``, a user module's ``pop``)."""
    names = {a.id for a in fn_node.args.args}
    comps = {n for c in _walk(fn_node.body) if isinstance(c, gast.comprehension)
             for n in target_names(c.target)}
    return names | assigned_names(fn_node.body, methods=False) | comps


def free_locals(fn_node, outer_locals) -> set:
    """Names a nested def reads that are locals of the enclosing function."""
    own = local_names(fn_node)
    used = {n.id for n in _walk(fn_node.body) if isinstance(n, gast.Name)}
    for inner in _walk(fn_node.body):
        if isinstance(inner, gast.FunctionDef):
            used |= free_locals(inner, set())
    return (used - own) & set(outer_locals)


def is_range_call(node, lowerer) -> bool:
    if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)):
        return False
    ok, obj = lowerer.static(node.func)
    return ok and obj is range


def written_params(fn_node) -> set:
    """Parameters whose items the function assigns (``x[0] = v``, ``x[i] += v``) and
    that it never rebinds: the caller's array sees those writes."""
    params = {a.id for a in fn_node.args.args}
    written, rebound = set(), set()
    for n in _walk(fn_node.body):
        targets = n.targets if isinstance(n, gast.Assign) else \
            [n.target] if isinstance(n, (gast.AugAssign, gast.AnnAssign, gast.For)) else []
        for t in targets:
            for e in _flat_targets(t):
                if isinstance(e, gast.Subscript) and isinstance(e.value, gast.Name):
                    written.add(e.value.id)
                else:
                    rebound |= target_names(e)
        if isinstance(n, gast.FunctionDef):
            rebound.add(n.name)
        elif isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) \
                and n.func.attr in ("append", "pop") and isinstance(n.func.value, gast.Name):
            rebound.add(n.func.value.id)
    return (written & params) - rebound


def _flat_targets(t):
    if isinstance(t, (gast.Tuple, gast.List)):
        for e in t.elts:
            yield from _flat_targets(e)
    else:
        yield t
