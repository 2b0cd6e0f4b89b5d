"""Everyday Python around the numerics: tuples returned and unpacked, enumerate/zip,
isinstance checks, early returns, default arguments, assert/print, list building."""
import numpy as np

from .registry import program, randn


def split_params(theta):
    return theta[:2], theta[2:]


@program(randn(5))
def unpack_helper_results(theta):
    a, b = split_params(theta)
    return np.sum(a ** 2) * np.sum(np.exp(b))


@program(randn(4))
def enumerate_zip(x):
    weights = [1.0, 0.5, 0.25, 0.125]
    total = 0.0
    for i, (xi, wi) in enumerate(zip(x, weights)):
        total += wi * xi ** (i + 1)
    return total


def scale(v, factor=2.0):
    if isinstance(v, (list, tuple)):
        return [factor * e for e in v]
    return factor * v


@program(randn(3))
def isinstance_dispatch(x):
    a = scale(x)
    b = scale([x[0], x[1]], factor=3.0)
    return np.sum(a ** 2) + b[0] * b[1]


def piecewise(x):
    if x < 0.0:
        return x ** 2
    if x < 1.0:
        return np.sin(x)
    return np.log(x) + np.sin(1.0)


@program(np.array([-0.7, 0.3, 1.9]))
def early_returns(x):
    return sum(piecewise(xi) for xi in x)


@program(randn(4))
def asserts_and_prints(x):
    assert x.ndim == 1, "expected a vector"
    y = np.cumsum(x)
    assert len(y) == 4
    return np.sum(y ** 2)


@program(randn(3, 3))
def list_of_rows_built(m):
    rows = []
    for i in range(3):
        rows.append(m[i] * (i + 1))
    stacked = np.vstack(rows)
    return np.sum(stacked @ stacked.T)


@program(randn(6))
def reshape_and_index(x):
    m = x.reshape(2, 3)
    return np.sum(m[:, 1:] ** 2) + m[1, 0] * m[0, 2] + np.sum(m.T @ m)


@program(randn(4))
def tuple_of_stats(x):
    def stats(v):
        return np.mean(v), np.std(v), np.max(v)
    mu, sd, top = stats(x)
    return mu * sd + top


@program(randn(5))
def while_with_counter(x):
    i, acc = 0, 0.0
    while i < len(x):
        if i % 2 == 0:
            acc += np.exp(x[i])
        else:
            acc -= x[i] ** 3
        i += 1
    return acc


@program(randn(3), 0.5)
def lambda_passed_to_helper(x, a):
    def apply_twice(f, v):
        return f(f(v))
    return np.sum(apply_twice(lambda v: np.sin(v) * a + v, x))


@program(randn(4))
def in_place_updates(x):
    y = np.zeros(4)
    for i in range(4):
        y[i] = x[i] ** 2 + (y[i - 1] if i > 0 else 0.0)
    y *= 0.5
    return np.sum(y)


@program(randn(3, 2))
def linalg_norms(m):
    return np.linalg.norm(m) + np.linalg.norm(m[:, 0]) ** 2 + np.linalg.det(m.T @ m)


@program(randn(4))
def comprehension_with_filter(x):
    pos = [v ** 2 for v in x if v > 0.0]
    neg = [np.exp(v) for v in x if v <= 0.0]
    return sum(pos) + sum(neg) + len(pos)
