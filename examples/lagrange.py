"""Constrained optimisation with a Lagrange multiplier and Newton's method.

Extremise x + y on the unit circle x² + y² = 1. With the Lagrangian

    L(x, y, λ) = x + y + λ(x² + y² − 1)

the constrained extrema are the stationary points of L: ∇L = 0 over the
vector v = (x, y, λ). Newton's method finds them from the gradient and the
Hessian of L, both generated (``tl.grad`` and ``tl.hessian``, which is forward
mode over the generated reverse-mode gradient):

    v ← v − H(v)⁻¹ ∇L(v).

Started near each, it converges to the maximum (1/√2, 1/√2), λ = −1/√2 and
the minimum (−1/√2, −1/√2), λ = 1/√2.

Run: python examples/lagrange.py
"""
import numpy as np

import tangentlike as tl


def objective(x, y):
    return x + y


def lagrangian(v):
    x = v[0]
    y = v[1]
    lam = v[2]
    return objective(x, y) + lam * (x * x + y * y - 1.0)


grad_L = tl.grad(lagrangian)
hess_L = tl.hessian(lagrangian)


def newton(v, steps=20, tol=1e-12):
    for k in range(steps):
        g = grad_L(v)
        if np.linalg.norm(g) < tol:
            return v, k
        v = v - np.linalg.solve(hess_L(v), g)
    return v, steps


found = {}
for label, start in [("maximum", np.array([0.5, 0.9, -1.0])),
                     ("minimum", np.array([-0.4, -1.1, 0.3]))]:
    v, iterations = newton(start)
    found[label] = v
    print(f"{label}: (x, y) = ({v[0]:+.12f}, {v[1]:+.12f}), lambda = {v[2]:+.12f}, "
          f"x + y = {objective(v[0], v[1]):+.12f}  [{iterations} Newton steps]")
print(f"1/sqrt(2) = {1 / np.sqrt(2):.12f}")
print("Hessian of L at the maximum:")
print(hess_L(found["maximum"]))

r = 1 / np.sqrt(2)
assert np.allclose(found["maximum"], [r, r, -r], atol=1e-12)
assert np.allclose(found["minimum"], [-r, -r, r], atol=1e-12)
