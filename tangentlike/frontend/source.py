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
import linecache
import textwrap
import types
import weakref

import gast

from ..errors import LocatedError, Loc, NoSourceError, UnsupportedSyntaxError

_MISSING = object()


class FuncSpec:
    """What the frontend needs to lower one function."""

    def __init__(self, node, filename, line0, col0, globals_, closure, name,
                 lifted=(), key=None, parent=None, pyfunc=None):
        self.node, self.filename, self.line0, self.col0 = node, filename, line0, col0
        self.globals, self.closure, self.name = globals_, closure, name
        self.lifted = tuple(lifted)  # free variables of a nested def, passed as parameters
        self.key, self.parent, self.pyfunc = key, parent, pyfunc
        self.local_funcs = {}  # sibling and own nested defs a nested def may call
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
        """The object a free name denotes, or a located error."""
        for scope in (self.closure, self.globals, vars(builtins)):
            v = scope.get(name, _MISSING)
            if v is not _MISSING:
                return v
        raise LocatedError(f"name '{name}' is not defined", self.loc(node))

    def param_names(self) -> list:
        return [a.id for a in self.node.args.args] + list(self.lifted)

    def signature(self) -> inspect.Signature:
        """The call signature (with lifted free variables as trailing parameters)."""
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
    code = getattr(fn, "__code__", None)
    if hit is not None and hit[0] is code:
        return hit[1]
    spec = _read_spec(fn)
    try:
        _SPECS[fn] = (code, spec)
    except TypeError:  # an object without weak references: not memoized
        pass
    return spec


def _source_lines(fn):
    """``(lines, first line number)`` of ``fn``'s definition. From the positions its code
    objects record (Python 3.11+: no tokenizing of the file, which ``inspect`` does and
    which costs a warm-cache start-up a few ms); ``inspect.getsourcelines`` when they do
    not give a block that parses to this function."""
    code = fn.__code__
    ends = [end for c in _code_objects(code) for _, end, _, _ in getattr(c, "co_positions",
                                                                        lambda: ())() if end]
    lines = linecache.getlines(code.co_filename, fn.__globals__)
    first = code.co_firstlineno
    if ends and lines and fn.__name__ != "<lambda>":
        block = lines[first - 1:max(ends)]
        try:
            node = ast.parse(textwrap.dedent("".join(block))).body[0]
        except (SyntaxError, IndexError, ValueError):
            node = None
        if isinstance(node, ast.FunctionDef) and node.name == fn.__name__:
            return block, first
    return inspect.getsourcelines(fn)


def _code_objects(code):
    yield code
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            yield from _code_objects(c)


def _read_spec(fn) -> FuncSpec:
    if isinstance(fn, (types.MethodType, functools.partial)):
        return bound_spec(fn)
    if isinstance(fn, types.FunctionType) and fn.__name__ == "<lambda>":
        return lambda_spec(fn)
    if not isinstance(fn, types.FunctionType):
        kind = type(fn).__name__
        raise NoSourceError(
            f"cannot differentiate {getattr(fn, '__name__', fn)!r}: its source is not available "
            f"(it is a {kind}, not a Python function); wrap it in a Python function")
    try:
        lines, lineno = _source_lines(fn)
    except (OSError, TypeError):
        raise NoSourceError(
            f"the source of {fn.__qualname__} is not available (functions made by eval/exec "
            "or in an interactive session without a file cannot be read); define it in a "
            ".py file") from None
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
    closure = {}
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or ()):
        try:
            closure[name] = cell.cell_contents
        except ValueError:
            pass
    # Dedent keeps line numbers; line0 maps parsed line 1 to the file's line.
    return FuncSpec(node, fn.__code__.co_filename, lineno - 1, col0, fn.__globals__, closure,
                    fn.__name__, key=fn, pyfunc=fn)


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
    closure = dict(inner.closure)
    closure.update(zip(names, bound))
    spec = FuncSpec(new, inner.filename, inner.line0, inner.col0, inner.globals, closure,
                    inner.name, key=fn, pyfunc=fn)
    return spec


_PARSED: dict = {}


def _file_tree(filename, lines):
    text = "".join(lines)
    hit = _PARSED.get(filename)
    if hit is None or hit[0] != text:
        try:
            hit = _PARSED[filename] = (text, ast.parse(text))
        except SyntaxError:
            raise NoSourceError(f"the source of {filename} could not be parsed") from None
    return hit[1]


def _inside(pos, node) -> bool:
    line, end_line, col, end_col = pos
    return (node.lineno, node.col_offset) <= (line, col) and \
        (end_line, end_col) <= (node.end_lineno, node.end_col_offset)


def _find_lambda(fn, tree):
    """The ``ast.Lambda`` that made ``fn``: on its first line, with its parameters, and
    whose body spans every instruction position its code records; the innermost if they
    nest. Never a guess: no match or several is a ``NoSourceError``."""
    code = fn.__code__
    params = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)
             and n.lineno == code.co_firstlineno
             and [a.arg for a in n.args.posonlyargs + n.args.args + n.args.kwonlyargs] == params]
    positions = [p for p in getattr(code, "co_positions", lambda: ())()
                 if None not in p and (p[0], p[2]) != (p[1], p[3])]
    if len(found) > 1 and positions:
        found = [n for n in found if all(_inside(p, n.body) for p in positions)]
        found = [n for n in found if not any(m is not n and _inside(
            (m.lineno, m.end_lineno, m.col_offset, m.end_col_offset), n.body) for m in found)]
    where = f"{code.co_filename}, line {code.co_firstlineno}"
    if not found:
        raise NoSourceError(f"could not find the source of the lambda at {where}")
    if len(found) > 1:
        raise NoSourceError(f"several lambdas at {where} could have made this function; "
                            "define it with def (or put each lambda on its own line)")
    return found[0]


def _lambda_name(lam, tree) -> str:
    for n in ast.walk(tree):
        if isinstance(n, ast.Assign) and n.value is lam and len(n.targets) == 1 \
                and isinstance(n.targets[0], ast.Name):
            return n.targets[0].id
    return "lambda_"


def lambda_def(lam, name):
    """A gast ``FunctionDef`` ``name`` equivalent to the gast ``Lambda`` ``lam``."""
    ret = gast.Return(lam.body)
    gast.copy_location(ret, lam.body)
    ret.end_lineno, ret.end_col_offset = lam.body.end_lineno, lam.body.end_col_offset
    node = gast.FunctionDef(name, lam.args, [ret], [], None, None, [])
    gast.copy_location(node, lam)
    node.end_lineno, node.end_col_offset = lam.end_lineno, lam.end_col_offset
    return node


def lambda_spec(fn) -> FuncSpec:
    """The spec of a lambda, found in its file by position (see ``_find_lambda``)."""
    code = fn.__code__
    lines = linecache.getlines(code.co_filename, fn.__globals__)
    if not lines:
        raise NoSourceError(f"the source of the lambda at {code.co_filename}, line "
                            f"{code.co_firstlineno} is not available; define it in a .py file")
    tree = _file_tree(code.co_filename, lines)
    lam = _find_lambda(fn, tree)
    node = lambda_def(gast.ast_to_gast(lam), _lambda_name(lam, tree))
    closure = {}
    for name, cell in zip(code.co_freevars, fn.__closure__ or ()):
        try:
            closure[name] = cell.cell_contents
        except ValueError:
            pass
    return FuncSpec(node, code.co_filename, 0, 0, fn.__globals__, closure, node.name,
                    key=fn, pyfunc=fn)
