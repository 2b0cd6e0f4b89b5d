"""The facts about primitives that the analyses and passes ask for, declared once.

Each line gives functions a named fact of ``registry.FACTS`` (what it means and
which pass reads it is written there); the passes ask ``registry.has(fn, fact)``
and keep no tables of their own (docs/architecture.md, "Derivative rules").
NumPy ufuncs are elementwise and scalar-closed by type (``analysis.shapes``,
``analysis.activity`` check ``np.ufunc``); the facts below add the rest.
Back-end spellings: ``python=`` is the ``ast`` operator the emitter writes.
"""
import ast
import operator

import numpy as np

from .. import runtime as rt
from .registry import declare, defbatch

# Python's operators: how the emitter writes them, and what they are.
for fn, node in ((operator.add, ast.Add), (operator.sub, ast.Sub), (operator.mul, ast.Mult),
                 (operator.truediv, ast.Div), (operator.pow, ast.Pow),
                 (operator.matmul, ast.MatMult), (operator.floordiv, ast.FloorDiv),
                 (operator.mod, ast.Mod), (operator.and_, ast.BitAnd),
                 (operator.or_, ast.BitOr), (operator.xor, ast.BitXor)):
    declare((), fn, python=("binary", node))
for fn, node in ((operator.neg, ast.USub), (operator.pos, ast.UAdd), (operator.not_, ast.Not),
                 (operator.invert, ast.Invert)):
    declare((), fn, python=("unary", node))
for fn, node in ((operator.lt, ast.Lt), (operator.le, ast.LtE), (operator.gt, ast.Gt),
                 (operator.ge, ast.GtE), (operator.eq, ast.Eq), (operator.ne, ast.NotEq),
                 (operator.is_, ast.Is), (operator.is_not, ast.IsNot)):
    declare((), fn, python=("compare", node))
for fn in (operator.getitem, operator.contains, list.pop):  # x[i], a in b, x.pop()
    declare((), fn, python=("syntax", None))

# The array API back end (backend/array_api.py): attributes and operators there.
for fn, attr in ((np.shape, "shape"), (np.ndim, "ndim"), (np.size, "size")):
    declare((), fn, array_api=("attribute", attr))
for fn, node in ((np.add, ast.Add), (np.subtract, ast.Sub), (np.multiply, ast.Mult),
                 (np.divide, ast.Div), (np.true_divide, ast.Div)):
    declare((), fn, array_api=("binary", node))
# The numba back end (backend/numba_jit.py): numba has the operator, not np.matmul, and
# a sum with keepdims only as the helper (its numba version, runtime/numba_reductions.py).
declare((), np.matmul, numba=("binary", ast.MatMult))
declare((), rt.sum_axes, numba=("call", "rt.sum_axes"))

declare(("elementwise", "scalar_closed"), operator.add, operator.sub, operator.mul,
        operator.truediv, operator.pow, operator.neg, operator.pos, abs)
declare("elementwise", operator.floordiv, operator.mod, np.where)
declare("foldable", operator.add, operator.sub, operator.mul, operator.truediv,
        operator.floordiv, operator.mod, operator.pow, operator.neg, operator.pos)
declare("reduction", np.sum, np.mean, np.max, np.min, np.amax, np.amin, np.prod)
declare("scalar_result", float, len)
declare("integral", range, len, np.shape, np.ndim, np.size, int, bool, reversed)
declare("comparison", operator.lt, operator.le, operator.gt, operator.ge, operator.eq,
        operator.ne, operator.not_, operator.is_, operator.is_not, operator.contains)
declare("creator", np.zeros, np.ones, np.empty)
declare("shape_of_first", rt.copy, rt.stop_gradient, np.zeros_like, np.ones_like,
        rt.zeros_like, np.negative, rt.iterable, rt.iterable_vjp)
declare("structure_of_first", rt.add_at, rt.copy, rt.zeros_like, rt.restore_item)
declare("structure_of_second", rt.unbroadcast, rt.sum_vjp, rt.as_float_grad)
declare("shape_of_second", rt.extremum_share, rt.prod_others)
declare("matmul", operator.matmul, np.matmul)
declare("matmul", np.dot)  # what np.matmul is on 1-d and 2-d operands, all shapes models
# How analysis.shapes finds the size-1 axes of a product's result.
for fn, rule in ((np.outer, "outer"), (np.inner, "inner"), (np.einsum, "einsum")):
    declare((), fn, shapes=rule)
declare("negation", operator.neg, np.negative)
declare("addition", operator.add, np.add)
declare("subtraction", operator.sub, np.subtract)
declare("scaling", operator.mul, np.multiply, operator.truediv, np.divide)
declare("linear_first", rt.sum_axes, rt.sum_vjp, rt.sum_expand, rt.unbroadcast, rt.T)
declare("product_vjp_left", rt.matmul_vjp_left, rt.dot_vjp_left)
declare("product_vjp_right", rt.matmul_vjp_right, rt.dot_vjp_right)
declare("view", np.reshape, np.transpose, np.ravel, np.squeeze, np.asarray, np.expand_dims,
        np.swapaxes, np.moveaxis, np.broadcast_to, np.diagonal, np.atleast_1d,
        np.atleast_2d, np.atleast_3d, np.flip, np.fliplr, np.flipud, np.rot90, np.rollaxis,
        np.real, np.diag, np.einsum, np.matrix_transpose, np.split, np.array_split,
        np.hsplit, np.vsplit, np.dsplit)  # tests/test_primitives.py finds the views
declare("per_argument", np.atleast_1d, np.atleast_2d, np.atleast_3d)
declare("shrinking", rt.unbroadcast, rt.sum_axes)
declare("multiplication", operator.mul, np.multiply)
# Runtime helpers that write into an argument or check one: never dropped or merged.
declare((), rt.add_at, rt.check_scalar, rt.restore_item, rt.check_unshared, effects=True)

# Batched tangents (a Jacobian's columns in one sweep, transforms/batch.py): how a call
# whose operands carry them is made. NumPy ufuncs are "elementwise" by type.
defbatch("elementwise", operator.add, operator.sub, operator.mul, operator.truediv,
         operator.pow, operator.neg, operator.pos, abs, operator.floordiv, operator.mod,
         np.where)
defbatch({(0, 2): rt.add_at_batch}, rt.add_at)  # the tangent written is batched too
defbatch({(0, 2): rt.restore_item_batch}, rt.restore_item)
declare("structure_of_first", rt.add_at_batch, rt.restore_item_batch)
declare((), rt.add_at_batch, rt.restore_item_batch, effects=True)
declare("in_place", rt.add_at, rt.restore_item, rt.add_at_batch, rt.restore_item_batch)
defbatch("source", rt.zeros_batch, rt.spread)
defbatch("size", rt.batch_size)
defbatch({(0,): "same"}, rt.copy, rt.dtype_like, np.copy)
defbatch({(0, 1): "same"}, rt.add)  # two tangents of one value: the same structure
defbatch({(0,): rt.getitem_batch}, operator.getitem)
defbatch({(0,): rt.broadcast_like_batch}, rt.broadcast_like)
defbatch({(0,): rt.unbroadcast_batch}, rt.unbroadcast)
defbatch({(0,): rt.sum_vjp_batch}, rt.sum_vjp)
defbatch({(0,): rt.as_float_grad_batch}, rt.as_float_grad)
defbatch({(0,): rt.sum_batch}, np.sum)
defbatch({(0,): rt.mean_batch}, np.mean)
defbatch({(0,): rt.reshape_batch}, np.reshape)
defbatch({(0,): rt.transpose_batch}, np.transpose)
defbatch({(0,): rt.T_batch}, rt.T)
defbatch({(0,): rt.stack_batch}, np.stack)
defbatch({(0,): rt.concatenate_batch}, np.concatenate)
defbatch({(0,): rt.matmul_batch0, (1,): rt.matmul_batch1}, operator.matmul, np.matmul)
defbatch({(0,): rt.dot_batch0, (1,): rt.dot_batch1}, np.dot)
