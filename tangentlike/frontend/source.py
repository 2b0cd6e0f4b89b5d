"""Reading a function's source and resolving the names it uses.

Promise: ``spec_of(fn)`` returns a ``FuncSpec`` (its gast ``FunctionDef``, file,
line offset, and the scopes its free names resolve in), or raises
``NoSourceError``. ``FuncSpec.resolve(name)`` looks a non-local name up the way
Python would at call time: closure cells, then the module's globals, then
builtins. Nested ``def``s become ``FuncSpec``s of their own whose free
variables are extra trailing parameters (lambda lifting).
"""
from __future__ import annotations

import ast
import builtins
import functools
import hashlib
import inspect
import io
import keyword
import linecache
import os
import stat
import textwrap
import tokenize
import types
import weakref

import gast

from ..errors import LocatedError, Loc, NoSourceError, UnsupportedSyntaxError
from ..limits import DEPTH, deep_recursion
from .lambdas import lambda_node
from .unchanged import check_unchanged

_MISSING = object()
DICT, CELL, ATTR = 0, 1, 2  # how a read is looked up again: scope.get, cell, getattr


def lookup(kind, scope, name):
    """What ``name`` denotes in ``scope`` now (``_MISSING``: nothing)."""
    if kind == DICT:
        return scope.get(name, _MISSING)
    if kind == CELL:
        try:
            return scope.cell_contents
        except ValueError:  # an empty cell: the name falls through to the globals
            return _MISSING
    return getattr(scope, name, _MISSING)


def fresh(reads) -> bool:
    """Does every read ``(kind, scope, name, object)`` still find the same object? (A
    rebound global, a redefined helper, a new code object: no.)"""
    for kind, scope, name, obj in reads:
        if (scope.get(name, _MISSING) if kind == DICT else lookup(kind, scope, name)) is not obj:
            return False
    return True


class FuncSpec:
    """What the frontend needs to lower one function."""

    def __init__(self, node, filename, line0, col0, globals_, closure, name,
                 lifted=(), key=None, parent=None, pyfunc=None):
        self.node, self.filename, self.line0, self.col0 = node, filename, line0, col0
        self.globals, self.closure, self.name = globals_, closure, name
        self.lifted = tuple(lifted)  # free variables of a nested def, passed as parameters
        self.key, self.parent, self.pyfunc = key, parent, pyfunc
        self.local_funcs = {}  # sibling and own nested defs a nested def may call
        self.fixed_signature = None  # a copy made for a call (frontend/starparams.py)
        # Every non-local name the lowering looked up, with what it found (``fresh``):
        # (kind, scope, name) -> (kind, scope, name, object); see ``lookup``.
        self.reads = {} if parent is None else parent.reads
        self.text = gast.dump(node)
        self.hash = hashlib.sha256(self.text.encode()).hexdigest()[:16]

    @property
    def qualname(self) -> str:
        return f"{self.parent.qualname}.{self.name}" if self.parent else self.name

    def loc(self, node) -> Loc:
        lineno = getattr(node, "lineno", None) or self.node.lineno
        line = lineno + self.line0
        col = (getattr(node, "col_offset", 0) or 0) + self.col0
        text = linecache.getline(self.filename, line)
        return Loc(self.filename, line, col, text, self.qualname)

    def resolve(self, name, node):
        """The object a free name denotes (closure cells, the module's globals, builtins, as
        Python looks it up when the function runs), or a located error. Each look-up is
        recorded in ``reads``; a builtin as the absence of a global of that name."""
        cell = self.closure.get(name)
        for kind, scope in ((CELL, cell), (DICT, self.globals)):
            if scope is None:
                continue
            v = lookup(kind, scope, name)
            self.reads[kind, id(scope), name] = (kind, scope, name, v)
            if v is not _MISSING:
                return v
        v = vars(builtins).get(name, _MISSING)
        if v is not _MISSING:
            return v
        raise LocatedError(f"name '{name}' is not defined", self.loc(node))

    def note_attribute(self, module, name, value):
        """Record that ``module.name`` was read as ``value``."""
        self.reads[ATTR, id(module), name] = (ATTR, module, name, value)

    def param_names(self) -> list:
        return [a.id for a in self.node.args.args] + list(self.lifted)

    def signature(self) -> inspect.Signature:
        """The call signature (with lifted free variables as trailing parameters)."""
        if self.fixed_signature is not None:
            return self.fixed_signature
        if self.pyfunc is not None:
            return inspect.signature(self.pyfunc)
        args = self.node.args
        names = [a.id for a in args.args]
        defaults = dict(zip(names[len(names) - len(args.defaults):], args.defaults))
        params = []
        for n in names:
            d = defaults.get(n)
            default = inspect.Parameter.empty if d is None else self._literal(d)
            params.append(inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                            default=default))
        params += [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY) for n in self.lifted]
        return inspect.Signature(params)

    def _literal(self, d):
        import ast
        try:
            return ast.literal_eval(gast.gast_to_ast(d))
        except Exception:
            raise UnsupportedSyntaxError(
                "non-constant default value of a nested function", self.loc(d)) from None


_SPECS: "weakref.WeakKeyDictionary" = None


def spec_of(fn) -> FuncSpec:
    """The ``FuncSpec`` of a Python function, or ``NoSourceError``. Memoized per function
    object until its code object changes (a redefinition or reload)."""
    global _SPECS
    if _SPECS is None:
        _SPECS = weakref.WeakKeyDictionary()
    try:
        hit = _SPECS.get(fn)
    except TypeError:
        hit = None
    inner = unwrap(fn)
    code = getattr(inner, "__code__", None)  # a partial has none
    if hit is not None and hit[0] is code:
        return hit[1]
    try:
        with deep_recursion():
            spec = _read_spec(fn, inner)
    except RecursionError:
        raise too_deep(code and Loc(code.co_filename, code.co_firstlineno, 0,
                                    linecache.getline(code.co_filename, code.co_firstlineno),
                                    inner.__qualname__)) from None
    try:
        _SPECS[fn] = (code, spec)
    except TypeError:  # an object without weak references: not memoized
        pass
    return spec


def too_deep(loc):
    return UnsupportedSyntaxError(
        f"an expression or constant nested too deeply (past {DEPTH} levels of recursion in "
        "the compiler)", loc, "split it into several statements, or bind the constant to a "
        "module-level name")


def unwrap(fn):
    """The function a decorator chain built with ``functools.wraps`` wraps (its
    ``__wrapped__``, repeatedly): its source, globals and closure are the ones to read. Such
    a decorator is taken to call the wrapped function unchanged (README)."""
    seen = set()
    while isinstance(fn, types.FunctionType) and id(fn) not in seen:
        seen.add(id(fn))
        inner = fn.__dict__.get("__wrapped__")
        if not isinstance(inner, types.FunctionType):
            break
        fn = inner
    return fn


def _source_lines(fn):
    """``(lines, first line number)`` of ``fn``'s definition. From the positions its code
    objects record (Python 3.11+: no tokenizing of the file, which ``inspect`` does and
    which costs a warm-cache start-up a few ms); ``inspect.getsourcelines`` when they do
    not give a block that parses to this function."""
    code = fn.__code__
    ends = [end for c in _code_objects(code) for _, end, _, _ in getattr(c, "co_positions",
                                                                        lambda: ())() if end]
    linecache.checkcache(code.co_filename)  # a file edited or reloaded since it was read
    lines = linecache.getlines(code.co_filename, fn.__globals__) or _read_lines(code.co_filename)
    first = code.co_firstlineno
    if ends and lines and fn.__name__ != "<lambda>":
        block = lines[first - 1:max(ends)]
        try:
            node = ast.parse(textwrap.dedent("".join(block))).body[0]
        except (SyntaxError, IndexError, ValueError):
            node = None
        if isinstance(node, ast.FunctionDef) and node.name == code.co_name \
                and not _continues(lines, first, max(ends)):
            return block, first
    return inspect.getsourcelines(fn)


def _continues(lines, first, end) -> bool:
    """Does the body go on after line ``end`` (code the compiler dropped, after a
    ``raise`` or ``return``, records no position)? The next line that is not blank or
    a comment is indented deeper than the ``def`` line."""
    indent = len(lines[first - 1]) - len(lines[first - 1].lstrip())
    for line in lines[end:]:
        text = line.strip()
        if text and not text.startswith("#"):
            return len(line) - len(line.lstrip()) > indent
    return False


def _read_lines(filename) -> list:
    """The lines of a file in the encoding Python reads it with (its coding declaration,
    else UTF-8), undecodable bytes (which Python allows in comments) replaced; kept in
    ``linecache`` so located errors show the line. [] when there is no such file."""
    try:
        with open(filename, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                return []
            data = fh.read()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding, errors="replace")
    except (OSError, SyntaxError, LookupError):
        return []
    lines = io.StringIO(text, newline=None).readlines()
    linecache.cache[filename] = (st.st_size, st.st_mtime, lines, filename)
    return lines


def _code_objects(code):
    yield code
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            yield from _code_objects(c)


def _read_spec(outer, fn) -> FuncSpec:
    if isinstance(fn, (types.MethodType, functools.partial)):
        return bound_spec(fn)
    if isinstance(fn, types.FunctionType) and fn.__name__ == "<lambda>":
        return lambda_spec(outer, fn)
    if not isinstance(fn, types.FunctionType):
        kind = type(fn).__name__
        raise NoSourceError(
            f"cannot differentiate {getattr(fn, '__name__', fn)!r}: its source is not available "
            f"(it is a {kind}, not a Python function); wrap it in a Python function")
    name = outer.__name__
    if name != "<lambda>" and (not isinstance(name, str) or not name.isidentifier()
                               or keyword.iskeyword(name)):
        raise NoSourceError(f"cannot differentiate a function whose __name__ {name!r} is not a "
                            "Python identifier; give it a plain name")
    try:
        lines, lineno = _source_lines(fn)
    except (OSError, TypeError):
        raise NoSourceError(
            f"the source of {fn.__qualname__} is not available (functions made by eval/exec "
            "or in an interactive session without a file cannot be read); define it in a "
            ".py file") from None
    check_unchanged(fn, lines, lineno)
    raw = "".join(lines)
    src = textwrap.dedent(raw)
    col0 = len(lines[0]) - len(lines[0].lstrip()) if lines else 0
    try:
        tree = gast.parse(src)
    except SyntaxError:
        raise NoSourceError(f"the source of {fn.__qualname__} could not be parsed") from None
    node = tree.body[0] if tree.body else None
    if not isinstance(node, gast.FunctionDef):
        if isinstance(node, gast.AsyncFunctionDef):
            raise UnsupportedSyntaxError(
                "async def", Loc(fn.__code__.co_filename, lineno, col0, lines[0], fn.__qualname__),
                "differentiate a plain def")
        raise NoSourceError(f"could not find the definition of {fn.__qualname__} in its source")
    closure = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))  # name -> cell
    # Dedent keeps line numbers; line0 maps parsed line 1 to the file's line.
    return FuncSpec(node, fn.__code__.co_filename, lineno - 1, col0, fn.__globals__, closure,
                    name, key=outer, pyfunc=outer)


def nested_spec(parent: FuncSpec, node, free: list) -> FuncSpec:
    return FuncSpec(node, parent.filename, parent.line0, parent.col0, parent.globals,
                    parent.closure, node.name, lifted=free,
                    key=(parent.key, node.name, node.lineno, node.col_offset),
                    parent=parent)


def bound_spec(fn) -> FuncSpec:
    """A bound method (``model.loss``) or ``functools.partial`` of a user function: the
    function's own spec, with the bound leading parameters (``self``, the partial's
    positional arguments) read from its closure; keyword arguments of a partial stay
    parameters with their new defaults (``inspect.signature`` of the partial)."""
    if isinstance(fn, types.MethodType):
        func, bound = fn.__func__, (fn.__self__,)
    else:
        if fn.keywords and not isinstance(fn.func, types.FunctionType):
            raise NoSourceError(f"cannot differentiate {fn!r}: a partial with keywords of "
                                "something other than a Python function")
        func, bound = fn.func, tuple(fn.args)
    if isinstance(func, (types.MethodType, functools.partial)):
        inner = bound_spec(func)
    else:
        inner = spec_of(func)
    node = inner.node
    args = node.args.args
    if len(bound) > len(args):
        raise NoSourceError(f"cannot differentiate {fn!r}: it binds more arguments than "
                            f"{inner.qualname} has parameters")
    names = [a.id for a in args[:len(bound)]]
    defaults = node.args.defaults[max(0, len(node.args.defaults) - (len(args) - len(bound))):]
    new_args = gast.arguments(args[len(bound):], [], None, [], [], None, defaults)
    new = gast.FunctionDef(node.name, new_args, node.body, node.decorator_list, node.returns,
                           None, [])
    gast.copy_location(new, node)
    new.end_lineno, new.end_col_offset = node.end_lineno, node.end_col_offset
    closure = dict(inner.closure)  # name -> cell
    closure.update((n, types.CellType(v)) for n, v in zip(names, bound))
    spec = FuncSpec(new, inner.filename, inner.line0, inner.col0, inner.globals, closure,
                    inner.name, key=fn, pyfunc=fn)
    return spec


def lambda_spec(outer, fn) -> FuncSpec:
    """The spec of a lambda, found in its file by position (``lambdas.find_lambda``)."""
    code = fn.__code__
    lines = linecache.getlines(code.co_filename, fn.__globals__) or _read_lines(code.co_filename)
    if not lines:
        raise NoSourceError(f"the source of the lambda at {code.co_filename}, line "
                            f"{code.co_firstlineno} is not available; define it in a .py file")
    node = lambda_node(fn, lines)
    closure = dict(zip(code.co_freevars, fn.__closure__ or ()))  # name -> cell
    return FuncSpec(node, code.co_filename, 0, 0, fn.__globals__, closure, node.name,
                    key=outer, pyfunc=outer)
