"""The key of a disk-cache entry, computable before compiling (``cache``).

Promise: ``closure(spec)`` lists the function and every user function it calls,
transitively (derivative objects stand for their innermost primal), with their
lowered IR, or None when a callee cannot be read; ``make_key(closure, options)`` is
a sha256 over the tool (``tool_version``: the version plus a hash of this package's
source files' names, sizes and modification times), the options and, per function, its qualified name, file, line
offset, source lines and a fingerprint of what its names resolved to (literal
constants the code may inline, array dtypes and shapes, callees by name, the source
of rules registered for them outside this package, derivative options). Nothing
here depends on object identity, so a new process computes the same key.
"""
from __future__ import annotations

import hashlib
import json
import linecache
import os
from pathlib import Path

import numpy as np

from . import __version__
from .backend.exprs import is_literal
from .frontend.lower_expr import LocalFunc, _is_derivative, is_user_function
from .ir.nodes import walk_ops
from .rules import registry
from .transforms.unit import lower_cached, spec_for

_TOOL: list = []


def tool_version() -> str:
    """``<version>+<hash of the package's source files' names, sizes and modification
    times>``: any edit, reinstall or checkout of the compiler changes it, and it costs a
    ``stat`` per file rather than reading them (the warm-cache start-up budget)."""
    if not _TOOL:
        root = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for rel, size, mtime in sorted(_sources(str(root), "")):
            h.update(f"{rel}\0{size}\0{mtime}\0".encode())
        _TOOL.append(f"{__version__}+{h.hexdigest()[:12]}")
    return _TOOL[0]


def _sources(path, prefix):
    """``(relative path, size, mtime_ns)`` of the ``.py`` files under ``path``."""
    for e in os.scandir(path):
        if e.is_dir():
            if e.name != "__pycache__":
                yield from _sources(e.path, prefix + e.name + "/")
        elif e.name.endswith(".py"):
            st = e.stat()
            yield prefix + e.name, st.st_size, st.st_mtime_ns


def closure(spec) -> list | None:
    """``[(spec, lowered Func)]``: ``spec`` and the user functions it calls,
    transitively, depth first; None when a callee cannot be read (not cacheable)."""
    out, seen, todo = [], set(), [spec]
    while todo:
        s = todo.pop()
        if (s.key, s.hash) in seen:
            continue
        seen.add((s.key, s.hash))
        func = lower_cached(s) if s is spec else None  # the root's errors are the user's
        try:
            func = func or lower_cached(s)
            callees = [spec_for(_primal(op.attrs["fn"])) for op in walk_ops(func.body)
                       if op.kind == "call" and is_user_function(op.attrs["fn"])]
        except Exception:  # noqa: BLE001 - the compile reports it, or never needs it
            return None
        out.append((s, func))
        todo.extend(reversed(callees))
    return out


def _primal(fn):
    """A derivative object's innermost primal (its generated code follows from it)."""
    while _is_derivative(fn):
        fn = fn.primal
    return fn


def source_digest(spec) -> str:
    node = spec.node
    first = spec.line0 + node.lineno
    last = spec.line0 + (getattr(node, "end_lineno", None) or node.lineno)
    text = "".join(linecache.getline(spec.filename, n) for n in range(first, last + 1))
    return hashlib.sha256(text.encode()).hexdigest()


def object_fingerprint(v) -> str:
    """What of ``v`` the generated code can depend on (not its identity)."""
    if isinstance(v, LocalFunc):
        return "local:" + v.spec.qualname
    if isinstance(v, np.ndarray):
        return f"ndarray:{v.dtype.str}:{v.shape}"
    if is_literal(v):
        return f"{type(v).__name__}:{v!r}"
    if type(v).__name__ == "module":
        return "module:" + v.__name__
    if _is_derivative(v):
        return (f"derivative:{v.mode}:{v.wrt}:{v.single}:{v.with_value}:{v.optimize}:"
                + object_fingerprint(v.primal))
    if callable(v):
        name = getattr(v, "__qualname__", None) or getattr(v, "__name__", "")
        fp = f"{type(v).__name__}:{getattr(v, '__module__', '')}.{name}"
        return fp + _rule_fingerprint(v) + (":nondiff" if registry.is_nondiff(v) else "")
    return f"object:{type(v).__module__}.{type(v).__qualname__}"


def _rule_fingerprint(fn) -> str:
    try:
        rule = registry.lookup(fn)
    except TypeError:
        return ""
    if rule is None:
        return ""
    out = []
    for r in [rule.vjp, *rule.jvps.values()]:
        if r is not None and not (getattr(r, "__module__", "") or "").startswith("tangentlike"):
            out.append(source_digest(spec_for(r))[:16])
    return ":rule" + ",".join(out)


def _function_fingerprint(spec, func) -> list:
    objs = []
    for op in walk_ops(func.body):
        if op.kind == "const":
            objs.append(object_fingerprint(op.attrs["value"]))
        elif op.kind == "call":
            objs.append(object_fingerprint(op.attrs["fn"]) + str(op.attrs.get("kw", "")))
    return [spec.qualname, spec.filename, spec.line0, spec.col0, spec.hash,
            source_digest(spec), hashlib.sha256("\n".join(objs).encode()).hexdigest()]


def make_key(funcs, options: dict) -> str:
    record = {"tool": tool_version(), "options": options,
              "funcs": [_function_fingerprint(s, f) for s, f in funcs]}
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()
