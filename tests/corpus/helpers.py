"""Helpers called from the programs of other corpus modules."""
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softplus(z):
    return np.log(1.0 + np.exp(z))


def scaled_square(v, scale=0.5):
    return scale * v * v


def affine(W, x, b):
    return W @ x + b


def norm_sq(v):
    return np.sum(v * v)


def mean_and_energy(v):
    return np.mean(v), norm_sq(v)
