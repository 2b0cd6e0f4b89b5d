"""The error model (docs/architecture.md: errors).

Every error tangentlike raises on purpose is a ``TangentlikeError``. Errors
about the user's source carry a location (file, line, column, the source line)
and render it with a caret; errors about API arguments are also ``TypeError`` or
``ValueError`` so that ordinary ``except`` clauses keep working.
"""
from __future__ import annotations

import functools
import os
import sys
import types
from typing import Any, Callable, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])


class TangentlikeError(Exception):
    """Base class of every error tangentlike raises on purpose."""


def cell_name(filename: str) -> str | None:
    """``"Cell In[3]"`` when ``filename`` is the file IPython compiled input cell 3 to (as
    IPython's own tracebacks name it), else None. IPython is only asked if imported."""
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)() if ipython else None
    compiler = getattr(shell, "compile", None)
    if compiler is None:
        return None
    fmt = getattr(compiler, "format_code_name", None)
    try:
        named = fmt(filename) if fmt is not None else None
        if named is None and filename in getattr(compiler, "_filename_map", {}):
            named = ("Cell", f"In[{compiler._filename_map[filename]}]")
    except Exception:  # noqa: BLE001 - a naming nicety must never fail an error
        return None
    return f"{named[0]} {named[1]}" if named else None


def place(filename: str, lineno: int) -> str:
    """``"path/to/file.py, line 12"``, or ``"Cell In[3], line 2"`` for an IPython cell."""
    return f"{cell_name(filename) or filename}, line {lineno}"


class Loc:
    """A source location: file, 1-based line, 0-based column, the line's text."""

    __slots__ = ("filename", "lineno", "col", "text", "func")

    def __init__(self, filename="<unknown>", lineno=0, col=0, text="", func=""):
        self.filename, self.lineno, self.col = filename, lineno, col
        self.text, self.func = text, func

    def __repr__(self):
        return f"{self.filename}:{self.lineno}"

    def caret(self) -> str:
        if not self.text:
            return ""
        stripped = self.text.lstrip()
        col = max(0, self.col - (len(self.text) - len(stripped)))
        return f"\n    {stripped.rstrip()}\n    {' ' * col}^"


class LocatedError(TangentlikeError):
    """An error at a place in the user's source."""

    def __init__(self, message: str, loc: Loc | None = None):
        self.message, self.loc = message, loc
        where = f"{place(loc.filename, loc.lineno)}: " if loc else ""
        super().__init__(where + message + (loc.caret() if loc else ""))


class UnsupportedSyntaxError(LocatedError, SyntaxError):
    """A construct outside the accepted subset."""

    def __init__(self, construct: str, loc: Loc | None = None, hint: str = ""):
        self.construct = construct
        msg = f"not supported: {construct}" + (f" ({hint})" if hint else "")
        LocatedError.__init__(self, msg, loc)
        if loc:
            self.filename, self.lineno = loc.filename, loc.lineno
            self.offset, self.text = loc.col + 1, loc.text
        self.msg = str(self)

    def __str__(self):
        return self.args[0] if self.args else self.message


class MissingRuleError(LocatedError):
    """A call to a function with neither a derivative rule nor Python source."""

    def __init__(self, name: str, loc: Loc | None = None, mode: str = "reverse"):
        self.name, self.mode = name, mode
        deco = "tl.defjvp" if mode == "forward" else "tl.defvjp"
        kind = "forward-mode (JVP)" if mode == "forward" else "derivative"
        super().__init__(
            f"no {kind} rule for {name}, and its source is not available; "
            f"register one with @{deco}", loc)


class NoSourceError(TangentlikeError, TypeError):
    """The function to differentiate has no Python source (a builtin, or made by eval)."""


class NonScalarOutputError(TangentlikeError, ValueError):
    """``grad`` of a function whose output is not a scalar."""


class ArgumentError(TangentlikeError, ValueError):
    """A bad argument to the API (``wrt`` out of range, unknown parameter name, ...)."""


class ArgumentTypeError(ArgumentError, TypeError):
    """An API argument of the wrong type (``wrt=1.5``)."""


class DifferentiationTypeError(TangentlikeError, TypeError):
    """A differentiated argument that is not a float, float array or container of them."""


class InternalError(TangentlikeError):
    """An unexpected failure inside the compiler: a bug to report."""

    def __init__(self, stage: str, func: str, loc: Loc | None, cause: BaseException):
        self.stage, self.func, self.loc, self.cause = stage, func, loc, cause
        where = f" at {place(loc.filename, loc.lineno)}" if loc and loc.lineno else ""
        super().__init__(
            f"internal error in stage '{stage}' while differentiating {func}{where}: "
            f"{type(cause).__name__}: {cause}. This is a bug in tangentlike; please report it.")


class BackendCompileError(LocatedError):
    """A derivative the chosen back end cannot compile (``backend='numba'``: what
    ``numba.njit`` rejected, at the user's line it came from)."""

    def __init__(self, construct: str, loc: Loc | None = None, detail: str = ""):
        self.construct, self.detail = construct, detail
        super().__init__(f"not supported by backend='numba': {construct}"
                         + (f" ({detail})" if detail else ""), loc)


class BackendFallbackWarning(UserWarning):
    """``fallback=True``: numba could not compile a derivative; the NumPy back end runs it."""


class EmitError(TangentlikeError):
    """A derivative that cannot be written as a standalone module (``tl.emit``): it refers
    to an object that has no literal form."""


# --- What a user sees of an error (the API's entry points) -----------------------------

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_SETTINGS = {"keep_frames": False}  # the CLI's --debug sets it


def keep_frames(keep: bool | None = None) -> bool:
    """Whether errors keep the compiler's own traceback frames: ``TANGENTLIKE_DEBUG=1`` in
    the environment, or ``keep_frames(True)`` (the command line's ``--debug``)."""
    if keep is not None:
        _SETTINGS["keep_frames"] = bool(keep)
    return _SETTINGS["keep_frames"] or os.environ.get("TANGENTLIKE_DEBUG", "") not in ("", "0")


def _user_frames(tb):
    """``tb`` without the frames of tangentlike's own files (the user's code, generated
    code and other libraries stay)."""
    kept = []
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(_PACKAGE_DIR):
            kept.append(tb)
        tb = tb.tb_next
    out = None
    for t in reversed(kept):
        out = types.TracebackType(out, t.tb_frame, t.tb_lasti, t.tb_lineno)
    return out


def user_error(e: BaseException) -> BaseException:
    """``e`` ready to be raised from an entry point: a ``TangentlikeError`` other than an
    ``InternalError`` loses the compiler's frames and the chained exceptions behind it,
    which say nothing to the user (kept under ``keep_frames()``)."""
    if isinstance(e, TangentlikeError) and not isinstance(e, InternalError) \
            and not keep_frames():
        e.__cause__, e.__suppress_context__ = None, True
        e.__traceback__ = _user_frames(e.__traceback__)
    return e


def entry_point(fn: _F) -> _F:
    """Decorate a public function: its errors show the user's frames and this one only."""
    @functools.wraps(fn)
    def entry(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TangentlikeError as e:
            raise user_error(e)  # tangentlike frames trimmed; TANGENTLIKE_DEBUG=1 keeps them
    try:
        entry.__code__ = entry.__code__.replace(co_name=fn.__name__,
                                                co_qualname=fn.__qualname__)
    except TypeError:  # Python 3.10 has no co_qualname
        entry.__code__ = entry.__code__.replace(co_name=fn.__name__)
    return entry  # type: ignore[return-value]
