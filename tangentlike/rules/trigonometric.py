"""VJP and JVP rules of the trigonometric and hyperbolic functions and their inverses.

Promises: as in ``elementwise``: a unary rule is ``g * f'(x)`` and serves as
both VJP and JVP (diagonal Jacobian); ``arctan2`` and ``hypot`` unbroadcast in
reverse and have the shape of ``ans`` in forward mode. Domains: ``arcsin``,
``arccos`` and ``arctanh`` need ``|x| < 1``, ``arccosh`` ``x > 1`` (the
derivative is infinite at the ends). ``sinc`` is ``sin(pi x) / (pi x)``; its
derivative ``(cos(pi x) - sinc(x)) / x`` is taken as 0 at 0, its limit (so the
second derivative at exactly 0 is not available). ``deg2rad``/``rad2deg``
(and ``radians``/``degrees``) are linear: their rule is the function itself.
"""
import math

import numpy as np

from .. import runtime as rt
from .registry import defjvp, defvjp


@defvjp(np.sin, math.sin)  # math.sin on a float: the same rule
@defjvp(np.sin, math.sin)
def sin(g, ans, x):
    return g * np.cos(x)


@defvjp(np.cos, math.cos)  # math.cos on a float: the same rule
@defjvp(np.cos, math.cos)
def cos(g, ans, x):
    return -g * np.sin(x)


@defvjp(np.tan, math.tan)  # math.tan on a float: the same rule
@defjvp(np.tan, math.tan)
def tan(g, ans, x):
    return g * (1.0 + ans * ans)


@defvjp(np.arcsin, math.asin)  # math.asin on a float: the same rule
@defjvp(np.arcsin, math.asin)
def arcsin(g, ans, x):
    return g / np.sqrt(1.0 - x * x)


@defvjp(np.arccos, math.acos)  # math.acos on a float: the same rule
@defjvp(np.arccos, math.acos)
def arccos(g, ans, x):
    return -g / np.sqrt(1.0 - x * x)


@defvjp(np.arctan, math.atan)  # math.atan on a float: the same rule
@defjvp(np.arctan, math.atan)
def arctan(g, ans, x):
    return g / (1.0 + x * x)


@defvjp(np.sinh, math.sinh)  # math.sinh on a float: the same rule
@defjvp(np.sinh, math.sinh)
def sinh(g, ans, x):
    return g * np.cosh(x)


@defvjp(np.cosh, math.cosh)  # math.cosh on a float: the same rule
@defjvp(np.cosh, math.cosh)
def cosh(g, ans, x):
    return g * np.sinh(x)


@defvjp(np.tanh, math.tanh)  # math.tanh on a float: the same rule
@defjvp(np.tanh, math.tanh)
def tanh(g, ans, x):
    return g * (1.0 - ans * ans)


@defvjp(np.arcsinh, math.asinh)  # math.asinh on a float: the same rule
@defjvp(np.arcsinh, math.asinh)
def arcsinh(g, ans, x):
    return g / np.sqrt(x * x + 1.0)


@defvjp(np.arccosh, math.acosh)  # math.acosh on a float: the same rule
@defjvp(np.arccosh, math.acosh)
def arccosh(g, ans, x):
    return g / np.sqrt(x * x - 1.0)


@defvjp(np.arctanh, math.atanh)  # math.atanh on a float: the same rule
@defjvp(np.arctanh, math.atanh)
def arctanh(g, ans, x):
    return g / (1.0 - x * x)


@defvjp(np.sinc)
@defjvp(np.sinc)
def sinc(g, ans, x):
    safe = np.where(np.equal(x, 0.0), 1.0, x)
    return g * np.where(np.equal(x, 0.0), 0.0, (np.cos(np.pi * x) - ans) / safe)


@defvjp(np.deg2rad)
@defjvp(np.deg2rad)
def deg2rad(g, ans, x):
    return np.deg2rad(g)


@defvjp(np.radians, math.radians)  # math.radians on a float: the same rule
@defjvp(np.radians, math.radians)
def radians(g, ans, x):
    return np.radians(g)


@defvjp(np.rad2deg)
@defjvp(np.rad2deg)
def rad2deg(g, ans, x):
    return np.rad2deg(g)


@defvjp(np.degrees, math.degrees)  # math.degrees on a float: the same rule
@defjvp(np.degrees, math.degrees)
def degrees(g, ans, x):
    return np.degrees(g)


# --- Binary ---------------------------------------------------------------------------

@defvjp(np.arctan2, argnums=(0, 1))
def arctan2(g, ans, x1, x2):
    r2 = x1 * x1 + x2 * x2
    return rt.unbroadcast(g * x2 / r2, x1), rt.unbroadcast(-g * x1 / r2, x2)


@defjvp(np.arctan2)
def arctan2_jvp0(d, ans, x1, x2):
    return d * x2 / (x1 * x1 + x2 * x2)


@defjvp(np.arctan2, argnum=1)
def arctan2_jvp1(d, ans, x1, x2):
    return -d * x1 / (x1 * x1 + x2 * x2)


@defvjp(np.hypot, argnums=(0, 1))
def hypot(g, ans, x1, x2):
    return rt.unbroadcast(g * x1 / ans, x1), rt.unbroadcast(g * x2 / ans, x2)


@defjvp(np.hypot)
def hypot_jvp0(d, ans, x1, x2):
    return d * x1 / ans


@defjvp(np.hypot, argnum=1)
def hypot_jvp1(d, ans, x1, x2):
    return d * x2 / ans
