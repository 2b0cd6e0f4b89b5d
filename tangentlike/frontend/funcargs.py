"""Functions as values: lambdas and functions passed to user functions (a mixin of
``Lowerer``).

Promise: ``name = lambda ...`` is a nested ``def``; ``(lambda v: ...)(x)`` calls one
made in place; a call ``helper(f, x)`` of a user function whose argument is a
lambda, a nested ``def`` or a module-level user function lowers as a call of a copy
of ``helper`` specialised to that function: the parameter is gone, and the body
calls the function directly (a nested function's free variables become extra
parameters of the copy, under their own names; a copy whose own variables would
shadow them is rejected rather than guessed). Anything else done with a function
value is an ``UnsupportedSyntaxError``.
"""
from __future__ import annotations

import functools
import inspect
import types

import gast

from ..errors import LocatedError, NoSourceError, UnsupportedSyntaxError
from . import scan
from .lambdas import lambda_def
from .opaque import opaque_callee
from .source import FuncSpec, spec_of


class FuncArgs:
    def e_Lambda(self, node):
        raise UnsupportedSyntaxError("lambda used as a value", self.spec.loc(node),
                                     "call it, bind it to a name, or pass it to your own function")

    def local_lambda(self, lam, name):
        """A ``LocalFunc`` for the lambda ``lam`` (as if it were ``def name``)."""
        from .lower_expr import LocalFunc
        node = lambda_def(lam, name)
        self.s_FunctionDef(node)
        lf = self.env.pop(node.name)
        return lf if isinstance(lf, LocalFunc) else None

    def function_arg(self, a):
        """``("local", LocalFunc)``, ``("global", function)`` or None for an argument."""
        from .lower_expr import LocalFunc, is_user_function
        if isinstance(a, gast.Lambda):
            return "local", self.local_lambda(a, "lambda_")
        if isinstance(a, gast.Name) and isinstance(self.env.get(a.id), LocalFunc):
            return "local", self.env[a.id]
        if isinstance(a, gast.Attribute) and self.static_method(a) is not None:
            return "global", self.static_method(a)  # self.act, model.loss
        if isinstance(a, (gast.Name, gast.Attribute)):
            if not (isinstance(a, gast.Name) and (a.id in self.env or a.id in self.locals)):
                ok, obj = self.static(a)
                if ok and (is_user_function(obj) and (inspect.isfunction(obj) or isinstance(
                        obj, (types.MethodType, functools.partial))) or _has_rule(obj)):
                    return "global", obj
        return None

    def static_method(self, f):
        """A user function or bound method read off a module-level or closed-over object
        (``self.layer``, ``model.loss``), else None."""
        if not isinstance(f, gast.Attribute):
            return None
        ok, base = self.static_object(f.value)
        if not ok or isinstance(base, types.ModuleType):
            return None
        try:
            obj = getattr(base, f.attr)
        except AttributeError:
            raise LocatedError(f"{type(base).__name__} object has no attribute '{f.attr}'",
                               self.spec.loc(f)) from None
        from .lower_expr import is_user_function
        return obj if is_user_function(obj) else None

    def static_object(self, node):
        """``static(node)``, extended to attributes of objects that are known when the
        function is compiled (``self.l1`` in ``self.l1.forward(x)``), each read noted
        so that the compiled code is not reused once it is rebound."""
        ok, obj = self.static(node)
        if ok or not isinstance(node, gast.Attribute):
            return ok, obj
        ok, base = self.static_object(node.value)
        if not ok or isinstance(base, types.ModuleType) or not hasattr(base, node.attr):
            return False, None
        value = getattr(base, node.attr)
        self.spec.note_attribute(base, node.attr, value)
        return True, value

    def check_callee_writes(self, fn, node):
        """A user function called here may not write into its parameters' items: only the
        function differentiated itself copies such writes back to its caller."""
        from .lower_expr import LocalFunc
        if isinstance(fn, LocalFunc):
            spec = fn.spec
        elif isinstance(fn, (types.FunctionType, types.MethodType, functools.partial)):
            spec = spec_of(fn)
        else:
            return
        written = scan.written_params(spec.node)
        if written:
            p = sorted(written)[0]
            raise UnsupportedSyntaxError(
                f"call of {spec.name}, which makes in-place writes into its parameter '{p}' (the "
                "caller's array would change)", self.spec.loc(node),
                f"copy it inside {spec.name} ({p} = {p}.copy()) and return the new array")

    def call_opaque(self, fn, node):
        """The call of ``fn`` as an opaque primal call (``frontend/opaque.py``) when its
        source cannot be lowered, else None; ``check_callee_writes`` where its source is
        there (without one, its array arguments are passed read-only: ir.callees.Opaque)."""
        opaque = opaque_callee(fn, type(self))
        if opaque is None:
            return None
        try:
            self.check_callee_writes(fn, node)
        except NoSourceError:
            pass
        return self.b.call(opaque, [self.expr(a) for a in node.args]
                           + [self.expr(k.value) for k in node.keywords],
                           hint=fn.__name__, kw=[k.arg for k in node.keywords])

    def specialize_call(self, fn, node):
        """``(fn, node)``, or a copy of user function ``fn`` without its function-valued
        parameters and the call without those arguments."""
        from .lower_expr import LocalFunc
        found = {}
        for i, a in enumerate(node.args):
            f = self.function_arg(a)
            if f:
                found[("pos", i)] = f
        for k in node.keywords:
            f = self.function_arg(k.value)
            if f:
                found[("kw", k.arg)] = f
        if not found or not (isinstance(fn, LocalFunc) or inspect.isfunction(fn)):
            return fn, node
        base = fn.spec if isinstance(fn, LocalFunc) else spec_of(fn)
        names = [a.id for a in base.node.args.args]
        by_param = {}
        for (kind, where), f in found.items():
            if kind == "pos" and where >= len(names):
                raise UnsupportedSyntaxError("too many arguments", self.spec.loc(node))
            by_param[names[where] if kind == "pos" else where] = f
        spec = self._specialized(base, by_param, node)
        args = [a for i, a in enumerate(node.args) if ("pos", i) not in found]
        kws = [k for k in node.keywords if ("kw", k.arg) not in found]
        new = gast.Call(node.func, args, kws)
        gast.copy_location(new, node)
        return LocalFunc(spec), new

    def _specialized(self, base, by_param, node):
        fdef = base.node
        keep = [a for a in fdef.args.args if a.id not in by_param]
        names = [a.id for a in fdef.args.args]
        defaults = dict(zip(names[len(names) - len(fdef.args.defaults):], fdef.args.defaults))
        kept_defaults = [defaults[a.id] for a in keep if a.id in defaults]
        new = gast.FunctionDef(fdef.name, gast.arguments(keep, [], fdef.args.vararg, [], [],
                                                         fdef.args.kwarg, kept_defaults),
                               fdef.body, [], None, None, [])
        gast.copy_location(new, fdef)
        new.end_lineno, new.end_col_offset = fdef.end_lineno, fdef.end_col_offset
        closure, local_funcs, lifted = dict(base.closure), dict(base.local_funcs), list(base.lifted)
        own = scan.local_names(new) | set(base.lifted)
        key = []
        for param, (kind, f) in sorted(by_param.items()):
            if kind == "global":
                closure[param] = types.CellType(f)  # name -> cell, as read from a closure
                key.append((param, f))
                continue
            for v in f.spec.lifted:
                if v in own:
                    raise UnsupportedSyntaxError(
                        f"the function passed as '{param}' uses '{v}', which {base.name} also "
                        "has as a variable", self.spec.loc(node), "rename one of them")
                if v not in lifted:
                    lifted.append(v)
            local_funcs[param] = f
            key.append((param, f.key))
        spec = FuncSpec(new, base.filename, base.line0, base.col0, base.globals, closure,
                        base.name, lifted=lifted, key=(base.key, "with", tuple(key)),
                        parent=base.parent, pyfunc=None)
        spec.local_funcs = local_funcs
        return spec


def _has_rule(obj) -> bool:
    from ..rules import registry
    try:
        return registry.lookup(obj) is not None or registry.is_nondiff(obj)
    except TypeError:
        return False
