"""NumPy functions, ufuncs and ``operator.*`` as the function differentiated (issue 15;
was NoSourceError): each entry point takes them, their derivative is their rule's, and
they compose (grad of grad). Checked against central differences (tests/treefd.py:
rtol 1e-6, why there) in both modes."""
import operator
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
import treefd  # noqa: E402

import tangentlike as tl  # noqa: E402

MODES = ["reverse", "forward"]
X = np.array([0.4, -1.3, 0.8])
Y = np.array([1.5, 0.2, -0.6])
UNARY_SCALAR = [np.tanh, np.sin, np.exp, np.log1p, np.arctan, operator.neg]
REDUCTIONS = [np.sum, np.mean, np.max, np.linalg.norm, np.prod]
BINARY = [operator.mul, operator.truediv, np.maximum, np.hypot, np.dot, np.matmul]


def fd(f, args, i):
    return treefd.jacobian(f, args, i)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", UNARY_SCALAR, ids=lambda f: f.__name__)
def test_grad_of_a_ufunc_on_a_float(f, mode):
    g = tl.grad(f, mode=mode)(0.3)
    assert isinstance(g, float)
    assert g == pytest.approx(fd(f, (0.3,), 0)[0, 0], rel=1e-6)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", REDUCTIONS, ids=lambda f: f.__name__)
def test_grad_of_a_reduction(f, mode):
    treefd.assert_close(tl.grad(f, mode=mode)(X), fd(f, (X,), 0)[0])
    v, g = tl.value_and_grad(f, mode=mode)(X)
    assert v == pytest.approx(f(X))
    treefd.assert_close(g, fd(f, (X,), 0)[0])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", [operator.mul, operator.truediv, np.hypot, np.dot],
                         ids=lambda f: f.__name__)
def test_wrt_picks_an_operand(f, mode):
    assert tl.grad(operator.mul, wrt=1, mode=mode)(2.0, 3.0) == pytest.approx(2.0)  # exact
    ga, gb = tl.grad(f, wrt=(0, 1), mode=mode)(1.7, -0.4)
    assert ga == pytest.approx(fd(f, (1.7, -0.4), 0)[0, 0], rel=1e-6)
    assert gb == pytest.approx(fd(f, (1.7, -0.4), 1)[0, 0], rel=1e-6)


@pytest.mark.parametrize("f", BINARY, ids=lambda f: f.__name__)
def test_vjp_jvp_and_jacobians_of_binary_primitives(f):
    A = np.array([[1.0, 2.0, -0.5], [0.3, -1.0, 0.7], [2.0, 0.1, 1.1]])
    a, b = (A, X) if f in (np.dot, np.matmul) else (X, Y + 2.0)
    out, pullback = tl.vjp(f, a, b)
    ct = np.array([1.0, -0.5, 2.0])
    ga, gb = pullback(ct)
    treefd.assert_close(np.ravel(ga), ct @ fd(f, (a, b), 0))
    treefd.assert_close(gb, ct @ fd(f, (a, b), 1))
    _, dout = tl.jvp(f, (a, b), (np.ones_like(a), np.zeros(3)))
    treefd.assert_close(dout, fd(f, (a, b), 0) @ np.ravel(np.ones_like(a)))
    for jac in (tl.jacfwd, tl.jacrev):
        treefd.assert_close(jac(f, wrt=1)(a, b), fd(f, (a, b), 1))


def test_keyword_parameters_of_numpy_functions():
    M = np.array([[1.0, -2.0, 0.5], [0.3, 0.4, -1.5]])
    g = tl.grad(np.sum)(M)
    treefd.assert_close(g, np.ones_like(M))  # exact
    J = tl.jacrev(np.sum)(M, 0)  # axis=0, given positionally
    treefd.assert_close(np.reshape(J, (3, 6)), fd(lambda m: np.sum(m, 0), (M,), 0))
    J = tl.jacfwd(np.linalg.norm, wrt="x")(M, None, 1)  # ord=None, axis=1
    treefd.assert_close(np.reshape(J, (2, 6)), fd(lambda m: np.linalg.norm(m, axis=1), (M,), 0))


def test_higher_order_of_primitives():
    x = 0.3
    g2 = tl.grad(tl.grad(np.tanh))(x)
    t = np.tanh(x)
    assert g2 == pytest.approx(-2 * t * (1 - t * t), rel=1e-12)  # exact formula
    H = tl.hessian(np.linalg.norm)(X)
    gnorm = tl.grad(np.linalg.norm)  # all arguments given: defaults on the fast path are
    treefd.assert_close(H, fd(lambda x: gnorm(x, None, None, False), (X,), 0))  # issue 13's
    v = np.array([0.0, 1.0, 2.0])
    treefd.assert_close(tl.hvp(np.linalg.norm, (X,), v), H @ v)
    treefd.assert_close(tl.jacfwd(tl.jacrev(np.sin))(X),
                        fd(tl.jacrev(np.sin), (X,), 0).reshape(3, 3, 3))


def test_source_ir_and_emit_name_the_primitive():
    g = tl.grad(np.tanh)
    assert g.primal is np.tanh and g.__name__ == "tanh"
    g(0.5)
    assert "def grad_tanh(x):" in tl.source(g) and "np.tanh(x)" in tl.source(g)
    assert "call np.tanh" in tl.ir(g)
    text = tl.emit(tl.grad(operator.mul, wrt=1))
    assert "operator.mul" in text and "def grad_mul(a, b):" in text
    ns = {}
    exec(compile(text, "<emitted>", "exec"), ns)
    assert ns["grad_mul"](4.0, 5.0) == pytest.approx(4.0)


def test_a_primitive_without_a_rule_still_says_no_source():
    with pytest.raises(tl.NoSourceError, match="source"):
        tl.grad(np.busday_count)


@pytest.mark.parametrize("mode", MODES)
def test_math_functions_with_a_rule_are_differentiated_directly(mode):
    # math.erf was the "no source" example of test_errors; it has a rule since main's
    # math-module rules, so tl.grad(math.erf) uses it (d erf/dx = 2/sqrt(pi) exp(-x^2)).
    import math
    for f, want in ((math.erf, 2 / math.sqrt(math.pi) * math.exp(-0.25)),
                    (math.exp, math.exp(0.5))):
        assert tl.grad(f, mode=mode)(0.5) == pytest.approx(want, rel=1e-12)
