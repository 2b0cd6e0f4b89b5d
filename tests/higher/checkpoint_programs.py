"""Loops for the checkpointing tests (module level: tangentlike reads their source)."""
import numpy as np

import tangentlike as tl


def rnn(W, xs):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + xs[t])
    return np.sum(h * h)


def rnn_break(W, xs):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + xs[t])
        if np.sum(h) > 1.2:
            break
    return np.sum(h * h)


def rnn_while(W, xs):
    h = np.zeros(W.shape[0])
    t = 0
    while t < xs.shape[0] and np.sum(h) < 1.2:
        h = np.tanh(W @ h + xs[t])
        t = t + 1
    return np.sum(h * h)


def nested(W, xs):
    h = np.zeros(W.shape[0])
    s = 0.0
    for t in range(xs.shape[0]):
        for k in range(2):
            h = np.tanh(W @ h + xs[t] * (k + 1.0))
        if np.sum(h) > 0.0:
            s = s + np.sum(h)
        else:
            s = s - 0.5 * np.sum(h * h)
    return s + np.sum(h)


def _cell(h, W, x):
    a = W @ h + x
    return np.tanh(a) * 0.9 + 0.1 * np.sin(a)


def with_calls(W, xs):
    h = np.zeros(W.shape[0])
    acc = []
    for t in range(xs.shape[0]):
        h = _cell(h, W, xs[t])
        acc.append(np.sum(h))
    total = 0.0
    for a in acc:
        total = total + a * a
    return total


@tl.checkpoint
def cell(h, W, x):
    a = W @ h + x
    return np.tanh(a) * 0.9 + 0.1 * np.sin(a)


def with_checkpointed_cell(W, xs):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        h = cell(h, W, xs[t])
    return np.sum(h * h)


def with_call_site_checkpoint(W, xs):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        h = tl.checkpoint(_cell)(h, W, xs[t])
    return np.sum(h * h)


def without_checkpoint(W, xs):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        h = _cell(h, W, xs[t])
    return np.sum(h * h)
