"""``d.keys()``, ``d.values()``, ``d.items()`` and ``d.get(k, default)`` inside
differentiated functions (frontend/dictmethods.py): gradients with respect to a dict
and through one, both modes and second derivatives, against finite differences."""
import numpy as np
import pytest

import tangentlike as tl

import treefd
from usercode_check import check_grad

X = np.array([0.4, -0.9, 1.3])
P = {"w": np.array([0.5, -1.0, 2.0]), "b": 0.3}


def over_items(p, x):
    s = 0.0
    for k, v in p.items():
        s = s + np.sum(np.sin(v) * x) * (2.0 if k == "w" else 1.0)
    return s + sum(np.sum(v * v) for v in p.values()) + len(p.keys())


def with_get(p, x):
    return np.sum(p.get("w", x) * x) + p.get("missing", 2.0) * p.get("b") + np.sum(p.get("z", x))


def built_here(x):
    d = {"a": x[0] * x[1], "b": np.exp(x)}
    e = {k: v * 2.0 for k, v in d.items()}
    return sum(np.sum(v) for v in e.values()) + np.sum(d.get("b") * x)


@pytest.mark.parametrize("fn", [over_items, with_get], ids=lambda f: f.__name__)
def test_dict_argument_methods(fn):
    for mode in ("reverse", "forward"):
        got = tl.grad(fn, mode=mode)(P, X)
        assert set(got) == set(P)
        treefd.assert_close(treefd.ravel(got), treefd.jacobian(fn, (P, X), 0)[0])
    check_grad(lambda x: fn(P, x), X, second=True)


def test_methods_of_a_dict_built_in_the_function():
    check_grad(built_here, X, second=True)


def test_a_method_with_wrong_arguments_is_located():
    def f(p):
        return p.items(1)
    with pytest.raises(tl.UnsupportedSyntaxError, match=r"method \.items\(\) with these arguments"):
        tl.grad(f)({"a": 1.0})
