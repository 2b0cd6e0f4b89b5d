"""Hand-written gradients of the programs in examples/ whose emitted modules have
golden files (tests/golden/examples), as a person writes them in NumPy: the baseline
of ``adjoint_lines.py`` (issue 17: generated adjoint within 1.5x their line count).
Each is checked against tangentlike's gradient before its lines are counted."""
import numpy as np

PENALTY = 0.1  # examples/hessian_vector.py
STEPS = 4  # examples/three_ways.py


def square(x):
    return 2.0 * x


def rosenbrock(p):
    x, y = p[0], p[1]
    r = 200.0 * (y - x ** 2)
    return np.array([-2.0 * (1.0 - x) - 2.0 * x * r, r])


def determinant(A):
    return np.linalg.det(A) * np.linalg.inv(A).T


def log_abs_det(A):
    return np.linalg.inv(A).T


def f(x):
    return 9.0 * x ** 2 - 10.0 * x


def logistic_loss(w, A, labels):
    p = 1.0 / (1.0 + np.exp(-(A @ w)))
    return A.T @ (p - labels) / labels.size + PENALTY * w


def lagrangian(v):
    x, y, lam = v[0], v[1], v[2]
    return np.array([1.0 + 2.0 * lam * x, 1.0 + 2.0 * lam * y, x * x + y * y - 1.0])


def loss(W, xs):
    hs = [np.zeros(W.shape[0])]
    for t in range(xs.shape[0]):
        hs.append(np.tanh(W @ hs[-1] + xs[t]))
        if np.sum(hs[-1]) > 10.0:
            break
    gW, gh = np.zeros_like(W), 2.0 * hs[-1]
    for t in range(len(hs) - 1, 0, -1):
        gz = gh * (1.0 - hs[t] * hs[t])
        gW += np.outer(gz, hs[t - 1])
        gh = W.T @ gz
    return gW


def e(a, b):
    return b + 1.0, a + 2.0 * b + 1.0


def energy(x, W):
    t = np.tanh(W @ x)
    return W.T @ (2.0 * t * (1.0 - t * t))


def logistic(x):
    ls, l = [], x
    for i in range(STEPS):
        ls.append(l)
        l = 4.0 * l * (1.0 - l)
    g = 1.0
    for l in reversed(ls):
        g = g * (4.0 - 8.0 * l)
    return g
