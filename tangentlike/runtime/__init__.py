"""What generated derivative code imports, as ``from tangentlike import runtime as rt``.

Promises. Every helper is a plain function of NumPy values and Python
containers (tuple, list, dict); it never imports the compiler, only ``numpy``
and ``tangentlike.errors``. Cotangents have the structure of their primal: a
Python float for a Python number, a float (or complex) ndarray of the primal's
shape for an array, the same container type for a container; ``None`` stands
for a zero cotangent wherever one is accepted. Helpers that build a cotangent
from ``g`` return a fresh array, except ``unbroadcast``, which returns ``g``
itself when nothing needs summing (its fast path). ``add_at`` is the one
helper that mutates: its caller must own ``acc``.

Each helper a derivative rule calls is either registered as non-differentiable
(masks, counts, axes) or linear in its cotangent argument with a VJP rule of its
own (``tangentlike.rules``), so derivative code stays differentiable (DESIGN §1,
closure property). The adjoints are the textbook ones (Griewank & Walther,
*Evaluating Derivatives*, 2nd ed., ch. 3). Ties in ``max``, ``min``,
``maximum`` and ``minimum`` follow autograd: the cotangent is split evenly
among the tied positions.
"""
from __future__ import annotations

import numpy as np

from tangentlike.errors import NonScalarOutputError, TangentlikeError

from .records import is_record, rebuild_record, record_items

_PY_SCALARS = (bool, int, float, complex)


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
    if type(g) is np.ndarray and type(x) is np.ndarray and g.shape == x.shape:
        return g  # the common case, kept to a few attribute loads
    if _is_py_scalar(x):
        if type(g) is float:
            return g
        s = np.sum(g)
        return complex(s) if isinstance(x, complex) else float(np.real(s))
    if x is None or isinstance(x, (tuple, list, dict)):
        return g  # containers are never broadcast
    shape, gshape = np.shape(x), np.shape(g)
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    if lead < 0:  # g was a scalar placeholder: spread it over x
        return np.zeros(shape) + g
    if lead:
        g = np.sum(g, axis=tuple(range(lead)))
    ones = tuple(i for i, n in enumerate(shape) if n == 1 and np.shape(g)[i] != 1)
    if ones:
        g = np.sum(g, axis=ones, keepdims=True)
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
    """The zero cotangent of ``x``: 0.0, a float zeros array, or the same container of zeros."""
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: zeros_like(v) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return _rebuild(x, (zeros_like(v) for v in x))
    if is_record(x):
        return rebuild_record(x, [zeros_like(v) for v in record_items(x)])
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape, dtype=complex if np.iscomplexobj(x) else float)
    if isinstance(x, (complex, np.complexfloating)):
        return 0j
    if isinstance(x, (_PY_SCALARS, np.generic)):
        return 0.0
    return None  # strings, functions, ...: no cotangent


def add(a, b):
    """Accumulate two cotangents; ``None`` is zero, containers add elementwise."""
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


def add_at(acc, idx, g):
    """Add ``g`` into ``acc[idx]`` in place (a new tuple for tuples) and return ``acc``.
    ``acc`` None is the cotangent of something that has none (a range): it stays None."""
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
    """A shallow copy of an ndarray, list or dict; ``x`` itself otherwise."""
    if isinstance(x, (np.ndarray, list, dict)):
        return x.copy()
    return x


def as_float_grad(g, x):
    """``g`` converted to the type and shape of the primal ``x`` (broadcast or summed as needed)."""
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
    return np.array(garr, dtype=np.result_type(garr.dtype, float), copy=True)


def check_scalar(y, fname):
    """Return ``y`` if it is a scalar; otherwise raise NonScalarOutputError naming ``fname``."""
    if isinstance(y, (_PY_SCALARS, np.generic)):
        return y
    if isinstance(y, np.ndarray):
        if y.ndim == 0:
            return y
        found = f"an array of shape {y.shape}"
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
    """For ``x[idx] = v`` done in place: fresh ``(g_before, g_value)``; ``g`` is not mutated."""
    if g is None:
        return None, None
    value = g[idx]
    value = value.copy() if isinstance(value, (np.ndarray, list, dict)) else value
    if isinstance(g, np.ndarray):
        before = g.copy()
        before[idx] = 0
        return before, value
    before = list(g) if isinstance(g, tuple) else g.copy()
    before[idx] = zeros_like(g[idx])
    return (_rebuild(g, before) if isinstance(g, tuple) else before), value


def concatenate_vjp(g, arrays, axis=0):
    """Cotangents of the pieces of ``np.concatenate(arrays, axis)``, in ``arrays``' container type."""
    if axis is None:
        ends = np.cumsum([np.size(a) for a in arrays])[:-1]
        pieces = [np.reshape(p, np.shape(a)) for p, a in zip(np.split(g, ends), arrays)]
    else:
        ax = axis % np.ndim(arrays[0])
        ends = np.cumsum([np.shape(a)[ax] for a in arrays])[:-1]
        pieces = np.split(g, ends, axis=ax)
    return _pieces(pieces, arrays)


def stack_vjp(g, arrays, axis=0):
    """Cotangents of the pieces of ``np.stack(arrays, axis)``, in ``arrays``' container type."""
    ax = axis % np.ndim(g)
    return _pieces([np.take(g, i, axis=ax) for i in range(len(arrays))], arrays)


def _pieces(pieces, arrays):
    """Fresh per-piece cotangents typed like the elements of ``arrays``, in its container type."""
    out = [p.copy() if isinstance(a, np.ndarray) else as_float_grad(p, a)
           for p, a in zip(pieces, arrays)]
    if isinstance(arrays, np.ndarray):
        return np.stack(out)
    return _rebuild(arrays, out)


# --- Reductions ---------------------------------------------------------------

def sum_vjp(g, x, axis=None, keepdims=False):
    """Cotangent of ``x`` for ``np.sum(x, axis, keepdims=keepdims)``: ``g`` broadcast back."""
    if _is_py_scalar(x):
        return unbroadcast(g, x)
    shape = np.shape(x)
    if not keepdims and axis is not None:
        g = np.expand_dims(g, _axes(axis, len(shape)))
    return np.zeros(shape, dtype=np.result_type(np.asarray(g).dtype, float)) + g


def count(x, axis=None):
    """How many elements of ``x`` each output of a reduction over ``axis`` combines."""
    shape = np.shape(x)
    n = 1
    for a in _axes(axis, len(shape)):
        n *= shape[a]
    return n


def extremum_share(ans, x, axis=None, keepdims=False):
    """Weight of each element of ``x`` in the max/min ``ans``: 1/#ties where it attains it, else 0."""
    if axis is None and type(x) is np.ndarray:  # the common case, without the generality
        hit = x == ans
        n = np.count_nonzero(hit)
        share = hit.astype(complex if x.dtype.kind == "c" else float)
        return share if n == 1 else share / n
    xa = np.asarray(x)
    a = np.asarray(ans)
    if not keepdims and axis is not None:
        a = np.expand_dims(a, _axes(axis, xa.ndim))
    hit = np.equal(xa, a)
    share = hit / np.sum(hit, axis=axis, keepdims=True)
    return float(share) if _is_py_scalar(x) else share


def max_vjp(g, ans, x, axis=None, keepdims=False):
    """Cotangent of ``x`` for ``ans = np.max(x, axis, keepdims)``; ties share ``g`` evenly (autograd)."""
    return sum_vjp(g, x, axis, keepdims) * extremum_share(ans, x, axis, keepdims)


def tie_split(a, b):
    """Share of ``a`` in ``np.maximum(a, b)``: 1 where a > b, 0.5 where a == b, 0 where a < b."""
    return np.where(np.greater(a, b), 1.0, np.where(np.equal(a, b), 0.5, 0.0))


def inverse_axes(axes, x):
    """The permutation undoing ``np.transpose(x, axes)`` (None stays None: reversal is its own inverse)."""
    if axes is None:
        return None
    nd = np.ndim(x)
    return tuple(int(i) for i in np.argsort([int(a) % nd for a in axes]))


# --- Products -----------------------------------------------------------------

def matmul_vjp_left(g, a, b):
    """Cotangent of ``a`` for ``ans = a @ b`` (1-d operands promoted as ``np.matmul`` does)."""
    if np.ndim(b) == 1:
        if np.ndim(a) == 1:
            return g * b
        return unbroadcast(np.expand_dims(g, -1) * b, a)
    bt = np.swapaxes(b, -1, -2)
    if np.ndim(a) == 1:
        return unbroadcast((np.expand_dims(g, -2) @ bt)[..., 0, :], a)
    return unbroadcast(g @ bt, a)


def matmul_vjp_right(g, a, b):
    """Cotangent of ``b`` for ``ans = a @ b`` (1-d operands promoted as ``np.matmul`` does)."""
    if np.ndim(a) == 1:
        if np.ndim(b) == 1:
            return g * a
        return unbroadcast(np.expand_dims(a, -1) * np.expand_dims(g, -2), b)
    at = np.swapaxes(a, -1, -2)
    if np.ndim(b) == 1:
        return unbroadcast((at @ np.expand_dims(g, -1))[..., 0], b)
    return unbroadcast(at @ g, b)


def _dot_check(a, b):
    """Reject the N-d ``np.dot`` cases whose semantics differ from ``np.matmul``."""
    if np.ndim(a) >= 2 and np.ndim(b) >= 3:
        raise TangentlikeError(
            f"no derivative for np.dot of arrays with {np.ndim(a)} and {np.ndim(b)} "
            "dimensions (its semantics differ from np.matmul there); use np.matmul instead")


def dot_vjp_left(g, a, b):
    """Cotangent of ``a`` for ``ans = np.dot(a, b)`` (scalar, 1-d and 2-d operands)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(g * b, a)
    _dot_check(a, b)
    return matmul_vjp_left(g, a, b)


def dot_vjp_right(g, a, b):
    """Cotangent of ``b`` for ``ans = np.dot(a, b)`` (scalar, 1-d and 2-d operands)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(g * a, b)
    _dot_check(a, b)
    return matmul_vjp_right(g, a, b)


# Helpers of the wider NumPy surface live in submodules; generated code reaches them as rt.*.
from .arrays import (astype, broadcast_like, clip_share, cumsum_vjp, diag_vjp,  # noqa: E402
                     diagonal_vjp, dtype_passes, flatten, hstack_vjp, norm_p, norm_share,
                     pad_vjp, prod_others, repeat_index, reshape_as, take_along_axis_vjp,
                     take_vjp, tile_vjp, trace_vjp, vstack_vjp)
from .algebra import (contract, diag_embed, diag_part, einsum_subscripts, inner_subscripts,  # noqa: E402
                      inv_gaps, kron_subscripts, phi, skew_lower, tensordot_subscripts)

from .schedule import (binomial_schedule, snapshot_count, snapshot_slots,  # noqa: E402,F401
                       sum_slots)

from .containers import (MISSING, UNBOUND, append_vjp, basis, check_unshared, drop_last,  # noqa: E402,F401
                         as_record, field, field_vjp, is_record_type, items, like_record,
                         record_children,
                         join_last, restore_item, save_item, stop_gradient, unpack_vjp,
                         unpop_vjp)
