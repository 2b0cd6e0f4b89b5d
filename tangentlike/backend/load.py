"""Writing generated source to a real file and importing it.

The file lives under the cache directory (``$TANGENTLIKE_CACHE_DIR``, else
``$XDG_CACHE_HOME/tangentlike`` or ``~/.cache/tangentlike``; a temporary
directory when that is not writable), named by a hash of its content, so
tracebacks, ``inspect.getsource`` and ``pdb`` show the generated code. Writes
are atomic (temporary file, then rename).
"""
from __future__ import annotations

import ast
import hashlib
import importlib.util
import operator
import os
import tempfile
from pathlib import Path

from .emit import FuncEmitter, unparse
from .exprs import Globals

_SYNTAX = (operator.getitem, operator.contains, list.pop)
_HEADER = "import numpy as np\nfrom tangentlike import runtime as rt"


def cache_dir() -> Path:
    env = os.environ.get("TANGENTLIKE_CACHE_DIR")
    if env:
        base = Path(env)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "tangentlike"
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = base / ".probe"
        probe.touch()
        return base
    except OSError:
        fallback = Path(tempfile.gettempdir()) / f"tangentlike-{os.getuid()}"
        fallback.mkdir(exist_ok=True, mode=0o700)
        return fallback


def emit_module(funcs, doc: str, ref_name) -> tuple:
    """Source text of a module defining ``funcs``, and the objects it expects bound."""
    g = Globals(reserved=[f.name for f in funcs])
    for f in funcs:
        _reserve_objects(f, g, ref_name)
    defs = [FuncEmitter(f, g, ref_name).emit() for f in funcs]
    module = ast.Module([ast.Expr(ast.Constant(doc))] + ast.parse(_HEADER).body + defs, [])
    src = unparse(module)
    if g.objects:
        note = "# Bound by tangentlike when loaded: " + ", ".join(sorted(g.objects)) + "\n"
        head, sep, rest = src.partition("from tangentlike import runtime as rt\n")
        src = head + sep + note + rest
    return src, dict(g.objects)


def _reserve_objects(func, g, ref_name):
    from ..ir.nodes import walk_ops
    from .exprs import is_literal
    for op in walk_ops(func.body):
        if op.kind == "call" and not ref_name(op.attrs["fn"]):
            from .exprs import BIN, CMP, UN
            fn = op.attrs["fn"]
            try:
                known = fn in BIN or fn in UN or fn in CMP or fn in _SYNTAX
            except TypeError:
                known = False
            if not known:
                g.path(fn)
        elif op.kind == "const" and not is_literal(op.attrs["value"]):
            g.path(op.attrs["value"])


def load_module(source: str, objects: dict, stem: str):
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    path = cache_dir() / f"{stem}_{digest}.py"
    if not path.exists() or path.read_text() != source:
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as fh:
            fh.write(source)
        os.replace(tmp, path)
    name = f"tangentlike_generated.{stem}_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    module.__dict__.update(objects)
    spec.loader.exec_module(module)
    return module
