"""Lowering of a function's statements into structured SSA.

Promise: ``lower(spec)`` returns a verified ``Func`` whose body ends in a single
``return``. Variables are tracked in an environment name -> value (Braun et
al.'s on-the-fly SSA construction, simplified by the structure): an ``if``
yields the variables either branch rebinds; a loop carries the variables its
body assigns. ``break``, ``continue`` and ``return`` inside loops become flag
variables carried like any other (``brk`` ends the loop through the ``for``/
``while`` op's stop flag); code after a statement that may jump is guarded by
``if not flag``. An early ``return`` outside loops moves the statements after
its ``if`` into the branches that fall through, so no flag is needed there.
"""
from __future__ import annotations

import operator

import gast

from .. import runtime as rt
from ..errors import UnsupportedSyntaxError
from ..ir.builder import Builder
from ..ir.nodes import Block, Func, Op, append_op
from ..ir.verifier import verify
from . import scan
from .aliases import AliasCheck
from .funcargs import FuncArgs
from .starparams import StarParams
from .dictmethods import DictMethods, maybe_dict
from .conveniences import Conveniences
from .lower_expr import ExprLowering, LocalFunc
from .lambdas import lambda_def
from .source import nested_spec
from .sugar import SugarLowering, clean_hint
from .sugar_builtins import BuiltinSugar
from .tapes import is_tape, local_tapes, tape_pop
from .subset import check_subset

FLAGS = (".brk", ".cont")


class Lowerer(SugarLowering, BuiltinSugar, FuncArgs, StarParams, DictMethods, Conveniences,
              ExprLowering, AliasCheck):
    def __init__(self, spec):
        self.spec = spec
        self.env = {}
        self.loop_depth = 0
        self.locals = scan.local_names(spec.node) | set(spec.lifted)
        self.env.update(spec.local_funcs)
        self.init_aliases(spec.node)
        self.tape_names, self.new_tape = local_tapes(spec.node), False

    def lower(self) -> Func:
        check_subset(self.spec)
        body = Block()
        self.b = Builder(body, self.spec.loc(self.spec.node))
        params = [body.add_param(n) for n in self.spec.param_names()]
        self.env.update(zip(self.spec.param_names(), params))
        self.param_values = dict(zip(self.spec.param_names(), params))
        written = sorted(scan.written_params(self.spec.node))
        for name in written:  # writes go to a copy, copied back into the caller's array
            self.env[name] = self.b.call(rt.copy, [self.env[name]], hint=name)
        self.lower_stmts(self.spec.node.body, tail=True)
        for name in written:
            self.b.call(rt.write_back, [self.param_values[name], self.env[name]])
        self.b.op("return", [self.env[".result"]])
        func = Func(self.spec.qualname, params, body, self.spec.loc(self.spec.node),
                    self.spec.param_names(), source_hash=self.spec.hash)
        return verify(func)

    # -- statement lists and control transfer ---------------------------------
    def lower_stmts(self, stmts, tail=False):
        for i, s in enumerate(stmts):
            rest = stmts[i + 1:]
            if self.loop_depth == 0 and isinstance(s, gast.If) and scan.has_return(s):
                self.if_stmt(s, rest, tail=True)
                return
            self.stmt(s)
            if isinstance(s, (gast.Return, gast.Break, gast.Continue)):
                return
            if isinstance(s, (gast.For, gast.While)) and scan.has_return(s):
                if self.loop_depth == 0:
                    self.lower_branches(self.env[".ret"], lambda: self._set_result(),
                                        lambda: self.lower_stmts(rest, tail=True))
                    return
                self.env[".brk"] = self.env[".ret"]
            if self.loop_depth and rest and scan.may_jump(s) and self._may_be_set():
                self.lower_branches(self._not_jumped(), lambda: self.lower_stmts(rest), None)
                return
        if tail and self.loop_depth == 0:
            self.env[".result"] = self.b.const(None, hint="result")

    def _set_result(self):
        self.env[".result"] = self.env[".retval"]

    def _flags(self):
        """The jump flags that may be set on this path (a constant False is not)."""
        out = []
        for f in FLAGS:
            v = self.env.get(f)
            if v is not None and not (isinstance(v.owner, Op) and v.owner.kind == "const"
                                      and v.owner.attrs["value"] is False):
                out.append(v)
        return out

    def _may_be_set(self):
        return bool(self._flags())

    def _not_jumped(self):
        flags = self._flags()
        cond = flags[0]
        for f in flags[1:]:
            cond = self.b.call(operator.or_, [cond, f])
        return self.b.call(operator.not_, [cond], hint="go")

    # -- branches -------------------------------------------------------------
    def lower_branches(self, cond, then_fn, else_fn, values=False):
        """An ``if`` op; yields the variables either branch rebinds (or the
        branch functions' values when ``values``). Returns the value results."""
        before = self.env
        blocks, envs, vals = [], [], []
        for fn in (then_fn, else_fn):
            block = Block()
            self.env, saved_b = dict(before), self.b
            self.b = Builder(block, saved_b.loc)
            vals.append(fn() if fn else None)
            envs.append(self.env)
            blocks.append(block)
            self.b = saved_b
        names = _changed(before, envs)
        op = Op("if", [cond], [], {}, [], self.b.loc)
        for block, env, val in zip(blocks, envs, vals):
            ys = [val] if values else []
            for n in names:
                v = env.get(n)
                if v is None:
                    undefined = None if n.startswith(".") else rt.UNBOUND
                    v = Builder(block, self.b.loc).const(undefined, hint=clean_hint(n))
                ys.append(v)
            Builder(block, self.b.loc).yield_(ys)
        op.set_regions(*blocks)
        append_op(self.b.block, op)
        out = [op.add_result("t")] if values else []
        self.env = dict(before)
        for n in names:
            self.env[n] = op.add_result(clean_hint(n))
        return out

    def if_stmt(self, s, rest, tail=False):
        cond = self.expr(s.test)
        self.lower_branches(cond, lambda: self.lower_stmts(s.body + rest, tail),
                            lambda: self.lower_stmts(s.orelse + rest, tail))

    # -- loops ----------------------------------------------------------------
    def _carries(self, s):
        defs = scan.def_names(s.body)
        names = sorted(n for n in scan.assigned_names(s.body) - defs
                       if (n in self.locals or n.startswith("."))  # ".": desugared temporaries
                       and not isinstance(self.env.get(n), LocalFunc)
                       and not is_tape(self.env.get(n)))
        if isinstance(s, gast.For):
            names = sorted(set(names) | scan.target_names(s.target))
        if scan.has_return(s):
            names += [".ret", ".retval"]
            self.env.setdefault(".ret", self.b.const(False, hint="ret"))
        return names

    def _inits(self, names):
        return [self.env[n] if n in self.env else
                self.b.const(None if n.startswith(".") else rt.UNBOUND, hint=clean_hint(n))
                for n in names]

    def _loop_body(self, block, names, params, prologue, body_stmts, brk, span=None):
        self.note_carries(params, [self.env.get(n) or params[i] for i, n in enumerate(names)])
        self.loop_spans.append(span or (0, 0))
        before, saved_b = self.env, self.b
        self.env = dict(before)
        self.env.update(zip(names, params))
        self.b = Builder(block, saved_b.loc)
        if brk:
            self.env[".brk"] = self.b.const(False, hint="brk")
        if scan.has_continue(body_stmts):
            self.env[".cont"] = self.b.const(False, hint="cont")
        prologue()
        self.loop_depth += 1
        self.lower_stmts(body_stmts)
        self.loop_depth -= 1
        ys = [self.env[n] for n in names] + ([self.env[".brk"]] if brk else [])
        self.b.yield_(ys)
        self.env, self.b = before, saved_b
        self.loop_spans.pop()

    def for_stmt(self, s):
        self._check_iter(s)
        if self.sugared_for(s):
            return
        seq = None
        if scan.is_range_call(s.iter, self):
            iterable = self.expr(s.iter)
        else:
            self.consume(None, gast.Call(None, [s.iter], []))  # a for consumes it once
            seq = self.expr(s.iter)
            if maybe_dict(seq, self.param_values.values()):  # a dict: its keys
                seq = self.b.call(rt.iterable, [seq], hint=clean_hint(getattr(s.iter, "id", "seq")))
            n = self.b.call(len, [seq], hint="n")
            iterable = self.b.call(range, [n], hint="rng")
        names = self._carries(s)
        inits = self._inits(names)
        brk = scan.has_break(s.body) or scan.has_return(s)
        body = Block()
        item = body.add_param(clean_hint(s.target.id) if isinstance(s.target, gast.Name)
                              and seq is None else "i")
        params = [body.add_param(clean_hint(n)) for n in names]

        def prologue():
            val = item if seq is None else self.b.call(operator.getitem, [seq, item], hint="item")
            self.assign(s.target, val)

        self._loop_body(body, names, params, prologue, s.body, brk, (s.lineno, s.end_lineno))
        op = self.b.op("for", [iterable] + inits, [clean_hint(n) for n in names],
                       {"brk": brk}, (body,))
        self.env.update(zip(names, op.results))

    def _check_iter(self, s):
        it = s.iter
        names = [it] if isinstance(it, gast.Name) else []
        if isinstance(it, gast.Call) and isinstance(it.func, gast.Name) \
                and self.static(it.func)[1] in (enumerate, zip, reversed):
            # any name the arguments read: enumerate(w[1:]) iterates over a view of w
            names = [n for a in it.args for n in gast.walk(a)
                     if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)]
        changed = scan.assigned_names(s.body)
        for n in names:
            if n.id in changed:
                raise UnsupportedSyntaxError(
                    f"iterating over '{n.id}' while the loop body changes it",
                    self.spec.loc(s), f"iterate over a copy: for ... in list({n.id}), "
                    f"or over range(len({n.id}))")

    def while_stmt(self, s):
        names = self._carries(s)
        inits = self._inits(names)
        brk = scan.has_break(s.body) or scan.has_return(s)
        cond = Block()
        cparams = [cond.add_param(clean_hint(n)) for n in names]
        before, saved_b = self.env, self.b
        self.env = dict(before)
        self.env.update(zip(names, cparams))
        self.b = Builder(cond, saved_b.loc)
        self.b.yield_([self.expr(s.test)])
        self.env, self.b = before, saved_b
        body = Block()
        params = [body.add_param(clean_hint(n)) for n in names]
        self._loop_body(body, names, params, lambda: None, s.body, brk,
                        (s.lineno, s.end_lineno))
        op = self.b.op("while", inits, [clean_hint(n) for n in names], {"brk": brk},
                       (cond, body))
        self.env.update(zip(names, op.results))

    # -- simple statements ----------------------------------------------------
    def stmt(self, s):
        self.cur_stmt = s
        self.b.loc = self.spec.loc(s)
        self.stmt_start = (self.b.block, len(self.b.block.ops))
        method = getattr(self, "s_" + type(s).__name__, None)
        if method is None:
            raise UnsupportedSyntaxError(f"statement {type(s).__name__}", self.spec.loc(s))
        method(s)

    def s_If(self, s):
        self.if_stmt(s, [])

    def s_For(self, s):
        self.for_stmt(s)

    def s_While(self, s):
        self.while_stmt(s)

    def s_Pass(self, s):
        pass

    def s_Break(self, s):
        self.env[".brk"] = self.b.const(True, hint="brk")

    def s_Continue(self, s):
        self.env[".cont"] = self.b.const(True, hint="cont")

    def s_Return(self, s):
        val = self.expr(s.value) if s.value is not None else self.b.const(None)
        if self.loop_depth == 0:
            self.env[".result"] = val
        else:
            self.env[".retval"] = val
            self.env[".ret"] = self.b.const(True, hint="ret")
            self.env[".brk"] = self.b.const(True, hint="brk")

    def s_Expr(self, s):
        if isinstance(s.value, gast.Constant) and isinstance(s.value.value, str):
            return  # a docstring
        self.expr(s.value)

    def s_Assign(self, s):
        t = s.targets[0]
        if scan.is_lambda_def(s):
            return self.s_FunctionDef(lambda_def(s.value, t.id))
        if len(s.targets) == 1 and isinstance(t, (gast.Tuple, gast.List)) \
                and isinstance(s.value, (gast.Tuple, gast.List)) \
                and len(t.elts) == len(s.value.elts) \
                and not any(isinstance(e, gast.Starred) for e in s.value.elts):
            values = [self.expr(e) for e in s.value.elts]  # all read before any is bound
            for target, v in zip(t.elts, values):
                self.assign(target, v)
            return
        if len(s.targets) == 1 and isinstance(t, gast.Tuple) and tape_pop(s.value, self.env):
            items = self.tape_op(tape_pop(s.value, self.env), s.value, len(t.elts))
            for target, v in zip(t.elts, items):
                self.assign(target, v)
            return
        self.new_tape = len(s.targets) == 1 and isinstance(t, gast.Name) \
            and t.id in self.tape_names
        value = self.expr(s.value)
        self.new_tape = False
        for t in s.targets:
            self.assign(t, value)

    def s_AnnAssign(self, s):
        if s.value is not None:
            self.assign(s.target, self.expr(s.value))

    def s_AugAssign(self, s):
        from .lower_expr import BINOPS
        fn = BINOPS[type(s.op)]
        t = s.target
        if isinstance(t, gast.Name):
            if t.id in self.env and not isinstance(self.env[t.id], LocalFunc):
                self.check_inplace(t.id, s, "update (+= and the like)", params_ok=True,
                                   at_run_time=True)
            self.assign(t, self.b.call(fn, [self.expr(gast.Name(t.id, gast.Load(), None, None)),
                                            self.expr(s.value)]))
            return
        base = self.expr(t.value)
        idx = self.expr(t.slice)
        cur = self.b.call(operator.getitem, [base, idx])
        new = self.b.call(fn, [cur, self.expr(s.value)])
        self.setitem(t.value.id, idx, new)

    def s_FunctionDef(self, s):
        free = scan.free_locals(s, self.locals) - {s.name}
        funcs = {n: self.env[n] for n in free if isinstance(self.env.get(n), LocalFunc)}
        values = free - set(funcs)
        for lf in funcs.values():
            values |= set(lf.spec.lifted)
        spec = nested_spec(self.spec, s, sorted(values))
        self.env[s.name] = spec.local_funcs[s.name] = LocalFunc(spec)
        spec.local_funcs.update(funcs)

    def assign(self, t, value):
        if isinstance(t, gast.Name):
            if self._fresh(value):
                value.hint = clean_hint(t.id)
            self.env[t.id] = value
        elif isinstance(t, (gast.Tuple, gast.List)):
            hints = [e.id if isinstance(e, gast.Name) else "t" for e in t.elts]
            items = self.b.op("unpack", [value], hints).results  # Python's own length check
            for e, item in zip(t.elts, items):
                self.assign(e, item)
        elif isinstance(t, gast.Subscript):
            self.setitem(t.value.id, self.expr(t.slice), value)
        else:
            raise UnsupportedSyntaxError(f"assignment to {type(t).__name__}", self.spec.loc(t))

    def _fresh(self, value):
        """Was ``value`` computed by the statement being lowered (so it may take its name)?"""
        block, start = getattr(self, "stmt_start", (None, 0))
        return isinstance(value.owner, Op) and block is self.b.block \
            and any(op is value.owner for op in block.ops[start:])

    def setitem(self, name, idx, value):
        if name not in self.env:
            raise UnsupportedSyntaxError(f"item assignment to '{name}', which is not a local "
                                         "variable", self.b.loc)
        self.check_inplace(name, self.cur_stmt, "item assignment")
        new = self.b.op("setitem", [self.env[name], idx, value], (clean_hint(name),)).result
        self.env[name] = new


def _changed(before, envs):
    names, seen = [], set()
    for env in envs:
        for n, v in env.items():
            if n in seen or isinstance(v, LocalFunc):
                continue
            if any(e.get(n) is not before.get(n) for e in envs):
                seen.add(n)
                names.append(n)
    return names


def lower(spec) -> Func:
    return Lowerer(spec).lower()
