"""JAX spellings and conveniences (issue 15): ``argnums=`` for ``wrt=``, ``has_aux=True``
on grad, value_and_grad, vjp, jacfwd and jacrev with JAX's return conventions, an
``ArgumentError`` listing the options for an unknown keyword, and size-1 array outputs
taken by ``grad`` as scalars (as autograd does). Derivatives are checked against
central differences (tests/treefd.py: rtol 1e-6, why there), in both modes."""
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


def two(x, y):
    return np.sum(np.sin(x) * y * y)


def with_aux(x, y):
    loss = np.sum(np.tanh(x * y))
    return loss, {"pred": np.tanh(x * y), "n": 3, "tag": "aux"}


def vector_with_aux(x):
    return np.sin(x) * x, [np.sum(x), "note"]


def size_one_vector(x):
    return np.exp(x[:1]) * x[1]


def size_one_matrix(A, x):
    return A @ x  # A is (1, 3), x (3, 1): a (1, 1) output


def fd(f, args, i):
    return treefd.jacobian(f, args, i)[0]


@pytest.mark.parametrize("mode", MODES)
def test_argnums_is_wrt(mode):
    g = tl.grad(two, argnums=1, mode=mode)(X, Y)
    treefd.assert_close(g, fd(two, (X, Y), 1))
    gy, gx = tl.grad(two, argnums=(1, 0), mode=mode)(X, Y)
    treefd.assert_close(gx, fd(two, (X, Y), 0))
    treefd.assert_close(gy, fd(two, (X, Y), 1))
    v, g = tl.value_and_grad(two, argnums=0, mode=mode)(X, Y)
    assert v == pytest.approx(two(X, Y))
    treefd.assert_close(g, fd(two, (X, Y), 0))


def test_argnums_on_the_jacobians_hessian_and_hvp():
    for jac in (tl.jacfwd, tl.jacrev):
        treefd.assert_close(jac(two, argnums=1)(X, Y), fd(two, (X, Y), 1))
    H = tl.hessian(two, argnums=0)(X, Y)
    treefd.assert_close(H, treefd.jacobian(tl.grad(two), (X, Y), 0))
    v = np.array([1.0, 0.0, -1.0])
    treefd.assert_close(tl.hvp(two, (X, Y), v, argnums=0), H @ v)


def test_wrt_and_argnums_together_is_an_error():
    for entry in (tl.grad, tl.value_and_grad, tl.jacfwd, tl.jacrev, tl.hessian):
        with pytest.raises(tl.ArgumentError, match="not wrt=0 and argnums=0"):
            entry(two, wrt=0, argnums=0)
        with pytest.raises(tl.ArgumentError, match="not argnums=1 and argnum=1"):
            entry(two, argnums=1, argnum=1)


def test_argnum_is_autograds_spelling_of_wrt():
    treefd.assert_close(tl.grad(two, argnum=1)(X, Y), tl.grad(two, wrt=1)(X, Y))
    treefd.assert_close(tl.grad(two, argnum=1)(X, Y), fd(two, (X, Y), 1))
    treefd.assert_close(tl.value_and_grad(two, argnum=1)(X, Y)[1], fd(two, (X, Y), 1))
    for jac in (tl.jacfwd, tl.jacrev):
        treefd.assert_close(jac(two, argnum=1)(X, Y), fd(two, (X, Y), 1))
    treefd.assert_close(tl.hessian(two, argnum=0)(X, Y), tl.hessian(two, wrt=0)(X, Y))


@pytest.mark.parametrize("call", [
    lambda: tl.grad(two, argnumz=0), lambda: tl.value_and_grad(two, foo=1),
    lambda: tl.jacfwd(two, holomorphic=True), lambda: tl.jacrev(two, wtr=0),
    lambda: tl.vjp(two, X, Y, argnums=0), lambda: tl.jvp(two, (X, Y), (X, Y), has_aux=True),
    lambda: tl.hessian(two, mode="forward"), lambda: tl.grad(argnumz=1),
], ids=["grad", "value_and_grad", "jacfwd", "jacrev", "vjp", "jvp", "hessian", "decorator"])
def test_an_unknown_keyword_is_an_argument_error_listing_the_options(call):
    with pytest.raises(tl.ArgumentError, match="unexpected keyword argument .*options|no options"):
        call()


@pytest.mark.parametrize("mode", MODES)
def test_has_aux_grad_and_value_and_grad(mode):
    out = tl.grad(with_aux, has_aux=True, mode=mode)(X, Y)
    g, aux = out
    treefd.assert_close(g, fd(lambda x, y: with_aux(x, y)[0], (X, Y), 0))
    assert aux["n"] == 3 and aux["tag"] == "aux"  # passed through untouched
    np.testing.assert_array_equal(aux["pred"], with_aux(X, Y)[1]["pred"])
    (value, aux2), g2 = tl.value_and_grad(with_aux, has_aux=True, argnums=(0, 1), mode=mode)(X, Y)
    assert value == pytest.approx(with_aux(X, Y)[0]) and aux2["tag"] == "aux"
    treefd.assert_close(g2[1], fd(lambda x, y: with_aux(x, y)[0], (X, Y), 1))
    d = tl.grad(with_aux, has_aux=True, mode=mode)
    d(X, Y)
    assert ("def with_aux_bwd(" if mode == "reverse" else "def jvp_with_aux(") in tl.source(d)


def test_has_aux_as_decorator_options():
    @tl.grad(has_aux=True, argnums=1)
    def f(x, y):
        return np.sum(x * y ** 3), y * 2.0

    g, aux = f(X, Y)
    treefd.assert_close(g, 3 * X * Y ** 2)  # exact formula
    np.testing.assert_array_equal(aux, Y * 2.0)


def test_has_aux_vjp_returns_out_pullback_aux():
    out, pullback, aux = tl.vjp(vector_with_aux, X, has_aux=True)
    np.testing.assert_allclose(out, np.sin(X) * X)
    assert aux[1] == "note" and aux[0] == pytest.approx(np.sum(X))
    ct = np.array([1.0, -2.0, 0.5])
    (g,) = pullback(ct)
    treefd.assert_close(g, ct @ treefd.jacobian(lambda x: vector_with_aux(x)[0], (X,), 0))


@pytest.mark.parametrize("jac", [tl.jacfwd, tl.jacrev], ids=["jacfwd", "jacrev"])
def test_has_aux_jacobians(jac):
    J, aux = jac(vector_with_aux, has_aux=True)(X)
    treefd.assert_close(J, treefd.jacobian(lambda x: vector_with_aux(x)[0], (X,), 0))
    assert aux[1] == "note"


def test_has_aux_needs_a_pair():
    with pytest.raises(tl.ArgumentError, match="pair"):
        tl.grad(two, has_aux=True)(X, Y)


@pytest.mark.parametrize("mode", MODES)
def test_size_one_outputs_are_scalars_for_grad(mode):
    x = np.array([0.3, 2.0])
    g = tl.grad(size_one_vector, mode=mode)
    for _ in range(2):  # the second call takes the remembered path
        treefd.assert_close(g(x), treefd.jacobian(size_one_vector, (x,), 0)[0])
    A, v = np.array([[1.0, -2.0, 0.5]]), np.array([[0.1], [0.2], [0.3]])
    value, (gA, gv) = tl.value_and_grad(size_one_matrix, wrt=(0, 1), mode=mode)(A, v)
    assert np.shape(value) == (1, 1)
    treefd.assert_close(gA, v.T)  # d(A @ v)/dA = v^T, exactly
    treefd.assert_close(gv, A.T)


def test_larger_outputs_are_still_refused():
    with pytest.raises(tl.NonScalarOutputError):
        tl.grad(lambda_free_vector)(X)


def lambda_free_vector(x):
    return x * 2.0


def _cubes_and_doubles(x):
    return np.sum(x ** 3), x * 2.0


_GRAD_WITH_AUX = tl.grad(_cubes_and_doubles, has_aux=True)


def _uses_grad_with_aux(x):
    d, aux = _GRAD_WITH_AUX(x)
    return np.sum(d * d)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_has_aux_derivative_called_inside_a_differentiated_function_is_a_located_error(mode):
    # it ran the aux-less derivative before and failed with a NonScalarOutputError about a
    # tuple; now the call is named, at its line
    with pytest.raises(tl.UnsupportedSyntaxError) as e:
        tl.grad(_uses_grad_with_aux, mode=mode)(np.ones(3))
    assert "derivative made with has_aux=True" in str(e.value)
    assert e.value.lineno == _uses_grad_with_aux.__code__.co_firstlineno + 1
    d, aux = _GRAD_WITH_AUX(np.ones(3))  # called directly it works
    np.testing.assert_allclose(d, 3.0 * np.ones(3))
    np.testing.assert_allclose(aux, 2.0 * np.ones(3))
