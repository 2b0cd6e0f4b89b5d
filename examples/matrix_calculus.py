"""Four identities of matrix calculus, checked with generated derivatives.

* ∇ₓ aᵀx = a
* ∇ₓ xᵀAx = (A + Aᵀ)x
* ∂ ln|det A| / ∂A = A⁻ᵀ        (with ``np.linalg.slogdet``)
* ∂ tr(AB) / ∂A = Bᵀ

(The Matrix Cookbook, Petersen & Pedersen, eqs. 69, 81, 57, 100.) Each
derivative below is the generated gradient of the left-hand side, compared
with the closed form on the right.

Run: python examples/matrix_calculus.py
"""
import numpy as np

import tangentlike as tl


def linear(x, a):
    return a @ x


def quadratic(x, A):
    return x @ A @ x


def log_abs_det(A):
    sign, logdet = np.linalg.slogdet(A)
    return logdet


def trace_of_product(A, B):
    return np.trace(A @ B)


rng = np.random.default_rng(3)
n = 4
x = rng.standard_normal(n)
a = rng.standard_normal(n)
A = rng.standard_normal((n, n))
B = rng.standard_normal((n, n))

dlogdet = tl.grad(log_abs_det)
checks = {
    "grad_x a^T x = a": (tl.grad(linear)(x, a), a),
    "grad_x x^T A x = (A + A^T) x": (tl.grad(quadratic)(x, A), (A + A.T) @ x),
    "d ln|det A| / dA = A^-T": (dlogdet(A), np.linalg.inv(A).T),
    "d tr(AB) / dA = B^T": (tl.grad(trace_of_product)(A, B), B.T),
}
errors = {}
for name, (generated, closed_form) in checks.items():
    errors[name] = float(np.max(np.abs(generated - closed_form)))
    verdict = "ok" if errors[name] < 1e-12 else "MISMATCH"
    print(f"{name:32s} max |generated - closed form| = {errors[name]:.1e}  {verdict}")

print("\nthe generated gradient of ln|det A|:")
print(tl.source(dlogdet))
assert all(err < 1e-12 for err in errors.values()), errors
