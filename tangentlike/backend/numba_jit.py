"""Compiling generated code with numba (``backend="numba"``).

Promise. In a numba module every generated function carries ``@numba.njit`` (the
emitter writes it: ``decorate``), the module imports ``tangentlike.runtime.numba_ext``
(numba versions of the ``rt.*`` helpers it calls) and re-binds every user function it
calls as a primal to its ``numba.njit`` (``jit_objects``), so that the helpers of one
derivative are compiled together. ``entry`` is what the API calls: the top function's
dispatcher, which compiles once per signature of argument types and keeps the machine
code (with the derivative, in the caches); a numba compile error becomes a
``BackendCompileError`` naming what numba rejected and the user's line the rejected
generated line comes from (the module's source map), never a silent fall back.
``with_fallback`` is the fall back the user asked for (``fallback=True``): the NumPy back
end's code, announced by a ``BackendFallbackWarning``.
"""
from __future__ import annotations

import ast
import os
import re
import types
import warnings

import numpy as np

from ..errors import BackendCompileError, BackendFallbackWarning, Loc, TangentlikeError
from ..rules import registry
from ..runtime.sourcemap import resolve

NAME = "numba"
IMPORTS = "import numba\nfrom tangentlike.runtime import numba_ext"
JIT = "numba.njit"


def require():
    """The ``numba`` module, or a ``TangentlikeError`` saying how to install it."""
    try:
        import numba
    except ImportError:
        raise TangentlikeError("backend='numba' needs numba: pip install "
                               "'tangentlike[numba]'") from None
    return numba


def decorate(fdef: ast.FunctionDef) -> ast.FunctionDef:
    """``fdef`` with ``@numba.njit``."""
    fdef.decorator_list = [ast.parse(JIT, mode="eval").body]
    return fdef


def call(fn, pos, kws):
    """numba's spelling of a call where it differs from the NumPy back end's (the
    ``numba=`` spellings of the primitive record, ``rules/facts.py``): an operator
    (``np.matmul(a, b)`` is ``a @ b``), or a call of the helper itself (``rt.sum_axes``,
    which the NumPy back end writes as a method call)."""
    form, how = registry.spelling(fn, NAME) or (None, None)
    if form == "binary" and len(pos) == 2 and not kws:
        return ast.BinOp(pos[0], how(), pos[1])
    if form == "call":
        return ast.Call(ast.parse(how, mode="eval").body, pos, kws)
    return None


def jit_objects(names) -> list:
    """``name = numba.njit(name)`` for each bound object ``name`` that is a Python
    function (a user function called as a primal): it is compiled with the code."""
    return [ast.parse(f"{n} = {JIT}({n})").body[0] for n in names]


class Entry:
    """The dispatcher of a generated top function; numba's compile errors made
    ``BackendCompileError``s naming the user's line. numba compiles the module's arrays
    (``objects``, the user's globals) in as constants: each call first checks them
    against the copies taken when compiling and recompiles (a fresh module) when one
    was changed in place, so the code never uses stale values."""

    __slots__ = ("module", "top", "objects", "rebind", "dispatcher", "frozen", "__name__")

    def __init__(self, module, top, objects, rebind):
        self.module, self.top, self.objects = module, top, dict(objects)
        self.rebind = rebind  # backend.load.rebind: the module's code run again
        self.dispatcher = getattr(module, top)
        self.frozen = [(a, a.copy()) for a in _arrays(self.objects.values())]
        self.__name__ = top

    def __call__(self, *args):
        for a, seen in self.frozen:
            if not np.array_equal(a, seen, equal_nan=a.dtype.kind in "fc"):
                self._recompile()
                break
        try:
            return self.dispatcher(*args)
        except Exception as e:
            if not _is_numba_error(e):
                raise
            raise compile_error(e, self.module.__file__) from None

    def _recompile(self):
        self.module = self.rebind(self.module, self.objects)
        self.dispatcher = getattr(self.module, self.top)
        self.frozen = [(a, a.copy()) for a, _ in self.frozen]


def _arrays(objects) -> list:
    """The NumPy arrays among ``objects`` and among the globals that the functions among
    them read (numba compiles both in as constants)."""
    out = []
    for v in objects:
        if type(v) is np.ndarray:
            out.append(v)
        elif isinstance(v, types.FunctionType):
            out += [v.__globals__[n] for n in v.__code__.co_names
                    if type(v.__globals__.get(n)) is np.ndarray]
    return out


def _is_numba_error(e) -> bool:
    from numba.core.errors import NumbaError
    return isinstance(e, NumbaError)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_FILE = re.compile(r'File "([^"]+)", line (\d+)')
_RT = re.compile(r"Unknown attribute '(\w+)' of type Module\(<module 'tangentlike\.runtime'.*")
_SKIP = ("Failed in ", "During:", "- Resolution failure", "No implementation of function")


def compile_error(e, filename) -> BackendCompileError:
    """The ``BackendCompileError`` for numba's error ``e`` about generated ``filename``."""
    text = _ANSI.sub("", str(e))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    what = next((ln for ln in lines if not ln.startswith(_SKIP)), lines[0] if lines else "")
    sig = next((ln for ln in lines if ln.startswith(">>>")), None)
    if sig is not None:  # "No implementation of function ... found for signature: >>> f(...)"
        what = "numba has no implementation of " + sig[3:].strip().replace("<iv=None>", "")
    m = _RT.match(what)
    construct = f"rt.{m.group(1)} (no numba version of this runtime helper)" if m else what
    construct = construct if len(construct) <= 300 else construct[:297] + "..."
    loc, code = _located(text, filename)
    detail = f"generated line: {code}" if code else ""
    return BackendCompileError(construct + ("; use backend='numpy', or fallback=True to fall "
                                            "back to it" ), loc, detail)


def _located(text, filename):
    """``(Loc of the user's line, the generated line)`` for the first place in ``text``
    inside the generated module (else inside a user's file)."""
    want = os.path.realpath(filename) if filename else None
    places = []
    for path, line in _FILE.findall(text):
        real = os.path.realpath(path if os.path.isabs(path) else os.path.join(os.getcwd(), path))
        places.append((real, int(line)))
    gen = [p for p in places if p[0] == want]
    if gen:
        src = _line(gen[0][0], gen[0][1])
        found = resolve((gen[0][0], gen[0][1], None, src))
        if found[0] != gen[0][0]:
            fname, lineno, func, line_text = found
            return Loc(fname, lineno, 0, line_text or "", func or ""), src.strip()
        return None, src.strip()
    other = [p for p in places if "numba" not in p[0].split(os.sep)]
    if other:
        return Loc(other[0][0], other[0][1], 0, _line(*other[0])), ""
    return None, ""


def _line(path, lineno) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read().splitlines()[lineno - 1]
    except (OSError, IndexError, UnicodeDecodeError):
        return ""


class Fallback:
    """``entry``, or once numba has failed to compile it, the NumPy back end's function
    (``numpy()`` builds it), announced by a ``BackendFallbackWarning``."""

    __slots__ = ("entry", "numpy", "used", "__name__")

    def __init__(self, entry, numpy):
        self.entry, self.numpy, self.used = entry, numpy, None
        self.__name__ = getattr(entry, "__name__", "derivative")

    def __call__(self, *args):
        if self.used is not None:
            return self.used(*args)
        try:
            return self.entry(*args)
        except BackendCompileError as e:
            warnings.warn(f"{e}\nfallback=True: using the NumPy back end for this derivative",
                          BackendFallbackWarning, stacklevel=3)
            self.used = self.numpy()
            return self.used(*args)
