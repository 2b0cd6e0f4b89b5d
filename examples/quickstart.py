"""The smallest use of tangentlike: d/dx x**2 at x = 2 is 4.

Run: python examples/quickstart.py
"""
import tangentlike as tl


def square(x):
    return x ** 2


dsquare = tl.grad(square)
slope = dsquare(2.0)

print(f"d/dx x**2 at x = 2: {slope}")
print("generated gradient source:")
print(tl.source(dsquare))
assert slope == 4.0
