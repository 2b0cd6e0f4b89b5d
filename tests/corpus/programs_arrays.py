"""Arrays: indexing, slicing, subscript writes, methods, NumPy functions, lists."""
import numpy as np

from . import Case, normal, uniform_away as away

COLUMN_WEIGHTS = np.array([1.0, 2.0, 3.0, 4.0])


def slice_reads(x):
    a = np.sum(x[1:] * x[:-1])
    b = x[-1] * x[0] + np.sum(x[::2] ** 2)
    c = np.sum(x[1:4]) * x[-2]
    return a + b - c


def matrix_slices(M):
    a = M[:, 0] @ M[1, :]
    b = np.sum(M[1:, :2] ** 2)
    c = M[0, -1] * M[-1, 0] + np.sum(M[2])
    return a + b + c


def elementwise_writes(x):
    n = x.shape[0]
    y = np.zeros(n)
    for i in range(n):
        y[i] = x[i] ** 2
    return np.sum(y * x)


def prefix_sums(x):
    n = x.shape[0]
    y = np.zeros(n)
    y[0] = x[0]
    for i in range(1, n):
        y[i] = y[i - 1] + x[i]
    return np.sum(y ** 2)


def overwrite_then_read(x):
    y = np.zeros(4)
    for i in range(4):
        y[i] = x[i] * 2.0
    a = y[1]
    y[1] = np.sin(y[2])
    y[2] = y[1] * y[3]
    y[3] = y[3] * y[3]
    return a * np.sum(y) + y[2]


def inplace_recurrence(x):
    y = x * 1.0
    for k in range(3):
        for i in range(1, y.shape[0]):
            y[i] = 0.5 * (y[i] + y[i - 1])
    return np.sum(y * y * x)


def aug_subscript(x, W):
    w = np.zeros(3)
    for i in range(3):
        for j in range(4):
            w[i] += W[i, j] * x[j]
    M = np.zeros((2, 3))
    for i in range(2):
        for j in range(3):
            M[i, j] += w[j] * (i + 1.0)
            M[i, j] *= w[j]
    return np.sum(M) + w @ w


def row_writes(W, x):
    Z = np.zeros((3, 4))
    for i in range(3):
        Z[i] = W[i] * x
    Z[1, :] = Z[1, :] + Z[0, :]
    Z[:, 2] = np.tanh(Z[:, 2])
    return np.sum(Z ** 2)


def attributes_methods(x, M):
    n = x.shape[0]
    s = (M.T @ x).sum()
    t = M.sum(axis=0) @ x[:M.shape[1]]
    u = M.mean() * n + x.max() + x.dot(x)
    v = M.reshape(M.shape[0] * M.shape[1]).sum() + M.reshape((-1,)).max()
    return s + t + u * v


def unary_numpy(x):
    a = np.sin(x) * np.cos(x) + np.tan(x * 0.5)
    b = np.exp(-x) + np.log(x) + np.sqrt(x)
    c = np.tanh(x) * np.abs(x - 1.0)
    return np.sum(a * b + c)


def max_min_where(x, y):
    a = np.maximum(x, y) + np.minimum(x, 0.5 * y)
    b = np.where(x > y, x * y, x - y)
    c = np.maximum(x, 0.0) * 2.0
    return np.sum(a * b + c)


def reductions_axis(M):
    a = np.sum(M, axis=1, keepdims=True)
    b = np.mean(M, axis=0)
    c = np.max(M, axis=1)
    d = np.sum(M * a) + np.sum(b ** 2) + np.sum(c)
    return d + np.mean(M) + np.max(M) + np.sum(M, axis=0)[1]


def dot_matmul_transpose(A, B, x):
    a = np.dot(A, x)
    C = np.matmul(A, B)
    D = np.transpose(C) + B.T @ A.T
    e = np.reshape(D, (2, 6)) @ np.ones(6)
    return a @ a + np.sum(D * D) * 0.1 + np.sum(e) + np.dot(x, x)


def concat_stack(x, y):
    c = np.concatenate([x, y * 2.0])
    S = np.stack([x, y])
    T = np.stack([x, y, x * y], axis=1)
    return np.sum(c ** 2) + np.sum(S[0] * S[1]) + np.sum(T @ np.ones(3))


def zeros_ones_like(x):
    z = np.zeros_like(x)
    o = np.ones(x.shape[0])
    z = z + o * x
    w = np.ones((2, x.shape[0])) * x
    return np.sum(z * w[1]) + np.sum(np.zeros(3)) + np.sum(w)


def broadcasting(a, b):
    M = a + b
    N = a * b * 2.0
    P = M * N - 0.5 * M
    return np.sum(P) + np.sum(3.0 * M * M)


def layer_norm(M, g):
    mu = M.mean(axis=1, keepdims=True)
    C = M - mu
    var = np.mean(C * C, axis=1, keepdims=True)
    Y = C / np.sqrt(var + 1e-3) * g
    return np.sum(Y * Y * COLUMN_WEIGHTS)


def append_and_stack(x):
    lst = []
    for i in range(3):
        lst.append(x * (i + 1.0) + np.sin(x))
    S = np.stack(lst)
    return np.sum(S ** 2) + np.sum(S[1] * S[2])


def append_and_sum(x):
    vals = []
    for v in x:
        vals.append(np.exp(-v * v))
    total = 0.0
    for v in vals:
        total += v
    return total * vals[0]


def np_array_of_scalars(x, y):
    v = np.array([x, y, x * y])
    M = np.array([[x, 1.0], [y, x]])
    return v @ v + np.sum(M @ M)


def list_indexing(x):
    lst = [x[0], x[1] * 2.0, np.sin(x[2])]
    lst[0] = lst[0] + lst[2]
    return lst[1] * lst[2] + lst[-1] * lst[0]


def tuple_of_arrays(x):
    pair = (x[:2], x[2:])
    a, b = pair
    return np.sum(a * a) * np.sum(b) + pair[1][0]


def dict_of_arrays(W, b, x):
    layer = {"W": W, "b": b}
    h = np.tanh(layer["W"] @ x + layer["b"])
    return np.sum(h * h)


def _gapped(r, shape, lo, hi, gap=0.05):
    while True:
        x = r.uniform(lo, hi, shape)
        v = np.sort(x.reshape(-1))
        if np.min(np.diff(v)) > gap:
            return x


def _max_min_inputs(r):
    x = away(r, -2.0, 2.0, avoid=(0.0,), size=5)
    while True:
        y = r.uniform(-2.0, 2.0, 5)
        if np.all(np.abs(x - y) > 0.05) and np.all(np.abs(x - 0.5 * y) > 0.05):
            return x, y


CASES = [
    Case(slice_reads, lambda r: (normal(r, 6),)),
    Case(matrix_slices, lambda r: (normal(r, 3, 3),)),
    Case(elementwise_writes, lambda r: (normal(r, 5),)),
    Case(prefix_sums, lambda r: (normal(r, 6),)),
    Case(overwrite_then_read, lambda r: (normal(r, 4),)),
    Case(inplace_recurrence, lambda r: (normal(r, 5),)),
    Case(aug_subscript, lambda r: (normal(r, 4), normal(r, 3, 4, scale=0.5)), wrt=(0, 1)),
    Case(row_writes, lambda r: (normal(r, 3, 4), normal(r, 4)), wrt=(0, 1)),
    Case(attributes_methods, lambda r: (_gapped(r, 4, -1.5, 1.5), _gapped(r, (4, 2), -1, 1)),
         wrt=(0, 1)),
    Case(unary_numpy, lambda r: (away(r, 0.3, 2.0, avoid=(1.0,), size=5),)),
    Case(max_min_where, _max_min_inputs, wrt=(0, 1)),
    Case(reductions_axis, lambda r: (_gapped(r, (3, 4), -2.0, 2.0, gap=0.02),)),
    Case(dot_matmul_transpose, lambda r: (normal(r, 3, 2), normal(r, 2, 4), normal(r, 2)),
         wrt=(0, 1, 2)),
    Case(concat_stack, lambda r: (normal(r, 3), normal(r, 3)), wrt=(0, 1)),
    Case(zeros_ones_like, lambda r: (normal(r, 4),)),
    Case(broadcasting, lambda r: (normal(r, 3, 1), normal(r, 4)), wrt=(0, 1)),
    Case(layer_norm, lambda r: (normal(r, 3, 4), normal(r, 4)), wrt=(0, "g")),
    Case(append_and_stack, lambda r: (normal(r, 3),)),
    Case(append_and_sum, lambda r: (normal(r, 4),)),
    Case(np_array_of_scalars, lambda r: (r.uniform(-1, 1), r.uniform(-1, 1)), wrt=(0, 1)),
    Case(list_indexing, lambda r: (normal(r, 3),)),
    Case(tuple_of_arrays, lambda r: (normal(r, 5),)),
    Case(dict_of_arrays, lambda r: (normal(r, 3, 2), normal(r, 3), normal(r, 2)),
         wrt=(0, 1, 2)),
]
