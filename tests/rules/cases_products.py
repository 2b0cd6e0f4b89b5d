"""Cases of the product and linear-algebra rules.

Functions that read one triangle of a matrix (``cholesky``, ``eigh``, ``eigvalsh``)
are checked by finite differences of NumPy's function in every entry (the rules
are the derivatives of the function of the raw array, see
``tangentlike.rules.linalg``), at symmetric points and, for ``eigh``, at a point whose
ignored triangle holds other numbers. Outputs defined up to signs (eigenvectors, singular vectors, QR) are
aligned with the unperturbed output before differencing, so the finite
differences follow the same branch as the rules.
"""
import operator

import numpy as np
from rulecheck import LINALG_TOL, C, Gen, arr, num, spd, sym, well

MATMUL_SHAPES = [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)),
                 ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((4,), (2, 4, 5)), ((2, 3, 4), (4,))]


def _flip_columns(m, ref):
    """``m`` with each column's sign chosen to agree with ``ref``'s column."""
    s = np.sign(np.sum(m * ref, axis=-2, keepdims=True))
    return m * np.where(s == 0, 1.0, s)


def spd_junk(n, uplo="L"):
    """Symmetric positive definite matrices plus other numbers in the triangle NumPy
    does not read (the upper one for ``uplo='L'``)."""
    def draw(rng):
        a = spd(n).draw(rng)
        junk = rng.uniform(-1.0, 1.0, (n, n))
        return a + (np.triu(junk, 1) if uplo == "L" else np.tril(junk, -1))
    return Gen(draw)


def eigh_fd(args, kwargs):
    ref = np.linalg.eigh(args[0], **kwargs)[1]

    def f(a, **kw):
        w, v = np.linalg.eigh(a, **kw)
        return w, _flip_columns(v, ref)
    return f


def svd_fd(args, kwargs):
    ref = np.linalg.svd(*args, **kwargs)

    def f(a, *rest, **kw):
        u, s, vh = np.linalg.svd(a, *rest, **kw)
        sign = np.sign(np.sum(u * ref[0], axis=-2, keepdims=True))
        return u * sign, s, vh * np.swapaxes(sign, -1, -2)
    return f


def qr_fd(args, kwargs):
    ref = np.linalg.qr(args[0])[0]

    def f(a):
        q, r = np.linalg.qr(a)
        sign = np.sign(np.sum(q * ref, axis=-2, keepdims=True))
        return q * sign, r * np.swapaxes(sign, -1, -2)
    return f


def reversed_rows(n, batch=()):
    """A well-conditioned matrix with its rows reversed: a negative determinant for n = 3."""
    w = well(n, batch=batch)
    return Gen(lambda rng: w.draw(rng)[..., ::-1, :].copy())


L = LINALG_TOL
PRODUCTS = [
    *[C(f, arr(*a), arr(*b)) for f in (np.matmul,) for a, b in MATMUL_SHAPES],
    *[C(operator.matmul, arr(*a), arr(*b)) for a, b in MATMUL_SHAPES],
    C(np.dot, arr(4), arr(4)), C(np.dot, arr(3, 4), arr(4)), C(np.dot, arr(4), arr(4, 3)),
    C(np.dot, arr(3, 4), arr(4, 2)), C(np.dot, num(), arr(3)), C(np.dot, arr(2, 3), num()),
    C(np.vdot, arr(4), arr(4)), C(np.vdot, arr(2, 3), arr(3, 2)),
    C(np.outer, arr(3), arr(4)), C(np.outer, arr(2, 2), arr(3)),
    C(np.inner, arr(4), arr(4)), C(np.inner, arr(2, 4), arr(3, 4)),
    C(np.inner, arr(2, 3, 4), arr(4)),
    C(np.inner, num(), arr(2, 3)),
    C(np.tensordot, arr(2, 3, 4), arr(3, 4, 5)), C(np.tensordot, arr(2, 3), arr(3, 4), 1),
    C(np.tensordot, arr(2, 3, 4), arr(4, 2), axes=([0, 2], [1, 0])),
    C(np.tensordot, arr(3), arr(2), 0),
    C(np.tensordot, arr(3, 4), arr(4, 3), axes=(1, 0)),
    C(np.einsum, "ij,jk->ik", arr(2, 3), arr(3, 4)), C(np.einsum, "ij,jk", arr(2, 3), arr(3, 4)),
    C(np.einsum, "i,i->", arr(4), arr(4)), C(np.einsum, "ii->i", arr(3, 3)),
    C(np.einsum, "ii", arr(3, 3)),
    C(np.einsum, "ij->", arr(2, 3)), C(np.einsum, "ij->ji", arr(2, 3)),
    C(np.einsum, "bij,bjk->bik", arr(2, 2, 3), arr(2, 3, 2)),
    C(np.einsum, "...ij,...j->...i", arr(2, 3, 4), arr(4)), C(np.einsum, "i,j->ij", arr(2), arr(3)),
    C(np.einsum, "ij,ij->i", arr(1, 3), arr(4, 3)), C(np.einsum, "iij->j", arr(2, 2, 3)),
    C(np.kron, arr(2, 3), arr(3, 2)), C(np.kron, arr(3), arr(2)), C(np.kron, arr(2, 2), arr(3)),
    C(np.kron, arr(2), arr(2, 3)), C(np.kron, num(), arr(2, 2)),
    C(np.trace, arr(3, 3)), C(np.trace, arr(3, 4), 1), C(np.trace, arr(4, 3), offset=-1),
    C(np.trace, arr(2, 3, 3), axis1=1, axis2=2), C(np.trace, arr(3, 2, 3), 0, 0, 2),
    C(np.diagonal, arr(3, 3)), C(np.diagonal, arr(3, 4), 1), C(np.diagonal, arr(2, 3, 3), 0, 1, 2),
    C(np.diagonal, arr(4, 3), offset=-2),
    C(np.diag, arr(3)), C(np.diag, arr(3), 1), C(np.diag, arr(3), k=-2), C(np.diag, arr(3, 3)),
    C(np.diag, arr(3, 4), 1), C(np.diag, arr(4, 3), -1),
    C(np.triu, arr(3, 3)), C(np.triu, arr(3, 4), 1), C(np.triu, arr(2, 3, 3), -1),
    C(np.tril, arr(3, 3)), C(np.tril, arr(4, 3), -1), C(np.tril, arr(2, 3, 3), k=1),
    C(np.matrix_transpose, arr(3, 4)), C(np.matrix_transpose, arr(2, 3, 4)),
]

LINALG = [
    C(np.linalg.det, well(3), tol=L), C(np.linalg.det, well(2, batch=(3,)), tol=L),
    C(np.linalg.slogdet, well(3), tol=L), C(np.linalg.slogdet, reversed_rows(3, batch=(2,)), tol=L),
    C(np.linalg.inv, well(3), tol=L), C(np.linalg.inv, well(2, batch=(2,)), tol=L),
    C(np.linalg.solve, well(3), arr(3), tol=L), C(np.linalg.solve, well(3), arr(3, 2), tol=L),
    C(np.linalg.solve, well(3, batch=(2,)), arr(2, 3, 2), tol=L),
    C(np.linalg.solve, well(3, batch=(2,)), arr(3, 2), tol=L),
    C(np.linalg.cholesky, spd(3), tol=L),
    C(np.linalg.cholesky, spd(2, batch=(2,)), tol=L),
    C(np.linalg.eigh, spd(3), fd=eigh_fd, tol=L),
    C(np.linalg.eigh, spd(3, batch=(2,)), fd=eigh_fd, tol=L),
    C(np.linalg.eigh, spd(3), UPLO="U", fd=eigh_fd, tol=L),
    C(np.linalg.eigvalsh, spd(3), tol=L),
    C(np.linalg.cholesky, spd_junk(3), tol=L),
    C(np.linalg.eigh, spd_junk(3), fd=eigh_fd, tol=L),
    C(np.linalg.eigh, spd_junk(3, "U"), UPLO="U", fd=eigh_fd, tol=L),
    C(np.linalg.eigvalsh, spd_junk(3, "U"), UPLO="U", tol=L),
    C(np.linalg.eigvalsh, spd(2, batch=(3,)), tol=L),
    C(np.linalg.qr, well(3), fd=qr_fd, tol=L), C(np.linalg.qr, well(4, 3), fd=qr_fd, tol=L),
    C(np.linalg.qr, well(3, 2, batch=(2,)), fd=qr_fd, tol=L),
    C(np.linalg.svd, well(3), fd=svd_fd, tol=L),
    C(np.linalg.svd, well(4, 3), False, fd=svd_fd, tol=L),
    C(np.linalg.svd, well(2, 4), full_matrices=False, fd=svd_fd, tol=L),
    C(np.linalg.svd, well(3, 2, batch=(2,)), full_matrices=False, fd=svd_fd, tol=L),
    C(np.linalg.svdvals, well(3), tol=L), C(np.linalg.svdvals, well(4, 2), tol=L),
    C(np.linalg.svdvals, well(2, 3, batch=(2,)), tol=L),
    C(np.linalg.pinv, well(3), tol=L), C(np.linalg.pinv, well(4, 3), tol=L),
    C(np.linalg.pinv, well(2, 4), tol=L),
    C(np.linalg.pinv, well(3, 2, batch=(2,)), tol=L),
]

CASES = PRODUCTS + LINALG
