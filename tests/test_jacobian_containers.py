"""Containers in forward mode and Jacobians (issue 15): ``jvp`` with tuples/lists of
arrays of different shapes (was a raw ValueError), Jacobians of dict- and tuple-valued
functions and with respect to container arguments (structured as JAX's: the output's
structure outside, the input's inside), and Jacobians of Jacobians. Every value is
checked against central differences (tests/treefd.py: rtol 1e-6, why there); nested
ones against differences of the inner Jacobian (one level of differencing only)."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
import treefd  # noqa: E402

import tangentlike as tl  # noqa: E402

JACS = [tl.jacfwd, tl.jacrev]
IDS = ["jacfwd", "jacrev"]
X = np.array([0.4, -1.3, 0.8])
M = np.array([[1.0, -0.5], [0.25, 2.0]])


def mixed_shapes(pair, s):
    a, b = pair
    return np.sum(a @ b) * s + np.sum(np.sin(b))


def dict_valued(x, W):
    return {"h": np.tanh(W @ x[:2]), "norm": np.sum(x * x), "tag": 7}


def tuple_valued(x):
    return np.sin(x) * x[0], np.prod(x)


def of_a_dict(p, x):
    return np.tanh(p["W"] @ x[:2] + p["b"]), p["b"] * np.sum(x)


def vector_field(x, c):
    return np.array([x[0] * x[1] * c, np.sin(x[2]) * x[0] ** 2])


def cubic(x):
    return np.sum(x ** 3) + x[0] * x[1] * x[2]


def test_jvp_of_a_tuple_and_a_list_of_differently_shaped_arrays():
    a, b = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]), np.array([0.2, -0.4, 1.0])
    ta, tb = np.ones((2, 3)), np.array([1.0, 0.0, -1.0])
    for container in (tuple, list):  # was ValueError: inhomogeneous shape (np.shape)
        out, dout = tl.jvp(mixed_shapes, (container([a, b]), 1.5), (container([ta, tb]), 0.5))
        assert out == pytest.approx(mixed_shapes((a, b), 1.5))
        J = treefd.jacobian(mixed_shapes, ((a, b), 1.5), 0)[0]
        Js = treefd.jacobian(mixed_shapes, ((a, b), 1.5), 1)[0]
        treefd.assert_close(dout, J @ treefd.ravel((ta, tb)) + Js @ [0.5])
    _, dout = tl.jvp(mixed_shapes, ((a, b), 1.5), (None, 1.0))
    treefd.assert_close(dout, treefd.jacobian(mixed_shapes, ((a, b), 1.5), 1)[0])


@pytest.mark.parametrize("jac", JACS, ids=IDS)
def test_jacobian_of_a_dict_valued_function(jac):
    J = jac(dict_valued)(X, M)
    assert set(J) == {"h", "norm", "tag"}
    assert J["h"].shape == (2, 3) and J["norm"].shape == (3,) and J["tag"].shape == (3,)
    assert not np.any(J["tag"])  # an int output has a zero Jacobian
    out = dict_valued(X, M)
    treefd.assert_close(treefd.dense(J, out, X), treefd.jacobian(dict_valued, (X, M), 0))
    JW = jac(dict_valued, wrt="W")(X, M)
    assert JW["h"].shape == (2, 2, 2)
    treefd.assert_close(treefd.dense(JW, out, M), treefd.jacobian(dict_valued, (X, M), 1))


@pytest.mark.parametrize("jac", JACS, ids=IDS)
def test_jacobian_of_a_tuple_valued_function(jac):
    J = jac(tuple_valued)(X)
    assert isinstance(J, tuple) and J[0].shape == (3, 3) and J[1].shape == (3,)
    treefd.assert_close(treefd.dense(J, tuple_valued(X), X),
                        treefd.jacobian(tuple_valued, (X,), 0))


@pytest.mark.parametrize("jac", JACS, ids=IDS)
def test_jacobian_with_respect_to_a_dict_and_a_tuple_of_arguments(jac):
    p = {"W": M, "b": 0.3}
    J = jac(of_a_dict)(p, X)
    assert J[0]["W"].shape == (2, 2, 2) and J[0]["b"].shape == (2,)
    assert isinstance(J[1]["b"], float)  # scalar by scalar: a float
    out = of_a_dict(p, X)
    treefd.assert_close(treefd.dense(J, out, p), treefd.jacobian(of_a_dict, (p, X), 0))
    J0, J1 = jac(of_a_dict, wrt=(1, 0))(p, X)  # per output: a tuple in wrt's order
    assert J0[0].shape == (2, 3) and J0[1]["W"].shape == (2, 2, 2) and J1[0].shape == (3,)
    treefd.assert_close(treefd.dense((J0[0], J1[0]), out, X),
                        treefd.jacobian(of_a_dict, (p, X), 1))
    treefd.assert_close(treefd.dense((J0[1], J1[1]), out, p), treefd.dense(J, out, p))


@pytest.mark.parametrize("outer", JACS, ids=IDS)
@pytest.mark.parametrize("inner", JACS, ids=IDS)
def test_jacobian_of_a_jacobian(outer, inner):
    H = outer(inner(vector_field))(X, 2.0)  # was: star parameters not supported
    assert H.shape == (2, 3, 3)
    fd = treefd.jacobian(lambda x: inner(vector_field)(x, 2.0), (X,), 0)
    treefd.assert_close(H.reshape(6, 3), fd)


def test_nested_jacobians_agree_with_hessian_and_go_deeper():
    H = tl.hessian(cubic)(X)
    for outer in JACS:
        for inner in JACS:
            treefd.assert_close(outer(inner(cubic))(X), H)
    T = tl.jacfwd(tl.jacrev(tl.jacfwd(cubic)))(X)  # third derivatives
    assert T.shape == (3, 3, 3)
    treefd.assert_close(T.reshape(9, 3), treefd.jacobian(tl.hessian(cubic), (X,), 0))
    assert T[0, 1, 2] == pytest.approx(1.0) and T[0, 0, 0] == pytest.approx(6.0)  # exact


def test_nested_jacobian_with_respect_to_a_later_argument():
    def f_of_c(x, c):
        return vector_field(x, c)
    J2 = tl.jacrev(tl.jacfwd(vector_field, wrt=1), wrt=1)(X, 2.0)
    assert J2.shape == (2,) and not np.any(J2)  # linear in c: zero second derivative
    Jxc = tl.jacfwd(tl.jacrev(vector_field, wrt=1), wrt=0)(X, 2.0)  # d/dx of d/dc
    fd = treefd.jacobian(lambda x: tl.jacrev(vector_field, wrt=1)(x, 2.0), (X,), 0)
    treefd.assert_close(Jxc, fd)
    assert f_of_c(X, 2.0).shape == (2,)


def test_nested_jacobians_with_a_wrt_tuple_are_a_clear_error():
    with pytest.raises(tl.ArgumentError, match="one argument each"):
        tl.jacfwd(tl.jacrev(vector_field, wrt=(0, 1)))(X, 2.0)


def of_pair(pair, s):
    a, b = pair
    return {"v": np.sin(a) * b[0] * s, "t": np.sum(a * a) * b[1]}


@pytest.mark.parametrize("outer", JACS, ids=IDS)
@pytest.mark.parametrize("inner", JACS, ids=IDS)
def test_nested_jacobians_of_pytrees(outer, inner):
    pair = (np.array([0.3, -0.8]), np.array([1.5, 0.5]))
    H = outer(inner(of_pair))(pair, 2.0)
    # output structure outside, then the inner argument's, then the outer's
    assert set(H) == {"v", "t"} and isinstance(H["v"], tuple) and isinstance(H["v"][0], tuple)
    assert H["v"][0][1].shape == (2, 2, 2) and H["t"][1][0].shape == (2, 2)
    J = inner(of_pair)  # H is J's structure with the outer argument's inside
    treefd.assert_close(treefd.dense(H, J(pair, 2.0), pair),
                        treefd.jacobian(lambda p: J(p, 2.0), (pair,), 0))
    Js = inner(of_pair, wrt=1)
    Hs = outer(Js, wrt=0)(pair, 2.0)  # d/dpair of d/ds
    treefd.assert_close(treefd.dense(Hs, Js(pair, 2.0), pair),
                        treefd.jacobian(lambda p: Js(p, 2.0), (pair,), 0))


def same_shapes(x, y):
    return x * y ** 2


@pytest.mark.parametrize("jac", JACS, ids=IDS)
def test_wrt_out_of_order_gives_each_argument_its_own_jacobian(jac):
    # Regression: jacrev paired wrt=(1, 0) with the cotangents in parameter order, so
    # two arguments of one shape silently swapped their Jacobians.
    x, y = np.array([1.0, 2.0]), np.array([3.0, 5.0])
    Jy, Jx = jac(same_shapes, wrt=(1, 0))(x, y)
    treefd.assert_close(Jy, treefd.jacobian(same_shapes, (x, y), 1))
    treefd.assert_close(Jx, treefd.jacobian(same_shapes, (x, y), 0))


def test_complex_jacobians_are_a_clear_error():
    with pytest.raises(tl.TangentlikeError, match="[Cc]omplex"):
        tl.jacrev(np.sin)(np.array([1.0 + 0.5j, 2.0]))
