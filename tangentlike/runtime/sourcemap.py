"""Naming the user's line when an error escapes generated code (re-exported as ``rt.*``).

Promise: ``source_note(exc)`` looks through ``exc``'s traceback for frames of
generated modules (their globals hold ``_SOURCE_MAP`` and ``_SOURCE_LINES``, written
by ``backend.sourcemap``), finds in the innermost one the narrowest recorded span
holding the failing instruction (its position from ``co_positions``, Python 3.11+),
and adds one note (PEP 678) such as ``in the derivative of loss: model.py, line 12:
out = V @ h``. It adds nothing twice and nothing when no frame is mapped; it never
raises. The API calls it when a derivative it calls fails; a standalone module calls
it from its exported functions.
"""
from __future__ import annotations

import ast
import os

PREFIX = "in the derivative of "


def _position(tb):
    """``(line, col, end_col)`` of the instruction a traceback entry stopped at."""
    line = tb.tb_lineno
    try:
        pos = list(tb.tb_frame.f_code.co_positions())[tb.tb_lasti // 2]
    except (AttributeError, IndexError, ValueError):
        return line, None, None
    if pos[0] != line or pos[2] is None:
        return line, None, None
    end = pos[3] if pos[1] == pos[0] and pos[3] is not None else 10 ** 6
    return line, pos[2], end


def _lookup(tb):
    g = tb.tb_frame.f_globals
    table, lines = g.get("_SOURCE_MAP"), g.get("_SOURCE_LINES")
    if not isinstance(table, dict) or not isinstance(lines, tuple):
        return None
    line, col, end = _position(tb)
    best = None
    for c, e, i in table.get(line, ()):
        inside = col is None or c <= col and end <= e
        if inside and (best is None or e - c < best[1] - best[0]):
            best = (c, e, i)
    return None if best is None else lines[best[2]]


_MAPS: dict = {}  # (file, mtime, size) -> its map: a standalone module reads one many times


def _file_map(filename):
    """``(_SOURCE_LINES, _SOURCE_MAP)`` read from a generated module's file, or None."""
    try:
        st = os.stat(filename)
        key = (filename, st.st_mtime_ns, st.st_size)
        if key in _MAPS:
            return _MAPS[key]
        with open(filename, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError, TypeError, ValueError):
        return None
    if len(_MAPS) > 64:
        _MAPS.clear()
    _MAPS[key] = _read_map(text)
    return _MAPS[key]


def _read_map(text):
    at = text.rfind("\n_SOURCE_LINES = (")
    if at < 0:
        return None
    try:
        values = [ast.literal_eval(node.value) for node in ast.parse(text[at + 1:]).body]
    except (SyntaxError, ValueError, AttributeError):
        return None
    return tuple(values) if len(values) == 2 else None


def resolve(found, hops=8):
    """A source line ``(file, line, function, text)`` followed back while its file is a
    generated module itself (a derivative of a derivative): the user's line."""
    for _ in range(hops):
        table = _file_map(found[0])
        entries = table[1].get(found[1]) if table else None
        if not entries:
            break
        widest = max(entries, key=lambda e: e[1] - e[0])  # the statement's own span
        found = table[0][widest[2]]
    return found


def source_note(exc: BaseException) -> BaseException:
    """Add the note naming the user's line ``exc`` came from; return ``exc``."""
    try:
        if any(str(n).startswith(PREFIX) for n in getattr(exc, "__notes__", ())):
            return exc
        found, tb = None, exc.__traceback__
        while tb is not None:
            found = _lookup(tb) or found
            tb = tb.tb_next
        if found is not None:
            filename, lineno, func, text = resolve(found)
            exc.add_note(f"{PREFIX}{func or '?'}: {filename}, line {lineno}: {text}")
    except Exception:  # noqa: BLE001 - a note is a courtesy; never mask the error
        pass
    return exc
