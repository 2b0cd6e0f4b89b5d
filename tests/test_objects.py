"""Objects (issue 15): attributes of objects that are not differentiated (cfg.lam,
self.scale, read when the code runs), bound methods as the function differentiated
(tl.grad(model.loss)) and called inside (self.layer(x)), functools.partial of a user
function; derivatives in both modes against finite differences."""
import functools
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import tangentlike as tl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from usercode_check import check_grad  # noqa: E402

X = np.array([0.7, -1.3, 0.4])


class Config:
    lam = 0.5
    power = 2


CFG = Config()


@dataclass
class Model:
    scale: float
    bias: np.ndarray

    def layer(self, x):
        return np.tanh(x * self.scale + self.bias)

    def loss(self, x):
        h = self.layer(x)
        return np.sum(h * h) + CFG.lam * np.sum(x * x)

    def loss_with(self, x, y):
        return np.sum(self.layer(x) * y)


def penalised(x):
    return np.sum(np.sin(x)) + CFG.lam * np.sum(x ** CFG.power)


def with_config(x, cfg):
    return cfg.lam * np.sum(np.exp(x))


def linear(a, x, b=1.0):
    return np.sum(a * np.sin(x)) + b * np.sum(x)


double_linear = functools.partial(linear, 2.0)


def uses_partial(x):
    return double_linear(x, b=0.5) * 2.0


def uses_a_method(x):
    m = MODEL
    return m.loss(x) * 0.5  # m is a local name for a module-level object: run time


MODEL = Model(1.5, np.array([0.1, -0.2, 0.3]))


def test_attribute_of_a_module_level_object():
    check_grad(penalised, X, second=True)


def test_attribute_of_an_argument_that_is_not_differentiated():
    check_grad(with_config, X, CFG, second=True)


def test_a_changed_attribute_is_seen_at_run_time():
    g = tl.grad(penalised)
    before = g(X)
    Config.lam = 2.0
    try:
        after = g(X)
        np.testing.assert_allclose(after - before, 1.5 * 2.0 * X, rtol=1e-12)
    finally:
        Config.lam = 0.5


def test_bound_method_as_the_function_differentiated():
    check_grad(MODEL.loss, X, second=True)
    check_grad(MODEL.loss_with, X, np.array([1.0, 2.0, -1.0]), wrt=1)


def test_each_instance_gets_its_own_gradient():
    a, b = Model(1.5, np.zeros(3)), Model(-0.5, np.ones(3))
    ga, gb = tl.grad(a.loss)(X), tl.grad(b.loss)(X)
    np.testing.assert_allclose(ga, check_grad(a.loss, X), rtol=1e-12)
    np.testing.assert_allclose(gb, check_grad(b.loss, X), rtol=1e-12)
    assert not np.allclose(ga, gb)


def test_a_method_called_inside_reads_self_at_run_time():
    m = Model(1.5, np.zeros(3))
    g = tl.grad(m.loss)
    first = g(X)
    m.scale = 0.5
    np.testing.assert_allclose(g(X), check_grad(m.loss, X), rtol=1e-12)
    assert not np.allclose(first, g(X))


def test_wrt_names_skip_self():
    got = tl.grad(MODEL.loss_with, wrt="y")(X, np.ones(3))
    np.testing.assert_allclose(got, MODEL.layer(X), rtol=1e-12)


def test_partial_as_the_function_differentiated():
    check_grad(double_linear, X, second=True)
    check_grad(functools.partial(linear, b=3.0), 2.0, X, wrt=1)


def test_partial_called_inside():
    check_grad(uses_partial, X)


def test_method_of_a_local_name_for_an_object_is_a_located_error():
    with pytest.raises(tl.UnsupportedSyntaxError, match=r"\.loss\(\)") as info:
        tl.grad(uses_a_method)(X)
    assert info.value.lineno == uses_a_method.__code__.co_firstlineno + 2


def test_generated_code_reads_the_attribute():
    src = tl.source(tl.grad(MODEL.loss))
    assert "getattr(self, 'scale')" in src, src
    assert "# Bound by tangentlike when loaded: " in src and "self" in src, src


def with_default(x, b=2.0):
    return np.sum(x * b)


def test_a_second_call_relying_on_a_default_value():
    """Regression: the fast path of a derivative's call passed the caller's arguments
    as they were, without the defaults the first call had filled in (TypeError:
    missing 'b' on the second call)."""
    g = tl.grad(with_default)
    np.testing.assert_allclose(g(X), 2.0 * np.ones(3))
    np.testing.assert_allclose(g(X), 2.0 * np.ones(3))


def test_hessian_of_a_function_with_a_default_value():
    """Regression: jacfwd/jacrev passed the arguments without the defaults (TypeError:
    the generated JVP function takes every parameter)."""
    h = tl.hessian(lambda x, b=2.0: b * np.sum(x ** 3))(X)
    np.testing.assert_allclose(h, np.diag(12.0 * X), rtol=1e-12)


def apply(g, x):
    return np.sum(g(x) * 2.0)


class Net:
    def __init__(self, w):
        self.w = w

    def act(self, x):
        return np.tanh(self.w * x)

    def loss(self, x):
        return apply(self.act, x) + apply(double_linear, x)


def test_a_bound_method_passed_to_a_helper():
    check_grad(Net(0.8).loss, X, second=True)
