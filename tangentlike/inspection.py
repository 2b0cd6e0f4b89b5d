"""Looking at what the API compiles: ``source``, ``ir`` and ``emit`` (the api layer).

Promise: ``source`` gives a derivative's generated code (without its source map),
``ir`` the printed IR after a stage of the pass pipeline, and ``emit`` a standalone
module (specialised for the arguments the user describes: ``emission``) written to a
path; all three are entry points (``errors.entry_point``).
"""
from __future__ import annotations

import os
from dataclasses import replace
from typing import Any, Callable

from .api import Derivative, check_differentiable
from .callables import as_function
from .display import SourceCode
from .emission import likes_for, samples, spelling
from .errors import ArgumentError, ArgumentTypeError, entry_point
from .frontend.lower import lower
from .frontend.source import spec_of
from .ir.printer import print_func
from .pipeline import build, stage, standalone_module
from .transforms import passes
from .transforms.passes import STAGES


@entry_point
def source(f: Any) -> SourceCode:
    """The generated Python source of a derivative made by ``grad``/``value_and_grad``."""
    if isinstance(f, Derivative):
        return f.source
    src = getattr(f, "source", None)
    if isinstance(src, str):
        return SourceCode(src)
    raise ArgumentTypeError(f"tl.source expects a derivative made by tl.grad, not {f!r}")


@entry_point
def ir(f: Callable[..., Any], after: str = "lowered") -> str:
    """The printed SSA IR after a stage of the pass pipeline (``transforms.passes.STAGES``):
    ``lowered`` (the raw lowering) or ``primal.<pass>`` for the function itself (or a
    derivative's primal); for its derivative (``f`` made by ``grad``, else its gradient with
    respect to the first parameter) ``prepare.<pass>``, ``reverse`` / ``forward`` (right
    after the transform), ``cleanup.<pass>``, or ``optimized`` (the final IR, the
    derivative function first, then the functions it calls)."""
    if after not in STAGES:
        raise ArgumentError(f"after={after!r}: use one of {', '.join(STAGES)}")
    if after == "lowered" or after.startswith("primal."):
        fn = f
        while isinstance(fn, Derivative):
            fn = fn.primal
        spec = spec_of(as_function(fn))
        lowered = stage("lower", spec.name, spec.loc(spec.node), lambda: lower(spec))
        if after == "lowered":
            return print_func(lowered)
        with passes.tracing() as trace:
            passes.run(passes.PRIMAL, lowered)
        return trace.after(after)[-1]
    d = f if isinstance(f, Derivative) else Derivative(f)
    req = replace(d.plan(), optimize=True)  # every stage is shown, optimize=False or not
    with passes.tracing() as trace:
        unit, top = build(req)
    if after == "optimized":
        funcs = top + [u for u in unit.funcs if all(u is not t for t in top)]
        return "\n".join(print_func(u) for u in funcs)
    texts = trace.after(after)
    if not texts:
        raise ArgumentError(f"after={after!r}: that stage does not run for this derivative "
                            f"(mode {d.mode!r})")
    return "\n".join(texts)


@entry_point
def emit(g: Derivative, path: str | os.PathLike[str] | None = None, example: Any = None,
         like: Any = None, general: bool = False) -> str:
    """Write the derivative ``g`` (made by ``grad`` or ``value_and_grad``) to ``path`` as a
    standalone module, importing only ``numpy`` and ``tangentlike.runtime``; returns its
    source. It is the code ``g`` compiles for arguments like ``example`` (a tuple of
    arguments), ``like`` (``'W=array(n, n) k=float'``, see ``runtime.like``) or the
    function's annotations, and checks on each call that its arguments fit;
    ``general=True``: the variant for any arguments (always, with ``backend='array_api'``,
    whose code takes any library's arrays). The same derivative and request give
    byte-identical output."""
    if not isinstance(g, Derivative):
        raise ArgumentTypeError(f"tl.emit expects a derivative made by tl.grad, not {g!r}")
    origin, order = g.primal, 1
    while isinstance(origin, Derivative):  # a derivative of a derivative: name the source
        origin, order = origin.primal, order + 1
    origin = as_function(origin)
    likes = _likes(g, origin, order, example, like, general)
    vals = list(example) if example is not None else samples(likes)
    for i in g.wrt:
        vals[i] = check_differentiable(vals[i], g.names[i])
    checked = spelling(g.names, likes)
    patterns = [lk.pattern if lk else None for lk in likes] \
        if checked and g.mode == "reverse" else None
    req = replace(g.plan(vals if checked else None), patterns=patterns, checked=checked,
                  order=order)
    src = standalone_module(req, origin)
    if path is not None:
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(src)
    return src


def _likes(g, origin, order, example, like, general) -> list:
    """What each parameter is specialised for (``emission.likes_for``), None for none."""
    if g.backend != "numpy":
        if example is not None or like is not None:
            raise ArgumentError(f"backend={g.backend!r} emits code for any arguments of any "
                                "array library: give no example= or like= with it")
        general = True
    likes = likes_for(origin, g.names, example, like, general)
    if order > 1 and example is None and any(lk is None for lk in likes):
        likes = [None] * len(likes)  # an inner derivative would be specialised on samples
    return likes

