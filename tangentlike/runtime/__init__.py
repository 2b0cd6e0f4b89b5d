"""What generated derivative code imports, as ``from tangentlike import runtime as rt``.

Promises. Every helper is a plain function of NumPy values and Python
containers (tuple, list, dict); it never imports the compiler, only ``numpy``
and ``tangentlike.errors`` (and, for arrays of other libraries, ``array_api_compat``
and ``dask`` when they are installed). A helper given a foreign array (Dask, the
array API back end's strict, JAX, CuPy arrays: ``namespace``) keeps it in its own
library: nothing is converted to NumPy, a Dask graph stays lazy and in its chunks. Cotangents have the structure of their primal: a
Python float for a Python number, a float (or complex) ndarray of the primal's
shape for an array, the same container type for a container; ``None`` stands
for a zero cotangent wherever one is accepted. Helpers that build a cotangent
from ``g`` return a fresh array, except ``unbroadcast``, which returns ``g``
itself when nothing needs summing (its fast path). ``add_at`` is the one
helper that mutates: its caller must own ``acc``.

Each helper a derivative rule calls is either registered as non-differentiable
(masks, counts, axes) or linear in its cotangent argument with a VJP rule of its
own (``tangentlike.rules``), so derivative code stays differentiable
(docs/architecture.md: closure property). The adjoints are the textbook ones (Griewank & Walther,
*Evaluating Derivatives*, 2nd ed., ch. 3). Ties in ``max``, ``min``,
``maximum`` and ``minimum`` follow autograd: the cotangent is split evenly
among the tied positions.
"""
from __future__ import annotations

import numpy as np

from tangentlike.errors import NonScalarOutputError

from .namespace import (array_namespace, broadcast, copy_of, is_foreign, length,  # noqa: F401
                        namespace, xp_float_dtype, xp_transpose, xp_where)
from .dtypes import dtype_like, dtype_of, float_dtype, scalar_like  # noqa: F401 (rt.* in generated code)
from .records import is_record, rebuild_record, record_items

_PY_SCALARS = (bool, int, float, complex)
_REAL_SCALARS = frozenset({float, np.float64, np.float32, np.float16, np.longdouble})


def _is_py_scalar(x) -> bool:
    """True for a Python number (not an ndarray or numpy scalar)."""
    return isinstance(x, _PY_SCALARS)


def _rebuild(like, items):
    """A container of ``like``'s type (tuple, list or namedtuple) holding ``items``."""
    items = list(items)
    if hasattr(like, "_fields"):
        return type(like)(*items)
    return type(like)(items)


def _is_fancy(idx) -> bool:
    """True when ``idx`` uses advanced indexing, where repeated positions must add."""
    if isinstance(idx, tuple):
        return any(isinstance(i, (list, np.ndarray)) for i in idx)
    return isinstance(idx, (list, np.ndarray))


def _axes(axis, ndim):
    """``axis`` (None, int or tuple, possibly negative) as a sorted tuple of non-negative ints."""
    if axis is None:
        return tuple(range(ndim))
    axis = axis if isinstance(axis, tuple) else (axis,)
    return tuple(sorted(int(a) % ndim for a in axis)) if ndim else ()


# --- Cotangent algebra --------------------------------------------------------

def unbroadcast(g, x):
    """Sum the cotangent ``g`` down to the shape of ``x``, undoing NumPy broadcasting."""
    tg = type(g)
    if tg is np.ndarray and type(x) is np.ndarray and g.shape == x.shape:
        return g  # the common case, kept to a few attribute loads
    if tg in _REAL_SCALARS:  # scalar code: v[1], np.sum(v) are NumPy scalars (issue 20)
        tx = type(x)
        if tx is float or tx is int:
            return g if tg is float else float(g)
        if tx in _REAL_SCALARS:
            return g
    if _is_py_scalar(x):
        if tg is float:
            return g
        if is_foreign(g):  # a lazy or traced sum stays in its library
            return namespace(g).sum(g)
        s = np.sum(g)
        return complex(s) if isinstance(x, complex) else float(np.real(s))
    if x is None or isinstance(x, (tuple, list, dict)):
        if isinstance(x, (tuple, list)) and len(x) and hasattr(g, "__len__") \
                and len(g) != len(x):  # x + y or x * n of sequences: not arithmetic
            raise TypeError("+ or * of a list or tuple (concatenation, repetition) inside "
                            "a differentiated function: only literals of known length are "
                            "concatenated ((a, b) + (c,)); build the list with append")
        return g  # containers are never broadcast
    shape, gshape = np.shape(x), np.shape(g)
    if gshape == shape:
        return g
    return _sum_to(g, x, shape, gshape)


def _sum_to(g, x, shape, gshape):
    """``unbroadcast`` of an array ``g`` whose shape differs from ``x``'s ``shape``."""
    lead = len(gshape) - len(shape)
    if lead < 0:  # g was a scalar placeholder: spread it over x
        if is_foreign(x) or is_foreign(g):
            return broadcast(namespace(g, x), g, x)
        return np.array(np.broadcast_to(g, shape), dtype=np.result_type(g, 0.0))
    xp = namespace(g)
    if lead:
        g = xp.sum(g, axis=tuple(range(lead)))
    ones = tuple(i for i, n in enumerate(shape) if n == 1 and np.shape(g)[i] != 1)
    if ones:
        g = xp.sum(g, axis=ones, keepdims=True)
    return g


def T(a):
    """``a.T``, and written as that attribute: specialised code uses it for 2-d arrays."""
    return a.T


def size(a):
    """``a.size``, and written as that attribute: the element count of an array."""
    return a.size


def sum_axes(g, axis=None, keepdims=False):
    """``g.sum(axis=axis, keepdims=keepdims)``, and written as that method call: an
    ``unbroadcast`` whose axes were known when the derivative was compiled."""
    return g.sum(axis=axis, keepdims=keepdims)


def zeros_like(x):
    """The zero cotangent of ``x``: 0.0, a zeros array of its float dtype (``float_dtype``),
    a zero of a NumPy scalar's own float type, or the same container of zeros (a foreign
    array gets zeros of its own library, its dtype if floating: a Dask array's are lazy
    and in its chunks)."""
    if type(x) is np.ndarray:  # the common case first (issue 20: LSTM, BA)
        return np.zeros(x.shape, dtype=float_dtype(x))
    if x is None:
        return None
    if type(x) is list:
        return [zeros_like(v) for v in x]
    if isinstance(x, dict):
        return {k: zeros_like(v) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return _rebuild(x, (zeros_like(v) for v in x))
    if is_record(x):
        return rebuild_record(x, [zeros_like(v) for v in record_items(x)])
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape, dtype=float_dtype(x))
    if isinstance(x, (complex, np.complexfloating)):
        return 0j if type(x) in (complex, np.complex128) else x.dtype.type(0)
    if isinstance(x, np.inexact) and type(x) is not np.float64:
        return x.dtype.type(0)
    if isinstance(x, (_PY_SCALARS, np.generic)):
        return 0.0
    if isinstance(x, range):  # a taped loop range: its items (ints) have zero tangents
        return np.zeros(len(x))
    if is_foreign(x):
        xp = namespace(x)
        return xp.zeros_like(x, dtype=xp_float_dtype(xp, x))
    return None  # strings, functions, ...: no cotangent


def add(a, b):
    """Accumulate two cotangents; ``None`` is zero, containers add elementwise."""
    if type(a) is np.ndarray and type(b) is np.ndarray:  # the common case (issue 20: LSTM)
        return a + b
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, dict):
        return {k: add(a.get(k), b.get(k)) for k in {**a, **b}}
    if isinstance(a, (tuple, list)):
        return _rebuild(a, (add(x, y) for x, y in zip(a, b, strict=True)))
    if is_record(a):
        return rebuild_record(a, [add(x, y) for x, y in zip(record_items(a), record_items(b))])
    return a + b


def _basic_index(idx) -> bool:
    """An int, a slice, or a tuple of them (the scalar code of issue 20's loops: ``L[i, j]``)."""
    t = type(idx)
    if t is int or t is slice:
        return True
    if t is not tuple:
        return False
    for i in idx:
        if type(i) is not int and type(i) is not slice:
            return False
    return True


def add_at(acc, idx, g):
    """Add ``g`` into ``acc[idx]`` in place (a new tuple for tuples) and return ``acc``.
    ``acc`` None is the cotangent of something that has none (a range): it stays None."""
    if type(acc) is np.ndarray:
        ti = type(idx)
        if ti is slice or ti is int and acc.ndim > 1:  # a view: added into in place, with
            view = acc[idx]  # the casting of ``acc[idx] += g`` and without its write back
            view += g
            return acc
        if ti is int or _basic_index(idx):
            acc[idx] += g  # basic indexing: in place, no repeated positions
            return acc
    elif type(acc) is list:  # a list's cotangent (LSTM's list of states)
        acc[idx] = add(acc[idx], g)
        return acc
    if acc is None:
        return None
    if isinstance(acc, np.ndarray):
        if _is_fancy(idx):
            np.add.at(acc, idx, g)  # repeated indices must each receive g
        else:
            acc[idx] += g
        return acc
    if isinstance(acc, tuple):
        items = list(acc)
        items[idx] = add(items[idx], g)
        return _rebuild(acc, items)
    if isinstance(acc, dict):
        acc[idx] = add(acc.get(idx), g)
        return acc
    acc[idx] = add(acc[idx], g)
    return acc


def copy(x):
    """A shallow copy of an ndarray, list, dict or foreign array; ``x`` itself otherwise."""
    if isinstance(x, (np.ndarray, list, dict)):
        return x.copy()
    return copy_of(x) if is_foreign(x) else x


def as_float_grad(g, x):
    """``g`` converted to the type and shape of the primal ``x`` (broadcast or summed as needed)."""
    tx = type(x)  # scalar code first (items of a list of numbers: GMM in ADBench's style)
    if tx is float and g is not None:
        return unbroadcast(g, x)
    if tx is np.float64 and type(g) in (float, np.float64):
        return np.float64(g)
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: as_float_grad(None if g is None else g[k], v) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return _rebuild(x, (as_float_grad(None if g is None else g[i], v)
                            for i, v in enumerate(x)))
    if is_record(x):
        gs = [None] * len(record_items(x)) if g is None else record_items(g)
        return rebuild_record(x, [as_float_grad(a, v) for a, v in zip(gs, record_items(x))])
    if g is None:
        return zeros_like(x)
    if _is_py_scalar(x):
        return unbroadcast(g, x)
    shape = np.shape(x)
    garr = np.asarray(g)
    if garr.shape != shape:
        garr = unbroadcast(garr + np.zeros(shape), x)
    if isinstance(x, np.generic):
        return garr[()]
    dtype = np.result_type(float_dtype(x), g if _is_py_scalar(g) else garr.dtype)
    return np.array(garr, dtype=dtype, copy=True)


def check_scalar(y, fname):
    """Return ``y`` if it is a scalar (a 0-d array of any library: a lazy Dask scalar is
    not computed); otherwise raise NonScalarOutputError naming ``fname``."""
    if isinstance(y, (_PY_SCALARS, np.generic)):
        return y
    shape = getattr(y, "shape", None)
    if isinstance(y, np.ndarray) or (shape is not None and hasattr(y, "ndim")):
        if y.ndim == 0:
            return y
        found = f"an array of shape {tuple(shape)}"
    else:
        found = f"a value of type {type(y).__name__}"
    err = NonScalarOutputError(
        f"grad of {fname} needs a scalar output, but it returned {found}; "
        "use tl.vjp or tl.jacrev for non-scalar outputs")
    err.shape = y.shape if isinstance(y, np.ndarray) else None  # size 1: the API seeds ones
    raise err


# --- Indexing -----------------------------------------------------------------

def getitem_vjp(g, x, idx):
    """Cotangent of ``x`` for ``ans = x[idx]``: ``g`` scattered into zeros like ``x``."""
    return add_at(zeros_like(x), idx, g)


def setitem_vjp(g, idx):
    """For ``x[idx] = v`` done in place: fresh ``(g_before, g_value)``; ``g`` is not mutated.
    A position of ``v`` overwritten by a later one (repeated integer indices) gets zero."""
    if g is None:
        return None, None
    value = copy(g[idx])
    if isinstance(g, np.ndarray) or is_foreign(g):
        value = keep_assigned(value, g, idx)
        before = copy(g)
        before[idx] = 0
        return before, value
    before = list(g) if isinstance(g, tuple) else g.copy()
    before[idx] = zeros_like(g[idx])
    return (_rebuild(g, before) if isinstance(g, tuple) else before), value


# --- Reductions ---------------------------------------------------------------

def sum_vjp(g, x, axis=None, keepdims=False):
    """Cotangent of ``x`` for ``np.sum(x, axis, keepdims=keepdims)``: ``g`` broadcast back
    (one allocation, no zeros; a foreign array's cotangent is a lazy broadcast in its
    library, for Dask in ``x``'s chunks)."""
    if _is_py_scalar(x):
        return unbroadcast(g, x)
    shape = np.shape(x)
    if not keepdims and axis is not None:
        g = np.expand_dims(g, _axes(axis, len(shape))) if not is_foreign(g) else \
            _expand(g, _axes(axis, len(shape)))
    if is_foreign(x) or is_foreign(g):
        xp = namespace(g, x)
        return broadcast(xp, g, x, xp_float_dtype(xp, g) if is_foreign(g) else None)
    dtype = np.result_type(x.dtype if isinstance(x, (np.ndarray, np.generic)) else 0.0, g, 0.0)
    out = np.empty(shape, dtype=dtype)
    out[...] = g
    return out if shape else out[()]  # a NumPy scalar for a 0-d primal, as zeros + g gave


def _expand(g, axes):
    """``g`` with new axes of size 1 at ``axes`` (array-API spelling of ``np.expand_dims``)."""
    idx = []
    for i in range(g.ndim + len(axes)):
        idx.append(None if i in axes else slice(None))
    return g[tuple(idx)]


def count(x, axis=None):
    """How many elements of ``x`` each output of a reduction over ``axis`` combines."""
    shape = np.shape(x)
    n = 1
    for a in _axes(axis, len(shape)):
        n *= shape[a]
    return n


def inverse_axes(axes, x):
    """The permutation undoing ``np.transpose(x, axes)`` (None stays None: reversal is its own inverse)."""
    if axes is None:
        return None
    nd = np.ndim(x)
    return tuple(int(i) for i in np.argsort([int(a) % nd for a in axes]))


# Helpers of the wider NumPy surface live in submodules; generated code reaches them as rt.*.
from .joins import _pieces, concatenate_vjp, stack_vjp  # noqa: E402,F401
from .extrema import _extremum_share_xp, extremum_share, max_vjp, tie_split  # noqa: E402,F401
from .products import (dot_vjp_left, dot_vjp_right, matmul_vjp_left,  # noqa: E402,F401
                       matmul_vjp_right)
from .arrays import (astype, broadcast_like, clip_share, cumsum_vjp, diag_vjp, item,  # noqa: E402
                     diagonal_vjp, dtype_passes, flatten, hstack_vjp, norm_p, norm_share,
                     pad_vjp, prod_others, repeat_index, reshape_as, sum_expand,
                     take_along_axis_vjp, take_vjp, tile_vjp, trace_vjp, vstack_vjp,
                     keep_assigned)
from .algebra import (contract, diag_embed, diag_part, inner_subscripts,  # noqa: E402
                      inv_gaps, kron_subscripts, phi, read_triangle,
                      read_triangle_vjp, skew_lower, tensordot_subscripts)

from .sourcemap import source_note  # noqa: E402,F401
from .like import check_like  # noqa: E402,F401
from .schedule import (binomial_schedule, snapshot_count, snapshot_slots,  # noqa: E402,F401
                       sum_slots)
from .containers import (MISSING, UNBOUND, IndexTape, Tape, append_vjp, as_dict,  # noqa: E402,F401
                         as_list, as_record, assert_failed, basis, check_unshared, dict_keys,
                         drop_last, fstring, iterable, iterable_vjp,
                         field, field_vjp, is_record_type, items, join_last, like_record,
                         pick_index, record_children, restore_item, save_item, saved_item_vjp,
                         sort_order,
                         stop_gradient, unpack_vjp, unpop_vjp, write_back)
from .pieces import (axis_concat, axis_concat_lin, axis_concat_vjp, column_stack_vjp,  # noqa: E402,F401
                     dstack_vjp, einsum_into, einsum_plan, np_append_vjp, plan_swap)
from .signal import (angle_scale, as_matrix, conv_pad, cross, diff_vjp, gradient_of, gradient_vjp,  # noqa: E402,F401,E501
                     linspace_weights, log_of, match_complex, or_one, partition_index, recip0,
                     rollaxis_dest, select_rest, select_vjp, spacing)
from .batching import (T_batch, add_at_batch, as_float_grad_batch, batch_index, batch_size,  # noqa: E402,F401
                       broadcast_like_batch, concatenate_batch, dot_batch0, dot_batch1,
                       getitem_batch, lift, lift_b, lift_item, matmul_batch0, matmul_batch1,
                       mean_batch, per_member, reshape_batch, restore_item_batch, spread, stack_batch, sum_batch,
                       sum_vjp_batch, transpose_batch, unbroadcast_batch, zeros_batch)
