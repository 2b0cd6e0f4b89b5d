"""Classic programs: models, losses, integrators, solvers, recursion, closures."""
import numpy as np

from . import Case, normal, uniform_away as away


def rnn_loss(W, xs, v):
    h = np.zeros(W.shape[0])
    for x_t in xs:
        h = np.tanh(W @ h + x_t)
        if np.sum(h) > 10.0:
            break
    return h @ v


def softmax_cross_entropy(W, b, x, label):
    z = W @ x + b
    z = z - np.max(z)
    logp = z - np.log(np.sum(np.exp(z)))
    return -logp[label]


def logistic_regression(w, b, X, y):
    z = X @ w + b
    p = 1.0 / (1.0 + np.exp(-z))
    ll = y * np.log(p) + (1.0 - y) * np.log(1.0 - p)
    return -np.mean(ll) + 0.01 * np.sum(w * w)


def mlp_loss(W1, b1, W2, b2, x, target):
    h = np.tanh(W1 @ x + b1)
    out = W2 @ h + b2
    d = out - target
    return 0.5 * np.sum(d * d)


def relu_batch_mlp(W1, b1, w2, X, y):
    H = np.maximum(X @ W1.T + b1, 0.0)
    pred = H @ w2
    return np.mean((pred - y) ** 2)


def euler_decay(k, y0, n):
    y = y0
    dt = 0.1
    for i in range(n):
        y = y + dt * (-k * y + np.sin(y))
    return y


def oscillator_rhs(y, theta):
    return np.array([y[1], -theta[0] * y[0] - theta[1] * y[1]])


def rk4_oscillator(theta, y0, n):
    dt = 0.05
    y = y0
    for i in range(n):
        k1 = oscillator_rhs(y, theta)
        k2 = oscillator_rhs(y + 0.5 * dt * k1, theta)
        k3 = oscillator_rhs(y + 0.5 * dt * k2, theta)
        k4 = oscillator_rhs(y + dt * k3, theta)
        y = y + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return y[0] ** 2 + 0.5 * y[1] ** 2


def newton_sqrt(a, n):
    x = a
    for i in range(n):
        x = 0.5 * (x + a / x)
    return x


def newton_cubic(p, q):
    x = 1.0
    for i in range(8):
        f = x ** 3 + p * x - q
        x = x - f / (3.0 * x * x + p)
    return x


def horner(coeffs, x):
    r = 0.0
    for c in coeffs:
        r = r * x + c
    return r


def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def rosenbrock(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        s += 10.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2
    return s


def running_product(x):
    p = 1.0
    for v in x:
        p = p * v
    return p


def huber_loss(r, delta=1.0):
    s = 0.0
    for v in r:
        a = np.abs(v)
        if a <= delta:
            s += 0.5 * v * v
        else:
            s += delta * (a - 0.5 * delta)
    return s


def piecewise(x):
    if x < -1.0:
        y = -2.0 * x - 1.0
    elif x < 0.5:
        y = x * x
    elif x < 2.0:
        y = np.sqrt(x) * 0.5
    else:
        return np.log(x)
    return y * 3.0


def unrolled_gd(theta, X, y):
    w = np.zeros(X.shape[1])
    for step in range(5):
        r = X @ w - y
        w = w - theta * (X.T @ r) / X.shape[0]
    return np.sum((X @ w - y) ** 2)


def power_iteration(B):
    A = B + B.T
    v = np.ones(A.shape[0])
    for i in range(6):
        v = A @ v
        v = v / np.sqrt(np.sum(v * v))
    return v @ A @ v


def ema_filter(xs, alpha):
    m = xs[0]
    for t in range(1, xs.shape[0]):
        m = alpha * m + (1.0 - alpha) * xs[t]
    return np.sum(m * m)


def ipow(x, n):
    if n == 0:
        return 1.0
    half = ipow(x, n // 2)
    if n % 2 == 0:
        return half * half
    return half * half * x


def power_by_squaring(x):
    return ipow(x, 5) - 2.0 * ipow(x, 2) + ipow(x, 0)


def det(M, rows, cols):
    if len(rows) == 1:
        return M[rows[0], cols[0]]
    total = 0.0
    sign = 1.0
    for j in range(len(cols)):
        sub = det(M, rows[1:], cols[:j] + cols[j + 1:])
        total = total + sign * M[rows[0], cols[j]] * sub
        sign = -sign
    return total


def laplace_det(M):
    return det(M, [0, 1, 2, 3], [0, 1, 2, 3])


def recursive_sum(x, i):
    if i == x.shape[0]:
        return 0.0
    return x[i] ** 2 * (i + 1.0) + recursive_sum(x, i + 1)


def sum_squares_rec(x):
    return recursive_sum(x, 0) + x[0]


def closure_scale(x, a):
    def f(v):
        return a * v * v + np.sin(v)
    return f(x) + f(2.0 * x)


def closure_loop(x, w):
    def step(h):
        return np.tanh(w * h + x)
    h = 0.0
    for i in range(4):
        h = step(h)
    return h * w


def nested_defs(x, y):
    c = x * y

    def inner(v, p=2.0):
        return v ** p + c

    def outer(v):
        return inner(v) * inner(v, p=3.0)
    return outer(x) + inner(y, 1.0)


def closure_array(W, x):
    b = np.sum(W, axis=1)

    def layer(h):
        return np.tanh(W @ h + b)
    h = layer(x)
    h = layer(h)
    return np.sum(h * x)


def _rnn_break_inputs(r):
    ramp = np.arange(6.0).reshape(6, 1) * 0.35
    return normal(r, 12, 12, scale=0.03), ramp + normal(r, 6, 12, scale=0.05), normal(r, 12)


def _relu_inputs(r):
    while True:
        W1, b1, X = normal(r, 4, 3), normal(r, 4, scale=0.3), normal(r, 5, 3)
        if np.min(np.abs(X @ W1.T + b1)) > 0.02:
            return W1, b1, normal(r, 4), X, normal(r, 5)


def _gapped(r, n, lo, hi, gap=0.05):
    while True:
        x = r.uniform(lo, hi, n)
        if np.min(np.diff(np.sort(x))) > gap:
            return x


CASES = [
    Case(rnn_loss, _rnn_break_inputs, wrt=(0, 1, 2), name="rnn_loss_break"),
    Case(rnn_loss, lambda r: (normal(r, 4, 4, scale=0.5), normal(r, 5, 4), normal(r, 4)),
         wrt=(0, 1), name="rnn_loss_no_break"),
    Case(softmax_cross_entropy, lambda r: (normal(r, 4, 3), normal(r, 4), normal(r, 3), 2),
         wrt=(0, 1, 2)),
    Case(logistic_regression, lambda r: (normal(r, 3), r.uniform(-0.5, 0.5), normal(r, 6, 3),
                                         np.array([1.0, 0.0, 1.0, 1.0, 0.0, 0.0])), wrt=(0, 1)),
    Case(mlp_loss, lambda r: (normal(r, 4, 3, scale=0.5), normal(r, 4), normal(r, 2, 4),
                              normal(r, 2), normal(r, 3), normal(r, 2)), wrt=(0, 1, 2, 3)),
    Case(relu_batch_mlp, _relu_inputs, wrt=(0, 1, 2)),
    Case(euler_decay, lambda r: (r.uniform(0.5, 2.0), r.uniform(-1.0, 1.0), 10), wrt=(0, 1)),
    Case(rk4_oscillator, lambda r: (r.uniform([1.0, 0.1], [2.0, 0.5]), normal(r, 2), 12),
         wrt=(0, 1)),
    Case(newton_sqrt, lambda r: (r.uniform(0.5, 4.0), 6)),
    Case(newton_cubic, lambda r: (r.uniform(1.0, 2.0), r.uniform(0.5, 3.0)), wrt=(0, 1)),
    Case(horner, lambda r: (normal(r, 5), r.uniform(-1.2, 1.2)), wrt=(0, 1)),
    Case(logsumexp, lambda r: (_gapped(r, 5, -2.0, 2.0),)),
    Case(rosenbrock, lambda r: (r.uniform(-0.5, 1.2, 5),)),
    Case(running_product, lambda r: (r.uniform(0.7, 1.3, 6),)),
    Case(huber_loss, lambda r: (away(r, -2.5, 2.5, avoid=(-1.0, 1.0), size=6),)),
    Case(piecewise, lambda r: (r.uniform(-2.0, -1.1),), name="piecewise_left"),
    Case(piecewise, lambda r: (r.uniform(-0.9, 0.4),), name="piecewise_middle"),
    Case(piecewise, lambda r: (r.uniform(0.6, 1.9),), name="piecewise_right"),
    Case(piecewise, lambda r: (r.uniform(2.1, 4.0),), name="piecewise_return"),
    Case(unrolled_gd, lambda r: (r.uniform(0.1, 0.5), normal(r, 6, 3), normal(r, 6)),
         wrt=("theta",)),
    Case(power_iteration, lambda r: (np.diag([2.0, 1.0, 0.5]) + normal(r, 3, 3, scale=0.1),)),
    Case(ema_filter, lambda r: (normal(r, 6, 3), r.uniform(0.3, 0.9)), wrt=(0, 1)),
    Case(power_by_squaring, lambda r: (r.uniform(-1.5, 1.5),)),
    Case(laplace_det, lambda r: (normal(r, 4, 4, scale=0.8),)),
    Case(sum_squares_rec, lambda r: (normal(r, 4),)),
    Case(closure_scale, lambda r: (r.uniform(-1, 1), r.uniform(-1, 1)), wrt=(0, 1)),
    Case(closure_loop, lambda r: (r.uniform(-1, 1), r.uniform(0.5, 1.5)), wrt=(0, 1)),
    Case(nested_defs, lambda r: (r.uniform(0.5, 1.5), r.uniform(0.3, 1.2)), wrt=(0, 1)),
    Case(closure_array, lambda r: (normal(r, 3, 3, scale=0.5), normal(r, 3)), wrt=(0, 1)),
]
