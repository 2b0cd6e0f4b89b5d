"""The smallest uses of tangentlike.

* d/dx x**2 at x = 2 is 4 (``tl.grad``);
* the second derivative of x**3 at x = 2 is 6 * 2 = 12 (``tl.grad`` of
  ``tl.grad``: the gradient is ordinary generated Python, so it can itself be
  differentiated);
* the generated source of both (``tl.source``).

Run: python examples/quickstart.py
"""
import tangentlike as tl


def square(x):
    return x ** 2


def cube(x):
    return x ** 3


dsquare = tl.grad(square)
slope = dsquare(2.0)

d2cube = tl.grad(tl.grad(cube))
curvature = d2cube(2.0)

print(f"d/dx x**2 at x = 2: {slope}")
print(f"d2/dx2 x**3 at x = 2: {curvature}")
print("generated gradient source:")
print(tl.source(dsquare))
print("generated second-derivative source (the gradient of the gradient):")
print(tl.source(d2cube))
assert slope == 4.0
assert curvature == 12.0
