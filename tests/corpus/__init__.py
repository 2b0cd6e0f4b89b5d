"""End-to-end corpus of small differentiable programs.

Each ``programs_*`` module defines plain module-level functions (no
decorators, so that ``inspect.getsource`` sees nothing but the ``def``) and
lists them at the bottom as ``CASES`` (scalar-valued, checked with
``tl.grad``) and optionally ``VJP_CASES`` (array-valued, checked with
``tl.vjp``).

A ``Case`` holds the function, ``inputs`` (a function of a
``numpy.random.Generator`` returning the argument tuple, kept inside the
function's smooth domain) and ``wrt`` (positions or parameter names of the
differentiated arguments; only float or float-array arguments).
"""
from __future__ import annotations

import importlib
import pkgutil
import zlib

import numpy as np


class Case:
    """One program of the corpus with the recipe for its arguments."""

    def __init__(self, fn, inputs, wrt=(0,), name=None):
        self.fn = fn
        self.inputs = inputs
        self.wrt = tuple(wrt) if isinstance(wrt, (tuple, list)) else (wrt,)
        self.name = name or fn.__name__

    def make_args(self):
        """The argument tuple; deterministic (seeded by the case name)."""
        rng = np.random.default_rng(zlib.crc32(self.name.encode()))
        return tuple(self.inputs(rng))

    def __repr__(self):
        return f"Case({self.name}, wrt={self.wrt})"


def uniform_away(rng, lo, hi, avoid=(), margin=0.05, size=None):
    """Uniform samples in [lo, hi) at least ``margin`` away from each point of
    ``avoid`` (kinks, branch thresholds). A Python float when ``size`` is None."""
    avoid = np.asarray(avoid, dtype=float).reshape(-1)
    while True:
        x = rng.uniform(lo, hi, size=size)
        if avoid.size == 0 or np.all(np.abs(np.subtract.outer(x, avoid)) >= margin):
            return float(x) if size is None else x


def normal(rng, *shape, scale=1.0):
    """Standard normal array of the given shape, times ``scale``."""
    return scale * rng.standard_normal(shape)


def _modules():
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("programs_"):
            yield importlib.import_module(f"{__name__}.{info.name}")


def grad_cases():
    """Every scalar-valued case of every ``programs_*`` module."""
    return [c for m in _modules() for c in getattr(m, "CASES", [])]


def vjp_cases():
    """Every array-valued case of every ``programs_*`` module."""
    return [c for m in _modules() for c in getattr(m, "VJP_CASES", [])]
