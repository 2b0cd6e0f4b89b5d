"""Checking a derivative against central finite differences (``tangentlike check``).

Promise: ``check(fn, wrt, shapes, seed)`` draws every argument of ``fn`` from a
float64 standard normal (``numpy.random.default_rng(seed)``; a Python float unless
``shapes`` gives the parameter a shape), computes the gradient with ``tl.grad`` and,
for each argument in ``wrt``, the central difference
``(f(x + h e_i) - f(x - h e_i)) / 2h`` with ``h = 1e-6 * max(1, |x_i|)`` for every
element. It returns one ``Row`` per argument with its max relative error
``max|g - fd| / max(1, max|fd|)`` and whether that is at most ``tol``. An exception
raised by the user's code is an ``EvaluationError`` naming it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import TangentlikeError

STEP = 1e-6


class EvaluationError(TangentlikeError):
    """The function (or its derivative) raised on the random inputs."""


@dataclass
class Row:
    name: str
    shape: tuple
    error: float
    ok: bool


def random_arguments(names, shapes: dict, seed: int) -> list:
    rng = np.random.default_rng(seed)
    out = []
    for n in names:
        shape = tuple(shapes.get(n, ()))
        out.append(rng.standard_normal(shape) if shape else float(rng.standard_normal()))
    return out


def _evaluate(what, thunk):
    try:
        return thunk()
    except TangentlikeError:
        raise
    except Exception as e:  # noqa: BLE001 - the user's code failed: say so in one line
        raise EvaluationError(f"{what} raised {type(e).__name__}: {e}".splitlines()[0]) from e


def _copy(a):
    return a.copy() if isinstance(a, np.ndarray) else a


def _scalar(fn, args) -> float:
    out = fn(*args)
    return float(np.real(out)) if np.ndim(out) == 0 else float("nan")


def central_difference(fn, args, i) -> np.ndarray:
    x = np.asarray(args[i], dtype=float)
    fd = np.zeros(x.shape)
    for idx in np.ndindex(*x.shape):
        h = STEP * max(1.0, abs(float(x[idx])))
        vals = []
        for sign in (1.0, -1.0):
            moved = x.copy()
            moved[idx] += sign * h
            trial = [_copy(a) for a in args]
            trial[i] = moved if x.shape else float(moved)
            vals.append(_scalar(fn, trial))
        fd[idx] = (vals[0] - vals[1]) / (2 * h)
    return fd


def check(fn, wrt: list, names: list, shapes: dict, seed: int = 0, tol: float = 1e-5) -> list:
    """One ``Row`` per argument index in ``wrt``."""
    from .api import grad
    args = random_arguments(names, shapes, seed)
    label = getattr(fn, "__name__", "the function")
    _evaluate(label, lambda: fn(*args))
    grads = _evaluate(f"the gradient of {label}",
                      lambda: grad(fn, wrt=tuple(wrt))(*[_copy(a) for a in args]))
    rows = []
    for i, g in zip(wrt, grads):
        fd = _evaluate(label, lambda: central_difference(fn, args, i))
        g = np.asarray(g, dtype=float)
        if g.shape != fd.shape:
            rows.append(Row(names[i], fd.shape, float("inf"), False))
            continue
        scale = max(1.0, float(np.max(np.abs(fd)))) if fd.size else 1.0
        err = float(np.max(np.abs(g - fd))) / scale if fd.size else 0.0
        rows.append(Row(names[i], fd.shape, err, bool(err <= tol)))
    return rows
