"""Loops: for over ranges, arrays, rows and lists; while; break/continue; returns."""
import numpy as np

from . import Case, normal, uniform_away as away


def range_series(x, n):
    s = 0.0
    for i in range(n):
        s += x ** (i + 1) / (i + 1.0)
    return s


def range_start_stop(x):
    s = 0.0
    for i in range(2, 6):
        s = s + x[i] * x[i - 2] + np.sin(x[i - 1])
    return s


def range_step(x):
    s = 0.0
    for i in range(1, 9, 3):
        s += x[i] ** 2
    for j in range(7, 0, -2):
        s = s * 0.5 + x[j] * x[j - 1]
    return s


def loop_over_vector(x):
    s = 0.0
    for v in x:
        s += np.sin(v) * v
    return s


def loop_over_rows(M, w):
    s = 0.0
    for row in M:
        s = s + np.tanh(row @ w) ** 2
    return s


def loop_over_list(x, y):
    s = 1.0
    for c in [x, y, x * y, 2.0]:
        s = s * 0.5 + c * c
    return s


def nested_loops(A, x):
    s = 0.0
    for i in range(3):
        for j in range(4):
            s += A[i, j] * x[j] ** (i + 1)
    return s


def triangular_loops(x):
    s = 0.0
    n = x.shape[0]
    for i in range(n):
        for j in range(i):
            s += x[i] * x[j] / (1.0 + i - j)
    return s


def while_halving(x):
    while x > 1.0:
        x = x / 2.0
    return x * x + x


def while_counter(x, n):
    i = 0
    y = x
    while i < n:
        y = y - 0.1 * np.sin(y) * x
        i += 1
    return y


def while_growth(x):
    y = 1.0
    k = 0
    while y < 10.0 and k < 50:
        y = y * (1.0 + x) + 0.1 * x
        k = k + 1
    return y * k


def break_in_for(x):
    s = 0.0
    for i in range(x.shape[0]):
        if s > 3.0:
            break
        s += x[i] ** 2
    return s


def continue_in_for(x):
    s = 0.0
    for v in x:
        if v < 0.0:
            continue
        s = s + v * np.exp(-v)
    return s


def break_continue_while(x):
    i = 0
    s = 0.0
    n = x.shape[0]
    while i < n:
        i += 1
        if x[i - 1] < 0.0:
            continue
        if s > 2.0:
            break
        s += x[i - 1] * (1.0 + s)
    return s


def break_in_nested_if(x, y):
    s = 0.0
    for i in range(x.shape[0]):
        if x[i] > 0.0:
            if x[i] * y > 1.0:
                break
            else:
                s = s + x[i] * y
        else:
            if x[i] < -1.0:
                continue
            s = s - x[i] ** 2
    return s + y


def continue_in_while(x):
    i = 0
    s = 0.0
    while i < x.shape[0]:
        v = x[i]
        i = i + 1
        if v > 0.5:
            if v > 1.0:
                continue
            s = s + v
            continue
        s = s + v * v
    return s


def while_true_break(x):
    y = x
    k = 0
    while True:
        y = np.cos(y) * 0.5 + x
        k += 1
        if k >= 6:
            break
    return y


def inner_break(A):
    s = 0.0
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            if A[i, j] < 0.0:
                break
            s += A[i, j] * (j + 1.0)
        s = s * 0.9
    return s


def return_in_loop(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i]
        if s > 2.0:
            return s * x[0]
    return s - 1.0


def return_in_while(x):
    y = x
    k = 0
    while k < 20:
        y = y * y + 0.1
        k += 1
        if y > 5.0:
            return y + k
    return -y


def early_return(x):
    if x > 1.0:
        return np.log(x) * 2.0
    y = x * x
    if y < 0.25:
        return y + x
    return y * np.exp(-x)


def fib_like(x, y, n):
    a, b = x, y
    for k in range(n):
        a, b = b, a + 0.5 * b
    return a * b


def accumulate_pairs(x, w):
    total = 0.0
    for i in range(x.shape[0] - 1):
        d = x[i + 1] - x[i]
        total += w * d * d
    for k in range(x.shape[0]):
        total -= 0.1 * x[k]
    return total


def loop_then_branch(x):
    m = x[0]
    for v in x[1:]:
        m = v if v > m else m
    return m * np.sum(x)


def _sorted_gaps(r, n, lo, hi, gap=0.1):
    while True:
        x = r.uniform(lo, hi, n)
        d = np.abs(np.subtract.outer(x, x)) + np.eye(n)
        if d.min() > gap:
            return x


CASES = [
    Case(range_series, lambda r: (r.uniform(-0.9, 0.9), 5)),
    Case(range_start_stop, lambda r: (normal(r, 7),)),
    Case(range_step, lambda r: (normal(r, 10),)),
    Case(loop_over_vector, lambda r: (normal(r, 5),)),
    Case(loop_over_rows, lambda r: (normal(r, 4, 3), normal(r, 3, scale=0.5)),
         wrt=(0, 1)),
    Case(loop_over_list, lambda r: (r.uniform(-1, 1), r.uniform(-1, 1)), wrt=(0, 1)),
    Case(nested_loops, lambda r: (normal(r, 3, 4), r.uniform(-1, 1, 4)), wrt=(0, 1)),
    Case(triangular_loops, lambda r: (normal(r, 5),)),
    Case(while_halving, lambda r: (r.uniform(2.2, 3.7),)),
    Case(while_halving, lambda r: (r.uniform(0.2, 0.9),), name="while_halving_no_iter"),
    Case(while_counter, lambda r: (r.uniform(0.5, 2.5), 7)),
    Case(while_growth, lambda r: (r.uniform(0.3, 0.8),)),
    Case(break_in_for, lambda r: (np.array([0.9, 1.1, 0.8, 1.2, 1.0, 0.7])
                                  + r.uniform(-0.03, 0.03, 6),)),
    Case(continue_in_for, lambda r: (away(r, -2.0, 2.0, avoid=(0.0,), size=6),)),
    Case(break_continue_while, lambda r: (np.array([0.6, -0.5, 0.7, 0.9, -0.3, 1.0])
                                          + r.uniform(-0.03, 0.03, 6),)),
    Case(break_in_nested_if, lambda r: (np.array([0.5, -0.5, -1.5, 0.8, 2.0, 0.3])
                                        + r.uniform(-0.05, 0.05, 6),
                                        r.uniform(0.9, 1.1)), wrt=(0, 1)),
    Case(continue_in_while, lambda r: (away(r, -1.0, 1.5, avoid=(0.5, 1.0), size=7),)),
    Case(while_true_break, lambda r: (r.uniform(-1.0, 1.0),)),
    Case(inner_break, lambda r: (np.array([[1.0, 0.5, -0.5, 2.0], [0.5, 0.6, 0.7, 0.8],
                                           [-1.0, 1.0, 1.0, 1.0]])
                                 + r.uniform(-0.1, 0.1, (3, 4)),)),
    Case(return_in_loop, lambda r: (np.array([0.5, 0.7, 0.2, 1.0, 0.4])
                                    + r.uniform(-0.03, 0.03, 5),)),
    Case(return_in_loop, lambda r: (r.uniform(-0.5, 0.5, 5),),
         name="return_in_loop_fallthrough"),
    Case(return_in_while, lambda r: (r.uniform(1.1, 1.3),)),
    Case(return_in_while, lambda r: (r.uniform(0.1, 0.4),), name="return_in_while_never"),
    Case(early_return, lambda r: (r.uniform(1.2, 3.0),), name="early_return_first"),
    Case(early_return, lambda r: (r.uniform(-0.45, 0.45),), name="early_return_second"),
    Case(early_return, lambda r: (r.uniform(0.55, 0.95),), name="early_return_last"),
    Case(fib_like, lambda r: (r.uniform(-1, 1), r.uniform(-1, 1), 6), wrt=(0, 1)),
    Case(accumulate_pairs, lambda r: (normal(r, 6), r.uniform(0.5, 2.0)), wrt=(0, 1)),
    Case(loop_then_branch, lambda r: (_sorted_gaps(r, 5, -2.0, 2.0),)),
]
