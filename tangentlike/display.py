"""How generated source and derivatives show in Jupyter and IPython.

Promise: ``SourceCode`` is a ``str`` (it prints, compares, slices and writes as the
plain text) whose rich representations render it as highlighted Python: ``_repr_html_``
(Pygments with inline styles when it is installed, an escaped ``<pre>`` otherwise),
``_repr_markdown_`` (a fenced ``python`` block) and, for IPython's terminal,
``_repr_pretty_`` (the code itself rather than an escaped one-line string).
``rich_html(header, code)`` and ``rich_markdown`` put a one-line header above code;
``describe``, ``header`` and ``shown_source`` are what a ``Derivative`` (``api``) shows.
Nothing here imports IPython.
"""
from __future__ import annotations

import html
import os
from typing import Any

from .errors import TangentlikeError, place
from .frontend.source import spec_of
from .ir.callees import Checkpointed

_BOX = ("font-family: monospace; font-size: 90%; padding: 2px 0 4px 0; "
        "color: #444; font-weight: bold")


def highlight_html(code: str) -> str:
    """``code`` as HTML: Pygments-highlighted with inline styles, else a plain ``<pre>``."""
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer
    except ImportError:
        return f"<pre>{html.escape(code)}</pre>"
    return highlight(code, PythonLexer(), HtmlFormatter(noclasses=True))


def rich_html(header: str | None, code: str) -> str:
    head = f'<div style="{_BOX}">{html.escape(header)}</div>' if header else ""
    return f"<div>{head}{highlight_html(code)}</div>"


def rich_markdown(header: str | None, code: str) -> str:
    fence = "````" if "```" in code else "```"
    head = f"**{header}**\n\n" if header else ""
    return f"{head}{fence}python\n{code.rstrip()}\n{fence}\n"


class SourceCode(str):
    """Generated Python source; a ``str`` that Jupyter shows as highlighted code."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return rich_html(None, str(self))

    def _repr_markdown_(self) -> str:
        return rich_markdown(None, str(self))

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self).rstrip("\n"))


def _argument_kind(kind: str, pat: Any) -> str:
    if kind == "seq":
        return "list/tuple/dict"
    if pat == "py":
        return "Python number"
    if pat == ():
        return "NumPy scalar"
    if isinstance(pat, tuple):
        ones = [str(i) for i, p in enumerate(pat) if p == 1]
        return f"{len(pat)}-d array" + (f" (size 1 on axis {', '.join(ones)})" if ones else "")
    return "array" if kind == "num" else "number"


def specialisation(names: list, key: tuple | None) -> str:
    """What a compiled variant is specialised to, from its key ``(*kinds, *patterns)``."""
    if key is None:
        return "general: arrays of any shape (not called yet)"
    kinds, patterns = key[:len(names)], key[len(names):]
    patterns = patterns or (None,) * len(names)
    parts = [f"{n}: {_argument_kind(k, p)}" for n, k, p in zip(names, kinds, patterns)]
    return "specialised to " + ", ".join(parts)


def describe(d: Any) -> str:
    """``grad of loss wrt W`` for a derivative ``d``; nested ones in parentheses."""
    inner = d.primal
    what = (f"({describe(inner)})" if hasattr(inner, "describe") and hasattr(inner, "primal")
            else getattr(inner, "__name__", repr(inner)))
    wrt = [d.names[i] for i in d.wrt]
    shown = wrt[0] if d.single is True else "(" + ", ".join(wrt) + ")"
    return f"{'value_and_grad' if d.with_value else 'grad'} of {what} wrt {shown}"


def header(d: Any) -> str:
    key = next((k for k, v in d._variants.items() if v is d._last), None)
    root = d.primal
    while hasattr(root, "primal") or isinstance(root, Checkpointed):
        root = root.fn if isinstance(root, Checkpointed) else root.primal
    spec = spec_of(root)
    where = place(spec.filename, spec.loc(spec.node).lineno)
    cwd = os.getcwd() + os.sep
    where = where[len(cwd):] if where.startswith(cwd) else where
    return f"{describe(d)} · {d.mode} mode · {specialisation(d.names, key)} · {where}"


def shown_source(d: Any) -> str:
    """The code a derivative shows, or why there is none (a display must not raise)."""
    try:
        return d.source
    except TangentlikeError as e:
        return f"# {type(e).__name__}: " + str(e).replace("\n", "\n# ")
