"""GMM: log posterior of a Gaussian mixture with a Wishart prior on the precisions.

Written from GradBench's ``evals/gmm`` specification (the corrected form of ADBench's
objective): parameters ``alpha`` (K), ``mu`` (K, d), ``q`` (K, d) (logs of the
diagonal of Q_k) and ``l`` (K, d(d-1)/2) (the strictly lower part of Q_k, filled
column by column); data ``x`` (n, d), Wishart ``gamma`` and ``m``.

    beta[i, k] = alpha_k + sum_j q_kj - 0.5 |Q_k (x_i - mu_k)|^2
    F = -n (d/2 log 2pi + lse(alpha)) + sum_i lse(beta_i)
        + K (n' d log(gamma / sqrt 2) - log Gamma_d(n'/2))
        - gamma^2 / 2 sum_k |Q_k|_F^2 + m sum_kj q_kj,       n' = d + m + 1

Three spellings of the same function: ``objective`` (vectorised NumPy as an autograd
user writes it: no index assignment, the lower triangle gathered with a constant
index array), ``objective_loops`` (the loop style of ADBench's autograd module: a
Python loop over points and components, vectors built with ``np.asarray`` of
comprehensions, columns of L with ``np.concatenate`` / ``np.column_stack``) and
``gradient`` (the hand-written NumPy gradient of ``objective``).
"""
from __future__ import annotations

import math

import numpy as np
import scipy.special


def tri_index(d):
    """(d, d) int array: 0 on and above the diagonal, 1 + (position in ``l``) below it."""
    idx = np.zeros((d, d), dtype=np.intp)
    pos = 1
    for j in range(d):
        for i in range(j + 1, d):
            idx[i, j] = pos
            pos += 1
    return idx


def make_input(d, K, n=1000, seed=0):
    """Fixed-seed inputs of the sizes of ADBench's gmm instances (m = 0, gamma = 1)."""
    rng = np.random.default_rng(seed + 1000 * d + K)
    return dict(alpha=rng.standard_normal(K), mu=rng.random((K, d)),
                q=0.1 * rng.standard_normal((K, d)),
                l=0.1 * rng.standard_normal((K, d * (d - 1) // 2)),
                x=rng.random((n, d)), gamma=1.0, m=0, idx=tri_index(d))


def constant(n, d, K, gamma, m):
    """The terms that depend on no parameter (multigammaln: SciPy, no derivative)."""
    nn = d + m + 1
    return -n * d * 0.5 * math.log(2 * math.pi) + \
        K * (nn * d * (math.log(gamma) - 0.5 * math.log(2)) -
             scipy.special.multigammaln(0.5 * nn, d))


def logsumexp(v, axis):
    mx = np.max(v, axis=axis)
    return mx + np.log(np.sum(np.exp(v - np.expand_dims(mx, axis)), axis=axis))


def objective(alpha, mu, q, l, x, gamma, m, idx):
    n, d = x.shape
    K = alpha.shape[0]
    Qdiag = np.exp(q)
    sum_q = np.sum(q, axis=1)
    L = np.concatenate([np.zeros((K, 1)), l], axis=1)[:, idx]      # (K, d, d)
    xc = x[None, :, :] - mu[:, None, :]                            # (K, n, d)
    z = Qdiag[:, None, :] * xc + np.matmul(xc, np.swapaxes(L, 1, 2))
    beta = alpha[:, None] + sum_q[:, None] - 0.5 * np.sum(z * z, axis=2)
    lik = np.sum(logsumexp(beta, 0)) - n * logsumexp(alpha, 0)
    prior = -0.5 * gamma * gamma * (np.sum(Qdiag * Qdiag) + np.sum(l * l)) + m * np.sum(q)
    return constant(n, d, K, gamma, m) + lik + prior


def gradient(alpha, mu, q, l, x, gamma, m, idx):
    """Hand-written gradient of ``objective`` (value, (d alpha, d mu, d q, d l))."""
    n, d = x.shape
    K = alpha.shape[0]
    Qdiag = np.exp(q)
    L = np.concatenate([np.zeros((K, 1)), l], axis=1)[:, idx]
    xc = x[None, :, :] - mu[:, None, :]
    z = Qdiag[:, None, :] * xc
    z += np.matmul(xc, np.swapaxes(L, 1, 2))
    beta = alpha[:, None] + np.sum(q, axis=1)[:, None] - 0.5 * np.einsum("knd,knd->kn", z, z)
    mx = np.max(beta, axis=0)
    e = np.exp(beta - mx)
    s = np.sum(e, axis=0)
    ma = np.max(alpha)
    ea = np.exp(alpha - ma)
    sa = np.sum(ea)
    value = constant(n, d, K, gamma, m) + np.sum(mx + np.log(s)) - n * (ma + math.log(sa)) \
        - 0.5 * gamma * gamma * (np.sum(Qdiag * Qdiag) + np.sum(l * l)) + m * np.sum(q)
    w = e / s                                                     # d F / d beta, (K, n)
    wk = np.sum(w, axis=1)
    d_alpha = wk - n * ea / sa
    dz = z * (-w[:, :, None])                                     # (K, n, d)
    dQdiag = np.einsum("knd,knd->kd", dz, xc)
    d_q = dQdiag * Qdiag + (wk + m)[:, None] - gamma * gamma * Qdiag * Qdiag
    dL = np.matmul(np.swapaxes(dz, 1, 2), xc)                     # (K, d, d)
    rows, cols = np.nonzero(idx.T)                                # column-by-column order
    d_l = dL[:, cols, rows] - gamma * gamma * l
    dxc = dz * Qdiag[:, None, :]
    dxc += np.matmul(dz, L)
    d_mu = -np.sum(dxc, axis=1)
    return value, (d_alpha, d_mu, d_q, d_l)


# --- ADBench's loop style ---------------------------------------------------------

def lse_loop(v):
    mx = np.max(v)
    return np.log(np.sum(np.asarray([np.exp(v[i] - mx) for i in range(v.size)]))) + mx


def lower_matrix(d, lk):
    cols = []
    start = 0
    for j in range(d):
        count = d - j - 1
        cols.append(np.concatenate((np.zeros(j + 1), lk[start:start + count])))
        start = start + count
    return np.column_stack(cols)


def q_times(qdiag, L, v):
    out = np.asarray([qdiag[i] * v[i] for i in range(v.size)])
    for j in range(L.shape[0]):
        out = out + np.asarray([L[i, j] * v[j] for i in range(v.size)])
    return out


def objective_loops(alpha, mu, q, l, x, gamma, m):
    n = x.shape[0]
    d = x.shape[1]
    K = alpha.size
    Qdiags = np.asarray([np.exp(q[k, :]) for k in range(K)])
    sum_qs = np.asarray([np.sum(q[k, :]) for k in range(K)])
    Ls = [lower_matrix(d, l[k]) for k in range(K)]
    total = 0.0
    for i in range(n):
        terms = []
        for k in range(K):
            zk = q_times(Qdiags[k], Ls[k], x[i, :] - mu[k, :])
            terms.append(alpha[k] + sum_qs[k] - 0.5 * np.sum(np.square(zk)))
        total = total + lse_loop(np.asarray(terms))
    nn = d + m + 1
    prior = 0.0
    for k in range(K):
        frob = np.sum(np.square(Qdiags[k, :])) + np.sum(np.square(l[k, :]))
        prior = prior - 0.5 * gamma * gamma * frob + m * sum_qs[k]
    C = nn * d * (math.log(gamma) - 0.5 * math.log(2)) - scipy.special.multigammaln(0.5 * nn, d)
    return -n * d * 0.5 * math.log(2 * math.pi) + total - n * lse_loop(alpha) + prior + K * C
