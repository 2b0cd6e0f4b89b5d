"""Cases of the rules added for the wider NumPy surface and the ``math`` module:
``einsum`` in both calling forms and with three or more operands, the split
family, ``append``, ``np.r_``/``np.c_``, ``column_stack``, ``diff``,
``convolve``/``correlate`` in every mode and both length orders, ``linspace``,
``cross``, ``select``, ``partition``, ``rot90``, ``rollaxis``, ``nan_to_num``,
the complex-part functions on real inputs, and the runtime helpers they use."""
import math

import numpy as np
from rulecheck import C, arr, away, distinct, num

from tangentlike import runtime as rt

COND = [np.array([True, False, False, True]), np.array([True, True, False, False])]
PLAN2 = ((0, 1), ("ij", "jk"), "ik")
PLAN3 = ((1, 2, 3), ("ij", "jk", "kl"), "il")

EINSUM = [
    C(np.einsum, "ij,jk,kl->il", arr(2, 3), arr(3, 4), arr(4, 2)),
    C(np.einsum, "i,i,i", arr(3), arr(3), arr(3)),
    C(np.einsum, "ij,j,i,k->k", arr(2, 3), arr(3), arr(2), arr(2)),
    C(np.einsum, "...i,ij,j", arr(2, 3), arr(3, 3), arr(3)),
    C(np.einsum, arr(2, 3), [0, 1], [1, 0]), C(np.einsum, arr(3, 3), [0, 0]),
    C(np.einsum, arr(2, 3), [0, 1], arr(3, 4), [1, 2], [0, 2]),
    C(np.einsum, arr(2, 3), [0, 1], arr(3), [1], arr(2), [0], []),
    C(np.einsum, arr(2, 3), [Ellipsis, 1], arr(3), [1]),
    C(np.einsum, "ij,jk", arr(2, 3), arr(3, 4), optimize=True),
    C(np.einsum, "ii,i->", arr(3, 3), arr(3)),
]

JOINS = [
    C(np.split, arr(6), 3), C(np.split, arr(4, 3), [1, 3]), C(np.split, arr(2, 6), 2, axis=1),
    C(np.array_split, arr(7), 3), C(np.array_split, arr(3, 5), 2, axis=-1),
    C(np.hsplit, arr(2, 4), 2), C(np.hsplit, arr(6), [2]), C(np.vsplit, arr(4, 3), 2),
    C(np.dsplit, arr(2, 2, 4), [1, 3]),
    C(np.append, arr(3), arr(2)), C(np.append, arr(2, 3), arr(4)), C(np.append, arr(3), num()),
    C(np.append, arr(2, 3), arr(1, 3), axis=0), C(np.append, arr(2, 3), arr(2, 2), axis=1),
    C(rt.axis_concat, "r", (arr(3), num(), arr(2))), C(rt.axis_concat, "r", (arr(2), arr(2))),
    C(rt.axis_concat, "c", (arr(3), arr(3))), C(rt.axis_concat, "c", (arr(2, 2), arr(2))),
    C(rt.axis_concat, "r", ("0,2", arr(3), arr(3))), C(rt.axis_concat, "r", ("1", arr(2, 2), arr(2, 3))),
    C(np.column_stack, (arr(3), arr(3))), C(np.column_stack, [arr(3, 2), arr(3), arr(3, 1)]),
    C(np.dstack, (arr(3), arr(3))), C(np.dstack, [arr(2, 3), arr(2, 3, 2), arr(2, 3)]),
    C(np.rot90, arr(3, 4)), C(np.rot90, arr(3, 4), 3), C(np.rot90, arr(2, 3, 4), -1, (1, 2)),
    C(np.rot90, arr(3, 4), k=2),
    C(np.rollaxis, arr(2, 3, 4), 2), C(np.rollaxis, arr(2, 3, 4), 0, 3),
    C(np.rollaxis, arr(2, 3, 4), -1, 1), C(np.rollaxis, arr(2, 3, 4), 1, start=-1),
]
if hasattr(np, "row_stack") and np.row_stack is not np.vstack:
    JOINS += [C(np.row_stack, (arr(3), arr(2, 3)))]

SIGNALS = [
    C(np.diff, arr(5)), C(np.diff, arr(5), 2), C(np.diff, arr(3, 4), axis=0),
    C(np.diff, arr(3, 5), n=3, axis=-1),
    *[C(f, arr(n), arr(m), mode) for f in (np.convolve, np.correlate)
      for n, m in ((5, 3), (3, 5), (4, 4), (2, 7), (6, 2), (1, 3)) for mode in ("full", "same", "valid")],
    C(np.convolve, arr(4), arr(2)), C(np.correlate, arr(4), arr(2)),
    C(np.linspace, num(), num(), 5), C(np.linspace, num(), num(), 4, endpoint=False),
    C(np.linspace, arr(2), num(), 3), C(np.linspace, num(), arr(2, 1), 4, axis=-1),
    C(np.linspace, num(), num(), 1), C(np.linspace, num(), num(), num=6, dtype=float),
    C(np.cross, arr(3), arr(3)), C(np.cross, arr(4, 3), arr(3)), C(np.cross, arr(3, 2), arr(3, 2), axis=0),
    C(rt.cross, arr(3), arr(3)), C(rt.cross, arr(4, 3), arr(3)), C(rt.cross, arr(3, 2), arr(3, 2), 0),
    C(np.select, COND, [arr(4), arr(4)], arr(4)), C(np.select, COND, [arr(4), num()]),
    C(np.select, COND, [arr(2, 4), arr(4)], num()),
    C(np.nan_to_num, np.array([1.5, np.nan, 0.25])), C(np.nan_to_num, arr(3, 2)),
    C(np.nan_to_num, np.array([-np.inf, 0.5, np.inf]), posinf=2.0, neginf=-3.0),
    C(np.nan_to_num, np.array([np.nan, 2.0]), nan=3.0),
    C(np.partition, distinct(6), 2), C(np.partition, distinct(3, 5), 1, axis=1),
    C(np.partition, distinct(4, 3), (0, 2), axis=0), C(np.partition, distinct(2, 3), 4, axis=None),
    C(np.gradient, arr(5)), C(np.gradient, arr(6), num(0.5, 2.0)),
    C(np.gradient, arr(4), 0.5, edge_order=2), C(np.gradient, arr(3, 4), axis=1),
    C(np.gradient, arr(3, 4), 2.0, axis=0, edge_order=2),
    C(np.imag, arr(3)), C(np.imag, num()), C(np.conjugate, arr(2, 3)), C(np.conjugate, num()),
    C(np.angle, away(4)), C(np.angle, away(3), deg=True),
]

MATH = [
    *[C(f, num(0.2, 0.9)) for f in (math.exp, math.expm1, math.log, math.log2, math.log10,
                                    math.log1p, math.sqrt, math.sin, math.cos, math.tan, math.asin,
                                    math.acos, math.atan, math.sinh, math.cosh, math.tanh,
                                    math.asinh, math.atanh, math.erf, math.erfc, math.degrees,
                                    math.radians)],
    C(math.acosh, num(1.2, 2.0)), C(math.fabs, num(0.5, 2.0)), C(math.fabs, num(-2.0, -0.5)),
    C(math.log, num(0.5, 2.0), num(1.5, 3.0)), C(math.pow, num(0.5, 2.0), num(-2.0, 2.0)),
    C(math.pow, num(-2.0, -0.5), 3.0, wrt=(0,)), C(math.atan2, num(), num(0.5, 2.0)),
    C(math.hypot, num(), num(0.5, 2.0)), C(math.copysign, num(0.5, 2.0), num(-2.0, -0.5)),
    C(math.copysign, num(-2.0, -0.5), 1.0),
]

RUNTIME = [
    C(rt.einsum_into, PLAN2, arr(2, 4), arr(2, 3), arr(3, 4)),
    C(rt.einsum_into, PLAN3, arr(2, 5), "ij,jk,kl", arr(2, 3), arr(3, 4), arr(4, 5)),
    C(rt.einsum_into, ((0,), ("i",), "ii"), arr(3, 3), arr(3)),
    C(rt.axis_concat_vjp, arr(6), "r", (arr(3), num(), arr(2))),
    C(rt.axis_concat_vjp, arr(3, 2), "c", (arr(3), arr(3))),
    C(rt.axis_concat_lin, (arr(3), num(), arr(2)), "r", (arr(3), num(), arr(2))),
    C(rt.axis_concat_lin, (arr(2, 2), arr(2)), "c", (arr(2, 2), arr(2))),
    C(rt.np_append_vjp, arr(5), arr(3), arr(2)), C(rt.np_append_vjp, arr(3, 3), arr(2, 3), arr(1, 3), 0),
    C(rt.column_stack_vjp, arr(3, 3), [arr(3, 2), arr(3)]),
    C(rt.dstack_vjp, arr(2, 3, 3), [arr(2, 3), arr(2, 3, 2)]),
    C(rt.diff_vjp, arr(4), arr(5)), C(rt.diff_vjp, arr(2, 4), arr(5, 4), 3, 0),
    C(rt.select_vjp, arr(4), COND, [arr(4), num()]), C(rt.select_vjp, arr(2, 4), COND, [arr(4), arr(2, 4)]),
    C(rt.gradient_of, arr(5)), C(rt.gradient_of, arr(3, 4), num(0.5, 2.0), 1, 2),
    C(rt.gradient_of, arr(3, 4), None, 1), C(rt.gradient_vjp, arr(5), arr(5)),
    C(rt.gradient_vjp, arr(5), arr(5), num(0.5, 2.0)),
    C(rt.gradient_vjp, (arr(3, 4), arr(3, 4)), arr(3, 4)),  # coordinates: test_surface_more
    C(rt.spacing, num(0.5, 2.0)), C(rt.as_matrix, arr(2, 3)),
    C(rt.recip0, away(3)), C(rt.recip0, num(0.5, 2.0)), C(rt.log_of, num(0.5, 2.0)),
    C(rt.or_one, num()), C(rt.or_one, arr(2)),
    C(rt.match_complex, arr(3), arr(3)), C(rt.match_complex, num(), num()),
]

CASES = EINSUM + JOINS + SIGNALS + MATH + RUNTIME
