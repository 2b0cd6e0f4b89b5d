"""Bad functions for tests/test_errors.py: one mistake each (docs/architecture.md: errors).

They live in their own module so that their source and line numbers are
stable. Each function has exactly one line marked ``# <- ...``: the line the
error must point to. test_errors.py finds it with ``inspect.getsourcelines``,
so functions may be added or moved freely, but keep one marker per function
and keep every other line of a function inside the accepted subset, so that
the marked construct is the first (and only) thing the compiler can reject.
"""
import contextlib
import math

import numpy as np


def _add(a, b=1.0):
    """A callee inside the subset, for the call-syntax cases."""
    return a + b


# ---------------------------------------------------------------- unsupported syntax

def uses_try(x):
    y = x * 2.0
    try:  # <- try
        y = y * x
    except ZeroDivisionError:
        y = x
    return y


def uses_with(x):
    with contextlib.nullcontext():  # <- with
        y = x * x
    return y


def uses_yield(x):
    y = x * x
    yield y  # <- yield


_G = 0.0


def uses_global(x):
    global _G  # <- global
    _G = x * 2.0
    return x * _G


def _make_uses_nonlocal():
    acc = 1.0

    def uses_nonlocal(x):
        nonlocal acc  # <- nonlocal
        acc = acc + x
        return acc * x

    return uses_nonlocal


uses_nonlocal = _make_uses_nonlocal()


def uses_class(x):
    class Box:  # <- class
        pass
    return x * x


async def uses_async(x):  # <- async
    return x * x


def uses_lambda(x):
    fs = [lambda t: t * t]  # <- lambda (as a value)
    return x


def uses_eval(x):
    y = eval("x * x")  # <- eval
    return y


def uses_exec(x):
    exec("z = 1")  # <- exec
    return x * x


def uses_star_args(x):
    return _add(*np.shape(x))  # <- star


_KW = {"b": 2.0}


def uses_double_star_kwargs(x):
    return _add(x, **_KW)  # <- **kwargs


def uses_del(x):
    y = x * x
    z = y * 2.0
    if z > 0.0:
        del y  # <- del
    return z


def uses_set_comprehension(x):
    ys = {x * k for k in range(3)}  # <- comprehension
    return x


def uses_import(x):
    import operator  # <- import
    return x * x


# ---------------------------------------------------------------- missing derivative rule

def calls_gamma(x):
    y = x * 2.0
    return math.gamma(y)  # <- gamma (a C function: no rule, no source)


def _gamma_helper(t):
    return math.gamma(t) * 2.0  # <- gamma, inside a callee


def calls_gamma_in_helper(x):
    return _gamma_helper(x * x)


# ---------------------------------------------------------------- API misuse

def vector_output(x):
    return x * 2.0


def two_params(alpha, beta):
    return alpha * beta


def square(value):
    return value * value


def internal_victim(x):
    """Used only by the InternalError test, so that no cache can hold it."""
    return x * x + 3.0 * x


# ---------------------------------------------------------------- no source

made_by_eval = eval("lambda x: x * x")

_ns = {}
exec("def made_by_exec(x):\n    return x * x\n", _ns)
made_by_exec = _ns["made_by_exec"]
del _ns

builtin_no_rule = np.busday_count  # compiled, and no derivative rule (np.sin has one: it works)
builtin_math_no_rule = math.gamma  # no rule (math.erf has one since the math rules: it works)
