"""How deep the compiler may recurse (imports nothing of the package: every layer uses it).

Promise: inside ``deep_recursion()`` Python's recursion limit is at least ``DEPTH`` (it is
put back on exit), so the recursive walks of the frontend (gast's conversion, lowering),
the transforms and ``ast.unparse`` handle the expressions Python itself compiles (a
300-term sum is ~1500 frames deep in gast). Deeper input is a located
``UnsupportedSyntaxError`` (``pipeline.stage``), never a raw ``RecursionError``. Python 3.11+
runs Python-to-Python calls without using the C stack, so the raised limit is safe.
"""
from __future__ import annotations

import contextlib
import sys

DEPTH = 20000


@contextlib.contextmanager
def deep_recursion():
    old = sys.getrecursionlimit()
    if old < DEPTH:
        sys.setrecursionlimit(DEPTH)
    try:
        yield
    finally:
        if old < DEPTH and sys.getrecursionlimit() == DEPTH:
            sys.setrecursionlimit(old)
