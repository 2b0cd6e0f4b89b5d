"""Runtime helpers of the joining rules (``np.r_``/``np.c_``, ``np.append``,
``np.column_stack``) and of the n-ary ``np.einsum`` rule (re-exported as ``rt.*``).

Promises. ``axis_concat(which, items)`` is ``np.r_[items]`` (``which`` ``"r"``) or
``np.c_[items]`` (``"c"``); it is linear in its floating-point items (integers,
slices and directive strings are constants). ``axis_concat_vjp`` and
``axis_concat_lin`` are the adjoint and the linear part of that map: where each
entry of each float item lands in the result is found by evaluating ``np.r_``
itself on items tagged ``1..n``, so every directive NumPy accepts is handled
exactly as NumPy handles it. ``np_append_vjp`` splits a cotangent of
``np.append``.

``einsum_plan`` reads a call ``np.einsum(*args)`` in either form (a subscripts
string then operands, or operands each followed by a sublist of axis numbers, then
an optional output sublist): the argument positions that hold operands, their
subscripts (ellipses expanded to letters) and the explicit output subscripts.
``einsum_into(plan, t, *slots)`` is the product of the operands found at those
positions, written into the shape of ``t`` as ``contract`` does; it is
multilinear, and ``plan_swap(plan, k)`` is the plan whose product is its cotangent
in slot ``k`` (the output's subscripts move into slot ``k``), so one helper and one
plan rewrite close the einsum rules under differentiation.
"""
from __future__ import annotations

import string

import numpy as np

from tangentlike.errors import TangentlikeError

from . import _rebuild
from .joins import _pieces
from .algebra import contract_n
from .arrays import _like

_MAKERS = {"r": np.r_, "c": np.c_}


def axis_concat(which, items):
    """``np.r_[items]`` or ``np.c_[items]`` (``which`` is ``"r"`` or ``"c"``)."""
    return _MAKERS[which][tuple(items)]


def _float(x) -> bool:
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "fc"
    return isinstance(x, (float, complex, np.floating, np.complexfloating))


def _places(which, items):
    """Per item: the flat positions in the result of its entries (None: a constant item),
    and the result's shape."""
    base = [np.zeros(np.shape(x)) if _float(x) else x for x in items]
    zero = np.asarray(axis_concat(which, base), dtype=float)
    places = []
    for k, x in enumerate(items):
        if not _float(x):
            places.append(None)
            continue
        tagged = list(base)
        tagged[k] = np.arange(1.0, np.size(x) + 1.0).reshape(np.shape(x))
        d = np.ravel(np.asarray(axis_concat(which, tagged), dtype=float) - zero)
        where = np.flatnonzero(d)
        if where.size != np.size(x):
            raise TangentlikeError(f"np.{which}_: cannot place the entries of item {k}")
        places.append(where[np.argsort(d[where])])
    return places, zero.shape


def axis_concat_vjp(g, which, items):
    """Cotangents of the items of ``np.r_[items]`` (None for the constant ones)."""
    places, _ = _places(which, items)
    flat = np.ravel(g)
    return _rebuild(items, [None if p is None else _like(np.reshape(flat[p], np.shape(x)), x)
                            for p, x in zip(places, items)])


def axis_concat_lin(t, which, items):
    """The tangent of ``np.r_[items]`` for item tangents ``t`` (None: zero)."""
    places, shape = _places(which, items)
    kinds = [np.asarray(d).dtype for p, d in zip(places, t) if p is not None and d is not None]
    out = np.zeros(int(np.prod(shape)), dtype=np.result_type(float, *kinds))
    for p, d in zip(places, t):
        if p is not None and d is not None:
            out[p] = np.ravel(d)
    return out.reshape(shape)


def np_append_vjp(g, arr, values, axis=None):
    """``(cotangent of arr, cotangent of values)`` for ``np.append(arr, values, axis)``."""
    if axis is None:
        n = np.size(arr)
        flat = np.ravel(g)
        return _like(np.reshape(flat[:n], np.shape(arr)), arr), \
            _like(np.reshape(flat[n:], np.shape(values)), values)
    k = np.shape(arr)[axis]
    parts = np.split(g, [k], axis=axis)
    return _like(parts[0], arr), _like(np.reshape(parts[1], np.shape(values)), values)


def column_stack_vjp(g, tup):
    """Cotangents of the pieces of ``np.column_stack(tup)``, in ``tup``'s container type."""
    widths = [1 if np.ndim(t) < 2 else np.shape(t)[1] for t in tup]
    pieces = np.split(g, np.cumsum(widths)[:-1], axis=1)
    return _pieces([np.reshape(p, np.shape(t)) for p, t in zip(pieces, tup)], tup)


def dstack_vjp(g, tup):
    """Cotangents of the pieces of ``np.dstack(tup)``, in ``tup``'s container type."""
    ends = np.cumsum([np.shape(np.atleast_3d(t))[2] for t in tup])[:-1]
    pieces = np.split(g, ends, axis=2)
    return _pieces([np.reshape(p, np.shape(t)) for p, t in zip(pieces, tup)], tup)


# --- einsum, any number of operands, either calling form --------------------------------

def _sublist(sub) -> str:
    return "".join("..." if s is Ellipsis else string.ascii_letters[int(s)] for s in sub)


def _einsum_spec(args):
    """``(positions, spec string, operands)`` of ``np.einsum(*args)``."""
    if isinstance(args[0], str):
        return tuple(range(1, len(args))), args[0].replace(" ", ""), list(args[1:])
    pos = tuple(range(0, len(args) - 1, 2))
    spec = ",".join(_sublist(args[p + 1]) for p in pos)
    if len(args) % 2:
        spec += "->" + _sublist(args[-1])
    return pos, spec, [args[p] for p in pos]


def einsum_plan(subscripts, op0=None, op1=None, op2=None, op3=None, op4=None, op5=None):
    """``(positions, subscripts, output)`` of ``np.einsum(subscripts, op0, ...)`` (trailing
    Nones are absent arguments), ellipses replaced by letters and the output explicit."""
    args = [subscripts, op0, op1, op2, op3, op4, op5]
    while args and args[-1] is None:
        args.pop()
    pos, spec, ops = _einsum_spec(args)
    ins, arrow, out = spec.partition("->")
    ins = ins.split(",")
    if len(ins) != len(ops):
        raise TangentlikeError(f"np.einsum subscripts {spec!r} name {len(ins)} operands "
                               f"but {len(ops)} were given")
    used = set(spec) - set(".,->")
    free = (c for c in string.ascii_letters if c not in used)
    counts = [np.ndim(o) - len(s.replace("...", "")) for s, o in zip(ins, ops)]
    nell = max([n for s, n in zip(ins, counts) if "..." in s], default=0)
    ell = "".join(next(free) for _ in range(nell))
    ins = [s.replace("...", ell[nell - n:]) for s, n in zip(ins, counts)]
    if arrow:
        out = out.replace("...", ell)
    else:
        joined = "".join(ins)
        out = ell + "".join(sorted(c for c in set(joined) if joined.count(c) == 1 and c not in ell))
    return pos, tuple(ins), out


def plan_swap(plan, k):
    """The plan of the cotangent in slot ``k`` (None when slot ``k`` holds no operand)."""
    if plan is None or k not in plan[0]:
        return None
    pos, subs, out = plan
    i = pos.index(k)
    return pos, subs[:i] + (out,) + subs[i + 1:], subs[i]


def einsum_into(plan, t, a0=None, a1=None, a2=None, a3=None, a4=None, a5=None, a6=None):
    """The product of the operands in the plan's slots, with the shape of ``t``
    (``contract``'s conventions); None (zero) without a plan, target or operand."""
    if plan is None or t is None:
        return None
    slots = (a0, a1, a2, a3, a4, a5, a6)
    ops = [slots[p] for p in plan[0]]
    if any(o is None for o in ops):
        return None
    return contract_n(list(plan[1]), ops, plan[2], t)
