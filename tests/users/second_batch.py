"""More of what users write every day: iterating dicts, updating parameter dicts,
f-strings in prints, callable objects, static methods, ``functools.partial``, ``key=``
functions, ``list.extend``, tuple concatenation, ``np.einsum``, ``eigh``, random noise
from a seeded generator, ``float()`` of configuration values."""
import functools

import numpy as np

from .registry import program, randn

P = {"w": randn(3) * 0.5, "b": 0.2}
XS = randn(5, 3)


@program(P, XS)
def iterate_dict_keys(params, xs):
    total = 0.0
    for name in params:
        total = total + np.sum(params[name] ** 2)
    return total + np.sum(np.tanh(xs @ params["w"] + params["b"]))


@program(P, XS)
def sgd_step_on_dict(params, xs):
    grads = {"w": np.mean(xs, axis=0), "b": 1.0}
    new = {k: params[k] - 0.1 * grads[k] * params[k] for k in params}
    return np.sum(np.sin(xs @ new["w"])) + new["b"] ** 2


@program(randn(3))
def print_with_fstring(x):
    loss = np.sum(x ** 2)
    print(f"loss = {loss:.4f}, first = {x[0]!r}")
    return loss * np.sum(np.cos(x))


class Quadratic:
    def __init__(self, a):
        self.a = a

    def __call__(self, x):
        return self.a * np.sum(x ** 2)

    @staticmethod
    def bump(x):
        return np.exp(-np.sum(x ** 2))


Q = Quadratic(1.5)


@program(randn(3))
def callable_object_and_staticmethod(x):
    return Q(x) + Quadratic.bump(x) + Q.bump(x * 0.5)


def scaled_power(x, power, scale):
    return scale * x ** power


CUBE = functools.partial(scaled_power, power=3, scale=0.5)


@program(randn(4))
def partial_of_helper(x):
    return np.sum(CUBE(x)) + np.sum(functools.partial(scaled_power, power=2)(x, scale=2.0))


@program(randn(5))
def max_with_key_and_enumerate_start(x):
    pairs = [(i, x[i] ** 2) for i in range(len(x))]
    best = max(pairs, key=lambda p: p[1])
    total = 0.0
    for k, v in enumerate(x, start=1):
        total += k * v
    return best[1] + total


@program(randn(4))
def extend_and_concatenate(x):
    parts = [x[0], x[1]]
    parts.extend([x[2] * 2.0, x[3] ** 2])
    t = (x[0],) + (x[1], x[2])
    return sum(parts) + t[0] * t[2]


@program(randn(3, 4), randn(4, 2))
def einsum_contractions(a, b):
    c = np.einsum("ij,jk->ik", a, b)
    return np.einsum("ik,ik->", c, c) + np.einsum("ii", a[:, :3])


@program(randn(3, 3))
def eigh_of_symmetrised(m):
    s = 0.5 * (m + m.T) + 3.0 * np.eye(3)
    w, v = np.linalg.eigh(s)
    return np.sum(np.log(w)) + np.sum(w ** 2)


@program(randn(4))
def seeded_noise(x):
    rng = np.random.default_rng(0)
    noise = rng.normal(size=4)
    return np.sum((x + 0.1 * noise) ** 2)


CFG = {"lr": "0.05", "steps": 3, "decay": 0.9}


@program(randn(3), XS)
def float_of_config(w, xs):
    lr = float(CFG["lr"])
    for _ in range(int(CFG["steps"])):
        w = w - lr * (xs.T @ np.tanh(xs @ w))
        lr = lr * CFG["decay"]
    return np.sum(w ** 2)


@program(randn(4))
def chained_comparisons_and_any(x):
    inside = [v for v in x if -1.0 < v < 1.0]
    if any(v > 2.5 for v in x) or not inside:
        return np.sum(x)
    return sum(v ** 3 for v in inside) + np.sum(x ** 2)


@program(randn(2, 3))
def item_and_scalar_conversion(m):
    s = np.sum(m ** 2)
    flag = m.shape[0] == 2 and m.ndim == 2
    return s * (2.0 if flag else 1.0) + np.sum(m[0]) * m[1, 2]


def residual(params, x, y):
    pred = params[0] * np.exp(params[1] * x)
    return pred - y


@program(np.array([1.0, -0.5]))
def least_squares_residuals(params):
    x = np.linspace(0.0, 1.0, 6)
    y = 1.2 * np.exp(-0.7 * x)
    r = residual(params, x, y)
    return 0.5 * r @ r


@program(randn(3), randn(3))
def tuple_return_and_swap(a, b):
    def step(u, v):
        return v, u + 0.5 * v
    for _ in range(3):
        a, b = step(a, b)
    return np.sum(a * b)


@program(randn(4))
def nested_closure_over_list(x):
    scales = [0.5, 1.5, 2.0]

    def apply(v):
        out = 0.0
        for s in scales:
            out = out + np.sum(np.sin(s * v))
        return out
    return apply(x) + apply(x ** 2)
