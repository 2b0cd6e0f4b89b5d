"""Programs in JAX's style: parameter pytrees (dicts, namedtuples), pure functions,
``jnp``-like NumPy, ``argnums=``, losses over batches."""
from collections import namedtuple

import numpy as np

from .registry import program, randn

Params = namedtuple("Params", ["w", "b"])
XS = randn(6, 3)
YS = randn(6)


def predict(params, x):
    return np.tanh(x @ params["w"] + params["b"])


@program({"w": randn(3) * 0.5, "b": 0.1}, XS, YS)
def mse_dict_params(params, xs, ys):
    preds = predict(params, xs)
    return np.mean((preds - ys) ** 2)


@program(Params(randn(3) * 0.5, 0.2), XS, YS)
def namedtuple_params(p, xs, ys):
    out = xs @ p.w + p.b
    return np.mean(np.log(1.0 + np.exp(-ys * out)))


@program([randn(3, 4) * 0.5, randn(4) * 0.5], XS)
def mlp_list_of_layers(layers, xs):
    w1, w2 = layers
    h = np.tanh(xs @ w1)
    return np.sum((h @ w2) ** 2) / xs.shape[0]


def init_layer(scale, shape):
    return scale * np.ones(shape)


@program(randn(3) * 0.3, XS)
def layer_norm(w, xs):
    h = xs * w
    mu = h.mean(axis=-1, keepdims=True)
    var = ((h - mu) ** 2).mean(axis=-1, keepdims=True)
    normed = (h - mu) / np.sqrt(var + 1e-5)
    return np.sum(normed * init_layer(0.5, (3,)) + normed ** 3 * 0.1)


@program({"a": randn(3), "b": {"c": randn(2), "d": 0.7}})
def nested_pytree(tree):
    leaves = [tree["a"], tree["b"]["c"]]
    return sum(np.sum(leaf ** 2) for leaf in leaves) * tree["b"]["d"] + np.prod(tree["a"])


@program(randn(4), randn(4))
def two_arguments_wrt_second(x, y):
    return np.sum(np.sin(x) * np.cos(y)) + np.dot(x, y) ** 2


program(randn(4), randn(4), wrt=1)(two_arguments_wrt_second)


@program(randn(5))
def scan_like_cumulative(x):
    carry = 0.0
    outs = []
    for xi in x:
        carry = 0.9 * carry + np.sin(xi)
        outs.append(carry)
    return np.sum(np.array(outs) ** 2)


@program(randn(3, 3) * 0.5)
def vmap_like_rows(m):
    return np.sum(np.array([np.dot(row, row[::-1]) for row in m]))


@program(randn(4))
def dict_comprehension_config(x):
    cfg = {"scale": 2.0, "shift": -0.5, "power": 3}
    terms = {name: cfg[name] * np.sum(x) for name in ("scale", "shift")}
    return terms["scale"] * terms["shift"] + np.sum(x ** cfg["power"])


def huber(r, delta=1.0):
    a = np.abs(r)
    return np.where(a < delta, 0.5 * r ** 2, delta * (a - 0.5 * delta))


@program(np.array([0.2, -0.3, 2.5, -1.7]))
def huber_loss(r):
    return np.sum(huber(r, delta=1.2))
