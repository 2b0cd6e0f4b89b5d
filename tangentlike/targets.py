"""Finding the functions the command line is asked about.

Promise: ``load_target("path/to/file.py:func")`` or ``("package.module:func")``
returns ``(module, function)``; the file is run as a fresh module (its directory put
first on ``sys.path``, as ``python file.py`` does), a dotted module imported from
the current directory or the installed packages; what loading prints goes to
stderr, so stdout carries only what the command writes. Every problem (a missing file, a
module that does not import or raises while running, an unknown or non-function
name) is a ``TargetError`` with a one-line message. ``parse_wrt`` and
``parse_shapes`` turn the ``--wrt`` and ``--shape`` option texts into API values.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.machinery
import importlib.util
import inspect
import os
import sys
import types
from pathlib import Path

import numpy as np

from .errors import TangentlikeError

FLOAT_ANNOTATIONS = (float, np.float64, np.floating, np.ndarray, "float", "np.float64",
                     "numpy.float64", "np.floating", "np.ndarray", "numpy.ndarray")


class TargetError(TangentlikeError, ValueError):
    """A command-line target that cannot be found or loaded."""


def _is_file(text: str) -> bool:
    return text.endswith(".py") or "/" in text or os.sep in text


def split_target(target: str) -> tuple:
    """``(module part, function name or None)``."""
    head, sep, name = target.rpartition(":")
    if sep and name.isidentifier() and head:
        return head, name
    return target, None


def load_module(where: str) -> types.ModuleType:
    if _is_file(where):
        return _run_file(Path(where))
    if not all(part.isidentifier() for part in where.split(".")):
        raise TargetError(f"{where!r} is neither a .py file nor a dotted module name")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        with contextlib.redirect_stdout(sys.stderr):
            return importlib.import_module(where)
    except ModuleNotFoundError as e:
        raise TargetError(f"no module named {e.name!r} (importing {where})") from None
    except KeyboardInterrupt:
        raise
    except BaseException as e:  # noqa: BLE001 - the user's module failed (sys.exit too)
        raise TargetError(_import_failure(where, e)) from None


def _run_file(path: Path) -> types.ModuleType:
    if not path.is_file():
        raise TargetError(f"no such file: {path}")
    path = path.resolve()
    name = path.stem if path.stem.isidentifier() and path.stem not in sys.modules \
        else f"_tangentlike_target_{len(sys.modules)}"
    # An explicit loader: a file without the .py suffix runs too, as ``python FILE`` does.
    loader = importlib.machinery.SourceFileLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    try:
        with contextlib.redirect_stdout(sys.stderr):  # keep stdout for what we write
            spec.loader.exec_module(module)
    except SyntaxError as e:
        del sys.modules[name]
        raise TargetError(f"{e.filename or path}, line {e.lineno}: {e.msg}") from None
    except KeyboardInterrupt:
        del sys.modules[name]
        raise
    except BaseException as e:  # noqa: BLE001 - the user's file failed (sys.exit too)
        del sys.modules[name]
        raise TargetError(_import_failure(str(path), e)) from None
    return module


def _import_failure(where, e) -> str:
    if isinstance(e, SystemExit):
        return f"running {where} called sys.exit({e.code!r}) at import"
    text = (str(e).splitlines() or [""])[0]
    return f"running {where} raised {type(e).__name__}: {text}"


def load_target(target: str) -> tuple:
    """``(module, function)`` for ``FILE.py:FUNC`` or ``package.module:FUNC``."""
    where, name = split_target(target)
    if name is None:
        raise TargetError(f"{target!r} names no function: write FILE.py:FUNC or "
                          "package.module:FUNC")
    module = load_module(where)
    fn = getattr(module, name, None)
    if fn is None:
        known = ", ".join(n for n, v in vars(module).items()
                          if isinstance(v, types.FunctionType) and not n.startswith("_"))
        raise TargetError(f"{where} has no function {name!r}"
                          + (f" (its functions: {known})" if known else ""))
    from .api import Derivative
    if not isinstance(fn, (types.FunctionType, Derivative)):
        raise TargetError(f"{name!r} in {where} is a {type(fn).__name__}, not a function")
    return module, fn


def unwrap(fn, wrt_text):
    """``(function, wrt)``: a function decorated with ``tl.grad`` stands for its primal,
    differentiated with respect to the decorator's ``wrt`` unless ``--wrt`` says."""
    from .api import Derivative
    if isinstance(fn, Derivative) and wrt_text is None:
        names = [fn.names[i] for i in fn.wrt]
        return fn.primal, names[0] if fn.single else tuple(names)
    return (fn.primal if isinstance(fn, Derivative) else fn), parse_wrt(wrt_text)


def float_functions(module) -> list:
    """The functions defined in ``module`` whose first parameter is (or may be) a float:
    unannotated or annotated as a float type, with no default or a float one."""
    out = []
    for fn in vars(module).values():
        if not isinstance(fn, types.FunctionType) or fn.__module__ != module.__name__:
            continue
        params = list(inspect.signature(fn).parameters.values())
        if not params or params[0].kind not in (params[0].POSITIONAL_ONLY,
                                                params[0].POSITIONAL_OR_KEYWORD):
            continue
        p = params[0]
        ann_ok = p.annotation is p.empty or any(p.annotation is a or p.annotation == a
                                                for a in FLOAT_ANNOTATIONS)
        default_ok = p.default is p.empty or isinstance(p.default, float)
        if ann_ok and default_ok:
            out.append(fn)
    return out


def parse_wrt(text):
    """``x`` -> "x"; ``x,y`` -> ("x", "y"); digits become indices; None -> 0."""
    if text is None:
        return 0
    items = [t.strip() for t in text.split(",")]
    if not all(items):
        raise TargetError(f"--wrt {text!r}: write parameter names or indices separated by "
                          "commas, like --wrt x,y")
    vals = [int(t) if t.lstrip("-").isdigit() else t for t in items]
    return vals[0] if len(vals) == 1 else tuple(vals)


def parse_shapes(specs, names) -> dict:
    """``("x=3,4", "y=")`` -> {"x": (3, 4), "y": ()}."""
    out = {}
    for s in specs:
        name, sep, dims = s.partition("=")
        name = name.strip()
        try:
            shape = tuple(int(d) for d in dims.split(",") if d.strip()) if sep else None
        except ValueError:
            shape = None
        if shape is None or any(d < 0 for d in shape):
            raise TargetError(f"--shape {s!r}: write NAME=D1,D2,... like --shape x=3,4")
        if name not in names:
            raise TargetError(f"--shape {s!r}: there is no parameter {name!r} "
                              f"(parameters: {', '.join(names)})")
        out[name] = shape
    return out
