"""Emitting a module's source, writing it to a real file, and loading it.

Promise: ``emit_module`` returns deterministic source for a list of IR functions and
the objects the module expects bound at load time (user functions called as
primals, module-level arrays), each under a name taken from its hint. With
``exports`` the module is standalone instead: it binds nothing, small numeric arrays
become ``np.array(...)`` constants, ``__all__`` lists ``exports``, and any other
object is an ``EmitError`` naming it. ``load_source`` executes exactly the text it is
given, compiled under the file name it came from, so tracebacks, ``inspect`` and
``pdb`` show the generated file (the caller writes the file first, atomically, with
``write_atomic``: a temporary file renamed over the target).
"""
from __future__ import annotations

import ast
import hashlib
import os
import stat
import tempfile
import types
import weakref
from pathlib import Path

import numpy as np

from ..errors import EmitError
from . import array_api, numba_jit, numba_tapes
from .emit import FuncEmitter, comment, doc_line, one_line, render_comments
from .exprs import MAX_LITERAL_DEPTH, Globals, _literal, dotted, is_literal, python_operator
from .sourcemap import MAP_NAMES, positions, render

_HEADER = "import numpy as np\nfrom tangentlike import runtime as rt"
MAX_LITERAL_ARRAY = 4096  # elements written out in a standalone module


def emit_module(funcs, doc: str, ref_name, exports=None, backend="numpy", header=(),
                noted=(), hide=None) -> tuple:
    """(source text, objects to bind at load) of a module defining ``funcs``; ``backend``
    ``"array_api"`` takes each function's namespace from its arguments (``array_api``).
    The module starts with the comment lines ``header`` (each made one line); the
    functions named in ``noted`` add the user's line to an error they raise
    (``rt.source_note``); a source map ends the module (``sourcemap``), without the
    files for which ``hide(filename)`` is true."""
    extra = [array_api.NAMESPACE] if backend == array_api.NAME else \
        ["numba", "numba_ext"] if backend == numba_jit.NAME else []
    g = Globals(reserved=[f.name for f in funcs] + extra + list(MAP_NAMES))
    users = {}
    for f in funcs:
        _reserve_objects(f, g, ref_name, users)
    jit = backend == numba_jit.NAME
    for f in funcs if jit else ():
        numba_tapes.split(f)
    defs = [FuncEmitter(f, g, ref_name, backend).emit() for f in funcs]
    for d in defs:
        if d.name in noted and not jit:  # numba compiles no try/except that binds an error
            d.body = [_noting(d.body)]
    head = ast.parse(_HEADER + ("\n" + numba_jit.IMPORTS if jit else "")).body
    if exports is not None:
        names = ast.List([ast.Constant(n) for n in exports], ast.Load())
        head.append(ast.Assign([ast.Name("__all__", ast.Store())], names))
        head += [_constant(name, obj, users[name]) for name, obj in g.objects.items()]
    elif g.objects:
        head.append(comment("Bound by tangentlike when loaded: " + ", ".join(sorted(g.objects))))
    if jit and exports is None:
        head += numba_jit.jit_objects(sorted(n for n, o in g.objects.items()
                                             if isinstance(o, types.FunctionType)))
    module = ast.Module(head + defs, [])
    raw = ast.unparse(ast.fix_missing_locations(module))
    top = "".join(f"# {one_line(line)}\n" for line in header) + doc_line(doc)
    src = top + render_comments(raw) + render(positions(module, raw), top.count("\n"), hide)
    return src, ({} if exports is not None else dict(g.objects))


def _noting(body) -> ast.Try:
    """``try: body`` with ``except Exception as error: rt.source_note(error); raise``."""
    note = ast.Call(dotted("rt.source_note"), [ast.Name("error", ast.Load())], [])
    handler = ast.ExceptHandler(ast.Name("Exception", ast.Load()), "error",
                                [ast.Expr(note), ast.Raise()])
    return ast.Try(body, [handler], [], [])


def _reserve_objects(func, g, ref_name, users):
    from ..ir.nodes import walk_ops
    for op in walk_ops(func.body):
        name = None
        if op.kind == "call" and not ref_name(op.attrs["fn"]):
            fn = op.attrs["fn"]
            try:
                known = python_operator(fn) is not None
            except TypeError:
                known = False
            if not known:
                name = g.path(fn)
        elif op.kind == "const" and not is_literal(op.attrs["value"]):
            name = g.path(op.attrs["value"], op.result.hint)
        if name in g.objects:
            users.setdefault(name, func)


def _constant(name, obj, user) -> ast.Assign:
    value = _value_literal(obj)
    if value is None:
        who = user.loc.func if user.loc is not None and user.loc.func else user.name
        raise EmitError(f"cannot emit a standalone module: {who} refers to {name}, "
                        f"{_describe(obj)}; only numbers, strings, numeric arrays of at most "
                        f"{MAX_LITERAL_ARRAY} elements and lists, tuples and dicts of them can "
                        "be written into it")
    return ast.Assign([ast.Name(name, ast.Store())], value)


def _describe(obj) -> str:
    if isinstance(obj, np.ndarray):
        return f"a numpy array of {obj.size} elements of dtype {obj.dtype}"
    if callable(obj):
        mod = getattr(obj, "__module__", None)
        qual = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", "?")
        return f"a {type(obj).__name__} ({mod + '.' if mod else ''}{qual})"
    return f"a {type(obj).__name__}"


def _value_literal(v, depth=0):
    """An expression rebuilding ``v``, or None (also when nested past ``MAX_LITERAL_DEPTH``)."""
    if isinstance(v, np.ndarray):
        return _array_literal(v)
    if depth >= MAX_LITERAL_DEPTH:
        return None
    if isinstance(v, (list, tuple)):
        elts = [_value_literal(e, depth + 1) for e in v]
        if any(e is None for e in elts):
            return None
        return ast.List(elts, ast.Load()) if isinstance(v, list) else ast.Tuple(elts, ast.Load())
    if isinstance(v, dict) and all(is_literal(k) for k in v):
        vals = [_value_literal(e, depth + 1) for e in v.values()]
        return None if any(e is None for e in vals) else \
            ast.Dict([_literal(k) for k in v], vals)
    return _literal(v)


def _array_literal(a: np.ndarray):
    if a.dtype.kind not in "biufc" or a.size > MAX_LITERAL_ARRAY:
        return None
    a = a.astype(a.dtype.newbyteorder("="), copy=False)
    data = _nested(a.tolist())
    return ast.Call(dotted("np.array"), [data], [ast.keyword("dtype", ast.Constant(a.dtype.name))])


def _nested(x):
    if isinstance(x, list):
        return ast.List([_nested(e) for e in x], ast.Load())
    if isinstance(x, complex):
        return ast.Call(ast.Name("complex", ast.Load()), [_literal(x.real), _literal(x.imag)], [])
    return _literal(x)


def write_atomic(path: Path, text: str):
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tl-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_CODE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # module -> its code


def load_source(text: str, path: Path, objects: dict, stem: str):
    """A new module: ``objects`` bound, then ``text`` (the content of ``path``) run."""
    return _run(compile(text, str(path), "exec"), str(path), objects,
                f"tangentlike_generated.{stem}")


def rebind(module, objects: dict):
    """A new module running ``module``'s code with other ``objects`` bound (the same
    generated source, for globals rebound to arrays of the same dtype and shape)."""
    return _run(_CODE[module], module.__file__, objects, module.__name__)


def _run(code, path, objects, name):
    module = types.ModuleType(name)
    module.__file__ = path
    module.__dict__.update(objects)
    _CODE[module] = code
    exec(code, module.__dict__)  # noqa: S102 - our own output
    return module


def load_module(source: str, objects: dict, stem: str, directory: Path):
    """Write ``source`` to ``directory/<stem>_<digest>.py`` (if needed) and load it."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    path = Path(directory) / f"{stem}_{digest}.py"
    same = _read_regular(path) == source.encode("utf-8")
    if not same:
        write_atomic(path, source)
    return load_source(source, path, objects, f"{stem}_{digest}")


def _read_regular(path: Path):
    """The bytes of ``path`` if it is a regular file, else None (never waits on a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        try:
            return fh.read() if stat.S_ISREG(os.fstat(fh.fileno()).st_mode) else None
        except OSError:
            return None
