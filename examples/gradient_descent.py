"""Gradient descent with generated gradients.

1. Minimise f(x) = x**2 from x = 3 with step 0.1 for 100 steps. Each step
   multiplies x by (1 - 0.1 * 2) = 0.8, so x ends at 3 * 0.8**100 ≈ 6e-10.
2. Minimise the 2-D Rosenbrock function
   f(x, y) = (1 - x)**2 + 100 (y - x**2)**2, whose minimum is at (1, 1) at the
   bottom of a long curved valley: plain gradient descent needs a small step
   and many iterations, but it gets there.

Run: python examples/gradient_descent.py
"""
import numpy as np

import tangentlike as tl


def parabola(x):
    return x ** 2


def rosenbrock(p):
    x = p[0]
    y = p[1]
    return (1.0 - x) ** 2 + 100.0 * (y - x ** 2) ** 2


def descend(grad_f, x0, step, steps, report_every=0):
    """Plain gradient descent: x <- x - step * grad f(x)."""
    x = x0
    for k in range(steps):
        x = x - step * grad_f(x)
        if report_every and (k + 1) % report_every == 0:
            print(f"  step {k + 1:5d}: x = {np.round(x, 6)}")
    return x


print("1. minimise x**2 from x = 3.0, step 0.1, 100 steps")
x_min = descend(tl.grad(parabola), 3.0, 0.1, 100, report_every=25)
print(f"   x = {x_min:.3e} (exactly 3 * 0.8**100 = {3 * 0.8 ** 100:.3e})")

print("2. minimise Rosenbrock's function from (-1.2, 1.0), step 0.002")
drosen = tl.grad(rosenbrock)
p0 = np.array([-1.2, 1.0])
p_min = descend(drosen, p0, 0.002, 5000, report_every=1000)
print(f"   f(p0) = {rosenbrock(p0):.4f} -> f(p) = {rosenbrock(p_min):.2e} at p = {p_min}")
print("   the generated gradient:")
print(tl.source(drosen))

assert abs(x_min) < 1e-8 and np.isclose(x_min, 3 * 0.8 ** 100)
assert np.linalg.norm(p_min - 1.0) < 0.05
