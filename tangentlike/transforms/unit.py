"""A compilation unit: the derivative functions one generated module holds.

Differentiating a function that calls user functions produces, per callee and
per activity pattern of its arguments, a pair ``f_fwd(args) -> (out, saved)`` /
``f_bwd(saved, dout) -> cotangents`` (recursion reuses the pair being built).
Nested ``def``s called without differentiation get a plain primal copy.
Assembly turns a ``RevResult`` into those functions, or into one function
running both sweeps (the top-level gradient).
"""
from __future__ import annotations

from .. import runtime as rt
from ..errors import MissingRuleError, NoSourceError, TangentlikeError, UnsupportedSyntaxError
from ..frontend.lower import lower
from ..frontend.lower_expr import LocalFunc
from ..frontend.source import fresh, spec_of
from ..frontend.unchanged import SourceChangedError
from ..analysis.shapes import PY
from ..ir.builder import Builder
from ..ir.callees import Checkpointed, DerivativeBase as Derivative
from ..ir.nodes import Block, Func, Op, Value, walk_ops
from . import passes as _passes
from ..rules import registry

_LOWERED: dict = {}
_MAX_SHAPED = 4  # shape specialisations of one callee in a unit


class GenRef:
    """A call target that is a function of the generated module."""

    def __init__(self, name, callee_name):
        self.name = self.__name__ = name
        self.callee_name = callee_name

    def __repr__(self):
        return self.name


def spec_for(fn, loc=None, kinds=None):
    """The source of a callee; a derivative object resolves to its generated function
    for arguments of these kinds."""
    if isinstance(fn, LocalFunc):
        return fn.spec
    if isinstance(fn, Checkpointed):
        fn = fn.fn
    if isinstance(fn, Derivative):
        if getattr(fn, "has_aux", False):
            raise UnsupportedSyntaxError(
                f"a call of {fn.__name__}, a derivative made with has_aux=True, inside a "
                "differentiated function", loc, "differentiate one made without has_aux and "
                "compute the auxiliary value by a call of the function itself")
        fn = fn.compiled_for_kinds(kinds).fn
    try:
        return spec_of(fn)
    except SourceChangedError:
        raise
    except NoSourceError:
        raise MissingRuleError(registry.display_name(fn), loc) from None


def lower_cached(spec, optimize=True) -> Func:
    """The lowered IR of ``spec`` after the primal passes (none unless ``optimize``),
    lowered again when a name it read now denotes another object (``source.fresh``: the
    IR holds the objects themselves)."""
    key = (spec.key, spec.hash, optimize)
    hit = _LOWERED.get(key)
    if hit is None or not fresh(hit[1]):
        func = _passes.run(_passes.PRIMAL, lower(spec), optimize)
        hit = _LOWERED[key] = (func, tuple(spec.reads.values()))  # what this lowering read
    return hit[0]


class Unit:
    """The functions generated for one request; ``optimize=False`` runs no optional pass."""

    def __init__(self, optimize=True):
        self.funcs, self.refs, self.names, self.optimize = [], {}, set(), optimize
        self.kinds_memo, self.shapes_memo, self.shaped = {}, {}, {}

    def passes(self, func: Func) -> Func:
        """The cleanup passes on a generated function."""
        return _passes.run(_passes.CLEANUP, func, self.optimize, self)

    def fresh(self, base):
        name, k = base, 1
        while name in self.names:
            k += 1
            name = f"{base}_{k}"
        self.names.add(name)
        return name

    def reverse_callee(self, fn, mask, kinds, loc, patterns=None):
        """The ``f_fwd``/``f_bwd`` pair of user function ``fn`` for arguments of these
        kinds (and shape ``patterns``: at most ``_MAX_SHAPED`` specialisations each)."""
        from .reverse import reverse_function
        spec = spec_for(fn, loc, kinds)
        shaped = self.shaped.setdefault((spec.key, spec.hash), set())
        if patterns is not None and tuple(patterns) not in shaped:
            if len(shaped) >= _MAX_SHAPED:
                patterns = None
            else:
                shaped.add(tuple(patterns))
        key = (spec.key, spec.hash, tuple(mask), tuple(map(str, kinds)),
               None if patterns is None else tuple(patterns))
        if key in self.refs:
            return self.refs[key]
        base = spec.name
        fwd = GenRef(self.fresh(f"{base}_fwd"), base)
        bwd = GenRef(self.fresh(f"{base}_bwd"), base)
        self.refs[key] = (fwd, bwd)
        res = reverse_function(lower_cached(spec, self.optimize), mask, kinds, self, patterns=patterns)
        f, b = assemble_split(res, fwd.name, bwd.name, single_tuple=False)
        self.funcs += [self.passes(f), self.passes(b)]
        return fwd, bwd

    def forward_callee(self, fn, mask, kinds, loc, batch=False):
        """The JVP function of a user function called with these active arguments
        (``batch``: of batched tangents, ``transforms/batch.py``)."""
        from .forward import forward_function
        spec = spec_for(fn, loc, kinds)
        key = ("bjvp" if batch else "jvp", spec.key, spec.hash, tuple(mask),
               tuple(map(str, kinds)))
        if key in self.refs:
            return self.refs[key]
        ref = self.refs[key] = GenRef(self.fresh(f"{spec.name}_jvp"), spec.name)
        func = forward_function(lower_cached(spec, self.optimize), mask, kinds, self,
                                batch=batch)
        func.name = ref.name
        self.funcs.append(self.passes(func))
        return ref

    def return_kind(self, fn, arg_kinds):
        """The kind of what user function ``fn`` returns for arguments of these kinds."""
        from ..analysis.activity import kinds
        from ..frontend.lower_expr import is_user_function
        if not is_user_function(fn):
            return "unk"
        try:
            spec = spec_for(fn, None, arg_kinds)
        except (MissingRuleError, UnsupportedSyntaxError):  # said where it is called, located
            return "unk"
        key = (spec.key, spec.hash, tuple(map(str, arg_kinds)))
        if key not in self.kinds_memo:
            self.kinds_memo[key] = "unk"  # recursion: assume nothing
            func = lower_cached(spec, self.optimize)
            ks = kinds(func, arg_kinds, self.return_kind)
            self.kinds_memo[key] = ks.get(func.body.ops[-1].args[0], "unk")
        return self.kinds_memo[key]

    def callee_ir(self, fn):
        """The IR of user function ``fn`` for inlining (None: keep the call), with the
        small leaf functions it calls inlined into it first (``sigmoid`` inside an LSTM
        cell: the cell becomes a leaf itself). A recursive function is not inlined."""
        from .inline_calls import inline_calls
        from .reverse import clone_func
        if isinstance(fn, (Derivative, Checkpointed)):
            return None
        try:
            spec = spec_for(fn)
            func = lower_cached(spec, self.optimize)
        except TangentlikeError:
            return None  # reported where the call is differentiated, as before
        key = (spec.key, spec.hash)
        memo = self.__dict__.setdefault("inlined_memo", {})
        if key not in memo:
            memo[key] = None  # recursion: keep the call
            copy = clone_func(func)
            memo[key] = copy if inline_calls(copy, self.callee_ir) else func
        return memo[key]

    def return_pattern(self, fn, patterns):
        """The shape pattern (``analysis.shapes``) of what user function ``fn`` returns."""
        from ..analysis.shapes import returned
        from ..frontend.lower_expr import is_user_function
        if not is_user_function(fn) or isinstance(fn, Derivative):
            return None  # a derivative's patterns would need it compiled first
        try:
            spec = spec_for(fn, None)
        except MissingRuleError:
            return None
        key = (spec.key, spec.hash, tuple(patterns))
        if key not in self.shapes_memo:
            self.shapes_memo[key] = None  # recursion: assume nothing
            self.shapes_memo[key] = returned(lower_cached(spec, self.optimize), patterns, self.return_pattern)
        return self.shapes_memo[key]

    def add_primal_copies(self, standalone=False):
        """Give every nested ``def`` still called as a primal a generated copy; with
        ``standalone``, every user function too (the module then binds none)."""
        from ..frontend.lower_expr import is_user_function
        from .reverse import clone_func
        done = {}
        i = 0
        while i < len(self.funcs):
            for op in walk_ops(self.funcs[i].body):
                fn = op.attrs.get("fn") if op.kind == "call" else None
                if isinstance(fn, LocalFunc) or standalone and is_user_function(fn):
                    spec = spec_for(fn, op.loc)
                    if (spec.key, spec.hash) not in done:
                        ref = GenRef(self.fresh(spec.name), spec.name)
                        done[spec.key, spec.hash] = ref
                        copy = clone_func(lower_cached(spec, self.optimize))
                        copy.name = ref.name
                        self.funcs.append(self.passes(copy))
                    op.attrs["fn"] = done[spec.key, spec.hash]
            i += 1


def free_in(block) -> list:
    defined, out, seen = set(block.params), [], set()
    for op in walk_ops(block):
        for r in op.regions:
            defined.update(r.params)
        for a in op.args:
            if a not in defined and a not in seen:
                seen.add(a)
                out.append(a)
        defined.update(op.results)
    return out


def _move_ops(src: Block, dst: Block):
    for op in src.ops:
        op.block = dst
        dst.ops.append(op)


def assemble_grad(res, name, fname, wrt_single, with_value) -> Func:
    """One function: primal sweep, seed, adjoint sweep, return the gradients."""
    body = res.primal.body
    body.ops.pop()  # the primal return
    b = Builder(body, res.primal.loc)
    if not res.scalar_out:  # else nothing but the check would compute the value
        b.op("call", [res.out, b.const(fname)], [], {"fn": rt.check_scalar, "kw": ()})
    _move_ops(res.adjoint, body)
    grads = [typed_gradient(b, g, k, p, pat)
             for g, k, p, pat in zip(res.grads, res.grad_kinds, res.active, res.patterns)]
    grads = ordered_gradients(b, grads, wrt_single)
    out = b.op("tuple", [res.out, grads], ["out"]).result if with_value else grads
    b.op("return", [out])
    return Func(name, res.primal.params, body, res.primal.loc, res.primal.param_names)


def typed_gradient(b, g, kind, x, pat=None):
    """The gradient ``g`` of parameter ``x`` converted to ``x``'s type and dtype (a float32
    parameter gets a float32 gradient even where the primal computed in float64):
    ``scalar_gradient`` for a real scalar, ``rt.dtype_like`` for an array."""
    if _is_const(g) and kind == "scalar":
        return g
    if kind == "scalar":
        return scalar_gradient(b, g, x, pat == PY)
    if kind == "num":
        return b.call(rt.dtype_like, [g, x], hint=g.hint)
    return g


def scalar_gradient(b, g, x, python_number=False):
    """The gradient ``g`` of the real scalar parameter ``x`` with ``x``'s type: ``float(g)``
    when ``x`` is a Python number for certain, else ``rt.scalar_like(g, x)`` (a float32
    parameter keeps a float32 gradient)."""
    if python_number:
        return b.call(float, [g], hint=g.hint)
    return b.call(rt.scalar_like, [g, x], hint=g.hint)


def _is_const(v):
    return getattr(v.owner, "kind", None) == "const"


def ordered_gradients(b, grads, single):
    """One gradient (``single is True``) or the tuple in the order ``wrt`` named them
    (``single`` then holds each one's position among the active parameters)."""
    if single is True:
        return grads[0]
    order = single if isinstance(single, tuple) else range(len(grads))
    return b.op("tuple", [grads[k] for k in order], ["grads"]).result


def assemble_split(res, fwd_name, bwd_name, single_tuple) -> tuple:
    """``fwd(args) -> (out, saved)`` and ``bwd(saved, g) -> cotangent(s)``."""
    body = res.primal.body
    ret = body.ops.pop()
    saved = [v for v in free_in(res.adjoint) if v is not res.g]
    b = Builder(body, ret.loc)
    pack = b.op("tuple", saved, ["saved"], {"residuals": True}).result  # references, kept
    b.op("return", [b.op("tuple", [res.out, pack], ["res"]).result])
    fwd = Func(fwd_name, res.primal.params, body, res.primal.loc, res.primal.param_names)
    bbody = Block()
    sp, g = bbody.add_param("saved"), bbody.add_param(res.g.hint)
    res.g.owner = bbody
    bbody.params[1] = res.g
    unpack = Op("unpack", [sp], [], {}, [], ret.loc, bbody)
    mapping = {}
    for v in saved:
        mapping[v] = unpack.add_result(v.hint)
    bbody.ops.append(unpack)
    _move_ops(res.adjoint, bbody)
    _substitute(bbody, mapping)
    bb = Builder(bbody, ret.loc)
    out = res.grads[0] if len(res.grads) == 1 and not single_tuple else \
        bb.op("tuple", res.grads, ["grads"]).result
    bb.op("return", [mapping.get(out, out)])
    bwd = Func(bwd_name, [sp, res.g], bbody, res.primal.loc, ["saved", res.g.hint])
    del g
    return fwd, bwd


def _substitute(block, mapping):
    for op in block.ops:
        if op.kind != "unpack":
            op.args = [mapping.get(a, a) for a in op.args]
        for r in op.regions:
            _substitute(r, mapping)



__all__ = ["Unit", "GenRef", "assemble_grad", "assemble_split", "Value"]
