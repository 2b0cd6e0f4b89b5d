"""Programs in PyTorch's style: models as classes with methods and attributes,
dataclass configs, ``forward`` methods, loss functions with keyword arguments."""
from dataclasses import dataclass

import numpy as np

from .registry import program, randn

XS = randn(5, 3)
YS = randn(5, 2)


class Linear:
    def __init__(self, n_in, n_out, scale=0.5):
        self.n_in, self.n_out, self.scale = n_in, n_out, scale

    def forward(self, w, x):
        return self.scale * (x @ w)


class MLP:
    def __init__(self):
        self.l1 = Linear(3, 4)
        self.l2 = Linear(4, 2, scale=1.0)
        self.act = np.tanh

    def forward(self, w1, w2, x):
        return self.l2.forward(w2, np.tanh(self.l1.forward(w1, x)))

    def loss(self, w1, w2, x, y):
        return np.mean((self.forward(w1, w2, x) - y) ** 2)


MODEL = MLP()
W1, W2 = randn(3, 4), randn(4, 2)


@program(W1, W2, XS, YS)
def mlp_module(w1, w2, x, y):
    return MODEL.loss(w1, w2, x, y)


program(W1, W2, XS, YS, wrt=1)(mlp_module)


@dataclass
class Config:
    lam: float = 0.1
    power: float = 2.0
    steps: int = 3


CFG = Config(lam=0.05, steps=4)


@program(randn(3), XS, YS[:, 0])
def ridge_with_config(w, x, y):
    resid = x @ w - y
    return np.sum(resid ** 2) + CFG.lam * np.sum(np.abs(w) ** CFG.power)


def cross_entropy(logits, labels, reduction="mean"):
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    logp = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    picked = np.sum(logp * labels, axis=1)
    return -np.mean(picked) if reduction == "mean" else -np.sum(picked)


LABELS = np.eye(3)[[0, 2, 1, 1, 0]]


@program(randn(3, 3) * 0.3, XS)
def softmax_classifier(w, x):
    return cross_entropy(x @ w, LABELS) + 0.5 * cross_entropy(x @ w, LABELS, reduction="sum")


@dataclass
class State:
    pos: np.ndarray
    vel: np.ndarray


@program(State(randn(2), randn(2)))
def dataclass_state(s):
    energy = 0.5 * np.sum(s.vel ** 2) + np.sum(np.cos(s.pos))
    return energy * (1.0 + 0.1 * np.sum(s.pos * s.vel))


class Regulariser:
    weight = 0.3

    def penalty(self, w):
        return self.weight * np.sum(w ** 2)


REG = Regulariser()


@program(randn(4))
def method_of_module_object(w):
    return np.sum(np.sin(w)) + REG.penalty(w)


@program(randn(3, 2) * 0.5, XS, YS)
def training_steps(w, x, y):
    lr = 0.1
    for step in range(3):
        resid = x @ w - y
        g = x.T @ resid / x.shape[0]
        w = w - lr * g
    return np.sum((x @ w - y) ** 2)


def mse(pred, target, *, weight=1.0):
    return weight * np.mean((pred - target) ** 2)


@program(randn(3), XS, YS[:, 1])
def keyword_only_loss(w, x, y):
    return mse(x @ w, y, weight=2.0) + mse(np.tanh(x @ w), y)
