"""Small programs whose printed IR and generated gradient are checked in.

Each function is a plain module-level ``def`` (no decorator, so the frontend
sees only the function). ``GOLDEN`` lists, per program, the arguments the
gradient is called with (fixed, so the specialization is the one real use
compiles) and ``wrt``. ``step`` and ``loss`` are the RNN example of the README.
Changing a line here shifts the line numbers in every golden file below it:
regenerate with ``TANGENTLIKE_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py``.
"""
import numpy as np


def straight_line(x, y):
    a = x * y + np.sin(x)
    b = a / y - x ** 2
    return a * b + 3.0


def branches(x, k):
    if k > 1.0:
        y = x * k
    elif k > 0.0:
        y = np.exp(x)
    else:
        y = -x
    return y * y


def range_accumulate(x):
    acc = np.zeros(3)
    for i in range(4):
        acc = acc + x[i] * x[i + 1]
    return np.sum(acc * acc)


def while_loop(x):
    y = x
    n = 0
    while n < 3:
        y = np.sin(y) + x
        n += 1
    return y


def loop_break(x):
    s = 0.0
    for v in x:
        s = s + v * v
        if s > 2.0:
            break
    return s


def early_return(x):
    s = 1.0
    for i in range(5):
        s = s * x[i]
        if s < 0.0:
            return -s
    return s


def _square_plus(a, b):
    return a * a + b


def helper_call(x, y):
    z = _square_plus(x, y)
    return _square_plus(z, x)


def item_assign(x):
    y = np.zeros(4)
    for i in range(4):
        y[i] = x[i] * x[3 - i]
    return np.sum(y * x)


def list_append(x):
    parts = []
    for i in range(3):
        parts.append(x * (i + 1.0))
    return parts[0] * parts[1] + parts[2]


def step(h, W, x):
    return np.tanh(W @ h + x)


def loss(W, xs):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        h = step(h, W, xs[t])
        if np.sum(h) > 10.0:
            break
    return np.sum(h * h)


def _rnn_args():
    rng = np.random.default_rng(0)
    return 0.5 * rng.standard_normal((4, 4)), rng.standard_normal((6, 4))


# name -> (function, arguments (a function returning a fresh tuple), wrt)
GOLDEN = {
    "straight_line": (straight_line, lambda: (0.7, 1.3), (0, 1)),
    "branches": (branches, lambda: (0.4, 0.5), 0),
    "range_accumulate": (range_accumulate, lambda: (np.linspace(-1.0, 1.0, 5),), 0),
    "while_loop": (while_loop, lambda: (0.3,), 0),
    "loop_break": (loop_break, lambda: (np.array([0.5, -0.9, 1.1, 0.3]),), 0),
    "early_return": (early_return, lambda: (np.array([1.2, 0.8, -0.5, 2.0, 1.1]),), 0),
    "helper_call": (helper_call, lambda: (0.6, -0.2), (0, 1)),
    "item_assign": (item_assign, lambda: (np.array([0.5, -1.0, 2.0, 0.25]),), 0),
    "list_append": (list_append, lambda: (1.5,), 0),
    "rnn_loss": (loss, _rnn_args, "W"),
}
