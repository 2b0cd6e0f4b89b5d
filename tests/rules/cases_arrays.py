"""Cases of the reduction, shape and indexing rules: axis (None, int, negative,
tuple), keepdims and ddof variants, containers of arrays, fancy and boolean
indices, and Python-number inputs."""
import operator

import numpy as np
from rulecheck import C, arr, away, distinct, num

from tangentlike import runtime as rt

REDUCE_KW = [{}, {"axis": 0}, {"axis": -1}, {"axis": (0, 2)}, {"axis": 1, "keepdims": True},
             {"keepdims": True}]
MASK = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, True]])

REDUCTIONS = [
    *[C(f, arr(3, 4, 2), **kw) for f in (np.sum, np.mean) for kw in REDUCE_KW],
    *[C(f, num()) for f in (np.sum, np.mean, np.max, np.prod)],
    *[C(f, distinct(3, 4, 2), **kw) for f in (np.max, np.amax, np.min, np.amin)
      for kw in REDUCE_KW],
    *[C(np.prod, arr(3, 4, 2, lo=0.5, hi=1.5), **kw) for kw in REDUCE_KW],
    C(np.prod, away(4)), C(np.prod, np.array([2.0, 0.0, 3.0])),
    C(np.prod, np.array([[2.0, 0.0], [0.0, 3.0]]), axis=1),
    *[C(f, arr(3, 4, 2), **kw) for f in (np.var, np.std) for kw in REDUCE_KW],
    *[C(f, arr(3, 4), axis=ax, ddof=1) for f in (np.var, np.std) for ax in (None, 0, -1)],
    C(np.var, arr(5), ddof=2, keepdims=True),
    C(np.std, arr(2, 3, 4), axis=(0, 2), ddof=1, keepdims=True),
    *[C(f, arr(3, 4), **kw) for f in (np.cumsum,) for kw in ({}, {"axis": 0}, {"axis": -1})],
    C(np.cumsum, num()), C(np.cumsum, arr(2, 3, 2), axis=1),
    *[C(np.cumprod, away(3, 4), **kw) for kw in ({}, {"axis": 0}, {"axis": -1})],
    C(np.cumprod, away(2, 3, 2), axis=1),
    # norms: vector p-norms, inf norms (no ties), Frobenius, along axes
    *[C(np.linalg.norm, away(5), ord=o) for o in (None, 1, 2, 3, 1.5, 0.5, np.inf, -np.inf, 0)],
    C(np.linalg.norm, distinct(5), ord=np.inf), C(np.linalg.norm, away(3, 4)),
    C(np.linalg.norm, away(3, 4), "fro"),
    C(np.linalg.norm, away(3, 4), axis=1),
    C(np.linalg.norm, away(3, 4), ord=1, axis=0, keepdims=True),
    C(np.linalg.norm, away(2, 3, 4), axis=(1, 2)),
    C(np.linalg.norm, away(2, 3, 4), ord="fro", axis=(0, 2), keepdims=True),
    C(np.linalg.norm, away(2, 3, 4)), C(np.linalg.norm, num(0.5, 2.0)),
]

SHAPES = [
    C(np.reshape, arr(3, 4), (2, 6)), C(np.reshape, arr(3, 4), shape=(4, 3), order="F"),
    C(np.reshape, num(), (1, 1)),
    C(np.ravel, arr(3, 4)), C(np.ravel, arr(3, 4), order="F"),
    C(rt.flatten, arr(3, 4)), C(rt.flatten, arr(2, 3), "F"),
    C(np.squeeze, arr(3, 1, 4)), C(np.squeeze, arr(3, 1, 1), axis=1),
    C(np.expand_dims, arr(3, 4), 1), C(np.expand_dims, arr(3), (0, 2)), C(np.expand_dims, num(), 0),
    *[C(f, x) for f in (np.atleast_1d, np.atleast_2d, np.atleast_3d)
      for x in (num(), arr(3), arr(2, 3))],
    C(np.transpose, arr(2, 3, 4)), C(np.transpose, arr(2, 3, 4), (1, 2, 0)),
    C(np.transpose, arr(2, 3, 4), axes=(-1, 0, 1)),
    C(np.swapaxes, arr(2, 3, 4), 0, 2), C(np.swapaxes, arr(3, 4), -1, 0),
    C(np.moveaxis, arr(2, 3, 4), 0, -1), C(np.moveaxis, arr(2, 3, 4), (0, 1), (2, 0)),
    C(np.broadcast_to, arr(3, 1), (2, 3, 4)), C(np.broadcast_to, num(), (2, 2)),
    C(np.broadcast_to, arr(4), (3, 4)),
    C(np.tile, arr(2, 3), 2), C(np.tile, arr(2, 3), (2, 1, 3)), C(np.tile, arr(3), (2, 2)),
    C(np.tile, arr(2, 2, 2), (3, 1)), C(np.tile, num(), 3),
    C(np.flip, arr(3, 4)), C(np.flip, arr(3, 4), 1), C(np.flip, arr(2, 3, 4), axis=(0, 2)),
    C(np.fliplr, arr(3, 4)), C(np.flipud, arr(3, 4)),
    C(np.roll, arr(5), 2), C(np.roll, arr(3, 4), -1, axis=1),
    C(np.roll, arr(3, 4), (1, 2), axis=(0, 1)),
    C(np.roll, arr(3, 4), 5),
    C(np.pad, arr(3, 4), 1), C(np.pad, arr(3, 4), ((1, 0), (2, 3)), constant_values=5.0),
    *[C(np.pad, arr(3, 4), ((2, 1), (1, 3)), m) for m in ("edge", "reflect", "symmetric", "wrap")],
    C(np.pad, arr(4), 6, mode="reflect"),
    C(np.concatenate, (arr(2, 3), arr(4, 3))), C(np.concatenate, [arr(2, 3), arr(2, 1)], axis=1),
    C(np.concatenate, (arr(2, 3), arr(3)), axis=None), C(np.concatenate, [arr(2), arr(3)], axis=-1),
    C(np.stack, (arr(3), arr(3))), C(np.stack, [arr(2, 3), arr(2, 3)], axis=-1),
    C(np.stack, [num(), num()]),
    C(np.vstack, (arr(3), arr(3))), C(np.vstack, [arr(2, 3), arr(1, 3), arr(3)]),
    C(np.vstack, [num(), num()]),
    C(np.hstack, (arr(3), arr(2))), C(np.hstack, [arr(2, 3), arr(2, 1)]),
    C(np.hstack, (num(), arr(2))),
    C(np.copy, arr(3)), C(np.asarray, arr(3)), C(np.asarray, [num(), num()]), C(np.asarray, num()),
    C(np.asarray, arr(2, 2), dtype=float), C(np.array, [num(), num()]), C(np.array, arr(3)),
    C(np.array, [[num(), 1.0], [num(), num()]]),
    C(np.astype, arr(3), float), C(np.astype, arr(2, 2), np.float64),
    C(rt.astype, arr(3, 2), float), C(rt.astype, arr(3), int), C(rt.astype, np.float64(1.5), float),
]

INDEXING = [
    C(operator.getitem, arr(5), 2), C(operator.getitem, arr(5), -1),
    C(operator.getitem, arr(5), slice(1, 4)),
    C(operator.getitem, arr(3, 4), (slice(None), slice(1, 3))),
    C(operator.getitem, arr(5), [0, 2, 2]), C(operator.getitem, arr(3, 4), MASK),
    C(operator.getitem, arr(3, 4), (np.array([0, 2, 0]), slice(None))),
    C(operator.getitem, arr(3, 4), (np.array([[0, 1], [2, 2]]), np.array([[3, 3], [0, 1]]))),
    C(operator.getitem, arr(3, 4), np.array([True, False, True])),
    C(operator.getitem, arr(3, 4), (Ellipsis, None, 1)),
    C(operator.getitem, [num(), num(), num()], 1), C(operator.getitem, (num(), arr(2)), 1),
    C(operator.getitem, {"a": num(), "b": arr(3)}, "b"),
    C(np.take, arr(5), [0, 3, 3]), C(np.take, arr(3, 4), np.array([[1, 1], [0, 3]]), axis=1),
    C(np.take, arr(3, 4), [2, -1], axis=0), C(np.take, arr(3, 4), [5, 0, 5]),
    C(np.take_along_axis, arr(3, 4), np.array([[0, 0], [1, 3], [2, 2]]), axis=1),
    C(np.take_along_axis, arr(3, 4), np.array([[2, 0, 0, 1]]), axis=0),
    C(np.take_along_axis, arr(6), np.array([5, 0, 0]), axis=None),
    C(np.sort, distinct(5)), C(np.sort, distinct(3, 4), axis=0),
    C(np.sort, distinct(3, 4), axis=None),
    C(np.sort, distinct(2, 3, 2), axis=1, kind="stable"),
    C(np.repeat, arr(3), 2), C(np.repeat, arr(2, 3), [1, 0, 2], axis=1), C(np.repeat, arr(2, 2), 3),
    C(np.repeat, arr(3, 2), [2, 1, 3], axis=0),
]

CASES = REDUCTIONS + SHAPES + INDEXING
