"""Benchmark workloads: NumPy primals (read by tangentlike) and hand-written gradients.

Every primal is a plain module-level function in tangentlike's subset; the
module-level name ``np`` is the only library it uses, so ``peers`` can run the
very same code under autograd.numpy, jax.numpy or a torch shim by rebinding
``np``. The hand-written gradients are what a careful person writes in NumPy
for the *same algorithm* (same loops, same library calls), except the RNN's,
which is the best NumPy code a numerical programmer writes (issue 17: products of
all steps at once); they are the baseline of the "<= 1.2x hand-written" targets.

``WORKLOADS`` maps a name to a ``Workload``: the primal, its hand-written
gradient (returning a tuple in ``wrt`` order), the differentiated arguments and
a maker of inputs (``quick`` gives small sizes for the smoke mode).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

ODE_H = 0.01
LOG_2PI = 1.8378770664093453


# --- scalar loop: RK4 on dy/dt = -k y + sin(y) ------------------------------------

def ode_rhs(y, k):
    return -k * y + np.sin(y)


def ode_loss(k, y0, n):
    y = y0
    h = ODE_H
    for i in range(n):
        k1 = ode_rhs(y, k)
        k2 = ode_rhs(y + 0.5 * h * k1, k)
        k3 = ode_rhs(y + 0.5 * h * k2, k)
        k4 = ode_rhs(y + h * k3, k)
        y = y + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return y * y


def ode_grad_hand(k, y0, n):
    h = ODE_H
    stages = []
    y = y0
    for i in range(n):
        a1 = y
        k1 = -k * a1 + np.sin(a1)
        a2 = y + 0.5 * h * k1
        k2 = -k * a2 + np.sin(a2)
        a3 = y + 0.5 * h * k2
        k3 = -k * a3 + np.sin(a3)
        a4 = y + h * k3
        k4 = -k * a4 + np.sin(a4)
        stages.append((a1, a2, a3, a4))
        y = y + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    gy = 2.0 * y
    gk = 0.0
    for a1, a2, a3, a4 in reversed(stages):
        g4 = gy * (h / 6.0)
        g3 = gy * (h / 3.0)
        g2 = gy * (h / 3.0)
        g1 = gy * (h / 6.0)
        gk -= g4 * a4
        ga = g4 * (np.cos(a4) - k)
        g3 += ga * h
        gy += ga
        gk -= g3 * a3
        ga = g3 * (np.cos(a3) - k)
        g2 += ga * (0.5 * h)
        gy += ga
        gk -= g2 * a2
        ga = g2 * (np.cos(a2) - k)
        g1 += ga * (0.5 * h)
        gy += ga
        gk -= g1 * a1
        gy += g1 * (np.cos(a1) - k)
    return gk, gy


def ode_args(quick):
    return (0.7, 1.3, 20 if quick else 200)


# --- small MLP: 64 -> 32 (tanh) -> 10, batch 16, mean squared error ----------------

def mlp_loss(W1, b1, W2, b2, x, y):
    h = np.tanh(x @ W1 + b1)
    out = h @ W2 + b2
    d = out - y
    return np.mean(d * d)


def mlp_grad_hand(W1, b1, W2, b2, x, y):
    h = np.tanh(x @ W1 + b1)
    d = h @ W2 + b2 - y
    g_out = d * (2.0 / d.size)
    gW2 = h.T @ g_out
    gb2 = g_out.sum(axis=0)
    gz = (g_out @ W2.T) * (1.0 - h * h)
    return x.T @ gz, gz.sum(axis=0), gW2, gb2


def mlp_args(quick):
    rng = np.random.default_rng(1)
    return (0.2 * rng.standard_normal((64, 32)), 0.1 * rng.standard_normal(32),
            0.2 * rng.standard_normal((32, 10)), 0.1 * rng.standard_normal(10),
            rng.standard_normal((16, 64)), rng.standard_normal((16, 10)))


def mlp_dot_loss(W1, b1, W2, b2, x, y):
    h = np.tanh(np.dot(x, W1) + b1)
    out = np.matmul(h, W2) + b2
    d = out - y
    return np.sum((d * d).sum(0), axis=0) / d.size


# --- RNN with backpropagation through time ------------------------------------------

def rnn_loss(W, U, b, xs):
    h = np.zeros((xs.shape[1], W.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(h @ W + xs[t] @ U + b)
    return np.sum(h * h)


def rnn_grad_hand(W, U, b, xs):
    """What a numerical programmer writes: the input products of all steps in one
    matrix product, the states in one array, and the weight gradients as one
    product over all steps after the backward loop (not one per step)."""
    steps, batch, _ = xs.shape
    flat_x = xs.reshape(steps * batch, -1)
    xu = (flat_x @ U).reshape(steps, batch, -1) + b
    hs = np.empty((steps + 1, batch, W.shape[0]))
    hs[0] = 0.0
    for t in range(steps):
        hs[t + 1] = np.tanh(hs[t] @ W + xu[t])
    gz = np.empty_like(xu)
    gh = 2.0 * hs[steps]
    wt = W.T
    for t in range(steps - 1, -1, -1):
        h = hs[t + 1]
        gz[t] = g = gh * (1.0 - h * h)
        gh = g @ wt
    flat_gz = gz.reshape(steps * batch, -1)
    return (hs[:-1].reshape(steps * batch, -1).T @ flat_gz, flat_x.T @ flat_gz,
            flat_gz.sum(axis=0))


def rnn_grad_per_step(W, U, b, xs):
    """The same algorithm as the generated gradient (a product per step in both loops):
    the baseline rnn's targets had before issue 17, kept for comparison."""
    h = np.zeros((xs.shape[1], W.shape[0]))
    hs = [h]
    for t in range(xs.shape[0]):
        h = np.tanh(h @ W + xs[t] @ U + b)
        hs.append(h)
    gW, gU, gb = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    gh = 2.0 * h
    for t in range(xs.shape[0] - 1, -1, -1):
        h = hs[t + 1]
        gz = gh * (1.0 - h * h)
        gW += hs[t].T @ gz
        gU += xs[t].T @ gz
        gb += gz.sum(axis=0)
        gh = gz @ W.T
    return gW, gU, gb


def rnn_dot_loss(W, U, b, xs):
    h = np.zeros((xs.shape[1], W.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(np.dot(h, W) + np.dot(xs[t], U) + b)
    return np.sum(h * h)


def rnn_args(quick):
    rng = np.random.default_rng(2)
    steps = 10 if quick else 100
    return (0.2 * rng.standard_normal((32, 32)), 0.2 * rng.standard_normal((16, 32)),
            0.1 * rng.standard_normal(32), rng.standard_normal((steps, 4, 16)))


# --- logistic regression on a 20000 x 200 design matrix (array-bound) --------------

def logreg_loss(w, X, y):
    z = X @ w
    return np.mean(np.log(1.0 + np.exp(z)) - y * z)


def logreg_dot_loss(w, X, y):
    z = np.dot(X, w)
    return np.sum(np.log(1.0 + np.exp(z)) - y * z, axis=0) / z.shape[0]


def logreg_grad_hand(w, X, y):
    z = X @ w
    p = 1.0 / (1.0 + np.exp(-z))
    return (X.T @ (p - y) / z.shape[0],)


def logreg_args(quick):
    rng = np.random.default_rng(3)
    n, d = (2000, 50) if quick else (20000, 200)
    X = rng.standard_normal((n, d))
    w_true = rng.standard_normal(d) / np.sqrt(d)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-X @ w_true))).astype(float)
    return (0.1 * rng.standard_normal(d) / np.sqrt(d), X, y)


# --- Gaussian mixture log-likelihood, a Python loop over points -------------------

def gmm_loss(mu, logw, sigma, x):
    m0 = np.max(logw)
    lw = logw - (m0 + np.log(np.sum(np.exp(logw - m0))))
    c = lw - np.log(sigma) - 0.5 * LOG_2PI
    total = 0.0
    for i in range(x.shape[0]):
        z = (x[i] - mu) / sigma
        lp = c - 0.5 * z * z
        m = np.max(lp)
        total = total + m + np.log(np.sum(np.exp(lp - m)))
    return total


def gmm_grad_hand(mu, logw, sigma, x):
    m0 = np.max(logw)
    e0 = np.exp(logw - m0)
    s0 = np.sum(e0)
    c = logw - (m0 + np.log(s0)) - np.log(sigma) - 0.5 * LOG_2PI
    gmu = np.zeros_like(mu)
    gc = np.zeros_like(c)
    for i in range(x.shape[0]):
        z = (x[i] - mu) / sigma
        lp = c - 0.5 * z * z
        e = np.exp(lp - np.max(lp))
        r = e / np.sum(e)
        gc += r
        gmu += r * z / sigma
    glogw = gc - np.sum(gc) * (e0 / s0)
    return gmu, glogw


def gmm_args(quick):
    rng = np.random.default_rng(4)
    n = 20 if quick else 100
    x = np.concatenate([rng.normal(-2.0, 0.5, n // 2), rng.normal(1.5, 1.0, n - n // 2)])
    return (np.array([-1.0, 0.5, 2.0]), np.array([0.1, -0.3, 0.2]),
            np.array([0.8, 1.0, 1.2]), x)


@dataclass
class Workload:
    name: str
    title: str
    primal: Callable
    hand: Callable
    wrt: tuple
    make_args: Callable
    peer_targets: bool = False  # the ">= 20x faster than autograd / torch eager" target
    same_algorithm: Callable = None  # a hand-written gradient of the generated algorithm


WORKLOADS = {w.name: w for w in [
    Workload("ode", "RK4 scalar ODE, 200 steps, d/d(k, y0)", ode_loss, ode_grad_hand,
             (0, 1), ode_args, True),
    Workload("mlp", "MLP 64-32-10, batch 16, MSE, d/d(W1, b1, W2, b2)", mlp_loss,
             mlp_grad_hand, (0, 1, 2, 3), mlp_args),
    Workload("rnn", "RNN BPTT, 100 steps, batch 4, hidden 32, d/d(W, U, b)", rnn_loss,
             rnn_grad_hand, (0, 1, 2), rnn_args, True, rnn_grad_per_step),
    Workload("logreg", "logistic regression 20000x200, d/dw", logreg_loss, logreg_grad_hand,
             (0,), logreg_args),
    Workload("mlp_dot", "mlp in np.dot/np.matmul/axis= spellings", mlp_dot_loss,
             mlp_grad_hand, (0, 1, 2, 3), mlp_args),
    Workload("rnn_dot", "rnn with np.dot", rnn_dot_loss, rnn_grad_hand, (0, 1, 2), rnn_args,
             False, rnn_grad_per_step),
    Workload("logreg_dot", "logreg with np.dot and np.sum(..., axis=0)", logreg_dot_loss,
             logreg_grad_hand, (0,), logreg_args),
    Workload("gmm", "GMM log-lik, K=3, loop over 100 points, d/d(mu, logw)", gmm_loss,
             gmm_grad_hand, (0, 1), gmm_args, True),
]}
