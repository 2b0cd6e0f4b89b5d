"""Array-valued programs, checked with ``tl.vjp`` (every argument is a float or
a float array, so the pullback's cotangents are all compared)."""
import numpy as np

from . import Case, helpers, normal, uniform_away as away


def elementwise_mix(x, y):
    return np.sin(x) * y + x ** 2 - np.exp(-y * y)


def dense_layer(W, x, b):
    return np.tanh(W @ x + b)


def softmax(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def cumulative_sum(x):
    y = np.zeros(x.shape[0])
    y[0] = x[0]
    for i in range(1, x.shape[0]):
        y[i] = y[i - 1] + x[i] * x[i]
    return y


def euler_trajectory(y0, k):
    y = y0
    states = []
    for i in range(5):
        y = y + 0.1 * np.array([y[1], -k * y[0] - 0.2 * y[1] ** 3])
        states.append(y)
    return np.stack(states)


def outer_matrix(x, y, s):
    return x.reshape(3, 1) * y * s + s * s


def clipped_poly(x):
    out = np.zeros_like(x)
    for i in range(x.shape[0]):
        if x[i] > 1.0:
            out[i] = 2.0 * x[i] - 1.0
        elif x[i] < -1.0:
            continue
        else:
            out[i] = x[i] * x[i]
    return out + np.where(x > 0.0, x, 0.1 * x)


def normalize_rows(M):
    n = np.sqrt(np.sum(M * M, axis=1, keepdims=True))
    return M / n + helpers.sigmoid(M).T.sum(axis=0).reshape(M.shape[0], 1)


VJP_CASES = [
    Case(elementwise_mix, lambda r: (normal(r, 4), normal(r, 4)), wrt=(0, 1)),
    Case(dense_layer, lambda r: (normal(r, 3, 4, scale=0.5), normal(r, 4), normal(r, 3)),
         wrt=(0, 1, 2)),
    Case(softmax, lambda r: (normal(r, 5),)),
    Case(cumulative_sum, lambda r: (normal(r, 5),)),
    Case(euler_trajectory, lambda r: (normal(r, 2), r.uniform(0.5, 2.0)), wrt=(0, 1)),
    Case(outer_matrix, lambda r: (normal(r, 3), normal(r, 4), r.uniform(0.5, 2.0)),
         wrt=(0, 1, 2)),
    Case(clipped_poly, lambda r: (away(r, -2.0, 2.0, avoid=(-1.0, 0.0, 1.0), size=6),)),
    Case(normalize_rows, lambda r: (normal(r, 3, 4),)),
]
