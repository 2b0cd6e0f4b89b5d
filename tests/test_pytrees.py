"""Pytrees (issue 15): namedtuple and dataclass values as arguments, as outputs and as
the structure of gradients (a gradient has its primal's type), next to the nested
dict/list/tuple values that already worked. Every derivative is checked against
central differences (tests/treefd.py: rtol 1e-6, why there) in each mode that applies:
reverse (grad, vjp, jacrev) and forward (jvp, jacfwd)."""
import collections
import dataclasses
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
import treefd  # noqa: E402

import tangentlike as tl  # noqa: E402

Params = collections.namedtuple("Params", "w b")


@dataclasses.dataclass
class Layer:
    w: np.ndarray
    b: float


@dataclasses.dataclass(frozen=True)
class Frozen:
    scale: float
    shift: np.ndarray


def by_attribute(p, x):
    return np.sum(np.tanh(p.w * x + p.b))


def by_index(p, x):
    return np.sum(np.tanh(p[0] * x + p[1]))


def by_unpacking(p, x):
    w, b = p
    return np.sum(np.tanh(w * x + b))


def two_records(layer, fz):
    return np.sum(np.sin(layer.w) * fz.shift) * layer.b + fz.scale ** 2


def builds_namedtuple(x):
    return Params(np.sin(x), np.sum(x * x))


def builds_dataclass(x):
    return Layer(b=np.sum(np.cos(x)), w=x * 3.0)


def built_then_read(x):
    p = Params(x * x, np.sum(x))
    return np.sum(p.w) * p.b


def nested_plain(tree):
    a, (b, c) = tree["pair"]
    return np.sum(a * b) + c * np.sum(tree["list"][1] ** 2)


X = np.array([0.3, -0.7, 1.1])


def _nt():
    return Params(np.array([0.5, -1.2, 2.0]), 0.25)


def _fd_grad(f, args, i):
    return treefd.jacobian(f, args, i)[0]


@pytest.mark.parametrize("f", [by_attribute, by_index, by_unpacking])
def test_grad_of_a_namedtuple_argument_is_that_namedtuple(f):
    p = _nt()
    g = tl.grad(f)(p, X)  # was TypeError in P.__new__ (check_differentiable)
    assert type(g) is Params and isinstance(g.b, float) and g.w.shape == (3,)
    treefd.assert_close(treefd.ravel(g), _fd_grad(f, (p, X), 0))
    _, pullback = tl.vjp(f, p, X)  # the saved namedtuple stays one (was a plain tuple: None)
    g2, _ = pullback(1.0)
    assert type(g2) is Params
    treefd.assert_close(treefd.ravel(g2), treefd.ravel(g))


@pytest.mark.parametrize("f", [by_attribute, by_index, by_unpacking])
def test_forward_mode_grad_of_a_namedtuple_argument(f):
    p = _nt()
    g = tl.grad(f, mode="forward")(p, X)  # one JVP per leaf element
    assert type(g) is Params and isinstance(g.b, float)
    treefd.assert_close(treefd.ravel(g), _fd_grad(f, (p, X), 0))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_grad_of_dataclass_arguments_is_the_same_dataclass(mode):
    layer, fz = Layer(np.array([0.1, 0.9, -0.4]), 1.5), Frozen(0.7, np.array([2.0, -1.0, 0.5]))
    g_layer, g_fz = tl.grad(two_records, wrt=(0, 1), mode=mode)(layer, fz)
    assert type(g_layer) is Layer and type(g_fz) is Frozen
    treefd.assert_close(treefd.ravel(g_layer), _fd_grad(two_records, (layer, fz), 0))
    treefd.assert_close(treefd.ravel(g_fz), _fd_grad(two_records, (layer, fz), 1))
    assert fz.scale == 0.7  # the argument is untouched


def test_jvp_with_namedtuple_and_dataclass_tangents():
    p, t = _nt(), Params(np.array([1.0, 0.5, -2.0]), -0.5)
    out, dout = tl.jvp(by_attribute, (p, X), (t, np.zeros(3)))
    assert out == pytest.approx(by_attribute(p, X))
    treefd.assert_close(dout, _fd_grad(by_attribute, (p, X), 0) @ treefd.ravel(t))
    layer, fz = Layer(np.array([0.1, 0.9, -0.4]), 1.5), Frozen(0.7, np.array([2.0, -1.0, 0.5]))
    tl_, tf = Layer(np.ones(3), 2.0), Frozen(1.0, np.array([0.0, 1.0, 0.0]))
    _, dout = tl.jvp(two_records, (layer, fz), (tl_, tf))
    fd = _fd_grad(two_records, (layer, fz), 0) @ treefd.ravel(tl_) \
        + _fd_grad(two_records, (layer, fz), 1) @ treefd.ravel(tf)
    treefd.assert_close(dout, fd)


@pytest.mark.parametrize("f, out_type", [(builds_namedtuple, Params), (builds_dataclass, Layer)])
def test_record_outputs_in_both_modes(f, out_type):
    out, pullback = tl.vjp(f, X)
    assert type(out) is out_type
    ct = out_type(np.array([1.0, -2.0, 0.5]), 3.0) if out_type is Params \
        else Layer(np.array([1.0, -2.0, 0.5]), 3.0)
    J = treefd.jacobian(f, (X,), 0)
    (g,) = pullback(ct)
    treefd.assert_close(g, treefd.ravel(ct) @ J)
    v = np.array([0.2, 1.0, -1.0])
    out2, dout = tl.jvp(f, (X,), (v,))
    assert type(out2) is out_type and type(dout) is out_type
    treefd.assert_close(treefd.ravel(dout), J @ v)


@pytest.mark.parametrize("jac", [tl.jacfwd, tl.jacrev], ids=["jacfwd", "jacrev"])
def test_jacobians_of_records(jac):
    J = jac(builds_dataclass)(X)
    assert type(J) is Layer and J.w.shape == (3, 3) and J.b.shape == (3,)
    treefd.assert_close(treefd.dense(J, builds_dataclass(X), X),
                        treefd.jacobian(builds_dataclass, (X,), 0))
    p = _nt()
    Jp = jac(by_attribute)(p, X)
    assert type(Jp) is Params
    treefd.assert_close(treefd.ravel(Jp), _fd_grad(by_attribute, (p, X), 0))


def test_a_record_built_and_read_inside():
    for mode in ("reverse", "forward"):
        g = tl.grad(built_then_read, mode=mode)(X)
        treefd.assert_close(g, _fd_grad(built_then_read, (X,), 0))


def test_grad_of_grad_through_a_namedtuple():
    H = tl.jacfwd(tl.grad(built_then_read))(X)  # forward over reverse, through rt.field
    treefd.assert_close(H, treefd.jacobian(tl.grad(built_then_read), (X,), 0))


def test_nested_dict_list_tuple_still_work():
    tree = {"pair": (np.array([1.0, 2.0]), (np.array([0.5, -0.5]), 3.0)),
            "list": [0.0, np.array([1.0, -2.0])]}
    for mode in ("reverse", "forward"):
        g = tl.grad(nested_plain, mode=mode)(tree)
        assert isinstance(g["pair"], tuple) and isinstance(g["list"], list)
        assert isinstance(g["pair"][1][1], float)
        treefd.assert_close(treefd.ravel(g), _fd_grad(nested_plain, (tree,), 0))
    t = {"pair": (np.ones(2), (np.zeros(2), 1.0)), "list": [0.0, np.array([1.0, 0.0])]}
    _, dout = tl.jvp(nested_plain, (tree,), (t,))
    treefd.assert_close(dout, _fd_grad(nested_plain, (tree,), 0) @ treefd.ravel(t))


def test_a_tangent_of_another_structure_is_an_argument_error():
    with pytest.raises(tl.ArgumentError, match="same structure"):
        tl.jvp(by_attribute, (_nt(), X), ((np.ones(3), 1.0, 2.0), np.zeros(3)))
    with pytest.raises(tl.ArgumentError, match="shape"):
        tl.jvp(by_attribute, (_nt(), X), (Params(np.ones(2), 1.0), np.zeros(3)))
