"""Programs in autograd's style: plain NumPy, lambdas, closures over data, helpers."""
import math

import numpy as np

from .registry import program, randn

X = randn(5)
A = randn(4, 3)
T = randn(4)
W0 = randn(3) * 0.5


def sigmoid(z):
    return 0.5 * (np.tanh(z / 2.0) + 1.0)


@program(W0, A, T)
def logistic_loss(w, inputs, targets):
    preds = sigmoid(inputs @ w)
    label_probabilities = preds * targets + (1 - preds) * (1 - targets)
    return -np.sum(np.log(label_probabilities + 2.0))


@program(X)
def lambda_inside(x):
    sq = lambda v: v * v
    cube = lambda v: v * sq(v)
    return np.sum(cube(x)) + sq(np.sum(x))


@program(X)
def map_over_list(x):
    parts = [x[:2], x[2:]]
    return sum(np.sum(np.sin(p)) for p in parts)


@program(randn(3, 3))
def matrix_functions(m):
    s = m @ m.T + 3.0 * np.eye(3)
    sign, logdet = np.linalg.slogdet(s)
    return logdet + np.trace(np.linalg.inv(s)) + np.sum(np.linalg.solve(s, np.ones(3)))


@program(X)
def tanh_chain(x, depth=3):
    y = x
    for _ in range(depth):
        y = np.tanh(y * 1.5 + 0.1)
    return np.sum(y)


@program(np.array([0.7, 1.3]))
def rosenbrock(p):
    x, y = p[0], p[1]
    return (1.0 - x) ** 2 + 100.0 * (y - x ** 2) ** 2


@program(X)
def softmax_entropy(x):
    e = np.exp(x - np.max(x))
    p = e / np.sum(e)
    return -np.sum(p * np.log(p))


@program(randn(6))
def logsumexp_manual(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


@program(X)
def math_module(x):
    total = 0.0
    for i in range(len(x)):
        total += math.exp(x[i] * 0.3) + math.sin(x[i]) * math.sqrt(1.0 + x[i] ** 2)
    return total + math.log(2.0 + x[0] ** 2)


@program(X)
def where_and_clip(x):
    y = np.where(x > 0.1, x ** 2, np.sin(x))
    return np.sum(y) + np.sum(np.clip(x, -0.95, 0.95) ** 3)


@program(randn(2, 3), randn(3))
def broadcasting(m, v):
    centred = m - np.mean(m, axis=0, keepdims=True)
    return np.sum((centred * v) ** 2) + np.sum(m / (1.0 + v ** 2))


@program(X)
def concatenate_stack(x):
    a = np.concatenate([x, x ** 2])
    b = np.stack([x, np.cos(x)], axis=1)
    return np.sum(a) * np.sum(b[:, 1]) + np.sum(np.outer(x, x))
