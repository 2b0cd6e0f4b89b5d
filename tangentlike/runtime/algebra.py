"""Runtime helpers for the product and linear-algebra rules (re-exported as ``rt.*``).

Promises. ``contract`` is one multilinear primitive for every tensor product
(``einsum``, ``tensordot``, ``inner``, ``kron``): the product of ``x`` and ``y``
with einsum subscripts, written into the subscripts and shape of a target. Its
cotangent in either operand is the same contraction with the roles exchanged,
so its rule is one line and closes the table (docs/architecture.md: closure). The
``*_subscripts`` helpers turn a NumPy call's arguments into such subscripts
(ellipses expanded); they and the shapes they compute carry no derivative.

``inv_gaps``, ``diag_embed``, ``diag_part``, ``phi`` and ``skew_lower`` are the
matrix building blocks of the eigh, svd, cholesky and qr rules (Giles, "An
extended collection of matrix derivative results", 2008; Murray, "Differentiation
of the Cholesky decomposition", 2016; Townsend, "Differentiating the singular
value decomposition", 2016). All act on the last two axes, so batches work.
"""
from __future__ import annotations

import string

import numpy as np

from tangentlike.errors import TangentlikeError


def contract(sx, sy, st, x, y, t):
    """``einsum(sx,sy->st)(x, y)`` with the shape of ``t`` (``sy``/``y`` None: one operand).

    Beyond einsum: a letter of ``st`` that no operand has is broadcast to ``t``'s
    size; a letter that is 1 in ``t`` but larger in an operand is summed; a letter
    repeated in ``st`` writes a diagonal of zeros. Those are exactly the adjoints of
    what einsum does with repeated, summed and broadcast letters. No target (``t``
    None, an absent operand) gives None, the zero cotangent."""
    if t is None:
        return None
    return contract_n([sx] if sy is None else [sx, sy], [x] if sy is None else [x, y], st, t)


def contract_n(subs, ops, st, t):
    """``contract`` of any number of operands ``ops`` with subscripts ``subs``."""
    sizes = {}
    for s, o in zip(subs, ops):
        for c, n in zip(s, np.shape(o)):
            sizes[c] = max(sizes.get(c, 1), n)
    tsize = dict(zip(st, np.shape(t)))
    uniq = "".join(dict.fromkeys(st))
    have = "".join(c for c in uniq if c in sizes)
    r = np.einsum(",".join(subs) + "->" + have, *ops)
    shrink = tuple(i for i, c in enumerate(have) if tsize[c] == 1 and sizes[c] != 1)
    if shrink:
        r = np.sum(r, axis=shrink, keepdims=True)
    r = np.expand_dims(r, tuple(i for i, c in enumerate(uniq) if c not in sizes))
    r = np.broadcast_to(r, tuple(tsize[c] for c in uniq))
    if len(uniq) == len(st):
        out = np.array(r)
        return out[()] if out.ndim == 0 else out
    out = np.zeros(np.shape(t), dtype=r.dtype)
    grid = {c: np.arange(tsize[c]).reshape([-1 if j == i else 1 for j in range(len(uniq))])
            for i, c in enumerate(uniq)}
    out[tuple(grid[c] for c in st)] = r
    return out


def tensordot_subscripts(a, b, axes=2):
    """``(sa, sb, out)``: einsum subscripts of ``np.tensordot(a, b, axes)``."""
    na, nb = np.ndim(a), np.ndim(b)
    if np.ndim(axes) == 0:
        ia, ib = list(range(na - axes, na)), list(range(axes))
    else:
        ia, ib = ([v] if np.ndim(v) == 0 else list(v) for v in axes)
    ia, ib = [int(i) % na for i in ia], [int(j) % nb for j in ib]
    letters = iter(string.ascii_letters)
    sa = [next(letters) for _ in range(na)]
    sb = [next(letters) for _ in range(nb)]
    for i, j in zip(ia, ib):
        sb[j] = sa[i]
    out = [sa[i] for i in range(na) if i not in ia] + [sb[j] for j in range(nb) if j not in ib]
    return "".join(sa), "".join(sb), "".join(out)


def inner_subscripts(a, b):
    """``(sa, sb, out)`` of ``np.inner(a, b)``: the last axes contract (scalars multiply)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return tensordot_subscripts(a, b, 0)
    return tensordot_subscripts(a, b, ([-1], [-1]))


def kron_subscripts(a, b):
    """``(sa, sb, sg, gshape)``: ``np.kron(a, b)`` reshaped to ``gshape`` is the outer
    product ``einsum(sa,sb->sg)`` (axes interleaved; the shorter operand padded with 1s)."""
    na, nb = np.ndim(a), np.ndim(b)
    nd = max(na, nb)
    sha = (1,) * (nd - na) + tuple(np.shape(a))
    shb = (1,) * (nd - nb) + tuple(np.shape(b))
    la, lb = string.ascii_letters[:nd], string.ascii_letters[nd:2 * nd]
    sg = "".join(x + y for x, y in zip(la, lb))
    gshape = tuple(n for pair in zip(sha, shb) for n in pair)
    return la[nd - na:], lb[nd - nb:], sg, gshape


# --- Matrix building blocks (last two axes) -------------------------------------

def inv_gaps(w):
    """``F[..., i, j] = 1 / (w[j] - w[i])`` off the diagonal, 0 on it (eigen/singular
    value gaps; infinite for repeated values)."""
    diff = np.expand_dims(w, -2) - np.expand_dims(w, -1)
    eye = np.eye(np.shape(w)[-1], dtype=bool)
    with np.errstate(divide="ignore"):
        return np.where(eye, 0.0, 1.0 / np.where(eye, 1.0, diff))


def diag_embed(x):
    """The matrices with ``x[..., i]`` on their diagonals."""
    n = np.shape(x)[-1]
    out = np.zeros(np.shape(x) + (n,), dtype=np.result_type(np.asarray(x).dtype, float))
    i = np.arange(n)
    out[..., i, i] = x
    return out


def diag_part(x):
    """The diagonals of the matrices ``x`` (a fresh array; ``np.diagonal`` is a view)."""
    return np.array(np.diagonal(x, axis1=-2, axis2=-1))


def phi(x):
    """The lower triangle of ``x`` with its diagonal halved (Murray 2016's Φ)."""
    half = np.where(np.eye(np.shape(x)[-1], dtype=bool), 0.5, 1.0)
    return np.tril(x) * half


def skew_lower(x):
    """``L - Lᵀ`` with ``L`` the strictly lower triangle of ``x``."""
    low = np.tril(x, -1)
    return low - np.swapaxes(low, -1, -2)


def read_triangle(x, uplo):
    """The symmetric matrices made of the triangle ``uplo`` ('L' or 'U', either case) of
    ``x``, as ``cholesky`` and ``eigh`` read their argument."""
    if uplo in ("U", "u"):
        part = np.triu(x)
        return part + np.swapaxes(np.triu(x, 1), -1, -2)
    part = np.tril(x)
    return part + np.swapaxes(np.tril(x, -1), -1, -2)


def read_triangle_vjp(g, uplo):
    """The adjoint of ``read_triangle``: ``g`` on the triangle read plus ``gᵀ`` off its
    diagonal, zero on the other triangle."""
    gt = np.swapaxes(g, -1, -2)
    if uplo in ("U", "u"):
        return np.triu(g) + np.triu(gt, 1)
    return np.tril(g) + np.tril(gt, -1)
