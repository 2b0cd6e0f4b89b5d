"""Failures found by the fuzzer, kept as regression cases (corpus convention).

Each ``reg_*`` module defines plain module-level functions ``fn(x, v)`` (``x`` a
float, ``v`` a float array of length 3, scalar output: the fuzzer's shape) and
lists them as ``CASES`` of ``corpus.Case`` (inputs fixed where the failure was
found, kept away from branch ties). A case whose failure is a compiler bug not
yet fixed is named in the module's ``XFAIL`` dict with a short reason:
tests/fuzz/test_regressions.py marks it ``xfail(strict=True)``, so the suite
stays green and turns red the moment the bug is fixed (then delete the entry).
Programs that must fail list ``ERROR_CASES`` instead: ``(function, arguments,
expected exception type)`` (see ``reg_errors``).
"""
from __future__ import annotations

import importlib
import pathlib
import pkgutil
import sys

_TESTS = str(pathlib.Path(__file__).resolve().parent.parent.parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from corpus import Case  # noqa: E402,F401  (re-exported for the reg_* modules)


def _modules():
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("reg_"):
            yield importlib.import_module(f"{__name__}.{info.name}")


def cases():
    """``[(case, xfail reason or None)]`` of every ``reg_*`` module."""
    out = []
    for m in _modules():
        known = getattr(m, "XFAIL", {})
        out += [(c, known.get(c.name)) for c in getattr(m, "CASES", [])]
    return out


def error_cases():
    """``[(function, arguments, exception type, xfail reason or None)]``."""
    out = []
    for m in _modules():
        known = getattr(m, "XFAIL", {})
        out += [(fn, args, exc, known.get(fn.__name__))
                for fn, args, exc in getattr(m, "ERROR_CASES", [])]
    return out


def rejected_cases():
    """``[(function, text the UnsupportedSyntaxError must contain)]``."""
    out = []
    for m in _modules():
        out += list(getattr(m, "REJECTED", []))
    return out
