"""Programs for higher-order and nested differentiation tests (module level, so that
tangentlike can read their source; nested ``tl.grad`` calls are resolved when the
enclosing function is compiled)."""
import numpy as np

import tangentlike as tl

RATE = 0.1
STEPS = 4


# -- functions whose Hessians are checked (each f: float array -> float) ---------
def quartic(w):
    return np.sum(w ** 4) + w[0] * w[1] * w[2]


def rosenbrock(w):
    return (1.0 - w[0]) ** 2 + 100.0 * (w[1] - w[0] ** 2) ** 2


def loop_poly(w):
    s = 0.0
    for i in range(w.shape[0]):
        s = s + w[i] * w[i] * (i + 1.0)
    return s * s


def branchy(w):
    if np.sum(w) > 0.0:
        return np.sum(np.sin(w) * w)
    return np.sum(np.cos(w))


def while_halving(w):
    x = np.sum(w * w) + 3.0
    k = 0
    while x > 1.0:
        x = x / 2.0
        k = k + 1
    return x * np.sum(w)


def _energy(a, b):
    return a * a * b + np.sin(a * b)


def with_calls(w):
    return _energy(w[0], w[1]) + _energy(w[1], w[2])


def softplus_sum(w):
    return np.sum(np.log(1.0 + np.exp(w)))


def tanh_mlp(w):
    h = np.tanh(w[:3] * 0.5 + w[3])
    return np.sum(h * h) + w[2] * np.sum(h)


def breaking_loop(w):
    acc = 0.0
    for i in range(w.shape[0]):
        acc = acc + np.exp(w[i] * 0.3)
        if acc > 2.5:
            break
    return acc * w[0]


def matrix_quadratic(w):
    M = np.reshape(w[:4], (2, 2))
    v = w[2:]
    return v @ M @ v + np.sum(M * M)


def list_accumulate(w):
    terms = []
    for i in range(3):
        terms.append(w[i] * w[(i + 1) % 3])
    total = 0.0
    for t in terms:
        total = total + t * t
    return total


def item_writes(w):
    y = np.zeros(3)
    for i in range(3):
        y[i] = w[i] * w[i] + w[(i + 2) % 3]
    return np.sum(y * y)


HESSIAN_FUNCS = [quartic, rosenbrock, loop_poly, branchy, while_halving, with_calls,
                 softplus_sum, tanh_mlp, breaking_loop, matrix_quadratic, list_accumulate,
                 item_writes]


# -- the saddle point, min over x of max over y, by gradient steps ----------------
def saddle_f(x, y):
    return (x[0] * x[0] + y[0] * y[0]) - (x[1] * x[1] + y[1] * y[1])


def inner_max_rev(x):
    y = np.array([1.0, 1.0])
    for i in range(STEPS):
        y = y + RATE * tl.grad(saddle_f, wrt=1)(x, y)
    return saddle_f(x, y)


def inner_max_fwd(x):
    y = np.array([1.0, 1.0])
    for i in range(STEPS):
        y = y + RATE * tl.grad(saddle_f, wrt=1, mode="forward")(x, y)
    return saddle_f(x, y)


def saddle_rr(x0):
    x = x0
    for i in range(STEPS):
        x = x - RATE * tl.grad(inner_max_rev)(x)
    return x


def saddle_rf(x0):
    x = x0
    for i in range(STEPS):
        x = x - RATE * tl.grad(inner_max_rev, mode="forward")(x)
    return x


def saddle_fr(x0):
    x = x0
    for i in range(STEPS):
        x = x - RATE * tl.grad(inner_max_fwd)(x)
    return x


def saddle_ff(x0):
    x = x0
    for i in range(STEPS):
        x = x - RATE * tl.grad(inner_max_fwd, mode="forward")(x)
    return x


def saddle_plain(x0):
    """The same iteration with hand-written gradients, as the reference."""
    x = np.array(x0, dtype=float)
    for _ in range(STEPS):
        y = np.array([1.0, 1.0])
        # y_{k+1} = y_k + RATE * (2 y0, -2 y1): y0 grows by (1 + 2 RATE), y1 shrinks by (1 - 2 RATE)
        for _ in range(STEPS):
            y = y + RATE * np.array([2.0 * y[0], -2.0 * y[1]])
        # max_y f depends on x only through x0^2 - x1^2 (y does not depend on x)
        x = x - RATE * np.array([2.0 * x[0], -2.0 * x[1]])
    return x


# -- a charged particle: the force is the gradient of a potential, inside a loop --
def potential(q, charge):
    return charge / np.sqrt(np.sum(q * q) + 1.0)


def final_position(q0, charge):
    q, v = q0, np.zeros(2)
    force = tl.grad(potential)
    for i in range(10):
        v = v - 0.05 * force(q, charge)
        q = q + 0.05 * v
    return np.sum(q * q)


def inner_product_confusion(x):
    # d/dx [x * d/dy (x + y)] = 1; confusing the two perturbations gives 2
    return x * tl.grad(_add, wrt=1)(x, 1.0)


def _add(x, y):
    return x + y
