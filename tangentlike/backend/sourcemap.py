"""Source map of a generated module: which user line each piece of it came from.

Promise: the emitter tags the ``ast`` nodes it builds with the source location
(``errors.Loc``) of the IR op each one renders (``tag``). ``positions`` pairs that
tree with the tree parsed back from its ``ast.unparse`` text (the same structure,
now with line and column numbers) and returns ``(line, col, end_col, loc)`` for
every tagged node, outermost first. ``render`` writes them as two module-level
constants appended to the module: ``_SOURCE_LINES``, the distinct source lines
(file, line, function, text), and ``_SOURCE_MAP``, for each generated line the
column spans and the index of the source line they came from.
``runtime.sourcemap.source_note`` reads them when an error escapes generated code,
and names the user's line in an exception note (PEP 678). A line holding only
what one source line produced has one span covering it; a subexpression from
another line (a value written inline) has its own, narrower span.
"""
from __future__ import annotations

import ast
import os

from ..runtime.sourcemap import resolve

_ATTR = "_tl_loc"
_HEAD = "# Where each line above comes from"
MAP_NAMES = ("_SOURCE_LINES", "_SOURCE_MAP")  # module-level names no bound object may take


def code_only(text: str) -> str:
    """A generated module's text without its source map (what ``tl.source`` shows)."""
    code, sep, _ = text.partition("\n\n" + _HEAD)
    return code + "\n" if sep else text


def tag(node, loc):
    """Record on ``node`` (once: the innermost op that built it wins) where it came from."""
    if loc is not None and loc.lineno and getattr(node, _ATTR, None) is None:
        setattr(node, _ATTR, loc)
    return node


def positions(tree: ast.Module, text: str) -> list:
    """``(line, col, end_col, loc)`` of each tagged node of ``tree``, ``text`` being its
    ``ast.unparse``; subtrees whose shape changed in the round trip are skipped."""
    out = []
    _pair(tree, ast.parse(text), out)
    return out


def _pair(a, b, out):
    if type(a) is not type(b):
        return
    loc = getattr(a, _ATTR, None)
    if loc is not None and getattr(b, "lineno", None) is not None:
        end = b.end_col_offset if b.end_lineno == b.lineno else 10 ** 6
        out.append((b.lineno, b.col_offset, end, loc))
    for name, va in ast.iter_fields(a):
        vb = getattr(b, name, None)
        if isinstance(va, ast.AST):
            _pair(va, vb, out)
        elif isinstance(va, list) and isinstance(vb, list) and len(va) == len(vb):
            for x, y in zip(va, vb):
                if isinstance(x, ast.AST):
                    _pair(x, y, out)


def _shown(filename: str) -> str:
    """A path under the working directory as a relative one (as the module's header)."""
    if os.path.isabs(filename) and filename.startswith(os.getcwd() + os.sep):
        return os.path.relpath(filename)
    return filename


def render(spans, offset=0, hide=None) -> str:
    """The two constants (text ending in a newline) for ``spans``, each line shifted by
    ``offset`` (lines put above the unparsed text). Spans that add nothing to a wider
    span of the same line and source line are left out; a span from a file for which
    ``hide(filename)`` is true (generated code, in a standalone module) is mapped on to
    the user's line it came from (``runtime.sourcemap.resolve``), else left out; with
    ``hide``, paths under the working directory are written relative to it."""
    lines, index, table = [], {}, {}
    for line, col, end, loc in spans:
        key = (loc.filename, loc.lineno, loc.func or "", loc.text.strip())
        if hide is not None:
            if hide(loc.filename):
                key = resolve(key)  # generated code: the user's line it came from
                if hide(key[0]):
                    continue
            key = (_shown(key[0]),) + key[1:]
        if key not in index:
            index[key] = len(lines)
            lines.append(key)
        entry = table.setdefault(line + offset, [])
        i = index[key]
        if any(c <= col and end <= e and j == i for c, e, j in entry):
            continue
        entry.append((col, min(end, 10 ** 6), i))
    out = ["", _HEAD + " (file, line, function, source) and, per",
           "# generated line, (start column, end column, index): read by rt.source_note to",
           "# name the user's line when an error is raised in this module.",
           "_SOURCE_LINES = ("]
    out += [f"    {key!r}," for key in lines]
    out += [")", "_SOURCE_MAP = {"]
    out += [f"    {ln}: {tuple(entry)!r}," for ln, entry in sorted(table.items())]
    out.append("}")
    return "\n".join(out) + "\n"
