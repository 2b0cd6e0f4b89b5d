"""VJP and JVP rules of ``np.linalg``: determinants, inverses, solves and factorizations.

Promises: every rule works on a matrix or a batch of matrices (``(..., m, n)``,
acting on the last two axes). Sources: Giles, "An extended collection of
matrix derivative results" (2008) for det, inv, solve, eigh; Murray,
"Differentiation of the Cholesky decomposition" (2016); Townsend,
"Differentiating the singular value decomposition" (2016); Walter & Lehmann,
"Algorithmic differentiation of linear algebra functions" (2018) for qr; Golub
& Pereyra (1973) for pinv.

Conventions:

* ``cholesky`` and ``eigh``/``eigvalsh`` read one triangle of their argument:
  ``cholesky`` the lower one, ``eigh``/``eigvalsh`` the one ``UPLO`` names (the lower
  by default); NumPy ignores the other. The rules are the derivatives of that
  function of all n² entries: a JVP sees the tangent of the symmetric matrix built
  from the triangle read (``tril(d) + tril(d, -1)ᵀ``), and a VJP gives the entries of
  the other triangle a zero cotangent and those off the diagonal of the triangle read
  both halves of the symmetric cotangent. For a symmetric input and perturbation this
  is the derivative on symmetric matrices; finite differences of NumPy's function in
  any direction agree with it. ``cholesky`` with ``upper=True`` is not supported (a
  compile-time error).
* ``eigh``: distinct eigenvalues (the eigenvector derivative divides by their
  gaps); the derivative of each eigenvector is the one orthogonal to it, i.e. of
  the sign choice LAPACK made at the primal point kept continuous.
* ``svd``: the thin SVD (``full_matrices=False``, or a square matrix), with
  ``U`` and ``Vh``; distinct nonzero singular values. Singular vectors are
  defined up to a simultaneous sign flip of ``u_i`` and ``v_i``; the derivative
  is that of the pair with LAPACK's sign at the primal point (a function of
  ``U`` and ``Vh`` that is invariant under those flips gets a gauge-free
  gradient). ``compute_uv=False`` is not supported: use ``np.linalg.svdvals``.
* ``qr``: ``mode='reduced'`` (the default; other modes are a compile-time
  error), ``m >= n`` and full column rank; LAPACK's signs of ``R``'s diagonal.
* ``solve``: ``b`` a vector ``(m,)`` or matrices ``(..., m, k)`` (not a vector
  with a batch of matrices). ``pinv``: constant rank near the input (full rank
  in practice); ``rcond`` is a constant. ``slogdet``: the sign has derivative 0.
"""
import numpy as np

from .. import runtime as rt
from .registry import defjvp, defvjp, tuple_result

tuple_result(2, np.linalg.slogdet, np.linalg.eigh, np.linalg.qr)
tuple_result(3, np.linalg.svd)  # with compute_uv=False it is an array, but the rule rejects that


@defvjp(np.linalg.det)
def det(g, ans, a):
    return np.expand_dims(g * ans, (-2, -1)) * np.matrix_transpose(np.linalg.inv(a))


@defjvp(np.linalg.det)
def det_jvp(d, ans, a):
    return ans * np.trace(np.linalg.solve(a, d), axis1=-2, axis2=-1)


@defvjp(np.linalg.slogdet)
def slogdet(g, ans, a):
    return np.expand_dims(g[1], (-2, -1)) * np.matrix_transpose(np.linalg.inv(a))


@defjvp(np.linalg.slogdet)
def slogdet_jvp(d, ans, a):
    return (rt.zeros_like(ans[0]), np.trace(np.linalg.solve(a, d), axis1=-2, axis2=-1))


@defvjp(np.linalg.inv)
def inv(g, ans, a):
    t = np.matrix_transpose(ans)
    return -(t @ g @ t)


@defjvp(np.linalg.inv)
def inv_jvp(d, ans, a):
    return -(ans @ d @ ans)


@defvjp(np.linalg.solve, argnums=(0, 1))
def solve(g, ans, a, b):
    gb = np.linalg.solve(np.matrix_transpose(a), g)
    return -rt.matmul_vjp_left(gb, a, ans), rt.unbroadcast(gb, b)


@defjvp(np.linalg.solve)
def solve_jvp0(d, ans, a, b):
    return -np.linalg.solve(a, d @ ans)


@defjvp(np.linalg.solve, argnum=1)
def solve_jvp1(d, ans, a, b):
    return np.linalg.solve(a, d)


@defvjp(np.linalg.cholesky)
def cholesky(g, ans, a):
    linv = np.linalg.inv(ans)
    s = np.matrix_transpose(linv) @ rt.phi(np.matrix_transpose(ans) @ g) @ linv
    return rt.read_triangle_vjp(0.5 * (s + np.matrix_transpose(s)), "L")


@defjvp(np.linalg.cholesky)
def cholesky_jvp(d, ans, a):
    linv = np.linalg.inv(ans)
    return ans @ rt.phi(linv @ rt.read_triangle(d, "L") @ np.matrix_transpose(linv))


@defvjp(np.linalg.eigh)
def eigh(g, ans, a, UPLO="L"):
    v = ans[1]
    s = v @ (rt.diag_embed(g[0]) + rt.inv_gaps(ans[0]) * (np.matrix_transpose(v) @ g[1])) @ \
        np.matrix_transpose(v)
    return rt.read_triangle_vjp(0.5 * (s + np.matrix_transpose(s)), UPLO)


@defjvp(np.linalg.eigh)
def eigh_jvp(d, ans, a, UPLO="L"):
    p = np.matrix_transpose(ans[1]) @ rt.read_triangle(d, UPLO) @ ans[1]
    return (rt.diag_part(p), ans[1] @ (rt.inv_gaps(ans[0]) * p))


@defvjp(np.linalg.eigvalsh)
def eigvalsh(g, ans, a, UPLO="L"):
    wv = np.linalg.eigh(a, UPLO)
    return rt.read_triangle_vjp(wv[1] @ (np.expand_dims(g, -1) * np.matrix_transpose(wv[1])),
                                UPLO)


@defjvp(np.linalg.eigvalsh)
def eigvalsh_jvp(d, ans, a, UPLO="L"):
    wv = np.linalg.eigh(a, UPLO)
    return np.sum(wv[1] * (rt.read_triangle(d, UPLO) @ wv[1]), axis=-2)


@defvjp(np.linalg.qr)
def qr(g, ans, a):
    x = g[1] @ np.matrix_transpose(ans[1]) - np.matrix_transpose(ans[0]) @ g[0]
    y = x - np.tril(x - np.matrix_transpose(x), -1)
    return np.matrix_transpose(np.linalg.solve(ans[1], np.matrix_transpose(g[0] + ans[0] @ y)))


@defjvp(np.linalg.qr)
def qr_jvp(d, ans, a):
    m = np.matrix_transpose(np.linalg.solve(np.matrix_transpose(ans[1]), np.matrix_transpose(d)))
    c = np.matrix_transpose(ans[0]) @ m
    return (ans[0] @ (rt.skew_lower(c) - c) + m, (c - rt.skew_lower(c)) @ ans[1])


@defvjp(np.linalg.svd)
def svd(g, ans, a, full_matrices=True):
    f = rt.inv_gaps(ans[1] * ans[1])
    j = (f * (np.matrix_transpose(ans[0]) @ g[0] - np.matrix_transpose(g[0]) @ ans[0])) * \
        np.expand_dims(ans[1], -2) + rt.diag_embed(g[1]) + np.expand_dims(ans[1], -1) * \
        (f * (ans[2] @ np.matrix_transpose(g[2]) - g[2] @ np.matrix_transpose(ans[2])))
    return (ans[0] @ j @ ans[2]
            + ((g[0] - ans[0] @ (np.matrix_transpose(ans[0]) @ g[0])) / np.expand_dims(ans[1], -2))
            @ ans[2]
            + ans[0] @ ((g[2] - (g[2] @ np.matrix_transpose(ans[2])) @ ans[2])
                        / np.expand_dims(ans[1], -1)))


@defjvp(np.linalg.svd)
def svd_jvp(d, ans, a, full_matrices=True):
    p = np.matrix_transpose(ans[0]) @ d @ np.matrix_transpose(ans[2])
    f = rt.inv_gaps(ans[1] * ans[1])
    return (ans[0] @ (f * (p * np.expand_dims(ans[1], -2) + np.expand_dims(ans[1], -1)
                           * np.matrix_transpose(p)))
            + (d @ np.matrix_transpose(ans[2]) - ans[0] @ p) / np.expand_dims(ans[1], -2),
            rt.diag_part(p),
            (np.matrix_transpose(ans[0]) @ d - p @ ans[2]) / np.expand_dims(ans[1], -1)
            - (f * (np.expand_dims(ans[1], -1) * p + np.matrix_transpose(p)
                    * np.expand_dims(ans[1], -2))) @ ans[2])


@defvjp(np.linalg.svdvals)
def svdvals(g, ans, x):
    usv = np.linalg.svd(x, full_matrices=False)
    return usv[0] @ (np.expand_dims(g, -1) * usv[2])


@defjvp(np.linalg.svdvals)
def svdvals_jvp(d, ans, x):
    usv = np.linalg.svd(x, full_matrices=False)
    return rt.diag_part(np.matrix_transpose(usv[0]) @ d @ np.matrix_transpose(usv[2]))


@defvjp(np.linalg.pinv)
def pinv(g, ans, a, rcond=None, hermitian=False):
    xt, gt = np.matrix_transpose(ans), np.matrix_transpose(g)
    return -(xt @ g @ xt) + (gt - a @ (ans @ gt)) @ (ans @ xt) + (xt @ ans) @ (gt - (gt @ ans) @ a)


@defjvp(np.linalg.pinv)
def pinv_jvp(d, ans, a, rcond=None, hermitian=False):
    dt, xt = np.matrix_transpose(d), np.matrix_transpose(ans)
    return (-(ans @ d @ ans) + (ans @ xt) @ (dt - (dt @ a) @ ans)
            + (dt - ans @ (a @ dt)) @ (xt @ ans))


# --- Rules of the runtime building blocks ----------------------------------------------

@defvjp(rt.inv_gaps)
def inv_gaps(ct, out, w):
    c = ct * out * out
    return np.sum(c, axis=-1) - np.sum(c, axis=-2)


@defjvp(rt.inv_gaps)
def inv_gaps_jvp(d, out, w):
    return (np.expand_dims(d, -1) - np.expand_dims(d, -2)) * out * out


@defvjp(rt.diag_embed)
def diag_embed(ct, out, x):
    return rt.diag_part(ct)


@defjvp(rt.diag_embed)
def diag_embed_jvp(d, out, x):
    return rt.diag_embed(d)


@defvjp(rt.diag_part)
def diag_part(ct, out, x):
    return rt.diag_embed(ct)


@defjvp(rt.diag_part)
def diag_part_jvp(d, out, x):
    return rt.diag_part(d)


@defvjp(rt.phi)  # a mask: self-adjoint
@defjvp(rt.phi)
def phi(ct, out, x):
    return rt.phi(ct)


@defvjp(rt.read_triangle)  # read_triangle and read_triangle_vjp are adjoint linear maps
def read_triangle(ct, out, x, uplo):
    return rt.read_triangle_vjp(ct, uplo)


@defjvp(rt.read_triangle)
def read_triangle_jvp(d, out, x, uplo):
    return rt.read_triangle(d, uplo)


@defvjp(rt.read_triangle_vjp)
def read_triangle_vjp(ct, out, g, uplo):
    return rt.read_triangle(ct, uplo)


@defjvp(rt.read_triangle_vjp)
def read_triangle_vjp_jvp(d, out, g, uplo):
    return rt.read_triangle_vjp(d, uplo)


@defvjp(rt.skew_lower)
def skew_lower(ct, out, x):
    return np.tril(ct - np.matrix_transpose(ct), -1)


@defjvp(rt.skew_lower)
def skew_lower_jvp(d, out, x):
    return rt.skew_lower(d)
