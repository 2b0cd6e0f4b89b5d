"""VJP and JVP rules of the ``math`` module's functions of real numbers.

Promises: the same derivatives as the NumPy functions of the same name (the
rule bodies use NumPy, so a derivative may be a NumPy scalar where ``math``
returns a Python float); each unary rule is ``g * f'(x)`` and serves as both VJP
and JVP. Where the NumPy rule is the same function (``exp``, ``sqrt``, ``log2``, the
trigonometric and hyperbolic functions, ...), ``math.f`` is registered on it in that
family's file instead of a copy here. Domains are ``math``'s own: ``log`` needs ``x > 0`` (and a positive
base other than 1), ``sqrt`` ``x > 0`` (infinite derivative at 0), ``asin``
and ``acos`` ``|x| < 1``, ``acosh`` ``x > 1``, ``atanh`` ``|x| < 1``.
``math.log(x, base)`` is ``log(x) / log(base)``, differentiable in both.
``math.pow`` has ``operator.pow``'s derivative (``0 ** y`` has derivative 0
in ``y``). ``math.copysign(x, y)`` is ``|x|`` with ``y``'s sign: derivative
``sign(x) sign(y)`` in ``x`` and 0 in ``y``. ``math.hypot`` takes two
coordinates. Integer and rounding functions (``floor``, ``ceil``, ``trunc``,
``factorial``, ``comb``, ...) and tests (``isnan``, ``isclose``, ...) have
no derivative. ``rt.log_of`` is ``log(base)`` (1 for no base) and ``rt.or_one``
the base (1 for none), with rules of their own for derivatives of derivatives.
"""
import math

import numpy as np

from .. import runtime as rt
from .registry import defjvp, defvjp, nondiff


@defvjp(math.log, argnums=(0, 1))
def log(g, ans, x, base=None):
    return g / (x * rt.log_of(base)), -g * ans / (rt.or_one(base) * rt.log_of(base))


@defjvp(math.log)
def log_jvp0(d, ans, x, base=None):
    return d / (x * rt.log_of(base))


@defjvp(math.log, argnum=1)
def log_jvp1(d, ans, x, base=None):
    return -d * ans / (rt.or_one(base) * rt.log_of(base))


@defvjp(rt.log_of)
@defjvp(rt.log_of)
def log_of(g, ans, base):
    return g / base


@defvjp(rt.or_one)  # the identity where it is differentiated (a base is given)
@defjvp(rt.or_one)
def or_one(g, ans, base):
    return g


@defvjp(math.erf)
@defjvp(math.erf)
def erf(g, ans, x):
    return g * (2.0 / np.sqrt(np.pi)) * np.exp(-x * x)


@defvjp(math.erfc)
@defjvp(math.erfc)
def erfc(g, ans, x):
    return -g * (2.0 / np.sqrt(np.pi)) * np.exp(-x * x)


@defvjp(math.copysign)  # derivative 0 in y (almost everywhere): y is not an argnum
@defjvp(math.copysign)
def copysign(g, ans, x, y):
    return g * np.sign(x) * np.sign(ans)


@defvjp(math.pow, argnums=(0, 1))
def pow_(g, ans, x, y):
    return g * y * x ** np.where(y, y - 1, 1.0), \
        g * ans * np.log(np.where(np.greater(x, 0), x, 1.0))


@defjvp(math.pow)
def pow_jvp0(d, ans, x, y):
    return d * y * x ** np.where(y, y - 1, 1.0)


@defjvp(math.pow, argnum=1)
def pow_jvp1(d, ans, x, y):
    return d * ans * np.log(np.where(np.greater(x, 0), x, 1.0))


# --- Trigonometric and hyperbolic (sin ... atanh have np.sin's rules: trigonometric.py) ---


@defvjp(math.atan2, argnums=(0, 1))
def atan2(g, ans, y, x):
    return g * x / (x * x + y * y), -g * y / (x * x + y * y)


@defjvp(math.atan2)
def atan2_jvp0(d, ans, y, x):
    return d * x / (x * x + y * y)


@defjvp(math.atan2, argnum=1)
def atan2_jvp1(d, ans, y, x):
    return -d * y / (x * x + y * y)


@defvjp(math.hypot, argnums=(0, 1))
def hypot(g, ans, x, y):
    return g * x / ans, g * y / ans


@defjvp(math.hypot)
def hypot_jvp0(d, ans, x, y):
    return d * x / ans


@defjvp(math.hypot, argnum=1)
def hypot_jvp1(d, ans, x, y):
    return d * y / ans


nondiff(math.floor, math.ceil, math.trunc, math.factorial, math.comb, math.perm, math.gcd,
        math.isqrt, math.isnan, math.isinf, math.isfinite, math.isclose)
nondiff(*(getattr(math, n) for n in ("lcm",) if hasattr(math, n)))
