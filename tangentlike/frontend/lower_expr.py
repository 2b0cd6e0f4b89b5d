"""Lowering of expressions (gast -> IR values); a mixin of ``Lowerer``.

Every operator becomes a ``call`` of the Python object that implements it
(``a + b`` -> ``operator.add``), so that derivative rules are keyed by object
and the backend can turn known objects back into syntax. Methods and
attributes of local values map to NumPy functions through small tables
(``x.sum(axis=0)`` -> ``np.sum(x, axis=0)``). Short-circuiting ``and``/``or``
and conditional expressions become ``if`` ops, so they stay lazy.
"""
from __future__ import annotations

import functools
import operator
import types

import gast
import numpy as np

from .. import runtime as rt
from ..admissible import complex_type, unsupported
from ..errors import LocatedError, UnsupportedSyntaxError
from ..ir.callees import Checkpointed, DerivativeBase, is_compile_time
from .conveniences import callable_object
from .dictmethods import DICT_METHODS
from ..rules import registry
from . import rewrites
from .nested import is_jvp, lower_jvp
from .sugar import REFS
from .records import RecordCalls
from .tapes import ListMethods

BINOPS = {gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
          gast.Div: operator.truediv, gast.Pow: operator.pow, gast.MatMult: operator.matmul,
          gast.FloorDiv: operator.floordiv, gast.Mod: operator.mod,
          gast.BitAnd: operator.and_, gast.BitOr: operator.or_, gast.BitXor: operator.xor}
UNOPS = {gast.USub: operator.neg, gast.UAdd: operator.pos, gast.Not: operator.not_,
         gast.Invert: operator.invert}
CMPOPS = {gast.Lt: operator.lt, gast.LtE: operator.le, gast.Gt: operator.gt,
          gast.GtE: operator.ge, gast.Eq: operator.eq, gast.NotEq: operator.ne,
          gast.Is: operator.is_, gast.IsNot: operator.is_not}
# x.method(...) -> function(x, ...); "varargs" methods take a shape as separate arguments.
METHODS = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min, "dot": np.dot,
           "reshape": np.reshape, "transpose": np.transpose, "copy": rt.copy,
           "ravel": np.ravel, "squeeze": np.squeeze, "prod": np.prod, "std": np.std,
           "var": np.var, "cumsum": np.cumsum, "cumprod": np.cumprod, "astype": rt.astype,
           "flatten": rt.flatten, "clip": np.clip, "swapaxes": np.swapaxes, "trace": np.trace,
           "diagonal": np.diagonal, "repeat": np.repeat, "take": np.take,
           "argmax": np.argmax, "argmin": np.argmin, "argsort": np.argsort, "all": np.all,
           "any": np.any, "round": np.round, "nonzero": np.nonzero, "conj": np.conjugate,
           "conjugate": np.conjugate, "item": rt.item, "format": str.format}
VARARG_METHODS = ("reshape", "transpose")
ATTRIBUTES = {"shape": np.shape, "T": np.transpose, "ndim": np.ndim, "size": np.size,
              "real": np.real, "imag": np.imag, "mT": np.matrix_transpose, "dtype": rt.dtype_of}
PRIMITIVE_MODULES = ("numpy", "tangentlike", "builtins", "operator", "math", "_operator")


class LocalFunc:
    """A nested ``def``, lambda-lifted: its free variables become parameters."""

    def __init__(self, spec):
        self.spec = spec
        self.name = spec.name
        self.key = spec.key

    def __repr__(self):
        return f"<nested function {self.spec.qualname}>"


def _is_derivative(obj) -> bool:
    return isinstance(obj, DerivativeBase)


def _compile_time(fn) -> bool:
    """The API transforms that return a derivative function (evaluated at compile time)."""
    return is_compile_time(fn)


def is_user_function(fn) -> bool:
    if isinstance(fn, (LocalFunc, Checkpointed)) or _is_derivative(fn):
        return True
    if isinstance(fn, types.MethodType):  # a bound method of a user class: model.loss
        return not isinstance(fn.__self__, type) and is_user_function(fn.__func__)
    if isinstance(fn, functools.partial):
        return is_user_function(fn.func)
    if not isinstance(fn, types.FunctionType) or registry.lookup(fn) or registry.is_nondiff(fn):
        return False
    mod = (getattr(fn, "__module__", "") or "").split(".")[0]
    return mod not in PRIMITIVE_MODULES


class ExprLowering(ListMethods, RecordCalls):
    def expr(self, node):
        method = getattr(self, "e_" + type(node).__name__, None)
        if method is None:
            raise UnsupportedSyntaxError(f"expression {type(node).__name__}", self.spec.loc(node))
        self.b.loc = self.spec.loc(node) if hasattr(node, "lineno") else self.b.loc
        return method(node)

    def e_Constant(self, node):
        return self.b.const(self.admissible(node.value, node))

    def admissible(self, value, node, name=None):
        """``value``, unless it is complex or an ndarray subclass (``admissible``); the
        rules' own bodies may hold complex constants (they run on what the user passes)."""
        if (self.spec.globals.get("__name__") or "").startswith("tangentlike.rules."):
            return value
        real = "tangentlike differentiates real functions of real ndarrays and numbers"
        if isinstance(value, (complex, np.complexfloating)) or complex_type(value):
            what = (f"the complex type {getattr(value, '__name__', value)}" if complex_type(value)
                    else "a complex number")
            raise UnsupportedSyntaxError(what if name is None else f"'{name}', {what}",
                                         self.spec.loc(node), real)
        if isinstance(value, np.ndarray) and unsupported(value):
            kind = "a complex array" if value.dtype.kind == "c" else (
                f"a {type(value).__module__}.{type(value).__qualname__}, a subclass of "
                "np.ndarray whose operators may differ (np.matrix: '*' is a matrix product)")
            raise UnsupportedSyntaxError(f"'{name}', {kind}", self.spec.loc(node),
                                         real if value.dtype.kind == "c"
                                         else "convert it with np.asarray at module level")
        return value

    def e_Name(self, node):
        name = node.id
        if name in self.env:
            v = self.env[name]
            if isinstance(v, LocalFunc):
                raise UnsupportedSyntaxError(f"nested function '{name}' used as a value",
                                             self.spec.loc(node), "call it directly")
            return v
        if name in self.locals:
            raise LocatedError(f"variable '{name}' may be used before it is assigned",
                               self.spec.loc(node))
        return self.b.const(self.admissible(self.resolve_name(name, node), node, name), hint=name)

    def resolve_name(self, name, node):
        return REFS[name] if name in REFS else self.spec.resolve(name, node)

    def static(self, node):
        """(True, object) when ``node`` names a global, builtin, or an attribute of a module
        or a class."""
        if isinstance(node, gast.Name) and node.id not in self.locals \
                and not node.id.startswith("."):
            return True, self.resolve_name(node.id, node)
        if isinstance(node, gast.Attribute):
            ok, base = self.static(node.value)
            if ok and isinstance(base, types.ModuleType):
                if not hasattr(base, node.attr):
                    raise LocatedError(f"module '{base.__name__}' has no attribute '{node.attr}'",
                                       self.spec.loc(node))
                value = getattr(base, node.attr)
                if (base.__name__ or "").split(".")[0] not in PRIMITIVE_MODULES:
                    self.spec.note_attribute(base, node.attr, value)  # a user module's name
                return True, value
            if ok and isinstance(base, type) and hasattr(base, node.attr):
                value = getattr(base, node.attr)  # a class's function or constant:
                self.spec.note_attribute(base, node.attr, value)  # Generator.normal
                return True, value
        return False, None

    def e_Attribute(self, node):
        ok, obj = self.static(node)
        if ok:
            return self.b.const(self.admissible(obj, node, node.attr), hint=node.attr)
        fn = ATTRIBUTES.get(node.attr)
        ok, base = self.static(node.value)
        if fn is None and (ok or not _array_attribute(node.attr)):
            # an object's attribute (cfg.lam, self.scale), read when the code runs
            return self.b.call(getattr, [self.expr(node.value), self.b.const(node.attr)],
                               hint=node.attr)
        if fn is None:
            raise UnsupportedSyntaxError(f"attribute .{node.attr}", self.spec.loc(node),
                                         "supported: " + ", ".join(ATTRIBUTES))
        return self.b.call(fn, [self.expr(node.value)], hint=node.attr.lower())

    def e_BinOp(self, node):
        left, right = self.expr(node.left), self.expr(node.right)
        kinds = [getattr(getattr(v, "owner", None), "kind", None) for v in (left, right)]
        if isinstance(node.op, gast.Add) and kinds[0] == kinds[1] and kinds[0] in ("tuple",
                                                                                  "list"):
            items = list(left.owner.args) + list(right.owner.args)  # (a,) + (b, c)
            return self.b.op(kinds[0], items, (kinds[0][0] + "s",)).result
        return self.b.call(BINOPS[type(node.op)], [left, right])

    def e_UnaryOp(self, node):
        if isinstance(node.op, gast.USub) and isinstance(node.operand, gast.Constant) \
                and isinstance(node.operand.value, (int, float)):
            return self.b.const(-node.operand.value)
        return self.b.call(UNOPS[type(node.op)], [self.expr(node.operand)])

    def e_Compare(self, node):
        left, result = self.expr(node.left), None
        for op, comp in zip(node.ops, node.comparators):
            right = self.expr(comp)
            if isinstance(op, (gast.In, gast.NotIn)):
                v = self.b.call(operator.contains, [right, left])
                v = self.b.call(operator.not_, [v]) if isinstance(op, gast.NotIn) else v
            else:
                v = self.b.call(CMPOPS[type(op)], [left, right])
            result = v if result is None else self.b.call(operator.and_, [result, v])
            left = right
        return result

    def e_BoolOp(self, node):
        first = self.expr(node.values[0])
        if len(node.values) == 1:
            return first
        rest = gast.BoolOp(op=node.op, values=node.values[1:])
        is_and = isinstance(node.op, gast.And)
        lazy = (lambda: self.expr(rest))  # noqa: E731
        keep = (lambda: first)  # noqa: E731
        return self.branch_value(first, lazy if is_and else keep, keep if is_and else lazy)

    def e_IfExp(self, node):
        return self.branch_value(self.expr(node.test), lambda: self.expr(node.body),
                                 lambda: self.expr(node.orelse))

    def e_Tuple(self, node):
        return self.b.op("tuple", [self.expr(e) for e in node.elts], ("tup",)).result

    def e_List(self, node):
        return self.b.op("list", [self.expr(e) for e in node.elts], ("lst",)).result

    def e_Dict(self, node):
        keys = []
        for k in node.keys:
            if not isinstance(k, gast.Constant):
                raise UnsupportedSyntaxError("dict with non-constant keys", self.spec.loc(node))
            keys.append(k.value)
        vals = [self.expr(v) for v in node.values]
        return self.b.op("dict", vals, ("d",), {"keys": tuple(keys)}).result

    def e_Slice(self, node):
        parts = [self.expr(p) if p is not None else self.b.const(None)
                 for p in (node.lower, node.upper, node.step)]
        return self.b.op("slice", parts, ("s",)).result

    def e_Subscript(self, node):
        joined = rewrites.index_join(self, node)
        if joined is not None:
            return joined
        base = self.expr(node.value)
        return self.b.call(operator.getitem, [base, self.expr(node.slice)])

    def e_Call(self, node):
        node = self.expand_starred(node)
        f = node.func
        if isinstance(f, gast.Name) and isinstance(self.env.get(f.id), LocalFunc):
            return self.call_user(self.env[f.id], node)
        if isinstance(f, gast.Lambda):
            return self.call_user(self.local_lambda(f, "lambda_"), node)
        method = self.static_method(f)
        if method is not None:
            return self.call_user(method, node)
        ok, fn = self.static_callee(f)
        fn = callable_object(fn) if ok else fn
        if ok and _compile_time(fn):
            return self.b.const(self.evaluate_transform(fn, node), hint="d" + _hint(fn))
        if ok and is_jvp(fn):
            return lower_jvp(self, node)
        if not ok:
            if isinstance(f, gast.Attribute):
                return self.method_call(node)
            raise UnsupportedSyntaxError("call of a computed function", self.spec.loc(node),
                                         "call a function by its name")
        sugared = self.builtin_call(fn, node)
        if sugared is not None:
            return sugared
        if is_user_function(fn):
            return self.call_user(fn, node)
        if (fn is rt.Tape or fn is rt.IndexTape) and not node.args and not node.keywords:
            if getattr(self, "new_tape", False):
                return self.b.op("tape", [], ["tape"], {"nondiff": fn is rt.IndexTape}).result
            return self.b.op("list", [], ["tape"]).result  # it escapes: a list like any
        if rt.is_record_type(fn):
            return self.record_call(fn, node)
        fn, node, done = rewrites.rewrite_call(self, fn, node)
        if done is not None:
            return done
        args = [self.expr(a) for a in node.args]
        kw = [k.arg for k in node.keywords]
        args += [self.expr(k.value) for k in node.keywords]
        return self.b.call(fn, args, hint=_hint(fn), kw=kw)

    def static_callee(self, f):
        """(True, callable) for a global function, a module attribute, a local bound to a
        derivative made at compile time, or ``tl.grad(g)`` written in place."""
        if isinstance(f, gast.Name) and f.id in self.env:
            v = self.env[f.id]
            op = v.owner
            if getattr(op, "kind", None) == "const" and _is_derivative(op.attrs["value"]):
                return True, op.attrs["value"]
            return False, None
        if isinstance(f, gast.Call):
            ok, inner = self.static(f.func)
            if ok and _compile_time(inner):
                return True, self.evaluate_transform(inner, f)
            return False, None
        return self.static(f)

    def evaluate_transform(self, fn, node):
        """Run ``tl.grad(g, wrt=...)`` now: nested derivatives are resolved when the outer
        function is compiled; its transform then differentiates their generated code."""
        def value(a):
            ok, v = self.static(a)
            if ok:
                return v
            if isinstance(a, gast.Constant):
                return a.value
            if isinstance(a, gast.Tuple) and all(isinstance(e, gast.Constant) for e in a.elts):
                return tuple(e.value for e in a.elts)
            raise UnsupportedSyntaxError(f"{fn.__name__}() of a value known only at run time",
                                         self.spec.loc(a), "pass a module-level function")
        args = [value(a) for a in node.args]
        kws = {k.arg: value(k.value) for k in node.keywords}
        return fn(*args, **kws)

    def method_call(self, node):
        f = node.func
        name = f.attr
        if name in ("append", "pop"):
            return self.append(node)
        if name in DICT_METHODS:
            return self.dict_method(node)
        if name == "extend":
            return self.extend(node)
        fn = METHODS.get(name) or _generator_method(name)
        if fn is None:
            known = ", ".join(DICT_METHODS + tuple(METHODS))
            raise UnsupportedSyntaxError(f"method .{name}()", self.spec.loc(node),
                                         "supported: append, " + known
                                         + ", and numpy.random.Generator's methods")
        recv = self.expr(f.value)
        args = [self.expr(a) for a in node.args]
        if name in VARARG_METHODS and len(args) > 1:
            args = [self.b.op("tuple", args, ("shape",)).result]
        kw = [k.arg for k in node.keywords]
        args += [self.expr(k.value) for k in node.keywords]
        return self.b.call(fn, [recv] + args, hint=name, kw=kw)

    def call_user(self, fn, node):
        fn, node = self.specialize_call(fn, node)  # function arguments: a copy, never opaque
        fn, node = self.specialize_star(fn, node)  # star parameters: a copy for this call
        called = self.call_opaque(fn, node)  # runs as it is: an error only if differentiated
        if called is not None:
            return called
        self.check_callee_writes(fn, node)
        spec_sig = fn.spec.signature() if isinstance(fn, LocalFunc) else None
        import inspect
        sig = spec_sig or inspect.signature(fn)
        args = [self.expr(a) for a in node.args]
        kws = {k.arg: self.expr(k.value) for k in node.keywords}
        if isinstance(fn, LocalFunc):
            for name in fn.spec.lifted:
                if name not in self.env:
                    raise LocatedError(f"nested function '{fn.name}' uses '{name}' before it is "
                                       "assigned", self.spec.loc(node))
                kws[name] = self.env[name]
        try:
            bound = sig.bind(*args, **kws)
        except TypeError as e:
            raise LocatedError(f"bad call to {_hint(fn) if not isinstance(fn, LocalFunc) else fn.name}: {e}",
                               self.spec.loc(node)) from None
        for p in sig.parameters.values():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise UnsupportedSyntaxError("call of a function with *args/**kwargs parameters",
                                             self.spec.loc(node))
        bound.apply_defaults()
        full = [v if hasattr(v, "owner") and not isinstance(v, type) and _is_value(v)
                else self.b.const(v) for v in bound.arguments.values()]
        hint = fn.name if isinstance(fn, LocalFunc) else getattr(fn, "__name__", None)
        return self.b.call(fn, full, hint=hint or _hint(fn))

    def branch_value(self, cond, then_fn, else_fn):
        """A lazy two-way choice between two expressions, as an ``if`` op."""
        results = self.lower_branches(cond, then_fn, else_fn, values=True)
        return results[0]


def _array_attribute(name) -> bool:
    """Is ``name`` an attribute of NumPy arrays (``x.imag``: not an object's field)?"""
    return hasattr(np.ndarray, name)


def _generator_method(name):
    """``rng.normal(...)`` on a ``numpy.random.Generator``: the unbound method, called with
    the generator first (no derivative; kept in order as an effect)."""
    from ..rules.nondiff import GENERATOR_METHODS
    return getattr(np.random.Generator, name) if name in GENERATOR_METHODS else None


def _is_value(v) -> bool:
    from ..ir.nodes import Value
    return isinstance(v, Value)


def _hint(fn) -> str:
    if fn is range:
        return "rng"
    name = getattr(fn, "__name__", None) or getattr(getattr(fn, "func", None), "__name__", "t")
    return name if name.isidentifier() and not name.startswith("_") else "t"
