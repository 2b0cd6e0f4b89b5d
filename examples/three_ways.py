"""Three ways to differentiate a program, and gradient checking.

The function is Baydin et al.'s example (JMLR 2018, "Automatic
differentiation in machine learning: a survey", Table 1): n steps of the
logistic map, l₁ = x, lₖ₊₁ = 4 lₖ (1 − lₖ), a nested product.

1. Numerical: a forward difference (f(x + h) − f(x)) / h has truncation error
   O(h) and rounding error O(ε/h); the table shows the error against h, best
   near h ≈ √ε ≈ 1e-8. A central difference does better (O(h²)).
2. Symbolic: differentiate the expression tree with the product rule, as a
   computer-algebra system would without simplification. The derivative's
   tree grows much faster than the function's (expression swell).
3. Automatic: ``tl.grad`` of the loop; the generated code is as long as the
   function and exact to rounding.

Then gradient checking: ``tangentlike check`` compares the generated gradient
with central differences on random inputs; the same idea in a few lines of
code catches a wrong hand-derived derivative.

Run: python examples/three_ways.py
"""
import subprocess
import sys

import numpy as np

import tangentlike as tl

STEPS = 4


def logistic(x):
    l = x
    for i in range(STEPS):
        l = 4.0 * l * (1.0 - l)
    return l


# --- symbolic differentiation on expression trees: "x", numbers, (op, a, b) ---
def build(n):
    e = "x"
    for _ in range(n):
        e = ("*", ("*", 4.0, e), ("-", 1.0, e))
    return e


def diff(e):
    if e == "x":
        return 1.0
    if not isinstance(e, tuple):
        return 0.0
    op, a, b = e
    if op == "-":
        return ("-", diff(a), diff(b))
    return ("+", ("*", diff(a), b), ("*", a, diff(b)))  # the product rule


def size(e):
    return 1 + size(e[1]) + size(e[2]) if isinstance(e, tuple) else 1


def evaluate(e, x):
    if e == "x":
        return x
    if not isinstance(e, tuple):
        return e
    a, b = evaluate(e[1], x), evaluate(e[2], x)
    return a * b if e[0] == "*" else (a + b if e[0] == "+" else a - b)


def wrong_derivative(x):
    """d/dx 4x(1 - x), derived by hand with a slip (the product rule's second term lost)."""
    return 4.0 * (1.0 - x)


def one_step(x):
    return 4.0 * x * (1.0 - x)


def main():
    """Print the comparison; return what it computed (the tests read it)."""
    x0 = 0.3
    dlogistic = tl.grad(logistic)
    exact = dlogistic(x0)  # automatic differentiation
    symbolic = evaluate(diff(build(STEPS)), x0)
    print(f"f(x) = l_{STEPS + 1}, the logistic map after {STEPS} steps, at x = {x0}: "
          f"f(x) = {logistic(x0):.12f}")
    print(f"automatic (tl.grad): f'(x) = {exact:.15f}")
    print(f"symbolic (tree):     f'(x) = {symbolic:.15f}")

    print("\n1. numerical: error of finite differences against the step h")
    print(f"{'h':>8}  {'forward':>9}  {'central':>9}")
    fd_errors = {}
    for k in range(1, 14, 2):
        h = 10.0 ** -k
        forward = (logistic(x0 + h) - logistic(x0)) / h
        central = (logistic(x0 + h) - logistic(x0 - h)) / (2 * h)
        fd_errors[k] = (abs(forward - exact), abs(central - exact))
        print(f"{h:8.0e}  {fd_errors[k][0]:9.1e}  {fd_errors[k][1]:9.1e}")

    print("\n2. symbolic: nodes in the expression tree (no simplification)")
    print(f"{'n':>2}  {'f':>6}  {'df/dx':>7}")
    swell = {}
    for n in range(1, STEPS + 3):
        swell[n] = (size(build(n)), size(diff(build(n))))
        print(f"{n:2d}  {swell[n][0]:6d}  {swell[n][1]:7d}")

    print("\n3. automatic: the generated gradient")
    print(tl.source(dlogistic))  # the variant for a float x (tl.source: the last called)

    print("gradient checking with the CLI: tangentlike check examples/three_ways.py:logistic")
    check = subprocess.run([sys.executable, "-m", "tangentlike", "check", f"{__file__}:logistic"],
                           capture_output=True, text=True, timeout=60)
    print(check.stdout + check.stderr)

    rng = np.random.default_rng(0)
    points = rng.standard_normal(5)
    fd = (one_step(points + 1e-6) - one_step(points - 1e-6)) / 2e-6
    ad = np.array([tl.grad(one_step)(p) for p in points])
    hand_error = float(np.max(np.abs(wrong_derivative(points) - fd)))
    ad_error = float(np.max(np.abs(ad - fd)))
    print("gradient checking in code, one step 4x(1 - x) at 5 random points:")
    print(f"  hand-derived 4(1 - x): max |error| = {hand_error:.2e}  <- caught")
    print(f"  tl.grad:               max |error| = {ad_error:.2e}")

    results = dict(exact=exact, symbolic=symbolic, fd_errors=fd_errors, swell=swell,
                   check=check, hand_error=hand_error, ad_error=ad_error)
    assert abs(symbolic - exact) < 1e-12
    assert min(fd_errors[7][0], fd_errors[9][0]) < 1e-6 < fd_errors[1][0]
    assert fd_errors[13][0] > fd_errors[7][0]  # rounding error grows as h shrinks
    assert swell[STEPS][1] > 3 * swell[STEPS][0]
    assert check.returncode == 0 and "pass" in check.stdout
    assert hand_error > 1.0 and ad_error < 1e-8
    return results


if __name__ == "__main__":  # `tangentlike check` imports this file: no work on import
    results = main()
