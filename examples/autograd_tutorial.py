"""The classic first lessons of an autograd tutorial, with tangentlike.

1. f(x) = 3x³ − 5x² has f′(x) = 9x² − 10x, so f′(1.5) = 20.25 − 15 = 5.25.
2. d = a·(a + b): ∂d/∂a = 2a + b and ∂d/∂b = a (two gradients at once with
   ``wrt=(0, 1)``).
3. out = mean(3(x + 2)²) over a 2×2 array of ones: ∂out/∂x = 6(x + 2)/4 = 4.5
   in every entry.
4. A vector-Jacobian product: y = 2x, doubled again while ‖y‖ < 1000. The
   Jacobian is 2ᵏ·I (k the number of doublings, decided at run time by a
   ``while`` loop), so vᵀJ = 2ᵏ·v for v = [0.1, 1.0, 0.0001]. ``tl.vjp``
   returns the output and a pullback that maps v to vᵀJ without forming J.

Run: python examples/autograd_tutorial.py
"""
import numpy as np

import tangentlike as tl


def f(x):
    return 3.0 * x ** 3 - 5.0 * x ** 2


def d(a, b):
    return a * (a + b)


def out(x):
    return np.mean(3.0 * (x + 2.0) ** 2)


def doubling(x):
    y = x * 2.0
    while np.linalg.norm(y) < 1000.0:
        y = y * 2.0
    return y


# 1. a derivative of a cubic
df_at_1_5 = tl.grad(f)(1.5)
print(f"1. f(x) = 3x^3 - 5x^2: f'(1.5) = {df_at_1_5}  (9x^2 - 10x = 5.25)")

# 2. two partial derivatives
a, b = 2.0, 3.0
dd_da, dd_db = tl.grad(d, wrt=(0, 1))(a, b)
print(f"2. d = a(a + b) at a={a}, b={b}: dd/da = {dd_da} (2a + b = {2 * a + b}), "
      f"dd/db = {dd_db} (a = {a})")

# 3. an array input, a scalar output
x_ones = np.ones((2, 2))
dout = tl.grad(out)(x_ones)
print("3. out = mean(3(x + 2)^2) at ones(2, 2): d out / dx =")
print(dout)

# 4. a vector-Jacobian product through a data-dependent while loop
x = np.array([0.5, -1.2, 0.8])
v = np.array([0.1, 1.0, 0.0001])
y, pullback = tl.vjp(doubling, x)
(x_grad,) = pullback(v)
doublings = int(round(np.log2(y[0] / x[0])))
exact = 2.0 ** doublings * v
print(f"4. y = {y} after {doublings} doublings (|y| = {np.linalg.norm(y):.1f})")
print(f"   v^T J = {x_grad}")
print(f"   exact 2^{doublings} v = {exact}")

assert df_at_1_5 == 5.25
assert (dd_da, dd_db) == (2 * a + b, a)
assert np.array_equal(dout, np.full((2, 2), 4.5))
assert np.array_equal(y, 2.0 ** doublings * x) and np.linalg.norm(y / 2) < 1000.0
assert np.allclose(x_grad, exact, rtol=1e-15, atol=0)
