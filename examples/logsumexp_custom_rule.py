"""A custom derivative rule: a numerically stable logsumexp with its own VJP and JVP.

``logsumexp(x) = log(sum(exp(x)))`` overflows for large ``x``; the stable form
subtracts the maximum first. Differentiating that body would route the
gradient through ``np.max`` (ties, a kink), although the maximum cancels
exactly. The derivative is simply ``softmax(x) = exp(x - logsumexp(x))``, so we
give the function its own rules with ``tl.defvjp`` and ``tl.defjvp``; the
compiler then uses them instead of the body, and inlines them into the
generated code.

Run: python examples/logsumexp_custom_rule.py
"""
import numpy as np

import tangentlike as tl


def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


@tl.defvjp(logsumexp)
def logsumexp_vjp(g, ans, x):
    """Reverse mode: the output cotangent times softmax(x)."""
    return g * np.exp(x - ans)


@tl.defjvp(logsumexp)
def logsumexp_jvp(d, ans, x):
    """Forward mode: the tangent of x weighted by softmax(x)."""
    return np.sum(d * np.exp(x - ans))


def cross_entropy(logits, label_weights):
    """Cross-entropy of softmax(logits) against a distribution of labels."""
    return logsumexp(logits) - np.sum(label_weights * logits)


def numeric_grad(f, x, *args, h=1e-6):
    g = np.zeros_like(x)
    for k in range(x.size):
        e = np.zeros_like(x)
        e[k] = h
        g[k] = (f(x + e, *args) - f(x - e, *args)) / (2 * h)
    return g


logits = np.array([1000.0, 1001.0, 999.5, 1000.5])  # exp would overflow without the max shift
labels = np.array([0.0, 1.0, 0.0, 0.0])

dloss = tl.grad(cross_entropy)
grad = dloss(logits, labels)
fd = numeric_grad(cross_entropy, logits, labels)
softmax = np.exp(logits - logsumexp(logits))

print("loss:", cross_entropy(logits, labels))
print("gradient (custom rule):", grad)
print("finite differences:    ", fd)
print("softmax - labels:      ", softmax - labels)
assert np.allclose(grad, fd, rtol=1e-5, atol=1e-6)
assert np.allclose(grad, softmax - labels)

# Forward mode uses the JVP rule: the derivative along a direction of the logits.
direction = np.array([1.0, -1.0, 0.5, 0.0])
_, slope = tl.jvp(cross_entropy, (logits, labels), (direction, np.zeros(4)))
print("derivative along", direction, "(custom JVP):", slope)
assert np.isclose(slope, grad @ direction)

print("\nGenerated gradient source (the VJP rule is inlined):\n")
print(tl.source(dloss))
