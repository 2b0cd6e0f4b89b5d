"""The source of a lambda, found in its file (Python records only its first line).

Promise: ``lambda_node(fn, lines)`` returns a gast ``FunctionDef`` equivalent to the
lambda that made ``fn`` (named after the variable it is assigned to, else ``lambda_``),
or raises ``NoSourceError`` when the file does not say which lambda that is: never a
guess. ``lambda_def(lam, name)`` turns a gast ``Lambda`` into such a ``FunctionDef``.
"""
from __future__ import annotations

import ast

import gast

from ..errors import NoSourceError

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


def find_lambda(fn, tree):
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


def lambda_node(fn, lines):
    """The ``FunctionDef`` of the lambda ``fn``, read from its file's ``lines``."""
    tree = _file_tree(fn.__code__.co_filename, lines)
    lam = find_lambda(fn, tree)
    return lambda_def(gast.ast_to_gast(lam), _lambda_name(lam, tree))
