"""Train a small fully connected network with Adam, written in NumPy.

The network maps 5 inputs through 10 ReLU units to 1 output; the loss is the
mean squared error on synthetic data (targets from a fixed random "teacher"
function plus a little noise). The parameters live in a dict, so the
generated gradient returns a dict of the same keys; Adam (Kingma & Ba, 2015)
is ten lines of NumPy on top of it.

Run: python examples/train_mlp.py
"""
import numpy as np

import tangentlike as tl


def relu(z):
    return np.maximum(z, 0.0)


def predict(params, X):
    hidden = relu(X @ params["W1"] + params["b1"])
    return hidden @ params["W2"] + params["b2"]


def mse(params, X, y):
    err = predict(params, X) - y
    return np.mean(err * err)


def init_params(rng, n_in=5, n_hidden=10, n_out=1):
    return {"W1": rng.standard_normal((n_in, n_hidden)) * np.sqrt(2.0 / n_in),
            "b1": np.zeros(n_hidden),
            "W2": rng.standard_normal((n_hidden, n_out)) * np.sqrt(1.0 / n_hidden),
            "b2": np.zeros(n_out)}


def adam(grad_fn, params, args, epochs, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8,
         report_every=50):
    """Full-batch Adam; returns the parameters and the loss at each reported epoch."""
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(v) for k, v in params.items()}
    history = []
    for t in range(1, epochs + 1):
        loss, g = grad_fn(params, *args)
        if t == 1 or t % report_every == 0:
            history.append((t, float(loss)))
            print(f"  epoch {t:4d}: loss {loss:.5f}")
        for k in params:
            m[k] = beta1 * m[k] + (1 - beta1) * g[k]
            v[k] = beta2 * v[k] + (1 - beta2) * g[k] ** 2
            m_hat = m[k] / (1 - beta1 ** t)
            v_hat = v[k] / (1 - beta2 ** t)
            params[k] = params[k] - lr * m_hat / (np.sqrt(v_hat) + eps)
    return params, history


rng = np.random.default_rng(0)
X = rng.standard_normal((200, 5))
teacher = 0.5 * rng.standard_normal((5, 1))
y = np.sin(X @ teacher) + 0.05 * rng.standard_normal((200, 1))

params = init_params(rng)
initial_loss = float(mse(params, X, y))

# Check the generated gradient against a central difference, one entry per parameter.
grads = tl.grad(mse)(params, X, y)
max_fd_error = 0.0
for key in params:
    bumped_up = {k: v.copy() for k, v in params.items()}
    bumped_down = {k: v.copy() for k, v in params.items()}
    bumped_up[key].flat[0] += 1e-6
    bumped_down[key].flat[0] -= 1e-6
    fd = (mse(bumped_up, X, y) - mse(bumped_down, X, y)) / 2e-6
    max_fd_error = max(max_fd_error, abs(fd - grads[key].flat[0]))
print(f"gradient keys {sorted(grads)}; max |gradient - finite difference| = {max_fd_error:.1e}")
print(f"training 5 -> 10 ReLU -> 1 on {X.shape[0]} samples, MSE, Adam (lr 0.02)")
params, history = adam(tl.value_and_grad(mse), params, (X, y), epochs=300, lr=0.02)
final_loss = float(mse(params, X, y))
print(f"loss: {initial_loss:.4f} -> {final_loss:.4f} "
      f"({initial_loss / final_loss:.1f} times smaller)")
assert max_fd_error < 1e-6
assert final_loss < initial_loss / 4, "training did not reduce the loss enough"
