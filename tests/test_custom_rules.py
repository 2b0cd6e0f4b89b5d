"""Custom derivative rules (``tl.defvjp``/``tl.defjvp``) end to end: the compiler uses
a registered rule instead of a function's body, for the user's own functions and
for functions without source; the example script runs."""
import math
import runpy
from pathlib import Path

import numpy as np
import pytest

import tangentlike as tl

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "logsumexp_custom_rule.py"


def rounded_square(x):
    # The body is wrong for derivatives (np.round is piecewise constant: gradient 0)
    # and outside the subset (try); only the custom rules below may be used.
    try:
        return np.round(x, 12) ** 2
    except ValueError:
        return x


@tl.defvjp(rounded_square)
def rounded_square_vjp(g, ans, x):
    return g * 2.0 * x


@tl.defjvp(rounded_square)
def rounded_square_jvp(d, ans, x):
    return d * 2.0 * x


def uses_rounded_square(x):
    return np.sum(rounded_square(x) * 3.0)


def weighted_dot(a, b, scale=1.0):
    return scale * np.sum(a * b)


@tl.defvjp(weighted_dot, argnums=(0, 1))
def weighted_dot_vjp(g, ans, a, b, scale=1.0):
    return g * scale * b, g * scale * a


@tl.defjvp(weighted_dot)
def weighted_dot_jvp0(d, ans, a, b, scale=1.0):
    return scale * np.sum(d * b)


@tl.defjvp(weighted_dot, argnum=1)
def weighted_dot_jvp1(d, ans, a, b, scale=1.0):
    return scale * np.sum(a * d)


def uses_weighted_dot(a, b):
    return weighted_dot(a, b, scale=2.0) + weighted_dot(a, a)


def uses_cbrt(x):
    return math.cbrt(x) * 2.0


def test_grad_uses_the_custom_vjp_instead_of_the_body():
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(tl.grad(uses_rounded_square)(x), 6.0 * x)
    assert "np.round" not in tl.source(tl.grad(uses_rounded_square))


def test_custom_rules_with_several_arguments_and_keywords():
    a, b = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    da, db = tl.grad(uses_weighted_dot, wrt=(0, 1))(a, b)
    np.testing.assert_allclose(da, 2.0 * b + 2.0 * a)
    np.testing.assert_allclose(db, 2.0 * a)


def test_forward_mode_uses_the_custom_jvp():
    x, v = np.array([0.5, -1.0]), np.array([1.0, 2.0])
    out, t = tl.jvp(uses_rounded_square, (x,), (v,))
    assert np.isclose(t, np.sum(6.0 * x * v))


def test_a_function_without_source_needs_a_rule_and_then_uses_it():
    with pytest.raises(tl.MissingRuleError, match=r"tl\.defvjp"):
        tl.grad(uses_cbrt)(8.0)

    @tl.defvjp(math.cbrt)
    def cbrt_vjp(g, ans, x):
        return g / (3.0 * ans * ans)

    assert np.isclose(tl.grad(uses_cbrt)(8.0), 2.0 / 12.0)


def test_custom_rules_are_exported_and_documented():
    from tangentlike.rules import registry
    assert tl.defvjp is registry.defvjp and tl.defjvp is registry.defjvp
    assert "tl.defvjp" in registry.__doc__ and "tl.defjvp" in registry.__doc__


def test_the_logsumexp_example_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path / "cache"))
    env = runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    np.testing.assert_allclose(env["grad"], env["softmax"] - env["labels"])
    assert "finite differences" in out and "def grad_cross_entropy" in out
