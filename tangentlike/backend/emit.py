"""IR -> ``ast.Module`` -> source text (``ast.unparse``).

Promise: deterministic output (names from hints, in program order); a value
used once, by a later op of the same block with only pure ops in between, is
written inline (``np.tanh(W @ h + x)`` rather than three temporaries); loop
and branch results become plain variables (``naming``); adjoint code carries
``# adjoint of line N: <source>`` comments. The module imports only ``numpy``
and ``tangentlike.runtime``; other objects are module-level names that the
loader binds (listed in a comment at the top).
"""
from __future__ import annotations

import ast
import re

from ..errors import EmitError
from ..ir.facts import kind_of
from ..ir.nodes import INPLACE_OPS, Block, values, walk_ops
from ..runtime.containers import UNBOUND
from ..transforms.dce import is_pure
from . import array_api, numba_jit
from .exprs import Globals, call_expr, const_expr, subscript_index
from .liveness import free_dead
from .naming import Names
from .sourcemap import tag

_MARK = "#@@ "


def one_line(text: str) -> str:
    """``text`` with every character that is not printable (newlines, carriage returns,
    tabs, other separators) written as its escape: a comment or docstring built from a
    path or a source line can never end early and start code of its own."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def comment(text: str) -> ast.Expr:
    """A statement that ``unparse`` writes as the comment ``# text``."""
    return ast.Expr(ast.Constant(_MARK + one_line(text)))


def _uses(func):
    counts, user = {}, {}
    for op in walk_ops(func.body):
        for a in op.args:
            counts[a] = counts.get(a, 0) + 1
            user[a] = op
    return counts, user


_MAX_DEPTH = 12  # deeper expressions get a name: readable, and within ast.unparse's recursion


def _inlinable(block, counts, user, out, depth=None):
    """Mark values written inline: constants, and single-use pure values whose user is a
    later op of the same block with only pure ops in between (linear in the block)."""
    depth = {} if depth is None else depth
    pos = {op: i for i, op in enumerate(block.ops)}
    impure = [0]
    for op in block.ops:
        impure.append(impure[-1] + (0 if is_pure(op) and not op.regions else 1))
    for i, op in enumerate(block.ops):
        for r in op.regions:
            _inlinable(r, counts, user, out, depth)
        if op.kind == "const":  # a literal, or the name of a module-level object
            out.add(op.result)
            continue
        if len(op.results) != 1 or op.regions or not is_pure(op) or op.kind == "unpack":
            continue
        r = op.result
        u = user.get(r)
        if counts.get(r, 0) != 1 or u is None or u.block is not block:
            continue
        if u.kind in INPLACE_OPS and u.args[0] is r:
            continue  # a buffer written in place needs a name
        d = 1 + max((depth.get(a, 0) for a in op.args if a in out), default=0)
        j = pos[u]
        if d <= _MAX_DEPTH and impure[j] - impure[i + 1] == 0:
            out.add(r)
            depth[r] = d


class FuncEmitter:
    def __init__(self, func, globals_: Globals, ref_name, backend="numpy"):
        self.func, self.g, self.ref_name = func, globals_, ref_name
        self.xp, self.op = backend == array_api.NAME, None
        self.jit = backend == numba_jit.NAME
        self.counts, self.user = _uses(func)
        self.inl = set()
        _inlinable(func.body, self.counts, self.user, self.inl)
        self.names = Names(func, self.counts, self.inl, reserved=globals_.taken, user=self.user)
        self.defs = {}
        self.last_line = None

    def target(self, fn):
        ref = self.ref_name(fn)
        return ref if ref else self.spelled(self.g.path(fn))

    def spelled(self, path):
        """``path`` in this back end's namespace (``np.exp`` is ``xp.exp`` for the array API)."""
        if self.xp and path == "len":
            return array_api.LENGTH
        if self.xp and (path.startswith("np.") or path == "np"):
            try:
                return array_api.spelling(path)
            except EmitError as e:
                raise array_api.located(e, self.op, self.func) from None
        return path

    def expr(self, v):
        if v in self.inl and not isinstance(v.owner, Block):
            return self.op_expr(v.owner)
        return ast.Name(self.names.name(v), ast.Load())

    def op_expr(self, op):
        return tag(self._op_expr(op), op.loc)

    def _op_expr(self, op):
        k = op.kind
        self.op = op
        if k == "const":
            if self.jit and op.attrs["value"] is UNBOUND:  # numba: an optional, None
                return ast.Constant(None)
            node = const_expr(op.attrs["value"], self.g)
            if self.xp and isinstance(node, ast.Attribute) and ast.unparse(node).startswith("np."):
                node = ast.parse(self.spelled(ast.unparse(node)), mode="eval").body
            return node
        args = [self.expr(a) for a in op.args]
        self.op = op
        if k == "call":
            return call_expr(op.attrs["fn"], args, op.attrs.get("kw", ()), self.target,
                             array_api.call if self.xp else numba_jit.call if self.jit else None)
        if k == "tuple" or k == "unpack":
            return ast.Tuple(args, ast.Load()) if k == "tuple" else args[0]
        if k == "list":
            return ast.List(args, ast.Load())
        if k == "dict":
            return ast.Dict([const_expr(key, self.g) for key in op.attrs["keys"]], args)
        if k == "slice":
            return ast.Call(ast.Name("slice", ast.Load()), args, [])
        raise AssertionError(f"no expression for {k}")

    def store(self, values):
        if len(values) == 1:
            return ast.Name(self.names.name(values[0]), ast.Store())
        return ast.Tuple([ast.Name(self.names.name(v), ast.Store()) for v in values], ast.Store())

    def emit(self) -> ast.FunctionDef:
        f = self.func
        defaults = []  # trailing parameters with a (literal) default in ``func.defaults``
        for name in reversed(f.param_names[:len(f.params)] if f.defaults else []):
            if name not in f.defaults:
                break
            defaults.insert(0, const_expr(f.defaults[name], self.g))
        args = ast.arguments([], [ast.arg(self.names.name(p)) for p in f.params],
                             None, [], [], None, defaults)
        body = self.block(self.func.body)
        if not self.jit:  # numba types each local once: nothing to free there
            body = free_dead(body, [a.arg for a in args.args] + self._numbers())
        if self.xp:
            body.insert(0, array_api.prologue([a.arg for a in args.args]))
        fdef = ast.FunctionDef(self.func.name, args, body or [ast.Pass()], [], None, None)
        return numba_jit.decorate(fdef) if self.jit else fdef

    def _numbers(self):
        """Names all of whose values are inferred Python numbers (or None): nothing to free."""
        kinds = {}
        for v in values(self.func):
            n = self.names.names.get(self.names.find(v))
            if n is not None:
                kinds.setdefault(n, set()).add(kind_of(v))
        return sorted(n for n, ks in kinds.items() if ks <= {"scalar", "none"})

    def block(self, block):
        out = []
        for op in block.ops:
            if op.kind == "yield":
                continue
            if op.results and all(r in self.inl for r in op.results):
                continue
            self.comment(op, out)
            out.extend(tag(s, op.loc) for s in self.stmt(op))
        return out

    def comment(self, op, out):
        """``# adjoint of line N: <source>`` above a statement, for each source line whose
        derivative it computes (its own op's and those of the values written inline in
        it) unless the comment just above already names that line."""
        for loc, what in self._adjoint_lines(op):
            if (loc.filename, loc.lineno) == self.last_line:
                continue
            self.last_line = (loc.filename, loc.lineno)
            word = "tangent" if what == "tangent" else "adjoint"
            out.append(comment(f"{word} of line {loc.lineno}: {loc.text.strip()}"))

    def _adjoint_lines(self, op):
        """The differentiated source lines in ``op``'s statement, latest line first (the
        order of the reverse sweep); not the ``def`` line (the seed's location)."""
        own = self.func.loc
        found, seen, todo = [], {(own.filename, own.lineno) if own else None}, [op]
        while todo:
            o = todo.pop()
            what = o.attrs.get("adjoint")
            for loc in (o.loc,) + o.attrs.get("also", ()) if what else ():
                if loc is not None and loc.lineno and (loc.filename, loc.lineno) not in seen:
                    seen.add((loc.filename, loc.lineno))
                    found.append((loc, what))
            todo.extend(reversed([a.owner for a in o.args
                                  if a in self.inl and not isinstance(a.owner, Block)]))
        return sorted(found, key=lambda f: -f[0].lineno)

    def assign(self, targets, values):
        """Parallel assignment ``targets = values``, skipping self-assignments."""
        pairs = [(t, v) for t, v in zip(targets, values)
                 if self.names.name(t) != (self.names.name(v) if v not in self.inl else None)]
        if not pairs:
            return []
        lhs = self.store([t for t, _ in pairs])
        rhs = [self.expr(v) for _, v in pairs]
        return [ast.Assign([lhs], rhs[0] if len(rhs) == 1 else ast.Tuple(rhs, ast.Load()))]

    def stmt(self, op):
        k = op.kind
        method = getattr(self, "s_" + k, None)
        if method:
            return method(op)
        if any(self.counts.get(r, 0) for r in op.results):
            return [ast.Assign([self.store(op.results)], self.op_expr(op))]
        return [ast.Expr(self.op_expr(op))]

    def s_unpack(self, op):
        target = ast.Tuple([ast.Name(self.names.name(v), ast.Store()) for v in op.results],
                           ast.Store())
        return [ast.Assign([target], self.expr(op.args[0]))]

    def s_const(self, op):
        return [ast.Assign([self.store(op.results)], self.op_expr(op))]

    def s_return(self, op):
        return [ast.Return(self.expr(op.args[0]))]

    def s_setitem(self, op):
        t, idx, v = op.args
        sub = ast.Subscript(ast.Name(self.names.name(t), ast.Load()),
                            subscript_index(self.expr(idx)), ast.Store())
        return [ast.Assign([sub], self.expr(v))]

    def s_append(self, op):
        lst = ast.Name(self.names.name(op.args[0]), ast.Load())
        return [ast.Expr(ast.Call(ast.Attribute(lst, "append", ast.Load()),
                                  [self.expr(op.args[1])], []))]

    def s_listpop(self, op):
        lst = ast.Name(self.names.name(op.args[0]), ast.Load())
        return [ast.Expr(ast.Call(ast.Attribute(lst, "pop", ast.Load()), [], []))]

    def s_tape(self, op):
        if self.jit:  # a list numba types from what is pushed (one type per tape)
            return [ast.Assign([self.store(op.results)], ast.List([], ast.Load()))]
        cls = "IndexTape" if op.attrs.get("nondiff") else "Tape"
        new = ast.Call(ast.Attribute(ast.Name("rt", ast.Load()), cls, ast.Load()), [], [])
        return [ast.Assign([self.store(op.results)], new)]

    def s_push(self, op):
        vals = [self.expr(a) for a in op.args[1:]]
        item = vals[0] if len(vals) == 1 else ast.Tuple(vals, ast.Load())
        return [ast.Expr(ast.Call(ast.Attribute(self.expr(op.args[0]), "append", ast.Load()),
                                  [item], []))]

    def s_pop(self, op):
        call = ast.Call(ast.Attribute(self.expr(op.args[0]), "pop", ast.Load()), [], [])
        return [ast.Assign([self.store(op.results)], call)]

    def s_if(self, op):
        then = self.block(op.regions[0]) + self.assign(op.results, op.regions[0].ops[-1].args)
        other = self.block(op.regions[1]) + self.assign(op.results, op.regions[1].ops[-1].args)
        test = self.expr(op.args[0])
        if not then and other:
            test, then, other = ast.UnaryOp(ast.Not(), test), other, []
        return [ast.If(test, then or [ast.Pass()], other)]

    def s_for(self, op):
        body = op.regions[0]
        n = len(op.results)
        pre = self.assign(body.params[1:], op.args[1:])
        stmts = self.block(body) + self.assign(body.params[1:], body.ops[-1].args[:n])
        stmts += self._break(op, body, n)
        target = ast.Name(self.names.name(body.params[0]), ast.Store())
        return pre + [ast.For(target, self.expr(op.args[0]), stmts or [ast.Pass()], [], None)]

    def _break(self, op, body, n):
        if not op.attrs.get("brk"):
            return []
        flag = body.ops[-1].args[n]
        if flag.owner.kind == "const" if not isinstance(flag.owner, Block) else False:
            return [ast.Break()] if flag.owner.attrs["value"] else []
        return [ast.If(self.expr(flag), [ast.Break()], [])]

    def s_while(self, op):
        cond, body = op.regions
        n = len(op.results)
        pre = self.assign(body.params, op.args)
        cstmts = self.block(cond)
        test = self.expr(cond.ops[-1].args[0])
        stmts = self.block(body) + self.assign(body.params, body.ops[-1].args[:n])
        stmts += self._break(op, body, n)
        if cstmts:
            guard = ast.If(ast.UnaryOp(ast.Not(), test), [ast.Break()], [])
            return pre + [ast.While(ast.Constant(True), cstmts + [guard] + stmts, [])]
        return pre + [ast.While(test, stmts or [ast.Pass()], [])]


def unparse(module: ast.Module, doc: str | None = None) -> str:
    """The source of ``module`` (after the docstring ``doc``, made one line) with each
    ``comment`` statement written as a comment."""
    return doc_line(doc) + render_comments(ast.unparse(ast.fix_missing_locations(module)))


def doc_line(doc: str | None) -> str:
    """The module docstring ``doc`` made one line (``one_line``), as text; "" for None."""
    if doc is None:
        return ""
    return ast.unparse(ast.Module([ast.Expr(ast.Constant(one_line(doc)))], [])) + "\n"


def render_comments(src: str) -> str:
    """``ast.unparse`` text with the ``comment`` statements made comments, line for line.
    Every string constant ``ast.unparse`` writes is one line (``repr``; docstrings and
    comments are ``one_line``), so a line that is a whole string literal starting with
    the marker is one of those statements."""
    out = []
    for line in src.split("\n"):
        m = _MARKED.match(line)
        text = _marked_text(line) if m else None
        out.append(line if text is None else f"{m.group(1)}# {text}")
    return "\n".join(out) + "\n"


_MARKED = re.compile(r"^(\s*)(\"\"\"|'''|['\"])" + re.escape(_MARK))  # first: a docstring


def _marked_text(line):
    try:
        value = ast.literal_eval(line.strip())
    except (SyntaxError, ValueError):
        return None
    return value[len(_MARK):] if isinstance(value, str) and value.startswith(_MARK) else None
