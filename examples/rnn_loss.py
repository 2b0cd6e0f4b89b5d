"""The main job: the gradient of a small recurrent network's loss.

``loss`` runs a tanh RNN over the rows of ``xs`` (stopping early if the state
grows too large) and returns the squared norm of the final state; the
gradient with respect to ``W`` goes back through the loop, the ``break`` and
the call to ``step``. The script prints the gradient, the generated source
(``tl.source``) and the SSA IR of the primal (``tl.ir``), and checks the
gradient against central finite differences.

Run: python examples/rnn_loss.py
"""
import numpy as np
import tangentlike as tl


def step(h, W, x):
    return np.tanh(W @ h + x)


@tl.grad(wrt="W")
def loss(W, xs):
    h = np.zeros(W.shape[0])
    for t in range(xs.shape[0]):
        h = step(h, W, xs[t])
        if np.sum(h) > 10.0:
            break
    return np.sum(h * h)


def finite_differences(f, W, xs, eps=1e-6):
    """Central differences of ``f(W, xs)`` with respect to each entry of ``W``."""
    grad = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        Wp, Wm = W.copy(), W.copy()
        Wp[idx] += eps
        Wm[idx] -= eps
        grad[idx] = (f(Wp, xs) - f(Wm, xs)) / (2 * eps)
    return grad


rng = np.random.default_rng(0)
W = 0.5 * rng.standard_normal((4, 4))
xs = rng.standard_normal((6, 4))

dW = loss(W, xs)
max_error = float(np.max(np.abs(dW - finite_differences(loss.primal, W, xs))))

print(f"loss(W, xs) = {loss.primal(W, xs):.6f}")
print("d loss / dW =")
print(dW)
print(f"max |dW - finite differences| = {max_error:.1e}")
print()
print("generated source (tl.source(loss)):")
print(tl.source(loss))
print("SSA IR of the primal (tl.ir(loss.primal)):")
print(tl.ir(loss.primal))
assert max_error < 1e-6, "the gradient does not match finite differences"
