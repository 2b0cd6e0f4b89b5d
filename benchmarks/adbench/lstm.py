"""LSTM: ADBench's / GradBench's ``evals/lstm`` objective (diagonal weights).

``main_params`` (2 l, 4 b): per layer a weight row and a bias row, each the four gates
(forget, input, output, change); ``extra_params`` (3, b): input weight, output weight,
output bias; ``state`` (2 l, b): per layer hidden and cell; ``sequence`` (c, b). Each
step predicts the next character; the loss is minus the mean log-softmax (with the
``+ 2`` of ADBench's ``logsumexp``) of the observed one:

    gates = [x, h, x, h] * w + bias;  f, i, o = sigmoid(...);  g = tanh(...)
    cell = cell * f + i * g;  hidden = o * tanh(cell)   (layer by layer)
    ypred = hidden_l * out_w + out_b;  loss -= sum(ygold * (ypred - log(sum(exp(ypred)) + 2)))

``objective`` is written as an autograd user writes it (lists of states, slices,
concatenation); ``gradient`` is the hand-written NumPy gradient.
"""
from __future__ import annotations

import numpy as np

B = 14  # ADBench's character width


def make_input(l, c, b=B, seed=0):
    rng = np.random.default_rng(seed + 10 * l + c)
    return dict(main_params=rng.standard_normal((2 * l, 4 * b)) * 0.5,
                extra_params=rng.standard_normal((3, b)) * 0.5,
                state=rng.standard_normal((2 * l, b)) * 0.5,
                sequence=rng.random((c, b)))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def lstm_cell(weight, bias, hidden, cell, x):
    gates = np.concatenate((x, hidden, x, hidden)) * weight + bias
    h = hidden.shape[0]
    forget = sigmoid(gates[0:h])
    ingate = sigmoid(gates[h:2 * h])
    outgate = sigmoid(gates[2 * h:3 * h])
    change = np.tanh(gates[3 * h:])
    cell = cell * forget + ingate * change
    hidden = outgate * np.tanh(cell)
    return hidden, cell


def predict(main_params, extra_params, state, x):
    x = x * extra_params[0]
    new_state = []
    for i in range(0, len(state), 2):
        hidden, cell = lstm_cell(main_params[i], main_params[i + 1], state[i], state[i + 1], x)
        new_state.append(hidden)
        new_state.append(cell)
        x = hidden
    return x * extra_params[1] + extra_params[2], new_state


def objective(main_params, extra_params, state, sequence):
    total = 0.0
    count = 0
    x = sequence[0]
    s = [state[i] for i in range(state.shape[0])]
    for t in range(sequence.shape[0] - 1):
        ypred, s = predict(main_params, extra_params, s, x)
        ynorm = ypred - np.log(np.sum(np.exp(ypred)) + 2.0)
        ygold = sequence[t + 1]
        total = total + np.sum(ygold * ynorm)
        count = count + ygold.shape[0]
        x = ygold
    return -total / count


def gradient(main_params, extra_params, state, sequence):
    """Hand-written gradient: (loss, (d main_params, d extra_params))."""
    nl = main_params.shape[0] // 2
    b = state.shape[1]
    w, bias = main_params[0::2], main_params[1::2]
    h = [state[2 * i] for i in range(nl)]
    c = [state[2 * i + 1] for i in range(nl)]
    tape, outs = [], []
    total = 0.0
    steps = sequence.shape[0] - 1
    for t in range(steps):
        x = sequence[t] * extra_params[0]
        for i in range(nl):
            cat = np.concatenate((x, h[i], x, h[i]))
            gates = cat * w[i] + bias[i]
            sg = 1.0 / (1.0 + np.exp(-gates[:3 * b]))
            ch = np.tanh(gates[3 * b:])
            cn = c[i] * sg[:b] + sg[b:2 * b] * ch
            tc = np.tanh(cn)
            tape.append((cat, sg, ch, c[i], tc))
            c[i] = cn
            h[i] = x = sg[2 * b:] * tc
        ypred = x * extra_params[1] + extra_params[2]
        e = np.exp(ypred)
        se = np.sum(e) + 2.0
        total += np.dot(sequence[t + 1], ypred) - np.sum(sequence[t + 1]) * np.log(se)
        outs.append((x, e / se))
    count = steps * b
    dw, dbias = np.zeros_like(w), np.zeros_like(bias)
    dextra = np.zeros_like(extra_params)
    dh, dc = [np.zeros(b) for _ in range(nl)], [np.zeros(b) for _ in range(nl)]
    dg = np.empty(4 * b)
    for t in range(steps - 1, -1, -1):
        dyn = sequence[t + 1] * (-1.0 / count)
        xl, soft = outs[t]
        dy = dyn - np.sum(dyn) * soft
        dextra[1] += dy * xl
        dextra[2] += dy
        dx = dy * extra_params[1]
        for i in range(nl - 1, -1, -1):
            cat, sg, ch, cp, tc = tape[t * nl + i]
            dhn = dx + dh[i]
            o = sg[2 * b:]
            dcn = dc[i] + dhn * o * (1.0 - tc * tc)
            dc[i] = dcn * sg[:b]
            dg[:b] = dcn * cp
            dg[b:2 * b] = dcn * ch
            dg[2 * b:3 * b] = dhn * tc
            dg[:3 * b] *= sg * (1.0 - sg)
            dg[3 * b:] = dcn * sg[b:2 * b] * (1.0 - ch * ch)
            dbias[i] += dg
            dw[i] += dg * cat
            dcat = dg * w[i]
            dx = dcat[:b] + dcat[2 * b:3 * b]
            dh[i] = dcat[b:2 * b] + dcat[3 * b:]
        dextra[0] += dx * sequence[t]
    dmain = np.empty_like(main_params)
    dmain[0::2], dmain[1::2] = dw, dbias
    return -total / count, (dmain, dextra)
