"""Cases of the arithmetic, elementwise and trigonometric rules: inputs from each
function's domain, with broadcasting (``binary`` pairs shapes (3, 4)·(3, 4),
(3, 1)·(1, 4), scalar·array, array·scalar, scalar·scalar, (4,)·(2, 3, 4))."""
import operator

import numpy as np
from rulecheck import C, arr, away, binary, num, pos, unary

MASK = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, True]])
COND = np.array([[True], [False], [True]])


def unit(*s):
    """|x| < 0.9: the domain of arcsin, arccos, arctanh."""
    return arr(*s, lo=-0.9, hi=0.9)


def above1(*s):
    return arr(*s, lo=1.2, hi=3.0)


REMAINDERS = (operator.mod, np.mod, np.fmod)

CASES = [
    *binary(operator.add, np.add, operator.sub, np.subtract, operator.mul, np.multiply),
    *binary(operator.truediv, np.divide, rhs_lo=0.5),
    *binary(operator.pow, np.power, lo=0.5, rhs_lo=-2.0),
    C(operator.pow, arr(3, lo=-2.0, hi=-0.5), 3.0, wrt=(0,)),
    C(np.power, arr(2, 3), 2, wrt=(0,)),
    # remainders: away from the jumps, where a / b is an integer
    *[C(f, arr(3, 4, lo=0.2, hi=0.8), arr(3, 4, lo=1.0, hi=1.5)) for f in REMAINDERS],
    *[C(f, arr(3, 1, lo=2.2, hi=2.8), arr(1, 4, lo=1.0, hi=1.05)) for f in REMAINDERS],
    C(operator.mod, num(2.2, 2.8), num(1.0, 1.05)),
    C(np.fmod, arr(3, lo=-2.8, hi=-2.2), num(1.0, 1.05)),
    *[C(f, arr(3, 4), arr(4, 5)) for f in (operator.matmul,)],
    *[C(f, s) for f in (operator.neg, np.negative, operator.pos, np.positive)
      for s in (arr(3, 2), num())],
    # exponentials and logarithms
    *unary(np.exp, np.exp2, np.expm1, np.square, np.cbrt, np.sin, np.cos, np.sinh, np.cosh,
           np.tanh, np.arctan, np.arcsinh, np.deg2rad, np.rad2deg, np.radians, np.degrees,
           np.real),
    *unary(np.tan, gen=lambda *s: arr(*s, lo=-1.0, hi=1.0)),
    *unary(np.log, np.log2, np.log10, np.log1p, np.sqrt, np.reciprocal, gen=pos),
    *unary(np.arcsin, np.arccos, np.arctanh, gen=unit),
    *unary(np.arccosh, gen=above1, scalar=(1.2, 2.0)),
    *unary(np.sinc, np.abs, abs, np.fabs, gen=away),
    C(np.cbrt, arr(3, lo=-2.0, hi=-0.5)), C(np.reciprocal, arr(2, 2, lo=-2.0, hi=-0.5)),
    # binary elementwise
    *[C(f, x, y) for f in (np.logaddexp, np.logaddexp2, np.arctan2, np.hypot)
      for x, y in ((arr(3, 4), arr(3, 4)), (arr(3, 1), arr(1, 4)), (num(), arr(3)),
                   (away(2), num(0.5, 1.0)))],
    *[C(f, x, y) for f in (np.maximum, np.minimum, np.fmax, np.fmin)
      for x, y in ((arr(3, 1), arr(1, 4)), (num(), arr(3)), (arr(2, 3), arr(2, 3)))],
    C(np.where, MASK, arr(3, 4), arr(3, 4)), C(np.where, COND, arr(1, 4), num()),
    C(np.where, COND, num(), arr(3, 4)),
    # clip: values inside and outside the bounds, bounds as numbers, arrays, keywords
    C(np.clip, arr(3, 4, lo=-3.0, hi=3.0), -1.0, 1.0),
    C(np.clip, arr(3, 4, lo=-3.0, hi=3.0), num(-1.5, -0.5), num(0.5, 1.5)),
    C(np.clip, arr(3, 4, lo=-3.0, hi=3.0), arr(3, 1, lo=-1.5, hi=-0.5), arr(4, lo=0.5, hi=1.5)),
    C(np.clip, arr(5, lo=-3.0, hi=3.0), None, num(0.5, 1.5)),
    C(np.clip, arr(5, lo=-3.0, hi=3.0), num(-1.0, 0.0), None),
    C(np.clip, arr(2, 3, lo=-3.0, hi=3.0), min=num(-1.5, -0.5), max=num(0.5, 1.5)),
    C(np.clip, num(-3.0, 3.0), -1.0, 1.0),
    C(np.clip, arr(1, 4, lo=-3.0, hi=3.0), arr(3, 1, lo=-1.0, hi=-0.2), 1.0),
    C(float, num()), C(float, arr()),
    C(np.float64, num()), C(np.float64, arr()),
]
