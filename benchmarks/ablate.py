"""Ablations of generated gradient code: rewrite one kind of construct, keep the
rewrite where the gradient stays the same, and let ``analyse`` time the result.

Each rewrite is a function ``(node, module) -> replacement or None`` over the
generated module's AST (``REWRITES``), plus two whole-function clean-ups run
after it (dead-assignment removal, slimming tape tuples of values that are never
read after the pop). A rewrite is not proven sound: ``search`` applies it one
site at a time, keeps each site where the gradient is unchanged on two input
sets (what a compiler that knew the shapes could do), then applies the kept
sites together. The cost of the construct is the time the rewrite saves; an
ablation is an upper bound on what a compiler optimisation could win.
"""
from __future__ import annotations

import ast
import copy
import itertools

import numpy as np

_PURE_CALL_BLOCKLIST = {"append", "pop", "add_at", "restore_item", "setitem_vjp"}


def _is_rt(node, name):
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == name and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "rt")


def _attr(value, name):
    return ast.Attribute(value, name, ast.Load())


def _method(value, name, *args, **kw):
    kws = [ast.keyword(k, ast.Constant(v)) for k, v in kw.items()]
    return ast.Call(_attr(value, name), list(args), kws)


# --- rewrites: each returns candidate replacements of a node ---------------------------

def unbroadcast_identity(node, _):
    """``rt.unbroadcast(g, x)`` -> ``g`` where the shapes already agree (its fast path)."""
    if _is_rt(node, "unbroadcast") and len(node.args) == 2:
        return [node.args[0]]
    return None


def unbroadcast_sum(node, _):
    """``rt.unbroadcast(g, x)`` -> ``g.sum(axis=0)`` or ``g.sum()`` where it reduces."""
    if _is_rt(node, "unbroadcast") and len(node.args) == 2:
        g = node.args[0]
        return [_method(g, "sum", axis=0), _method(g, "sum")]
    return None


def sum_vjp(node, _):
    """``rt.sum_vjp(s, x, None, False)`` -> ``s`` (left to broadcast where it is used);
    ``rt.count(x, None)`` -> ``x.size``."""
    if _is_rt(node, "sum_vjp") and len(node.args) >= 2:
        return [node.args[0]]
    if _is_rt(node, "count") and node.args:
        return [_attr(node.args[0], "size")]
    return None


def matmul(node, _):
    """``rt.matmul_vjp_left(g, a, b)`` -> ``g @ b.T``; ``..._right(g, a, b)`` -> ``a.T @ g``."""
    if _is_rt(node, "matmul_vjp_left") and len(node.args) == 3:
        g, _a, b = node.args
        return [ast.BinOp(g, ast.MatMult(), _attr(b, "T")),
                ast.Call(ast.Attribute(ast.Name("np", ast.Load()), "outer", ast.Load()),
                         [g, b], [])]
    if _is_rt(node, "matmul_vjp_right") and len(node.args) == 3:
        g, a, _b = node.args
        return [ast.BinOp(_attr(a, "T"), ast.MatMult(), g)]
    return None


def extremum(node, _):
    """``rt.extremum_share(m, x, None, False)`` -> ``(x == m)`` (exact when nothing ties)."""
    if _is_rt(node, "extremum_share") and len(node.args) >= 2:
        return [ast.Compare(node.args[1], [ast.Eq()], [node.args[0]])]
    return None


def check_scalar(node, _):
    """Drop ``rt.check_scalar(loss, name)``: the loss value is then dead (DCE removes it)."""
    if isinstance(node, ast.Expr) and _is_rt(node.value, "check_scalar"):
        return [ast.Pass()]
    return None


def _tuple_accumulation(stmt):
    """(positions i where target i is T and value i is ``T + E``) of a tuple assignment."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Tuple) and isinstance(stmt.value, ast.Tuple)):
        return []
    out = []
    for i, (t, v) in enumerate(zip(stmt.targets[0].elts, stmt.value.elts)):
        if isinstance(t, ast.Name) and isinstance(v, ast.BinOp) and isinstance(v.op, ast.Add) \
                and isinstance(v.left, ast.Name) and v.left.id == t.id:
            others = [e for j, e in enumerate(stmt.value.elts) if j != i] + [v.right]
            if not any(isinstance(n, ast.Name) and n.id == t.id
                       for e in others for n in ast.walk(e)):
                out.append(i)
    return out


def inplace(node, _):
    """``a, dW = (x, dW + e)`` -> ``dW += e; a = x`` (in-place accumulation)."""
    pos = _tuple_accumulation(node)
    if not pos:
        return None
    targets, values = node.targets[0].elts, node.value.elts
    aug = [ast.AugAssign(ast.Name(targets[i].id, ast.Store()), ast.Add(), values[i].right)
           for i in pos]
    rest = [i for i in range(len(targets)) if i not in pos]
    if rest:
        aug.append(ast.Assign([ast.Tuple([targets[i] for i in rest], ast.Store())],
                              ast.Tuple([values[i] for i in rest], ast.Load())))
    return [aug]


def inline(node, module):
    """``a, b = f_fwd(x, y)`` (f a straight-line function of the generated module) ->
    its body with renamed locals."""
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1
            and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)):
        return None
    callee = _functions(module).get(node.value.func.id)
    if callee is None or node.value.keywords or \
            not all(isinstance(s, ast.Assign) for s in callee.body[:-1]) or \
            not isinstance(callee.body[-1], ast.Return):
        return None
    suffix = f"_in{next(_COUNTER)}"
    names = {a.arg for a in callee.args.args} | {
        n.id for s in callee.body for n in ast.walk(s) if isinstance(n, ast.Name)
        and isinstance(n.ctx, ast.Store)}
    body = [_rename(copy.deepcopy(s), names, suffix) for s in callee.body]
    params = [ast.Assign([ast.Name(a.arg + suffix, ast.Store())], v)
              for a, v in zip(callee.args.args, node.value.args)]
    ret = ast.Assign(node.targets, body[-1].value)
    return [params + body[:-1] + [ret]]


_COUNTER = itertools.count()


def _functions(module):
    return {f.name: f for f in module.body if isinstance(f, ast.FunctionDef)}


def _rename(node, names, suffix):
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and n.id in names:
            n.id += suffix
    return node


REWRITES = {"check_scalar": check_scalar, "sum_vjp": sum_vjp,
            "unbroadcast_identity": unbroadcast_identity, "unbroadcast_sum": unbroadcast_sum,
            "matmul": matmul, "extremum": extremum, "inplace": inplace, "inline": inline}


# --- applying rewrites at chosen sites ---------------------------------------------------

class _Apply(ast.NodeTransformer):
    """Numbers every site of ``rewrite``; replaces site k by candidate ``choice[k]``."""

    def __init__(self, rewrite, choice, module):
        self.rewrite, self.choice, self.module, self.sites = rewrite, choice, module, []

    def generic_visit(self, node):
        super().generic_visit(node)
        cands = self.rewrite(node, self.module)
        if not cands:
            return node
        k = len(self.sites)
        self.sites.append(len(cands))
        if k in self.choice:
            return cands[self.choice[k]]
        return node


def apply(tree, rewrite, choice):
    """(a rewritten copy of ``tree``, number of candidates at each site)."""
    t = copy.deepcopy(tree)
    a = _Apply(rewrite, choice, t)
    t = a.visit(t)
    return ast.fix_missing_locations(cleanup(t)), a.sites


def constfold(node, _):
    """``0.5 * 0.01`` -> ``0.005`` (then propagated, and dropped from tapes)."""
    if isinstance(node, ast.BinOp) and isinstance(node.left, ast.Constant) \
            and isinstance(node.right, ast.Constant):
        try:
            return [ast.Constant(eval(compile(ast.Expression(node), "<fold>", "eval")))]
        except Exception:  # noqa: BLE001 - not foldable
            return None
    return None


REWRITES["constfold"] = constfold


# --- clean-ups: dead assignments, unread tape slots, propagated constants -------------

def _loads(f):
    return {n.id for n in ast.walk(f) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _pure(expr):
    for n in ast.walk(expr):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) \
                and n.func.attr in _PURE_CALL_BLOCKLIST:
            return False
    return True


def _bodies(f):
    for n in ast.walk(f):
        for field in ("body", "orelse"):
            stmts = getattr(n, field, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
                yield n, field, stmts


def _candidate(stmt) -> bool:
    """A pure assignment to names only: removable when none of its names is live."""
    return isinstance(stmt, ast.Assign) and _pure(stmt.value) and all(
        isinstance(n, (ast.Name, ast.Tuple)) for t in stmt.targets for n in [t])


def _stored(stmt):
    return {n.id for t in stmt.targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _own_loads(stmt):
    """Names a statement reads itself (not in its nested bodies)."""
    if isinstance(stmt, ast.For):
        parts = [stmt.iter]
    elif isinstance(stmt, (ast.If, ast.While)):
        parts = [stmt.test]
    else:
        parts = [stmt]
    return {n.id for p in parts for n in ast.walk(p)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _live(f) -> set:
    """Mark and sweep: names read by effects, returns and control flow, and by the pure
    assignments that define live names (so a loop carry feeding only itself is dead)."""
    stmts = [s for _, _, body in _bodies(f) for s in body]
    pending = [s for s in stmts if _candidate(s)]
    live = set().union(*[_own_loads(s) for s in stmts if not _candidate(s)])
    changed = True
    while changed:
        changed = False
        for s in list(pending):
            if _stored(s) & live:
                live |= _own_loads(s)
                pending.remove(s)
                changed = True
    return live


def _dead(stmt, live):
    if isinstance(stmt, ast.Pass):
        return True
    return _candidate(stmt) and not (_stored(stmt) & live)


def _dce(f) -> bool:
    live, changed = _live(f), False
    for owner, field, stmts in list(_bodies(f)):
        new = [s for s in stmts if not _dead(s, live)]
        if not new:
            if len(stmts) == 1 and isinstance(stmts[0], ast.Pass):
                continue
            new = [ast.Pass()]
        if len(new) != len(stmts) or any(a is not b for a, b in zip(new, stmts)):
            setattr(owner, field, new)
            changed = True
    return changed


def _tape_pairs(f):
    """(append call, pop assignment) pairs of a tape used by exactly one of each."""
    appends, pops = {}, {}
    for n in ast.walk(f):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr \
                == "append" and isinstance(n.func.value, ast.Name) and n.args \
                and isinstance(n.args[0], ast.Tuple):
            appends.setdefault(n.func.value.id, []).append(n)
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) and isinstance(
                n.value.func, ast.Attribute) and n.value.func.attr == "pop" and isinstance(
                n.targets[0], ast.Tuple):
            pops.setdefault(n.value.func.value.id, []).append(n)
    for name, (app,) in ((k, v) for k, v in appends.items() if len(v) == 1):
        if len(pops.get(name, ())) == 1 and len(pops[name][0].targets[0].elts) \
                == len(app.args[0].elts):
            yield app.args[0], pops[name][0].targets[0]


def _substitute(f, name, const):
    for n in ast.walk(f):
        for field, value in ast.iter_fields(n):
            if isinstance(value, ast.Name) and value.id == name and \
                    isinstance(value.ctx, ast.Load):
                setattr(n, field, ast.Constant(const.value))
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    if isinstance(v, ast.Name) and v.id == name and isinstance(v.ctx, ast.Load):
                        value[i] = ast.Constant(const.value)


def _slim_tape(f) -> bool:
    changed = False
    for pushed, popped in _tape_pairs(f):
        loads = _loads(f)
        for i in reversed(range(len(pushed.elts))):
            if len(pushed.elts) == 1:
                break  # keep one slot: the tape still counts the iterations
            name = popped.elts[i]
            if isinstance(pushed.elts[i], ast.Constant):
                _substitute(f, name.id, pushed.elts[i])
            elif isinstance(name, ast.Name) and name.id in loads:
                continue
            del pushed.elts[i], popped.elts[i]
            changed = True
    return changed


def _propagate_constants(f) -> bool:
    stores = {}
    for n in ast.walk(f):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            stores[n.id] = stores.get(n.id, 0) + 1
    changed = False
    for s in [s for _, _, body in _bodies(f) for s in body]:
        if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(
                s.targets[0], ast.Name) and isinstance(s.value, ast.Constant) \
                and stores[s.targets[0].id] == 1 and s.targets[0].id in _loads(f):
            _substitute(f, s.targets[0].id, s.value)
            changed = True
    return changed


def cleanup(tree):
    for f in _functions(tree).values():
        while _propagate_constants(f) | _slim_tape(f) | _dce(f):
            pass
    return tree


# --- search ------------------------------------------------------------------------------

def search(tree, rewrite, same) -> tuple:
    """(tree with every site of ``rewrite`` rewritten where ``same(tree)`` holds, number of
    sites rewritten, number of sites)."""
    _, sites = apply(tree, rewrite, {})
    accepted = {}
    for k, n_cands in enumerate(sites):
        for c in range(n_cands):
            trial = {**accepted, k: c}
            candidate, _ = apply(tree, rewrite, trial)
            if same(candidate):
                accepted = trial
                break
    out, _ = apply(tree, rewrite, accepted)
    return out, len(accepted), len(sites)


def equal_outputs(a, b) -> bool:
    a = a if isinstance(a, tuple) else (a,)
    b = b if isinstance(b, tuple) else (b,)
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        x, y = np.asarray(x), np.asarray(y)
        if x.shape != y.shape or not np.allclose(x, y, rtol=1e-10, atol=1e-14):
            return False
    return True
