"""Pictures of a function's dataflow and of its gradient: ``tl.graph``.

Promise: ``dot_source(f, *args, grad=False, wrt=None)`` is the DOT text of the IR of
``f`` (``ir.dot``), and with ``grad=True`` of its gradient beside it, each adjoint linked
to the primal value it differentiates; ``f`` may be a derivative made by ``tl.grad``
(its primal, ``wrt`` and options are used). Without ``args`` the gradient is the general
one (arrays of any shape, what ``tl.emit`` and the command line write); with example
arguments it is the code a call with them would run (specialised to their kinds and
size-1 axes). ``graph`` wraps the same text in a ``graphviz.Digraph`` (the optional
``graphviz`` package, ``pip install tangentlike[graph]``) that a notebook shows inline
and ``.render()`` draws; where Graphviz's ``dot`` program is missing the notebook shows
the DOT text instead of failing. ``render_file`` draws DOT text into a picture file with
``dot``, and rejects a format it does not know. The command line uses these.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from .analysis.shapes import pattern
from .api import Derivative, check_differentiable, grad as _grad
from .errors import ArgumentTypeError, TangentlikeError, entry_point
from .frontend.source import spec_of
from .ir.dot import to_dot
from .pipeline import build, stage
from .transforms.unit import lower_cached

TEXT_FORMATS = (".dot", ".gv")
PICTURE_FORMATS = (".svg", ".png", ".pdf", ".jpg", ".jpeg", ".gif", ".ps", ".eps", ".bmp")


class GraphError(TangentlikeError):
    """A picture that cannot be made: an unknown format, Graphviz missing, ``dot`` failing."""


def _derivative(f, wrt) -> Derivative:
    if isinstance(f, Derivative):
        return f if wrt is None else _grad(f.primal, wrt=wrt, mode=f.mode)
    if not callable(f):
        raise ArgumentTypeError(f"tl.graph expects a function or a derivative, not {f!r}")
    return _grad(f, wrt=0 if wrt is None else wrt)


def _variables(fn, spec) -> set:
    """The function's own variable names; ``t`` also names the compiler's temporaries,
    so it is one only as a parameter."""
    code = getattr(fn, "__code__", None)
    names = set(code.co_varnames + code.co_cellvars) if code is not None else set()
    return (names - {"t"}) | set(spec.param_names())


def dot_source(f: Callable[..., Any], *args: Any, grad: bool = False,
               wrt: int | str | tuple | None = None) -> str:
    """The DOT text ``graph`` draws (no Graphviz needed)."""
    d = _derivative(f, wrt)
    vals = d._bind(args, {}) if args else None
    for i in d.wrt if vals is not None else ():
        vals[i] = check_differentiable(vals[i], d.names[i])
    req = d.plan(vals)
    primal = req.fn
    spec = spec_of(primal)
    funcs = [stage("lower", spec.name, spec.loc(spec.node), lambda: lower_cached(spec))]
    grads = None
    if grad:
        patterns = [pattern(v) for v in vals] if vals is not None and req.mode == "grad" \
            else None
        _, top = build(replace(req, with_value=False, patterns=patterns))
        funcs.append(top[0])
        grads = [d.names[i] for i in d.wrt]
    return to_dot(funcs, spec.name, _variables(primal, spec), grads, spec.name)


_CLASSES: dict = {}


def _digraph_class():
    """``graphviz.Digraph`` that falls back to its DOT text in a notebook without ``dot``."""
    if "Digraph" not in _CLASSES:
        try:
            import graphviz
        except ImportError:
            raise GraphError("tl.graph needs the graphviz package: pip install "
                             "'tangentlike[graph]' (tl.graphs.dot_source gives the DOT text "
                             "without it)") from None

        class Dataflow(graphviz.Digraph):
            """The dataflow graph of a function (and of its gradient)."""

            def __repr__(self):
                return f"<tl.graph of {self.name}: {self.source.count(', shape=')} nodes>"

            def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
                try:
                    return super()._repr_mimebundle_(include, exclude, **kwargs)
                except graphviz.ExecutableNotFound:
                    return {"text/plain": self.source}

        _CLASSES["Digraph"] = Dataflow
    return _CLASSES["Digraph"]


@entry_point
def graph(f: Callable[..., Any], *args: Any, grad: bool = False,
          wrt: int | str | tuple | None = None) -> Any:
    """The dataflow graph of ``f`` (with ``grad=True``, and of its gradient) as a
    ``graphviz.Digraph``: shown inline by Jupyter, drawn by ``.render(format="svg")``.
    Example ``args`` show the gradient specialised to them."""
    text = dot_source(f, *args, grad=grad, wrt=wrt)
    lines = text.splitlines(keepends=True)
    name = spec_of(_derivative(f, wrt).plan().fn).name
    return _digraph_class()(name=name, body=lines[1:-1])


def render_file(text: str, path: str | Path) -> None:
    """Write DOT ``text`` to ``path``: as text for ``.dot``/``.gv``, else drawn by Graphviz's
    ``dot`` in the format the suffix names; anything else is a ``GraphError``."""
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix in TEXT_FORMATS:
        out.write_text(text, encoding="utf-8")
        return
    if suffix not in PICTURE_FORMATS:
        known = ", ".join(s[1:] for s in TEXT_FORMATS + PICTURE_FORMATS)
        raise GraphError(f"unknown output format {suffix or '(none)'!r} for {out}: use one of "
                         f"{known}")
    exe = shutil.which("dot")
    if exe is None:
        raise GraphError(f"drawing {out} needs Graphviz's dot program, which is not installed "
                         f"(install Graphviz, or write DOT text with -o {out.with_suffix('.dot')})")
    done = subprocess.run([exe, f"-T{suffix[1:]}", "-o", str(out)], input=text, text=True,
                          capture_output=True)
    if done.returncode:
        raise GraphError(f"dot failed ({done.returncode}): {done.stderr.strip()}")
