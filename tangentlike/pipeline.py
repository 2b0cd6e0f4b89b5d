"""The compile pipeline: lower -> transform -> passes -> emit -> load.

Promise: ``compile_derivative(request)`` returns a ``Compiled`` (the generated source,
its module and entry points) for a ``request.Request`` (the function and every option
that changes the output); the same request returns the same object from the memory cache
(a dictionary lookup on ``memory_key``), else from the disk cache (``cache``: a new
process loads the module a previous one generated), else it builds it. ``STATS`` counts
builds and disk hits (tests read it to tell a hit from a compile). ``build`` gives the
derivative IR (``optimize=False``: verified, not optimised), ``generate`` its source, and
``standalone_module`` the text ``tl.emit`` writes (its header says ``Request.describe()``).
A failure inside a stage that is not a ``TangentlikeError`` is reported as
``InternalError`` naming the stage, the function and its line.
"""
from __future__ import annotations

import copy
import os
import weakref

import numpy as np

from . import __version__, cache, progress
from . import runtime as rt
from .backend.exprs import is_literal
from .backend import numba_jit
from .backend.load import emit_module, rebind
from .backend.sourcemap import code_only
from .cachekey import closure, guards, source_digest
from .errors import InternalError, TangentlikeError, cell_name
from .frontend.source import fresh, lookup, spec_of, too_deep
from .ir.builder import Builder
from .ir.nodes import Block
from .limits import deep_recursion
from .request import Request
from .transforms import forward as _forward, reverse as _reverse
from .transforms.fgrad import assemble_forward_grad
from .transforms.passes import record
from .transforms.unit import GenRef, Unit, assemble_grad, assemble_split, lower_cached

_MEMORY: dict = {}
STATS = {"compiled": 0, "disk_hits": 0}  # compile_derivative calls that built / loaded code


def stage(name, fn_name, loc, thunk):
    progress.entered(name, fn_name)
    try:
        with deep_recursion():
            return thunk()
    except TangentlikeError:
        raise
    except RecursionError:
        raise too_deep(loc) from None
    except Exception as e:  # noqa: BLE001 - anything else is a compiler bug
        raise InternalError(name, fn_name, loc, e) from e


def defined_at(filename, lineno) -> str:
    """Where a function was defined, for a generated docstring: ``path:line``, or
    ``Cell In[3], line 2`` for an IPython cell."""
    cell = cell_name(filename)
    return f"{cell}, line {lineno}" if cell else f"{filename}:{lineno}"


def _ref_name(fn):
    return fn.name if isinstance(fn, GenRef) else None


class Compiled:
    """A loaded derivative module and what it was compiled from: ``text`` is the module's
    file, its source map included (``backend.sourcemap``), ``source`` the code alone;
    ``guards`` (reads ``(kind, scope, name, object)``, ``cachekey.guards``) say whether it
    still is what compiling now would give; ``objects`` are its bound names."""

    def __init__(self, text, module, top, mode, guards=(), objects=None, backend="numpy"):
        self.text, self.source = text, code_only(text)
        self.module, self.top, self.mode = module, list(top), mode
        self.guards, self.objects = tuple(guards), dict(objects or {})
        self.backend = backend
        self.fn = getattr(module, top[0])
        if backend == numba_jit.NAME:  # the dispatcher: compiled at the first call
            self.fn = numba_jit.Entry(module, top[0], self.objects, rebind)
        self.fwd, self.bwd = (self.fn, getattr(module, top[1])) if mode == "vjp" else (None, None)
        for name in self.top:  # a derivative of this code depends on what it depends on
            _GENERATED[getattr(module, name)] = self.guards

    def rebound(self):
        """The same code with its arrays rebound, when every read that changed was a plain
        array now bound to another of the same dtype and shape, with the same objects
        shared between names (the code depends on nothing else of them); else None."""
        swaps, guards = {}, []
        for kind, scope, name, old in self.guards:
            new = lookup(kind, scope, name)
            if new is not old:
                same = type(old) is np.ndarray and type(new) is np.ndarray and \
                    old.dtype == new.dtype and old.shape == new.shape
                if not same or swaps.setdefault(id(old), new) is not new:
                    return None
            guards.append((kind, scope, name, new))
        objects = {n: swaps.get(id(o), o) for n, o in self.objects.items()}
        before = [g[3] for g in self.guards] + list(self.objects.values())
        after = [g[3] for g in guards] + list(objects.values())
        if _sharing(before) != _sharing(after):
            return None
        module = rebind(self.module, objects)
        return Compiled(self.text, module, self.top, self.mode, guards, objects, self.backend)


_GENERATED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # generated fn -> guards


def _sharing(objs) -> list:
    """For each object, the position of the first one identical to it."""
    first = {}
    return [first.setdefault(id(o), i) for i, o in enumerate(objs)]


def _guards(funcs) -> tuple:
    extra = [g for s, _ in funcs if s.pyfunc is not None
             for g in _GENERATED.get(s.pyfunc, ())]  # s is itself generated code
    return guards(funcs) + tuple(extra)


_DOCS = {"grad": "Gradient", "vjp": "Vector-Jacobian product", "jvp": "Jacobian-vector product",
         "fgrad": "Gradient by forward sweeps"}


def _transform(mode, func, name, mask, kinds, unit, single, with_value, checkpoint=None,
               patterns=None):
    """The top-level derivative functions of ``func`` for ``mode``."""
    if mode in ("jvp", "fgrad"):
        top = _forward.forward_function(func, mask, kinds, unit,
                                        patterns if mode == "jvp" else None)
        top.name = f"jvp_{name}"
        if mode == "jvp":
            return [top]
        wrt = [i for i, m in enumerate(mask) if m]
        fg = assemble_forward_grad(func, GenRef(top.name, name), wrt, kinds, single, with_value,
                                   f"grad_{name}")
        return [fg, top]
    seed = 1.0 if mode == "grad" else None
    res = _reverse.reverse_function(func, mask, kinds, unit, seed=seed, checkpoint=checkpoint,
                                    patterns=patterns if mode == "grad" else None)
    if mode == "grad":
        return [assemble_grad(res, f"grad_{name}", name, single, with_value)]
    return list(assemble_split(res, f"{name}_fwd", f"{name}_bwd", single_tuple=True))


def build(req: Request, standalone=False):
    """``(unit, top)``: the derivative IR for ``req``; ``optimize=False`` runs none of
    the optional passes (transforms/passes.py); ``standalone`` copies every user function
    called as a primal; ``req.patterns`` (``analysis.shapes.pattern`` of each argument)
    specialise a gradient."""
    spec = _spec(req)
    with progress.compiling(spec.name):
        return _build(spec, req, standalone)


def _spec(req):
    return stage("frontend", getattr(req.fn, "__name__", repr(req.fn)), None,
                 lambda: spec_of(req.fn))


def _build(spec, req, standalone):
    loc = spec.loc(spec.node)
    name = spec.name
    func = stage("lower", name, loc, lambda: lower_cached(spec, req.optimize))
    unit = Unit(req.optimize)
    # The top-level names are taken first: a recursive call's pair must not reuse them.
    unit.names.update({f"grad_{name}", f"jvp_{name}", f"{name}_fwd", f"{name}_bwd"})
    stage_name = "forward" if req.mode in ("jvp", "fgrad") else "reverse"
    top = stage(stage_name, name, loc,
                lambda: _transform(req.mode, func, name, req.mask, req.kinds, unit,
                                   req.single, req.with_value, req.checkpoint, req.patterns))

    for f in top:
        record(stage_name, f)

    def finish():
        unit.funcs += [unit.passes(f) for f in top]
        unit.names.update(f.name for f in top)
        unit.add_primal_copies(standalone)

    stage("passes", name, loc, finish)
    return unit, top


def generate(req: Request, standalone=False, doc=None, header=()):
    """``(source, objects to bind at load, top-level function names)`` for ``req``;
    ``req.backend`` is ``numpy``, ``array_api`` (the namespace taken from the
    arguments) or ``numba`` (every function ``@numba.njit``); ``standalone``: a module of its own (``tl.emit``) whose comment starts
    with the lines ``header`` and whose docstring is ``doc`` (else one is made);
    ``req.checked``: ``(spelling, positions)`` of what a specialised module checks its
    arguments against on each call."""
    spec = _spec(req)
    with progress.compiling(spec.name):
        return _generate(spec, req, standalone, doc, header)


def _generate(spec, req, standalone, doc, header):
    unit, top = build(req, standalone)
    if req.checked is not None:
        _check_arguments(top[0], *req.checked)
    if standalone and req.mode in ("grad", "fgrad"):  # called directly: keep literal defaults
        params = spec.signature().parameters.values()
        top[0].defaults = {p.name: p.default for p in params
                           if p.default is not p.empty and is_literal(p.default)}
    loc = spec.loc(spec.node)
    where = defined_at(spec.filename, loc.lineno)
    doc = doc or (f"{_DOCS[req.mode]} of {spec.qualname} ({where}), "
                  f"generated by tangentlike {__version__}.")
    names = [f.name for f in top]
    exports = names + [f.name for f in unit.funcs if f.name not in names] if standalone else None
    noted, hide = (names, cache.is_generated) if standalone else ((), None)
    src, objs = stage("emit", spec.name, loc,
                      lambda: emit_module(unit.funcs, doc, _ref_name, exports, req.backend,
                                          header, noted, hide))
    return src, objs, names


def _check_arguments(func, spelling, positions):
    """Put ``rt.check_like(name, spelling, *those parameters)`` first in ``func``."""
    tmp = Block()
    b = Builder(tmp, func.loc)
    args = [b.const(func.name, "name"), b.const(spelling, "like")]
    b.op("call", args + [func.params[i] for i in positions], [],
         {"fn": rt.check_like, "kw": ()})
    for op in tmp.ops:
        op.block = func.body
    func.body.ops[0:0] = tmp.ops


def memory_key(req: Request, spec) -> tuple:
    """The memory cache's key: the request itself (frozen: equal requests, every field
    compared, share an entry) and the hash of its function's source."""
    return (req, spec.hash)


def compile_derivative(req: Request) -> Compiled:
    """The derivative ``req`` asks for: ``req.mode`` is ``grad`` (one function running
    both sweeps), ``vjp`` (a forward and a backward function), ``jvp`` (forward mode) or
    ``fgrad`` (a gradient by forward sweeps). Memory cache (``memory_key``), then disk
    cache (``cache``, keyed by ``req.key()`` and the closure), then build."""
    spec = _spec(req)
    key = memory_key(req, spec)
    hit = _MEMORY.get(key)
    if hit is not None:
        hit = hit if fresh(hit.guards) else hit.rebound()
        if hit is not None:
            _MEMORY[key] = hit
            return hit
    loc = spec.loc(spec.node)
    name = spec.name
    if req.backend == numba_jit.NAME:
        numba_jit.require()
    with progress.compiling(name):
        funcs = stage("lower", name, loc, lambda: closure(spec))
        reads = _guards(funcs or stage("lower", name, loc, lambda: closure(spec, strict=False)))
        entry = stage("lower", name, loc, lambda: cache.lookup(spec, req.key(), funcs))
        if entry.module is None:
            STATS["compiled"] += 1
            src, objs, top = generate(req)
            stage("load", name, loc, lambda: entry.store(src, objs, top))
        else:
            STATS["disk_hits"] += 1
    out = Compiled(entry.source, entry.module, entry.top, req.mode, reads, entry.objects,
                   req.backend)
    _MEMORY[key] = out
    return out


def with_fallback(compiled: Compiled, numpy) -> Compiled:
    """A copy of a numba ``compiled`` that runs the NumPy back end's code (``numpy()``
    compiles it) when numba cannot compile its own, with a warning (``fallback=True``)."""
    out = copy.copy(compiled)
    out.fn = numba_jit.Fallback(compiled.fn, lambda: numpy().fn)
    return out


def standalone_module(req: Request, origin=None) -> str:
    """The source of a standalone module for ``req`` (``tl.emit``); the header names
    ``origin`` (the user's function, when ``req.fn`` is generated code), says
    ``req.describe()`` and, when ``req.checked``, that it checks its arguments."""
    spec = _spec(req)
    doc = None
    if origin is not None and origin is not req.fn:
        first = spec_of(origin)
        doc = (f"{_DOCS[req.mode]} of a derivative of {first.qualname} "
               f"({defined_at(first.filename, first.loc(first.node).lineno)}), "
               f"generated by tangentlike {__version__}.")
    shown_spec = spec_of(origin) if doc else spec
    shown = shown_spec.filename
    if os.path.isabs(shown) and shown.startswith(os.getcwd() + os.sep):
        shown = os.path.relpath(shown)
    header = [f"Generated by tangentlike {__version__} from {shown}, function "
              f"{shown_spec.qualname}.",
              f"Options: {req.describe()}.",
              f"Source sha256: {source_digest(shown_spec)}. Regenerate instead of editing."]
    if req.checked is not None:
        header.append(f"Specialised for {req.checked[0]}: checked on each call (generate it "
                      "with --general for any arguments).")
    src, _, _ = generate(req, True, doc, header)
    return src
