"""What a specialised derivative was generated for, and the check it runs on each call.

The spelling (shared by ``tl.emit(..., like=...)``, the CLI's ``--like``, string
annotations and the header of an emitted module) is one item per parameter,
``NAME=KIND``, separated by spaces::

    float | int           a Python number (the scalar fast path)
    scalar                a NumPy scalar (np.float32(1.0), np.float64(...))
    array(d1, ..., dn)    an ndarray with n axes; each d is 1 (an axis of size 1), a
                          name such as n (any size but 1), an integer > 1 (exactly that
                          size) or ? (any size); an optional last item is a dtype:
                          array(n, n, float32)
    any                   not specialised

``parse`` gives ``{name: Like}``; ``Like.kind`` / ``Like.pattern`` are what the compiler
specialises on (``analysis.shapes``: ``"py"`` a Python number, ``()`` a NumPy scalar,
a tuple of 1 / 0 / None per axis). ``spell(value)`` writes the spelling of an example
argument. ``check_like(fname, spelling, *args)`` raises ``ArgumentError`` naming the
first argument that does not fit, so a specialised module never computes silently with
arguments it was not generated for.
"""
from __future__ import annotations

import re

import numpy as np

from tangentlike.errors import ArgumentError

PY = "py"  # analysis.shapes.PY: a Python number
_ITEM = re.compile(r"\s*([A-Za-z_]\w*)\s*=\s*(array\s*\([^)]*\)|[A-Za-z_]\w*)\s*")


class Like:
    """One parameter's specialisation: its spelling, kind, pattern, sizes and dtype."""

    __slots__ = ("text", "kind", "pattern", "sizes", "dtype")

    def __init__(self, text, kind, pattern, sizes=None, dtype=None):
        self.text, self.kind, self.pattern = text, kind, pattern
        self.sizes, self.dtype = sizes, dtype

    def fits(self, x) -> bool:
        if self.kind is None:
            return True
        if self.pattern == PY:
            return type(x) in (float, int)
        if self.pattern == ():
            return isinstance(x, np.generic) and x.dtype.kind in "fc" and self._dtype_ok(x)
        if type(x) is not np.ndarray or x.ndim != len(self.pattern) or not self._dtype_ok(x):
            return False
        for n, p, s in zip(x.shape, self.pattern, self.sizes):
            if (p == 1) != (n == 1) and p is not None or s is not None and n != s:
                return False
        return True

    def _dtype_ok(self, x) -> bool:
        return self.dtype is None or x.dtype == self.dtype


def parse_kind(text: str) -> Like:
    """The ``Like`` of one spelling (``float``, ``array(n, 1)``, ...)."""
    t = text.strip()
    if t in ("float", "int"):
        return Like(t, "scalar", PY)
    if t == "scalar":
        return Like(t, "scalar", ())
    if t == "any":
        return Like(t, None, None)
    m = re.fullmatch(r"array\s*\((.*)\)", t)
    if not m:
        raise ArgumentError(f"cannot read {text!r}: use float, int, scalar, any or "
                            "array(d1, ..., dn) (each d: 1, a name, a size or ?)")
    items = [s.strip() for s in m.group(1).split(",") if s.strip()]
    dtype = np.dtype(items.pop()) if items and items[-1] in _DTYPES else None
    pattern, sizes = [], []
    for d in items:
        if not re.fullmatch(r"\d+|\?|[A-Za-z_]\w*", d):
            raise ArgumentError(f"cannot read the axis {d!r} in {text!r}: use 1, a name, "
                                "a size or ?")
        size = int(d) if d.isdigit() else None
        pattern.append(None if d == "?" else 1 if size == 1 else 0)
        sizes.append(size if size not in (None, 1) else None)
    return Like(t, "num", tuple(pattern), tuple(sizes), dtype)


def parse(spelling: str) -> dict:
    """``{name: Like}`` of ``'W=array(n, n) xs=array(n, n, n) k=float'``."""
    out, pos = {}, 0
    while pos < len(spelling.rstrip()):
        m = _ITEM.match(spelling, pos)
        if not m:
            raise ArgumentError(f"cannot read {spelling[pos:].strip()!r}: write NAME=KIND "
                                "items such as W=array(n, n) k=float")
        out[m.group(1)] = parse_kind(m.group(2))
        pos = m.end()
    return out


def spell(x) -> str:
    """The spelling of an example argument (shapes as size-1 flags: any size but 1 is n)."""
    if isinstance(x, bool) or not isinstance(x, (int, float, np.generic, np.ndarray)):
        return "any"
    if isinstance(x, (int, float)):
        return "int" if isinstance(x, int) else "float"
    if isinstance(x, np.generic):
        return "scalar" if x.dtype.kind in "fc" else "any"
    return "array(" + ", ".join("1" if n == 1 else "n" for n in x.shape) + ")"


def _describe(x) -> str:
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape} and dtype {x.dtype}"
    if isinstance(x, np.generic):
        return f"a NumPy {x.dtype} scalar"
    return f"a {type(x).__name__}"


_DTYPES = ("float16", "float32", "float64", "longdouble", "complex64", "complex128")
_PARSED: dict = {}


def _test(lk, v):
    """A Python expression testing ``lk.fits(v)`` for the common cases, else None."""
    p = lk.pattern
    if p == PY:
        return f"(type({v}) is float or type({v}) is int)"
    if lk.kind is None or p == () or lk.dtype is not None \
            or any(s is not None for s in lk.sizes) or None in p:
        return None
    ones = [i for i, q in enumerate(p) if q == 1]
    shape = f"{v}.shape"
    if not ones:
        axes = f"1 not in {shape}"
    else:
        axes = " and ".join(f"{shape}[{i}] {'==' if q == 1 else '!='} 1" for i, q in enumerate(p))
    return f"(type({v}) is nd and {v}.ndim == {len(p)} and {axes})"


def _checker(likes):
    """One function ``fits(*args) -> bool`` for ``likes`` (built once per spelling: the
    test of six arrays is one expression, not six calls)."""
    tests = [_test(lk, f"a{i}") for i, lk in enumerate(likes)]
    if any(t is None for t in tests):
        return lambda *args: all(lk.fits(x) for lk, x in zip(likes, args))
    params = ", ".join(f"a{i}" for i in range(len(likes)))
    ns = {"nd": np.ndarray}
    exec(f"def fits({params}):\n    return {' and '.join(tests) or 'True'}\n", ns)  # noqa: S102
    return ns["fits"]


def check_like(fname, spelling, *args):
    """Raise ``ArgumentError`` unless ``args`` fit ``spelling`` (in parameter order)."""
    entry = _PARSED.get(spelling)
    if entry is None:
        items = list(parse(spelling).items())
        entry = _PARSED[spelling] = (items, _checker([lk for _, lk in items]))
    items, fits = entry
    if len(args) == len(items) and fits(*args):
        return
    for (name, lk), x in zip(items, args):
        if not lk.fits(x):
            raise ArgumentError(
                f"{fname} was generated for {name}={lk.text}, but {name} is "
                f"{_describe(x)}; generate it again for these arguments (tangentlike grad "
                "--like ..., or --general for any arguments)")
