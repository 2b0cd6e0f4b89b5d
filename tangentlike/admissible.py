"""Which argument values a derivative may be called with (issue 13, items 11 and 12).

Promise: ``check_arguments(vals, names)`` returns when no argument (differentiated or not,
nor any element of a list, tuple or dict argument) is

* complex (a Python ``complex``, a NumPy complex scalar or a complex array): tangentlike
  differentiates real functions of real values. Its rules assume real inputs (``np.abs``,
  ``np.real``, conjugation), and a complex value combined with a real argument would give
  that argument a complex cotangent. Pass the real and imaginary parts as two real
  arguments instead;
* an instance of a strict subclass of ``np.ndarray`` (``np.matrix``, where ``*`` is a
  matrix product; masked arrays; ``np.memmap``; user subclasses): the rules assume plain
  ``ndarray`` semantics. Pass ``np.asarray(x)``;

and raises ``DifferentiationTypeError`` naming the argument otherwise. It costs nothing on
the warm-call fast path (``api.Derivative.__call__``), whose keys only hold plain float
arrays and plain scalars that have passed it.
"""
from __future__ import annotations

import numpy as np

from .errors import DifferentiationTypeError

_MAX_DEPTH = 64


def check_arguments(vals, names):
    for v, n in zip(vals, names):
        _check(v, n, 0)


def _check(x, name, depth):
    if isinstance(x, (list, tuple)) and depth < _MAX_DEPTH:
        for e in x:
            _check(e, name, depth + 1)
        return
    if isinstance(x, dict) and depth < _MAX_DEPTH:
        for e in x.values():
            _check(e, name, depth + 1)
        return
    problem = unsupported(x)
    if problem:
        raise DifferentiationTypeError(f"argument '{name}' {problem}")


def unsupported(x) -> str | None:
    """Why ``x`` cannot flow into differentiated code, or None."""
    if isinstance(x, np.ndarray):
        if type(x) is not np.ndarray:
            return (f"is a {type(x).__module__}.{type(x).__qualname__}, a subclass of "
                    "np.ndarray whose operators may differ from an array's (np.matrix: '*' is "
                    "a matrix product): tangentlike does not guess; convert it with np.asarray")
        if x.dtype.kind == "c":
            return _COMPLEX
        return None
    if isinstance(x, (complex, np.complexfloating)):
        return _COMPLEX
    return None


def complex_type(x) -> bool:
    """``complex``, a NumPy complex scalar type or a complex dtype (``x.astype(complex)``)."""
    if x is complex or isinstance(x, type) and issubclass(x, np.complexfloating):
        return True
    return isinstance(x, np.dtype) and x.kind == "c"


_COMPLEX = ("is complex: tangentlike differentiates real functions of real values (no "
            "complex convention is implemented); pass the real and imaginary parts as two "
            "real arguments")
