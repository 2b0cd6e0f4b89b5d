"""The public API: ``grad``, ``value_and_grad`` (``vjp`` is in ``pullbacks``; ``source``,
``ir`` and ``emit``, which show or write what these compile, are in ``inspection``).

Each entry point checks its arguments (``wrt``, the types of differentiated
values, promoting ints to float) and hands the function to the pipeline
(``pipeline.compile_derivative``), which caches what it builds. An error raised in
generated code gets a note naming the user's line it came from (``rt.source_note``).
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
import weakref
from typing import Any, Callable, Sequence, Union, overload

import numpy as np

from .admissible import check_arguments, unsupported
from .callables import as_function
from . import display, outputs, runtime as rt
from .display import SourceCode
from .errors import (ArgumentError, ArgumentTypeError, DifferentiationTypeError,
                     NonScalarOutputError, TangentlikeError, entry_point, user_error)
from .frontend.source import fresh, spec_of
from .options import check_options, resolve_wrt
from .ir.callees import Checkpointed, DerivativeBase, check_policy, register_compile_time
from .analysis.shapes import pattern
from .pytrees import children, is_container, rebuild
from .pipeline import Compiled, compile_derivative, with_fallback
from .request import Request
from .runtime.namespace import is_foreign

Wrt = Union[int, str, Sequence[Union[int, str]]]  # a parameter (index or name), or several


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
    if is_container(x):
        return "seq"
    real = isinstance(x, (int, float, np.integer, np.floating))
    return "scalar" if real else "num"


_FAST_TYPES = (float, np.float64, int, str, type(None))
_ARRAY = np.ndarray


def _fast_key(x):
    """What decides the variant of a call (and that no argument needs promoting): the
    dtype and shape of an array, the type of a plain scalar; None for anything else
    (containers: their contents would have to be looked at). ``__call__`` computes the
    same inline, with the type instead of None: no stored key holds such a type."""
    t = type(x)
    if t is np.ndarray:
        return x.dtype.char, x.shape
    return t if t in _FAST_TYPES else None


def check_differentiable(x, name):
    """Promote ints to float; reject what has no float derivative."""
    if isinstance(x, bool):
        raise DifferentiationTypeError(f"cannot differentiate with respect to '{name}': "
                                       "it is a bool")
    if isinstance(x, (int, np.integer)):
        try:
            return float(x)
        except OverflowError:
            raise DifferentiationTypeError(
                f"cannot differentiate with respect to '{name}': the int {_short(x)} is too "
                "large for a float (at most about 1.8e308)") from None
    problem = unsupported(x)
    if problem:
        raise DifferentiationTypeError(f"cannot differentiate with respect to '{name}': it "
                                       + problem)
    if isinstance(x, (float, np.floating)):
        return x
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "iub":
            return x.astype(float)
        if x.dtype.kind == "f":
            return x
    if is_container(x):  # the same container when nothing is promoted (writes reach it)
        items = [check_differentiable(e, name) for e in children(x)]
        return x if all(a is b for a, b in zip(items, children(x))) else rebuild(x, items)
    if is_foreign(x) and any(t in str(x.dtype) for t in ("float", "complex")):
        return x  # an array of another library (the array API back end, Dask)
    raise DifferentiationTypeError(
        f"cannot differentiate with respect to '{name}': it is a {type(x).__name__}, not a "
        "float, a float array, or a list/tuple/dict/namedtuple/dataclass of them")


def _short(x) -> str:
    text = str(x)
    return text if len(text) <= 20 else f"{text[:8]}...{text[-4:]} ({len(text)} digits)"


_SIGNATURES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def signature_of(fn) -> inspect.Signature:
    """``fn``'s signature, kept per function (and code object) for Jacobians called per item."""
    if isinstance(fn, Derivative):
        return fn.signature
    code = getattr(fn, "__code__", None)
    try:
        hit = _SIGNATURES.get(fn)
    except TypeError:  # not weakly referenceable
        return inspect.signature(as_function(fn))
    if hit is None or hit[0] is not code:
        hit = _SIGNATURES[fn] = (code, inspect.signature(as_function(fn)))
    return hit[1]


def function_for(fn, vals):
    """The Python function to differentiate for these arguments: ``fn`` itself (a NumPy
    function or ufunc as a one-line function: ``callables``), or, for a derivative, its
    generated function (derivatives of derivatives, docs/architecture.md: pipeline)."""
    if isinstance(fn, Derivative):
        if fn.backend == "numba":
            raise ArgumentError("a backend='numba' derivative is compiled code: "
                                "differentiate one made with backend='numpy' instead")
        return fn.compiled(vals).fn
    fn = getattr(fn, "__wrapped__", fn) if isinstance(fn, Checkpointed) else as_function(fn)
    spec_of(fn)
    return fn


class Derivative(DerivativeBase):
    """What ``grad`` returns: call it like the derivative; ``.primal``, ``.source``."""

    def __init__(self, fn: Callable[..., Any], wrt: Wrt = 0, with_value: bool = False,
                 mode: str = "reverse", optimize: bool = True, checkpoint: Any = None,
                 backend: str = "numpy", has_aux: bool = False, fallback: bool = False) -> None:
        if mode not in ("reverse", "forward"):
            raise ArgumentError(f"mode={mode!r}: use 'reverse' or 'forward'")
        self.primal, self.mode, self.backend = fn, mode, check_backend(backend, mode)
        self.fallback = check_fallback(fallback, self.backend)
        self.checkpoint = check_policy(checkpoint)
        if checkpoint is not None and mode != "reverse":
            raise ArgumentError("checkpoint= applies to mode='reverse' (forward mode keeps no tape)")
        if isinstance(fn, Checkpointed):
            fn = fn.fn
        fn = as_function(fn)
        if not isinstance(fn, Derivative):
            spec_of(fn)  # fail early on a function without source
        self.signature = signature_of(fn)
        self.names = list(self.signature.parameters)
        self.wrt, single = normalize_wrt(fn, wrt, self.names)
        active = sorted(set(self.wrt))
        # True: one gradient; else the gradients' positions among the active parameters
        self.single = True if single else tuple(active.index(w) for w in self.wrt)
        self.with_value, self.optimize, self.has_aux = with_value, optimize, bool(has_aux)
        if has_aux and checkpoint is not None:
            raise ArgumentError("has_aux=True does not combine with checkpoint=")
        self._last, self._variants, self._fast, self._size_one = None, {}, {}, set()
        functools.update_wrapper(self, fn, updated=())  # not fn.__dict__: a Derivative's state

    def _bind(self, args, kwargs):
        if not kwargs and len(args) == len(self.names):
            return list(args)
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as e:
            raise ArgumentError(f"bad arguments to {self.__name__}: {e}") from None
        bound.apply_defaults()
        return list(bound.arguments.values())

    def compiled_for_kinds(self, kinds) -> Compiled:
        """The variant for arguments of these kinds (used when a derivative is itself
        differentiated); a kind the caller does not know gets generic code (rt.add)."""
        samples = {"scalar": 0.0, "seq": [], "num": np.zeros(2)}
        vals = [samples.get(k if isinstance(k, str) else "seq", np.zeros(2)) for k in kinds]
        return self.compiled(vals, kinds=[k if k in samples else "unk" for k in kinds])

    def plan(self, args=None, kinds=None) -> Request:
        """What the pipeline compiles for arguments like ``args`` (default: arrays of any
        shape); real arguments in reverse mode with the NumPy or numba back end specialise
        it to which of their axes have size 1 (``patterns``)."""
        mask = [i in self.wrt for i in range(len(self.names))]
        vals = args if args is not None else [np.zeros(2)] * len(self.names)
        shaped = args is not None and kinds is None and self.mode == "reverse" \
            and self.backend != "array_api"
        kinds = kinds or [_kind(a) for a in vals]
        target = function_for(self.primal, vals)
        mode = "fgrad" if self.mode == "forward" else "grad"
        return Request(target, mask, kinds, mode, self.single, self.with_value, self.optimize,
                       self.checkpoint, [pattern(a) for a in args] if shaped else None,
                       self.backend, names=self.names)

    def compiled(self, args=None, kinds=None) -> Compiled:
        """The compiled derivative for arguments like ``args`` (``plan``); with
        ``fallback=True`` (numba), the NumPy back end's code if numba cannot compile it."""
        req = self.plan(args, kinds)
        out = compile_derivative(req)
        if self.fallback:
            out = with_fallback(out, lambda: compile_derivative(
                dataclasses.replace(req, backend="numpy")))
        return out

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            if not kwargs:  # fast path: arguments like a previous call's, none promoted
                hit = self._fast.get(tuple([(x.dtype.char, x.shape) if type(x) is _ARRAY
                                            else type(x) for x in args]))
                if hit is not None and fresh(hit.guards):  # no global rebound, no helper redefined
                    self._last = hit
                    return hit.fn(*args)
            return self._call(args, kwargs)
        except TangentlikeError as e:  # tangentlike frames trimmed (TANGENTLIKE_DEBUG=1 keeps
            raise user_error(rt.source_note(e))  # them), after the note naming the user's line
        except Exception as e:
            rt.source_note(e)  # an error in generated code: name the user's line (sourcemap)
            raise

    def _call(self, args, kwargs):
        vals = self._bind(args, kwargs)
        check_arguments(vals, self.names)
        for i in self.wrt:
            vals[i] = check_differentiable(vals[i], self.names[i])
        key = (*map(_kind, vals), *map(pattern, vals))
        trees = self.mode == "forward" and any(is_container(vals[i]) for i in self.wrt)
        if self.has_aux or trees or key in self._size_one:  # one JVP per leaf element
            return outputs.gradient(self, vals)
        compiled = self._variants.get(key)
        if compiled is None or not fresh(compiled.guards):
            compiled = self._variants[key] = self.compiled(vals)
        self._last = compiled
        fast = tuple(map(_fast_key, args))
        if not kwargs and len(args) == len(vals) and None not in fast \
                and all(v is a for v, a in zip(vals, args)):
            if len(self._fast) > 256:
                self._fast.clear()
            self._fast[fast] = compiled
        try:
            return compiled.fn(*vals)
        except NonScalarOutputError as e:  # a size-1 array output: seeded with ones instead
            if not outputs.size_one(e):
                raise
            self._fast.pop(fast, None)
            self._size_one.add(key)
        return outputs.gradient(self, vals)

    @property
    def source(self) -> SourceCode:
        """The generated source (of the variant last called, else of the array variant)."""
        return SourceCode((self._last or self.compiled()).source)

    def describe(self) -> str:
        """What this derivative is: ``grad of loss wrt W``."""
        return display.describe(self)

    def __repr__(self) -> str:
        extra = f", checkpoint={self.checkpoint!r}" if self.checkpoint is not None else ""
        return f"<{self.describe()}, {self.mode}{extra}>"

    def header(self) -> str:
        """One line: what it is, the mode, what the shown code is specialised to, and where
        the function was defined (``Cell In[3], line 2`` in IPython)."""
        return display.header(self)

    def _repr_html_(self) -> str:
        return display.rich_html(self.header(), display.shown_source(self))

    def _repr_markdown_(self) -> str:
        return display.rich_markdown(self.header(), display.shown_source(self))


BACKENDS = {"numpy": "numpy", "array_api": "array_api", "array-api": "array_api",
            "numba": "numba"}


def check_backend(backend, mode):
    """The canonical name of ``backend`` (``numpy``; ``array_api``: generated code that
    takes its namespace from its arguments; ``numba``: code compiled by ``numba.njit``);
    the array API and numba back ends are reverse mode."""
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise ArgumentError(f"backend={backend!r}: use 'numpy', 'array_api' or 'numba'")
    backend = BACKENDS[backend]
    if backend != "numpy" and mode != "reverse":
        raise ArgumentError(f"backend={backend!r} differentiates in reverse mode; "
                            "mode='forward' needs backend='numpy'")
    return backend


def check_fallback(fallback, backend) -> bool:
    """``fallback=True`` (numba only): use the NumPy back end, with a warning, for a
    derivative numba cannot compile."""
    if not isinstance(fallback, bool):
        raise ArgumentTypeError(f"fallback must be True or False, not {fallback!r}")
    if fallback and backend != "numba":
        raise ArgumentError("fallback=True applies to backend='numba' (the NumPy back end "
                            "is what it falls back to)")
    return fallback


def _options_decorator(factory, fn, kwargs):
    if fn is None:
        def decorate(f):
            return factory(f, **kwargs)
        decorate.__name__ = decorate.__qualname__ = factory.__name__
        return entry_point(decorate)
    return factory(fn, **kwargs)


_GRAD_OPTIONS = ("wrt", "argnums", "argnum", "has_aux", "mode", "optimize", "checkpoint",
                 "backend", "fallback")


def _grad_options(entry, wrt, options):
    check_options(entry, options, _GRAD_OPTIONS)
    options = dict(options)
    options["wrt"] = resolve_wrt(wrt, options.pop("argnums", None),
                                 argnum=options.pop("argnum", None))
    return options


@overload
def grad(fn: Callable[..., Any], wrt: Wrt = ..., **options: Any) -> Derivative: ...
@overload
def grad(fn: None = ..., wrt: Wrt = ...,
         **options: Any) -> Callable[[Callable[..., Any]], Derivative]: ...


@entry_point
def grad(fn: Callable[..., Any] | None = None, wrt: Wrt | None = None,
         **options: Any) -> Derivative | Callable[[Callable[..., Any]], Derivative]:
    """Gradient of a scalar function; a decorator (with or without options) or a call.
    ``argnums=`` is ``wrt=``'s JAX spelling; ``has_aux=True``: ``fn`` returns ``(out, aux)``
    and the gradient comes back as ``(gradient, aux)``."""
    return _options_decorator(Derivative, fn, _grad_options("grad", wrt, options))


@overload
def value_and_grad(fn: Callable[..., Any], wrt: Wrt = ..., **options: Any) -> Derivative: ...
@overload
def value_and_grad(fn: None = ..., wrt: Wrt = ...,
                   **options: Any) -> Callable[[Callable[..., Any]], Derivative]: ...


@entry_point
def value_and_grad(fn: Callable[..., Any] | None = None, wrt: Wrt | None = None,
                   **options: Any) -> Derivative | Callable[[Callable[..., Any]], Derivative]:
    """Like ``grad``, returning ``(value, gradient)`` (``((value, aux), gradient)`` with
    ``has_aux=True``)."""
    options = _grad_options("value_and_grad", wrt, options)
    return _options_decorator(Derivative, fn, dict(options, with_value=True))


def _copy_lists(x, memo=None):
    """Copy the lists (tapes, the user's lists) inside saved residuals: the backward
    function pops and restores them, and a pullback may be called many times. One list
    saved under several names stays one list (a memo keeps the aliasing)."""
    memo = {} if memo is None else memo
    if isinstance(x, list):
        if id(x) not in memo:
            memo[id(x)] = new = []
            new.extend(_copy_lists(e, memo) for e in x)
        return memo[id(x)]
    if isinstance(x, tuple):  # a namedtuple stays one (rt.field_vjp reads its fields)
        return rebuild(x, [_copy_lists(e, memo) for e in x])
    return x


def differentiable_mask(vals, names):
    """Promote the arguments that can carry a derivative; mask the others off."""
    mask = []
    for i, v in enumerate(vals):
        try:
            ok = not isinstance(v, (bool, int, np.integer))
            vals[i] = check_differentiable(v, names[i]) if ok else v
        except DifferentiationTypeError:
            ok = False
        mask.append(ok)
    return mask


register_compile_time(grad, value_and_grad)
