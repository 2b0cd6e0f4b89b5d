"""Gradient of a determinant computed by Laplace (cofactor) expansion.

``minor_det`` expands along the first of the remaining rows, recursing on
index lists (which rows and columns of ``A`` are still in the minor), so the
derivative goes through recursion, list building with ``append``, slicing and
a loop with a sign that flips. The result is compared with the known gradient
of the determinant, d det(A) / dA = det(A) * inv(A).T (Jacobi's formula).

Run: python examples/determinant.py
"""
import numpy as np

import tangentlike as tl


def minor_det(A, rows, cols):
    """Determinant of A[rows][:, cols], by expansion along rows[0]."""
    if len(rows) == 1:
        return A[rows[0], cols[0]]
    total = 0.0
    sign = 1.0
    for j in range(len(cols)):
        rest = []
        for k in range(len(cols)):
            if k != j:
                rest.append(cols[k])
        total = total + sign * A[rows[0], cols[j]] * minor_det(A, rows[1:], rest)
        sign = -sign
    return total


def determinant(A):
    everything = []
    for i in range(A.shape[0]):
        everything.append(i)
    return minor_det(A, everything, everything)


rng = np.random.default_rng(7)
A = rng.standard_normal((4, 4))

value, grad = tl.value_and_grad(determinant)(A)
expected = np.linalg.det(A) * np.linalg.inv(A).T
max_error = float(np.max(np.abs(grad - expected)))

print(f"det(A) by Laplace expansion: {value:.12f}")
print(f"np.linalg.det(A):            {np.linalg.det(A):.12f}")
print("d det(A) / dA:")
print(grad)
print(f"max |grad - det(A) * inv(A).T| = {max_error:.2e}")
assert abs(value - np.linalg.det(A)) < 1e-10
assert max_error < 1e-10, "the gradient does not match Jacobi's formula"
