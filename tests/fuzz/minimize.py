"""Shrink a failing generated program by deleting statements (delta debugging).

Promise: ``minimize(program, x, v, kind)`` returns a ``Program`` no larger than
``program`` that still fails ``harness.check`` with the same ``kind`` at the same
inputs. It deletes whole statements (a compound statement with its block, an
``elif``/``else`` with its block, a helper function nobody calls) as long as the
result is still valid Python, still runs, and still fails the same way; the plain
and instrumented texts have the same lines, so each deletion is applied to both
(a block left empty gets a ``pass``). Only deletions: every kept line is one the
generator wrote, so a minimal program stays inside the subset.
"""
from __future__ import annotations

import re

from . import harness
from .programs import Program


def _indent(line):
    return len(line) - len(line.lstrip(" "))


def _span(lines, i):
    """Lines ``i .. j-1``: line ``i`` with the block it opens (deeper-indented lines)."""
    j = i + 1
    while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > _indent(lines[i])):
        j += 1
    while j > i + 1 and not lines[j - 1].strip():  # keep the blank lines after a block
        j -= 1
    return j


def _deletable(lines, i):
    text = lines[i].strip()
    if re.fullmatch(r"k\d+ \+= 1", text):  # a while loop's counter: keep it terminating
        return False
    if text.startswith("return ") and _indent(lines[i]) == 4:  # a function's last return
        return False
    return bool(text) and not text.startswith(('"""', "import ", "def f("))


def _fixed(lines):
    """Insert ``pass`` into blocks left empty; None if not valid Python."""
    out = []
    for k, line in enumerate(lines):
        out.append(line)
        if line.rstrip().endswith(":"):
            nxt = next((ln for ln in lines[k + 1:] if ln.strip()), "")
            if _indent(nxt) <= _indent(line):
                out.append(" " * (_indent(line) + 4) + "pass")
    return out


def _candidate(program, i, j):
    plain, inst = program.source.split("\n"), program.inst.split("\n")
    p = _fixed(plain[:i] + plain[j:])
    q = _fixed(inst[:i] + inst[j:])
    new = Program("\n".join(p), "\n".join(q), program.n_helpers)
    try:
        compile(new.source, "<candidate>", "exec")
    except SyntaxError:
        return None
    return new


def _still_fails(program, x, v, kind, forward):
    try:
        out = harness.check(program, x, v, forward=forward)
    except Exception:  # noqa: BLE001 - the deletion broke the program itself
        return False
    return out.status == "failed" and out.kind == kind


def minimize(program, x, v, kind, forward=None, max_rounds=20):
    """The smallest program found by deleting statements that still fails with ``kind``."""
    for _ in range(max_rounds):
        changed = False
        lines = program.source.split("\n")
        i = len(lines) - 1
        while i >= 0:
            lines = program.source.split("\n")
            if i < len(lines) and _deletable(lines, i):
                new = _candidate(program, i, _span(lines, i))
                if new is not None and _still_fails(new, x, v, kind, forward):
                    program, changed = new, True
            i -= 1
        if not changed:
            return program
    return program
