"""Dense Jacobians of pytree functions, one sweep per input element (forward) or per
output element (reverse).

Promise: for ``f`` with (promoted, bound) arguments ``vals`` and ``wrt`` positions
``idx``, ``forward_jacobian`` and ``reverse_jacobian`` return the same value: the output's
structure outside, the input's inside, as JAX does (for ``wrt`` a tuple, the inside is a
tuple over the ``wrt`` arguments); each leaf block has shape ``out_leaf.shape +
in_leaf.shape`` and is a Python float when both are scalars. Leaves that are not floats
or float arrays (ints, ``None``) have zero blocks. ``has_aux``: ``f`` returns
``(out, aux)``; the result is ``(jacobian, aux)``. ``with_out``: ``(jacobian, out)``.
"""
from __future__ import annotations

import numpy as np

from . import runtime as rt
from .admissible import check_arguments
from .analysis.shapes import pattern
from .api import (_copy_lists, _kind, check_differentiable, function_for, normalize_wrt,
                  signature_of)
from .errors import ArgumentError
from .outputs import restorer, split_aux
from .pipeline import compile_derivative
from .request import Request
from .pytrees import children, flatten, is_container, tree_map, unflatten


def prepare(fn, wrt, args):
    """``(vals, idx, single)``: the arguments bound (defaults applied: the compiled code
    takes every parameter) and promoted, the ``wrt`` positions, whether ``wrt`` is one."""
    sig = signature_of(fn)
    names = list(sig.parameters)
    idx, single = normalize_wrt(fn, wrt, names)
    try:
        bound = sig.bind(*args)
    except TypeError as e:
        raise ArgumentError(f"bad arguments to {getattr(fn, '__name__', fn)}: {e}") from None
    bound.apply_defaults()
    vals = list(bound.arguments.values())
    check_arguments(vals, names)
    for i in sorted(set(idx)):
        vals[i] = check_differentiable(vals[i], names[i])
    return vals, idx, single


def differentiable(leaf) -> bool:
    if isinstance(leaf, np.ndarray):
        return leaf.dtype.kind in "fc"
    return isinstance(leaf, (float, complex, np.floating, np.complexfloating))


def leaf_basis(leaf):
    """Unit tangents for each element of a float leaf (1.0 for a scalar); none for others."""
    if not differentiable(leaf):
        return
    if np.ndim(leaf) == 0:
        yield 1.0
        return
    for k in range(np.size(leaf)):
        yield rt.basis(leaf, k)


def zeros(tree):
    return tree_map(lambda v: 0.0 if np.ndim(v) == 0 else np.zeros(np.shape(v)), tree)


def leaves_like(d, like):
    """The leaves of a derivative ``d`` lined up with ``like``'s leaves (None is zero)."""
    if is_container(like):
        if d is None:
            return [None] * len(flatten(like)[0])
        pairs = [(d.get(k), v) for k, v in like.items()] if isinstance(like, dict) \
            else zip(children(d), children(like))
        return [leaf for a, b in pairs for leaf in leaves_like(a, b)]
    return [d]


def _block(parts, out_leaf, in_leaf, rows):
    """One leaf block from per-element parts (columns or rows), shaped out + in."""
    shape = np.shape(out_leaf) + np.shape(in_leaf)
    if not parts:
        J = np.zeros(shape)
    else:
        like = np.shape(in_leaf) if rows else np.shape(out_leaf)
        if any(np.iscomplexobj(p) for p in parts + [out_leaf, in_leaf]):
            raise ArgumentError("Jacobians of complex values are not supported (split them "
                                "into real and imaginary parts)")
        parts = [np.zeros(like) if p is None else np.asarray(p, dtype=float) for p in parts]
        J = np.stack(parts, axis=0 if rows else -1).reshape(shape)
    return float(J) if J.ndim == 0 else J


def _assemble(out, vals, idx, single, block):
    """The Jacobian structure: ``block(o, a, l)`` for output leaf ``o``, wrt entry ``a``
    (position ``idx[a]``) and leaf ``l`` of that argument."""
    def inner(o):
        per_arg = [unflatten(vals[i], [block(o, a, l) for l in range(len(flatten(vals[i])[0]))])
                   for a, i in enumerate(idx)]
        return per_arg[0] if single else tuple(per_arg)
    n_out = len(flatten(out)[0])
    return unflatten(out, [inner(o) for o in range(n_out)])


def _compiled(fn, vals, idx, mode):
    mask = [i in idx for i in range(len(vals))]
    patterns = [pattern(v) for v in vals] if mode == "jvp" else None  # as main's jacfwd
    return compile_derivative(Request(function_for(fn, vals), mask, [_kind(v) for v in vals],
                                      mode, patterns=patterns))


def forward_jacobian(fn, vals, idx, single, has_aux=False, with_out=False):
    compiled = _compiled(fn, vals, idx, "jvp")
    jvp_fn, restore = compiled.fn, restorer(compiled, vals)
    active = sorted(set(idx))
    zero = {i: zeros(vals[i]) for i in active}
    cols, out, aux = {}, None, None
    for i in active:
        leaves, z = flatten(vals[i])[0], flatten(zero[i])[0]
        for l, leaf in enumerate(leaves):
            cols[i, l] = []
            for e in leaf_basis(leaf):
                t = unflatten(vals[i], [e if m == l else zm for m, zm in enumerate(z)])
                restore()
                out, dout = jvp_fn(*vals, *[t if j == i else zero[j] for j in active])
                if has_aux:
                    (out, aux), dout = split_aux(out, getattr(fn, "__name__", "f")), dout[0]
                cols[i, l].append(leaves_like(dout, out))
    if out is None:  # nothing to differentiate: one sweep for the output's structure
        out = jvp_fn(*vals, *[zero[j] for j in active])[0]
        out, aux = split_aux(out, getattr(fn, "__name__", "f")) if has_aux else (out, None)
    out_leaves = flatten(out)[0]

    def block(o, a, l):
        i = idx[a]
        return _block([c[o] for c in cols[i, l]], out_leaves[o], flatten(vals[i])[0][l], False)
    jac = _assemble(out, vals, idx, single, block)
    if with_out:  # nested Jacobians need the output's structure
        return jac, out
    return (jac, aux) if has_aux else jac


def reverse_jacobian(fn, vals, idx, single, has_aux=False, with_out=False):
    c = _compiled(fn, vals, idx, "vjp")
    active = sorted(set(idx))
    out, saved = c.fwd(*vals)
    out, aux = split_aux(out, getattr(fn, "__name__", "f")) if has_aux else (out, None)
    out_leaves = flatten(out)[0]
    z = flatten(zeros(out))[0]
    rows = []
    for o, leaf in enumerate(out_leaves):
        rows.append([])
        for e in leaf_basis(leaf):
            ct = unflatten(out, [e if m == o else zm for m, zm in enumerate(z)])
            ct = (ct, rt.zeros_like(aux)) if has_aux else ct
            cts = dict(zip(active, c.bwd(_copy_lists(saved), ct)))
            rows[o].append({i: leaves_like(cts[i], vals[i]) for i in active})

    def block(o, a, l):
        i = idx[a]
        return _block([r[i][l] for r in rows[o]], out_leaves[o], flatten(vals[i])[0][l], True)
    jac = _assemble(out, vals, idx, single, block)
    if with_out:  # nested Jacobians need the output's structure
        return jac, out
    return (jac, aux) if has_aux else jac
