"""What a call op's ``fn`` can be besides a plain Python function, and the user's
checkpoint policies — the objects every layer from the frontend up must recognise.

They live this low (just above ``errors``) so that the frontend and the transforms
see them without importing ``api`` (docs/architecture.md, "Layers"):

- ``Periodic`` / ``Binomial``: checkpoint policies for loops (transforms/checkpoint.py).
- ``Checkpointed``: a function differentiated by recomputation (``@tl.checkpoint``).
- ``DerivativeBase``: the protocol of ``api.Derivative`` (a derivative used inside a
  differentiated function: ``compiled_for_kinds(kinds).fn`` is its generated function).
- ``register_jvp``: ``tl.jvp`` and how to compile a JVP function, so that the frontend
  lowers ``tl.jvp(f, ...)`` inside a differentiated function (``frontend/nested.py``).
- ``compile_time``: the API transforms (``tl.grad``...) that, called inside a
  differentiated function, are evaluated at compile time; ``api`` registers them.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable

from ..errors import ArgumentError


@dataclass(frozen=True)
class Periodic:
    """Store the loop state every ``every`` iterations; recompute the segments."""

    every: int

    def __post_init__(self):
        if not isinstance(self.every, int) or isinstance(self.every, bool) or self.every < 1:
            raise ArgumentError(f"Periodic(every={self.every!r}): every must be an int >= 1")


class Checkpointed:
    """A function whose tape is not kept: reverse mode recomputes its forward sweep from
    its arguments when the adjoint reaches the call (``@tl.checkpoint``)."""

    def __init__(self, fn):
        self.fn = fn
        self.__name__ = getattr(fn, "__name__", "f")
        self.__wrapped__ = fn

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    def __repr__(self):
        return f"checkpoint({self.__name__})"


def checkpoint(fn: Callable[..., Any]) -> Checkpointed:
    """Decorator (or call-site wrapper ``tl.checkpoint(f)(x)``): differentiate ``fn`` by
    recomputation instead of keeping its tape."""
    return fn if isinstance(fn, Checkpointed) else Checkpointed(fn)


@dataclass(frozen=True)
class Binomial:
    """Keep at most ``snapshots`` loop states; recompute by the binomial (revolve) schedule."""

    snapshots: int

    def __post_init__(self):
        s = self.snapshots
        if not isinstance(s, int) or isinstance(s, bool) or s < 1:
            raise ArgumentError(f"Binomial(snapshots={s!r}): snapshots must be an int >= 1")


def check_policy(policy):
    if policy is not None and not isinstance(policy, (Periodic, Binomial)):
        raise ArgumentError(f"checkpoint={policy!r}: use tl.Periodic(every=k), "
                            "tl.Binomial(snapshots=s) or None")
    return policy


class DerivativeBase:
    """Base class of ``api.Derivative``: lets lower layers recognise a derivative object."""

    __slots__ = ()

    def compiled_for_kinds(self, kinds):  # pragma: no cover - api.Derivative overrides it
        raise NotImplementedError


_COMPILE_TIME: list = [checkpoint, functools.partial]  # partial(f, k=1)(x): a call of f


def register_compile_time(*fns):
    """Mark API transforms as evaluated at compile time inside a differentiated function."""
    _COMPILE_TIME.extend(f for f in fns if f not in _COMPILE_TIME)


def is_compile_time(fn) -> bool:
    return any(fn is f for f in _COMPILE_TIME)


_JVP: list = []  # [(tl.jvp, compile(fn, mask) -> the generated JVP function)]


def register_jvp(jvp, compile_jvp):
    _JVP[:] = [(jvp, compile_jvp)]


def is_jvp(fn) -> bool:
    return bool(_JVP) and fn is _JVP[0][0]


def compiled_jvp(fn, mask):
    """The generated JVP function of ``fn`` for arguments with a tangent where ``mask``."""
    return _JVP[0][1](fn, mask)


class Opaque:
    """A user or library function the frontend cannot lower (no source, or a construct
    outside the subset, such as SciPy's ``raise`` for a bad argument), called here: it
    runs as a primal call. ``error`` is why it cannot be lowered; differentiating the
    call (an argument that carries a derivative) raises it. Array arguments are passed
    read-only, so a callee writing into one fails instead of changing a value the
    derivative code keeps."""

    def __init__(self, fn, error):
        self.fn, self.error = fn, error
        self.__name__ = getattr(fn, "__name__", "f")
        self.__qualname__ = getattr(fn, "__qualname__", self.__name__)
        self.__module__ = getattr(fn, "__module__", None)
        self.__wrapped__ = fn

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        args = [_read_only(a) for a in args]
        kwargs = {k: _read_only(v) for k, v in kwargs.items()}
        return self.fn(*args, **kwargs)

    def __eq__(self, other):
        return isinstance(other, Opaque) and other.fn is self.fn

    def __hash__(self):
        return hash(self.fn)

    def __repr__(self):
        return f"opaque({self.__qualname__})"


def _read_only(a):
    import numpy as np
    if type(a) is np.ndarray and a.flags.writeable:
        a = a.view()
        a.flags.writeable = False
    return a
