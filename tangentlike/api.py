"""The public API: ``grad``, ``value_and_grad``, ``vjp``, ``source``, ``ir``.

Each entry point checks its arguments (``wrt``, the types of differentiated
values, promoting ints to float) and hands the function to the pipeline
(``pipeline.compile_derivative``), which caches what it builds.
"""
from __future__ import annotations

import functools
import inspect

import numpy as np

from .errors import ArgumentError, ArgumentTypeError, DifferentiationTypeError
from .frontend.source import spec_of
from .ir.printer import print_func
from .pipeline import Compiled, compile_derivative, stage
from .transforms.unit import lower_cached

def normalize_wrt(fn, wrt, names):
    """``wrt`` (int, name, or tuple of them) -> (indices, single)."""
    single = not isinstance(wrt, (tuple, list))
    items = [wrt] if single else list(wrt)
    if not items:
        raise ArgumentError("wrt is empty: name at least one parameter")
    out = []
    for w in items:
        if isinstance(w, bool) or not isinstance(w, (int, str)):
            raise ArgumentTypeError(f"wrt must be a parameter index or name, not {w!r} "
                                    f"({type(w).__name__})")
        if isinstance(w, str):
            if w not in names:
                raise ArgumentError(f"wrt={w!r}: {fn.__name__} has no parameter {w!r}; "
                                    f"its parameters are {', '.join(names)}")
            w = names.index(w)
        elif not -len(names) <= w < len(names):
            raise ArgumentError(f"wrt={w} is out of range: {fn.__name__} has {len(names)} "
                                f"parameters ({', '.join(names)})")
        out.append(w % len(names))
    return out, single


def _kind(x):
    if isinstance(x, (list, tuple, dict)):
        return "seq"
    return "scalar" if isinstance(x, (int, float, complex, np.generic)) else "num"


def check_differentiable(x, name):
    """Promote ints to float; reject what has no float derivative."""
    if isinstance(x, bool):
        raise DifferentiationTypeError(f"cannot differentiate with respect to '{name}': "
                                       "it is a bool")
    if isinstance(x, (int, np.integer)):
        return float(x)
    if isinstance(x, (float, np.floating, complex)):
        return x
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "iub":
            return x.astype(float)
        if x.dtype.kind in "fc":
            return x
    if isinstance(x, (list, tuple)):
        return type(x)(check_differentiable(e, name) for e in x)
    if isinstance(x, dict):
        return {k: check_differentiable(v, name) for k, v in x.items()}
    raise DifferentiationTypeError(
        f"cannot differentiate with respect to '{name}': it is a {type(x).__name__}, not a "
        "float, a float array, or a list/tuple/dict of them")


class Derivative:
    """What ``grad`` returns: call it like the derivative; ``.primal``, ``.source``."""

    def __init__(self, fn, wrt=0, with_value=False, mode="reverse", optimize=True):
        if mode != "reverse":
            raise ArgumentError(f"mode={mode!r} is not available yet; use mode='reverse'")
        self.primal = fn
        spec_of(fn)  # fail early on a function without source
        self.names = list(inspect.signature(fn).parameters)
        self.wrt, self.single = normalize_wrt(fn, wrt, self.names)
        self.with_value, self.optimize = with_value, optimize
        functools.update_wrapper(self, fn)

    def _bind(self, args, kwargs):
        try:
            bound = inspect.signature(self.primal).bind(*args, **kwargs)
        except TypeError as e:
            raise ArgumentError(f"bad arguments to {self.primal.__name__}: {e}") from None
        bound.apply_defaults()
        return list(bound.arguments.values())

    def compiled(self, args=None) -> Compiled:
        mask = [i in self.wrt for i in range(len(self.names))]
        kinds = [_kind(a) for a in args] if args is not None else ["num"] * len(self.names)
        return compile_derivative(self.primal, mask, kinds, "grad", self.single, self.with_value)

    def __call__(self, *args, **kwargs):
        vals = self._bind(args, kwargs)
        for i in self.wrt:
            vals[i] = check_differentiable(vals[i], self.names[i])
        return self.compiled(vals).fn(*vals)

    @property
    def source(self) -> str:
        return self.compiled().source


def _options_decorator(factory, fn, kwargs):
    if fn is None:
        return lambda f: factory(f, **kwargs)
    return factory(fn, **kwargs)


def grad(fn=None, wrt=0, **options):
    """Gradient of a scalar function; a decorator (with or without options) or a call."""
    return _options_decorator(Derivative, fn, dict(wrt=wrt, **options))


def value_and_grad(fn=None, wrt=0, **options):
    """Like ``grad``, returning ``(value, gradient)``."""
    return _options_decorator(Derivative, fn, dict(wrt=wrt, with_value=True, **options))


def vjp(fn, *primals):
    """``(out, pullback)``; ``pullback(ct)`` -> one cotangent per argument (None for
    arguments that are not float values)."""
    names = list(inspect.signature(fn).parameters)
    if len(primals) != len(names):
        raise ArgumentError(f"vjp of {fn.__name__} needs {len(names)} primals, got {len(primals)}")
    vals, mask = list(primals), []
    for i, v in enumerate(vals):
        try:
            vals[i] = check_differentiable(v, names[i])
            mask.append(not isinstance(v, (int, np.integer)) or isinstance(v, bool))
        except DifferentiationTypeError:
            mask.append(False)
    mask = [m and not isinstance(vals[i], bool) for i, m in enumerate(mask)]
    compiled = compile_derivative(fn, mask, [_kind(v) for v in vals], "vjp")
    out, saved = compiled.fwd(*vals)

    def pullback(ct):
        grads = iter(compiled.bwd(saved, ct))
        return tuple(next(grads) if m else None for m in mask)

    pullback.source = compiled.source
    return out, pullback


def source(f) -> str:
    """The generated Python source of a derivative made by ``grad``/``value_and_grad``."""
    if isinstance(f, Derivative):
        return f.source
    src = getattr(f, "source", None)
    if isinstance(src, str):
        return src
    raise ArgumentTypeError(f"tl.source expects a derivative made by tl.grad, not {f!r}")


def ir(f) -> str:
    """The printed SSA IR of a function (or of a derivative's primal)."""
    fn = f.primal if isinstance(f, Derivative) else f
    spec = spec_of(fn)
    return print_func(stage("lower", spec.name, spec.loc(spec.node), lambda: lower_cached(spec)))
