"""Is the source read for a function the source it was compiled from?

Promise: ``check_unchanged(fn, lines, first)`` returns when ``lines`` (the block read for
``fn``, starting at line ``first`` of its file) compile to code of the same shape as
``fn.__code__``: the same names, argument counts, constants, the same line offsets of its
instructions from the first line, and the same for every nested code object. Otherwise
the file changed since ``fn`` was defined (edited after import, or another function now
sits at its line) and it raises ``NoSourceError``: differentiating that text would give
the derivative of some other code.

The block is compiled at its own line and indentation (inside ``if 1:`` when indented,
or inside a function whose parameters are ``fn``'s free variables, so that ``nonlocal``
compiles), so positions agree; names are compared as one set of globals, free variables and
attributes, because a variable of an enclosing function is a free variable of ``fn`` but a
global of the block compiled alone.
"""
from __future__ import annotations

import __future__
import types

from ..errors import NoSourceError


_FUTURE = 0  # the __future__ flags a code object carries (annotations, ...)
for _name in __future__.all_feature_names:
    _FUTURE |= getattr(__future__, _name).compiler_flag


class SourceChangedError(NoSourceError):
    """The file no longer holds the function's source (reported as is, also for a callee)."""


def check_unchanged(fn, lines, first):
    code = fn.__code__
    if code.co_name == "<lambda>":
        return  # refused later, with its own message
    found = _compiled(code, lines, first)
    if found is None or _shape(found) != _shape(code):
        raise SourceChangedError(
            f"the source file of {fn.__qualname__} ({code.co_filename}, line {first}) changed "
            "since the function was defined: what is there now is not the code that runs; "
            "re-import the module (importlib.reload) or restart, then differentiate again")


def _compiled(code, lines, first):
    """The code object the block compiles to at its place, or None."""
    indented = bool(lines) and lines[0][:1] in (" ", "\t")
    free = [v for v in code.co_freevars if v != "__class__"]
    if indented and first >= 2:  # a nested def's enclosing variables are parameters here
        pad = "\n" * (first - 2) + (f"def _tl_enclosing_({', '.join(free)}):\n" if free
                                      else "if 1:\n")
    else:
        pad = "\n" * (first - 1)
    try:
        source = pad + "".join(lines)
        if _rewritten(code):
            source = _rewrite_asserts(source, code.co_filename)
        module = compile(source, code.co_filename, "exec",
                         flags=code.co_flags & _FUTURE, dont_inherit=True)
    except (SyntaxError, ValueError):
        return None
    todo = [module]
    while todo:
        c = todo.pop()
        if c.co_name == code.co_name and c.co_firstlineno == code.co_firstlineno and c is not module:
            return c
        todo.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return None


def _rewritten(code) -> bool:
    """Was ``code`` compiled by pytest's assertion rewriter (a test module's function
    with an ``assert``)? Its asserts then reach the helpers under these names."""
    todo = [code]
    while todo:
        c = todo.pop()
        if "@pytest_ar" in c.co_names or "@py_builtins" in c.co_names:
            return True
        todo.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return False


def _rewrite_asserts(source, filename):
    """``source`` as an AST with pytest's assertion rewriting applied (what pytest
    compiles a test module to), so that it compares with the code that runs."""
    import ast

    from _pytest.assertion.rewrite import rewrite_asserts
    tree = ast.parse(source, filename)
    rewrite_asserts(tree, source.encode(), filename, None)
    return tree


def _shape(code) -> tuple:
    consts = tuple(_shape(c) if isinstance(c, types.CodeType) else _const(c)
                   for c in code.co_consts)
    lines, last = [], None
    for _, _, line in code.co_lines():
        if line is not None and line != last:
            lines.append(line - code.co_firstlineno)
            last = line
    return (code.co_name, code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount,
            code.co_flags & 0x0C, tuple(code.co_varnames),
            frozenset(code.co_names) | frozenset(code.co_freevars) - {"__class__"}, consts,
            tuple(sorted(set(lines))))


def _const(c):
    if isinstance(c, (tuple, frozenset)):
        return (type(c).__name__, tuple(_const(e) for e in c))
    return (type(c).__name__, repr(c))
