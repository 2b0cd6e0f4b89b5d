"""Statistics: likelihoods, moments, Gaussian processes, mixtures, with string-keyed
options, default and keyword arguments, ``*args``."""
import math

import numpy as np

from .registry import program, randn

DATA = randn(8)


def gaussian_logpdf(x, mu, log_sigma):
    sigma = np.exp(log_sigma)
    return -0.5 * ((x - mu) / sigma) ** 2 - log_sigma - 0.5 * math.log(2 * math.pi)


@program(np.array([0.3, -0.2]), DATA)
def gaussian_nll(theta, data):
    mu, log_sigma = theta
    return -np.sum(gaussian_logpdf(data, mu, log_sigma))


@program(DATA)
def moments(x):
    n = len(x)
    mean = sum(x) / n
    var = sum((xi - mean) ** 2 for xi in x) / (n - 1)
    skew = np.mean((x - mean) ** 3) / var ** 1.5
    return var + skew


@program(np.array([0.5, 0.8]), np.linspace(-1.0, 1.0, 5))
def gp_marginal_likelihood(log_params, xs):
    ell, s2 = np.exp(log_params[0]), np.exp(log_params[1])
    d = xs[:, None] - xs[None, :]
    k = s2 * np.exp(-0.5 * d ** 2 / ell ** 2) + 0.1 * np.eye(len(xs))
    y = np.sin(3.0 * xs)
    alpha = np.linalg.solve(k, y)
    chol = np.linalg.cholesky(k)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(chol)))


@program(np.array([0.2, 0.5, 0.3]), DATA)
def mixture_loglik(logits, data):
    w = np.exp(logits) / np.sum(np.exp(logits))
    means = [-1.0, 0.0, 1.5]
    total = 0.0
    for xi in data:
        comps = [w[k] * np.exp(-0.5 * (xi - m) ** 2) for k, m in enumerate(means)]
        total = total + np.log(sum(comps))
    return -total


SETTINGS = {"kind": "l2", "lam": 0.3, "center": True}


def penalty(w, kind="l2", lam=1.0):
    if kind == "l1":
        return lam * np.sum(np.abs(w))
    elif kind == "l2":
        return lam * np.sum(w ** 2)
    return 0.0


@program(randn(4), randn(6, 4), DATA[:6])
def string_keyed_config(w, x, y):
    if SETTINGS["center"]:
        x = x - np.mean(x, axis=0)
    resid = x @ w - y
    return np.sum(resid ** 2) + penalty(w, kind=SETTINGS["kind"], lam=SETTINGS["lam"])


def weighted_sum(*terms, weights=None):
    if weights is None:
        return sum(terms)
    return sum(w * t for w, t in zip(weights, terms))


@program(randn(3))
def star_args_helper(x):
    a, b, c = np.sum(x ** 2), np.sum(np.sin(x)), np.prod(x)
    return weighted_sum(a, b, c) + weighted_sum(a, b, weights=[0.5, 2.0])


@program(DATA)
def sorted_trimmed_mean(x):
    xs = sorted(x)
    trimmed = xs[1:-1]
    return sum(trimmed) / len(trimmed) + max(x) * min(x)


@program(randn(5), randn(5))
def correlation(x, y):
    xc, yc = x - x.mean(), y - y.mean()
    return np.sum(xc * yc) / (np.linalg.norm(xc) * np.linalg.norm(yc))


@program(np.array([1.2, 0.7]))
def poisson_regression(beta):
    xs = np.linspace(0.0, 1.0, 5)
    counts = np.array([1.0, 2.0, 2.0, 4.0, 6.0])
    eta = beta[0] + beta[1] * xs
    return np.sum(np.exp(eta) - counts * eta)


@program(randn(4))
def bootstrap_fixed_indices(x):
    idx = [[0, 1, 1, 3], [2, 2, 0, 1], [3, 0, 2, 2]]
    means = [np.mean(x[np.array(i)]) for i in idx]
    return np.var(np.array(means)) + np.std(x)
