"""Everyday constructs (frontend/conveniences.py, lower_expr.py): f-strings, callable
objects, ``functools.partial`` written in place, ``list.extend``, tuple and list ``+``,
class attributes, ``x.dtype``, conversions, ``for`` over a dict parameter; gradients in
both modes and second derivatives against finite differences."""
import functools

import numpy as np
import pytest

import tangentlike as tl

from usercode_check import check_grad

X = np.array([0.3, -0.8, 1.2])


class Loss:
    def __init__(self, a):
        self.a = a

    def __call__(self, x):
        return self.a * np.sum(np.sin(x) * x)

    @staticmethod
    def bump(x):
        return np.exp(-np.sum(x * x))


LOSS = Loss(1.5)


def scaled(x, power, scale=1.0):
    return scale * np.sum(x ** power)


def uses_fstring(x):
    s = np.sum(x * x)
    print(f"s = {s:.3f} {x[0]!r} {'text'}")
    return s * np.cos(x[1])


def uses_callable_object(x):
    return LOSS(x) + Loss.bump(x) + LOSS.bump(2.0 * x)


def uses_partial_in_place(x):
    return functools.partial(scaled, power=3)(x, scale=0.5) + functools.partial(scaled, power=2)(x)


def uses_extend_and_concat(x):
    parts = [x[0]]
    parts.extend([x[1] * x[2], np.sin(x[2])])
    t = (x[0],) + (x[1], x[2] ** 2)
    lst = [x[1]] + [x[2]]
    return sum(parts) * t[2] + t[0] * lst[1]


def uses_dtype_and_conversions(x):
    assert x.dtype == np.float64
    k = np.int64(2.7)
    return np.float64(x[0]) * x[1] * k + float(x[2]) ** 2 + int(x[0] > 0.0)


@pytest.mark.parametrize("fn", [uses_fstring, uses_callable_object, uses_partial_in_place,
                                uses_extend_and_concat, uses_dtype_and_conversions],
                         ids=lambda f: f.__name__)
def test_everyday_constructs_match_finite_differences(fn):
    check_grad(fn, X, second=True)


def test_fstring_runs_in_both_modes(capsys):
    tl.grad(uses_fstring)(X)
    tl.grad(uses_fstring, mode="forward")(X)
    out = capsys.readouterr().out
    assert f"s = {np.sum(X * X):.3f}" in out and "text" in out


def over_dict(p, x):
    total = 0.0
    for name in p:
        total = total + np.sum(p[name] * x) * (2.0 if name == "w" else 1.0)
    new = {k: p[k] * 0.5 for k in p}
    return total + np.sum(new["w"] ** 2)


def test_for_over_a_dict_parameter_iterates_its_keys():
    p = {"w": np.array([0.5, 1.0, -1.0]), "b": np.array([0.2, 0.1, 0.3])}
    h = 1e-6
    for mode in ("reverse", "forward"):
        g = tl.grad(over_dict, mode=mode)(p, X)
        for k in p:
            for i in range(3):
                up = {n: v.copy() for n, v in p.items()}
                dn = {n: v.copy() for n, v in p.items()}
                up[k][i] += h
                dn[k][i] -= h
                fd = (over_dict(up, X) - over_dict(dn, X)) / (2 * h)
                assert g[k][i] == pytest.approx(fd, rel=1e-5, abs=1e-6)
    check_grad(lambda x: over_dict(p, x), X, second=True)


def test_concatenation_of_sequences_of_unknown_length_is_an_error_not_arithmetic():
    def f(x):
        out = []
        for i in range(3):
            out = out + [x[i]]
        return out[0] * out[2]
    with pytest.raises(TypeError, match="concatenation"):
        tl.grad(f)(X)


def test_a_computed_format_spec_is_located():
    def f(x):
        w = 4
        print(f"{x:{w}}")
        return x
    with pytest.raises(tl.UnsupportedSyntaxError, match="computed format spec"):
        tl.grad(f)(1.0)


def test_partial_of_a_run_time_value_in_place_is_located():
    def f(x):
        return functools.partial(scaled, x)(2)
    with pytest.raises(tl.UnsupportedSyntaxError, match="partial.. of a value known only at run"):
        tl.grad(f)(X)


def uses_item_pow_format(x):
    s = np.sum(x ** 2)
    print("s = {:.3f}".format(s), "first {}".format(x[0]))
    return x[0].item() * x[1] + s.item() + pow(x[2], 3) + pow(2.0, x[1])


def test_item_pow_and_str_format():
    check_grad(uses_item_pow_format, X, second=True)


def uses_dict_of_pairs(x):
    d = dict([("a", x[0]), ("b", x[1] * x[2])], c=np.sin(x[2]))
    e = dict({"a": x[1]}, b=x[0] ** 2)
    f = dict((("k", x[2]),))
    return d["a"] * d["b"] + d["c"] + e["a"] * e["b"] + f["k"] ** 3


def test_dict_of_literal_pairs_and_keywords():
    check_grad(uses_dict_of_pairs, X, second=True)


def sorted_keys_and_literal_dict(d):
    s = 0.0
    for i, k in enumerate(sorted(d)):
        s = s + d[k] * (i + 1)
    e = {"u": d["a"], "v": 2.0 * d["b"]}
    for k in e:
        s = s + e[k] ** 2
    return s


def test_sorted_of_a_dict_parameter_and_for_over_a_dict_literal():
    d = {"b": 1.5, "a": -0.5}
    for mode in ("reverse", "forward"):
        g = tl.grad(sorted_keys_and_literal_dict, mode=mode)(d)
        assert g == pytest.approx({"a": 1.0 + 2 * d["a"], "b": 2.0 + 8 * d["b"]})
