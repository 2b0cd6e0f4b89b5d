"""The compile pipeline: lower -> transform -> passes -> emit -> load.

Promise: ``compile_derivative`` returns a ``Compiled`` (the generated source,
its module and entry points) for a function, an activity mask, argument kinds
and a mode; the same inputs return the same object from the memory cache (a
dictionary lookup), else from the disk cache (``cache``: a new process loads the
module a previous one generated), else it builds it. ``STATS`` counts builds and disk
hits (tests read it to tell a hit from a compile). ``build`` gives the derivative IR
(``optimize=False``: verified, not optimised), ``generate`` its source, and
``standalone_module`` the text ``tl.emit`` writes. A failure inside a stage that is not a
``TangentlikeError`` is reported as ``InternalError`` naming the stage, the
function and its line.
"""
from __future__ import annotations

import os

from . import __version__, cache
from . import runtime as rt
from .backend.exprs import is_literal
from .backend.load import emit_module
from .backend.sourcemap import code_only
from .cachekey import source_digest
from .errors import InternalError, TangentlikeError
from .frontend.source import spec_of
from .ir.builder import Builder
from .ir.nodes import Block
from .transforms import forward as _forward, reverse as _reverse
from .transforms.fgrad import assemble_forward_grad
from .transforms.passes import record
from .transforms.unit import GenRef, Unit, assemble_grad, assemble_split, lower_cached

_MEMORY: dict = {}
STATS = {"compiled": 0, "disk_hits": 0}  # compile_derivative calls that built / loaded code


def stage(name, fn_name, loc, thunk):
    try:
        return thunk()
    except TangentlikeError:
        raise
    except RecursionError as e:
        raise InternalError(name, fn_name, loc, e) from e
    except Exception as e:  # noqa: BLE001 - anything else is a compiler bug
        raise InternalError(name, fn_name, loc, e) from e


def _ref_name(fn):
    return fn.name if isinstance(fn, GenRef) else None


class Compiled:
    def __init__(self, source, module, entry, fwd=None, bwd=None):
        self.text = source  # the module's file, source map included
        self.source, self.module, self.fn = code_only(source), module, entry
        self.fwd, self.bwd = fwd, bwd


_DOCS = {"grad": "Gradient", "vjp": "Vector-Jacobian product", "jvp": "Jacobian-vector product",
         "fgrad": "Gradient by forward sweeps"}


def _transform(mode, func, name, mask, kinds, unit, single, with_value, checkpoint=None,
               patterns=None):
    """The top-level derivative functions of ``func`` for ``mode``."""
    if mode in ("jvp", "fgrad"):
        top = _forward.forward_function(func, mask, kinds, unit)
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


def build(spec, mask, kinds, mode, single=True, with_value=False, optimize=True,
          standalone=False, checkpoint=None, patterns=None):
    """``(unit, top)``: the derivative IR of ``spec``; ``optimize=False`` runs none of
    the optional passes (transforms/passes.py); ``standalone`` copies every user function called as a primal;
    ``patterns`` (``analysis.shapes.pattern`` of each argument) specialise a gradient."""
    loc = spec.loc(spec.node)
    name = spec.name
    func = stage("lower", name, loc, lambda: lower_cached(spec, optimize))
    unit = Unit(optimize)
    # The top-level names are taken first: a recursive call's pair must not reuse them.
    unit.names.update({f"grad_{name}", f"jvp_{name}", f"{name}_fwd", f"{name}_bwd"})
    stage_name = "forward" if mode in ("jvp", "fgrad") else "reverse"
    top = stage(stage_name, name, loc,
                lambda: _transform(mode, func, name, mask, kinds, unit, single, with_value,
                                   checkpoint, patterns))

    for f in top:
        record(stage_name, f)

    def finish():
        unit.funcs += [unit.passes(f) for f in top]
        unit.names.update(f.name for f in top)
        unit.add_primal_copies(standalone)

    stage("passes", name, loc, finish)
    return unit, top


def generate(spec, mask, kinds, mode, single=True, with_value=False, optimize=True,
             standalone=False, doc=None, checkpoint=None, patterns=None, prefix="",
             checked=None):
    """``(source, objects to bind at load, top-level function names)``; ``prefix``: lines
    put first (a standalone module's header); ``checked``: ``(spelling, positions)`` of
    what a specialised module checks its arguments against on each call."""
    unit, top = build(spec, mask, kinds, mode, single, with_value, optimize, standalone,
                      checkpoint, patterns)
    if checked is not None:
        _check_arguments(top[0], *checked)
    if standalone and mode in ("grad", "fgrad"):  # called directly: keep literal defaults
        params = spec.signature().parameters.values()
        top[0].defaults = {p.name: p.default for p in params
                           if p.default is not p.empty and is_literal(p.default)}
    loc = spec.loc(spec.node)
    doc = doc or (f"{_DOCS[mode]} of {spec.qualname} ({spec.filename}:{loc.lineno}), "
                  f"generated by tangentlike {__version__}.")
    names = [f.name for f in top]
    exports = names + [f.name for f in unit.funcs if f.name not in names] if standalone else None
    noted, hide = (names, cache.is_generated) if standalone else ((), None)
    src, objs = stage("emit", spec.name, loc,
                      lambda: emit_module(unit.funcs, doc, _ref_name, exports, prefix, noted,
                                          hide))
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


def compile_derivative(fn, mask, kinds, mode, single=True, with_value=False,
                       optimize=True, checkpoint=None, patterns=None) -> Compiled:
    """The derivative of ``fn``: ``mode`` is ``grad`` (one function running both sweeps),
    ``vjp`` (a forward and a backward function), ``jvp`` (forward mode) or ``fgrad``
    (a gradient by forward sweeps). ``patterns`` (one per argument, ``grad`` only)
    specialise the code to which axes have size 1. Memory cache, then disk cache
    (``cache``), then build."""
    spec = stage("frontend", getattr(fn, "__name__", repr(fn)), None, lambda: spec_of(fn))
    key = (fn, spec.hash, tuple(mask), tuple(kinds), mode, single, with_value, optimize,
           checkpoint, None if patterns is None else tuple(patterns), __version__)
    hit = _MEMORY.get(key)
    if hit is not None:
        return hit
    loc = spec.loc(spec.node)
    name = spec.name
    options = {"mask": list(mask), "kinds": [str(k) for k in kinds], "mode": mode,
               "single": single, "with_value": with_value, "optimize": optimize,
               "checkpoint": repr(checkpoint), "patterns": repr(patterns)}
    entry = stage("lower", name, loc, lambda: cache.lookup(spec, options))
    if entry.module is None:
        STATS["compiled"] += 1
        src, objs, top = generate(spec, mask, kinds, mode, single, with_value, optimize,
                                  checkpoint=checkpoint, patterns=patterns)
        stage("load", name, loc, lambda: entry.store(src, objs, top))
    else:
        STATS["disk_hits"] += 1
    module, top = entry.module, entry.top
    out = Compiled(entry.source, module, getattr(module, top[0]))
    if mode == "vjp":
        out.fwd, out.bwd = getattr(module, top[0]), getattr(module, top[1])
    _MEMORY[key] = out
    return out


def standalone_module(fn, mask, kinds, mode, single, with_value, optimize, options: str,
                      origin=None, checkpoint=None, patterns=None, checked=None) -> str:
    """The source of a standalone module for the derivative of ``fn`` (``tl.emit``); the
    header names ``origin`` (the user's function, when ``fn`` is generated code).
    ``patterns`` specialise it as ``compile_derivative``'s do, and ``checked``
    (``(spelling, positions)``) makes it check its arguments against that spelling."""
    spec = stage("frontend", getattr(fn, "__name__", repr(fn)), None, lambda: spec_of(fn))
    doc = None
    if origin is not None and origin is not fn:
        first = spec_of(origin)
        doc = (f"{_DOCS[mode]} of a derivative of {first.qualname} ({first.filename}:"
               f"{first.loc(first.node).lineno}), generated by tangentlike {__version__}.")
    shown_spec = spec_of(origin) if doc else spec
    shown = shown_spec.filename
    if os.path.isabs(shown) and shown.startswith(os.getcwd() + os.sep):
        shown = os.path.relpath(shown)
    header = (f"# Generated by tangentlike {__version__} from {shown}, function "
              f"{shown_spec.qualname}.\n"
              f"# Options: {options}.\n"
              f"# Source sha256: {source_digest(shown_spec)}. Regenerate instead of editing.\n")
    if checked is not None:
        header += (f"# Specialised for {checked[0]}: checked on each call (generate it with "
                   "--general for any arguments).\n")
    src, _, _ = generate(spec, mask, kinds, mode, single, with_value, optimize, True, doc,
                         checkpoint, patterns, header, checked)
    return src
