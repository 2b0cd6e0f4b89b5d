"""What ``tl.emit`` and the CLI specialise an emitted module for.

Promise: ``likes_for`` gives one ``runtime.like.Like`` (or None: not specialised) per
parameter, taken from, in order of precedence, example arguments
(``example=(W, xs)``), a spelling (``like='W=array(n, n) k=float'``, the CLI's
``--like``) and the function's annotations (``k: float``, ``n: int``,
``x: np.float32`` or a string in the spelling: ``W: "array(n, n)"``; ``np.ndarray``
alone says nothing about the axes). ``general=True`` gives no specialisation: the
variant that accepts any arguments. ``samples`` gives arguments of those kinds and
patterns (what ``Derivative.plan`` compiles for), ``spelling`` the text that the
module's header shows and its check reads.
"""
from __future__ import annotations

import inspect

import numpy as np

from .errors import ArgumentError
from .runtime.like import PY, Like, parse, parse_kind, spell

_SCALARS = (np.float16, np.float32, np.float64, np.longdouble, np.floating)


def _annotation(a):
    if a is float or a == "float":
        return parse_kind("float")
    if a is int or a == "int":
        return parse_kind("int")
    if isinstance(a, type) and issubclass(a, _SCALARS):
        return parse_kind("scalar")
    if isinstance(a, str):
        try:
            return parse_kind(a)
        except ArgumentError:
            return None  # an annotation in another language (typing): not ours
    return None


def likes_for(fn, names, example=None, like=None, general=False) -> list:
    """One ``Like`` or None per parameter of ``fn`` (named ``names``)."""
    if general:
        if example is not None or like is not None:
            raise ArgumentError("general=True emits the variant for any arguments: "
                                "give no example= or like= with it")
        return [None] * len(names)
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        params = {}
    out = [_annotation(params[n].annotation) if n in params else None for n in names]
    if like is not None:
        given = parse(like) if isinstance(like, str) else \
            {k: parse_kind(v) if isinstance(v, str) else v for k, v in dict(like).items()}
        unknown = [n for n in given if n not in names]
        if unknown:
            raise ArgumentError(f"like= names {', '.join(unknown)}, which "
                                f"{getattr(fn, '__name__', fn)} does not have; its "
                                f"parameters are {', '.join(names)}")
        out = [given.get(n, o) for n, o in zip(names, out)]
    if example is not None:
        example = tuple(example)
        if len(example) != len(names):
            raise ArgumentError(f"example= gives {len(example)} arguments; "
                                f"{getattr(fn, '__name__', fn)} takes {len(names)}")
        out = [parse_kind(spell(x)) for x in example]
    return [o if o is not None and o.kind is not None else None for o in out]


def samples(likes) -> list:
    """Arguments of each ``Like``'s kind and pattern (arrays for the unspecialised)."""
    out = []
    for lk in likes:
        if lk is None:
            out.append(np.zeros(2))
        elif lk.pattern == PY:
            out.append(0 if lk.text == "int" else 0.0)
        elif lk.pattern == ():
            out.append(np.float64(0.0))
        else:
            shape = tuple(1 if p == 1 else 2 for p in lk.pattern)
            out.append(np.zeros(shape, dtype=lk.dtype or np.float64))
    return out


def spelling(names, likes) -> tuple:
    """``(text, positions)`` of the specialised parameters, or None if there is none."""
    items = [(i, f"{n}={lk.text}") for i, (n, lk) in enumerate(zip(names, likes))
             if isinstance(lk, Like)]
    if not items:
        return None
    return " ".join(t for _, t in items), [i for i, _ in items]
