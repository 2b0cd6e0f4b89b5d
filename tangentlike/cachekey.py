"""The key of a disk-cache entry, computable before compiling (``cache``).

Promise: ``closure(spec)`` lists the function and every user function it calls,
transitively (derivative objects stand for their innermost primal), and the custom rules
of the functions they call, with their lowered IR, or None when a callee cannot be read;
``guards(closure)`` what to look up again to know that code compiled for it is still right
(``pipeline``'s memory cache); ``make_key(closure, request_key)`` is
a sha256 over the tool (``tool_version``: the version plus a hash of this package's
source files' names, sizes and modification times), the request's options
(``request.Request.key()``, a canonical text) and, per function, its qualified name, file, line
offset, source lines and a fingerprint of what its names resolved to (literal
constants the code may inline, array dtypes and shapes, callees by name, the source
of rules registered for them outside this package, derivative options), and which
captured objects are one object (``aliases``). Nothing
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
from .frontend.source import ATTR, DICT, unwrap
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


def closure(spec, strict=True) -> list | None:
    """``[(spec, lowered Func)]``: ``spec``, the user functions it calls, transitively,
    depth first, and the custom derivative rules (``tl.defvjp``/``tl.defjvp``, not this
    package's) of the functions they call (their bodies are inlined: what they read is
    compiled in). None when a callee cannot be read (not cacheable); with
    ``strict=False`` such a callee is left out instead."""
    out, seen, todo = [], set(), [spec]
    while todo:
        s = todo.pop()
        if (s.key, s.hash) in seen:
            continue
        seen.add((s.key, s.hash))
        func = lower_cached(s) if s is spec else None  # the root's errors are the user's
        try:
            func = func or lower_cached(s)
            callees = []
            for op in walk_ops(func.body):
                if op.kind == "call":
                    callees += _callee_specs(op.attrs["fn"])
        except Exception:  # noqa: BLE001 - the compile reports it, or never needs it
            if strict:
                return None
            continue
        out.append((s, func))
        todo.extend(reversed(callees))
    return out


def _callee_specs(fn) -> list:
    if is_user_function(fn):
        return [spec_for(_primal(fn))]
    try:
        rule = registry.lookup(fn)
    except TypeError:
        return []
    if rule is None:
        return []
    return [spec_for(r) for r in [rule.vjp, *rule.jvps.values()]
            if r is not None and not (getattr(r, "__module__", "") or "").startswith("tangentlike")]


def guards(funcs) -> tuple:
    """What compiled code for the closure ``funcs`` depends on, as reads ``(kind, scope,
    name, object)`` to look up again (``source.fresh``): every name the functions' lowering
    read, each function's code object (a redefinition or ``%autoreload``), and the rule
    registry's generation."""
    out = {}
    for s, _ in funcs:
        out.update(s.reads)
        fn = unwrap(s.pyfunc) if s.pyfunc is not None else None
        if fn is not None and hasattr(fn, "__code__"):
            out[ATTR, id(fn), "__code__"] = (ATTR, fn, "__code__", fn.__code__)
    state = registry.STATE
    out[DICT, id(state), "generation"] = (DICT, state, "generation", state["generation"])
    return tuple(out.values())


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
        options = [v.mode, v.wrt, v.single, v.with_value, v.optimize, repr(v.checkpoint),
                   getattr(v, "backend", "numpy"), getattr(v, "has_aux", False)]
        return "derivative:" + ":".join(map(str, options)) + ":" + object_fingerprint(v.primal)
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


def aliases(funcs) -> list:
    """``[[function, op, first function, first op]]`` for each object (not a literal) that
    an earlier op of the closure holds too: which captured names are bound to one object
    (``B = A``) is part of what was compiled (CSE merges them; one module-level name)."""
    first, out = {}, []
    for fi, (_, func) in enumerate(funcs):
        for oi, op in enumerate(walk_ops(func.body)):
            obj = op.attrs["value"] if op.kind == "const" else \
                op.attrs["fn"] if op.kind == "call" else None
            if op.kind not in ("const", "call") or is_literal(obj):
                continue
            if id(obj) in first:
                out.append([fi, oi, *first[id(obj)]])
            else:
                first[id(obj)] = (fi, oi)
    return out


def make_key(funcs, request_key: str) -> str:
    """The disk key of the closure ``funcs`` compiled for the request whose ``key()`` is
    ``request_key``."""
    record = {"tool": tool_version(), "request": request_key,
              "funcs": [_function_fingerprint(s, f) for s, f in funcs],
              "aliases": aliases(funcs)}
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()
