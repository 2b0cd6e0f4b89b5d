"""The public API (docs/architecture.md: API): grad's spellings, wrt, call-time keywords, the
types of gradients, stop_gradient, the memory cache, the generated file, tl.ir.

Programs are plain module-level defs (the frontend reads their source); a test
that must see a compilation happen defines its function inside the test, so no
other test can have filled the memory cache for it first.
"""
import inspect
import os
import traceback

import numpy as np
import pytest

import tangentlike as tl
import tangentlike.transforms.reverse as reverse_module


def poly(x, y):
    return x * x * y + 3.0 * y


def model(W, b, x):
    return np.sum(np.tanh(W @ x + b))


def with_default(x, scale=2.0):
    return scale * x * x


def sin_times(x, y):
    return np.sin(x) * y


def self_stopped(x):
    return x * tl.stop_gradient(x)


def self_stopped_sum(x):
    return np.sum(x * tl.stop_gradient(x) + tl.stop_gradient(np.sin(x)))


def bad_shapes(A, v):
    return np.sum(A @ v)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path / "cache"))


# ---------------------------------------------------------------- spellings

def test_grad_as_bare_decorator():
    @tl.grad
    def f(x):
        return x * x * x

    assert f(2.0) == pytest.approx(12.0)


def test_grad_as_decorator_with_options():
    @tl.grad(wrt="W")
    def f(W, x):
        return np.sum(W @ x)

    W, x = np.ones((2, 3)), np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(f(W, x), np.outer(np.ones(2), x))


def test_grad_as_plain_call():
    assert tl.grad(poly)(2.0, 5.0) == pytest.approx(20.0)
    assert tl.grad(poly, wrt=1)(2.0, 5.0) == pytest.approx(7.0)
    assert tl.grad(poly, wrt="y")(2.0, 5.0) == pytest.approx(7.0)


def test_derivative_keeps_the_primal_and_its_name():
    g = tl.grad(poly)
    assert g.primal is poly
    assert g.__name__ == "poly"


def test_wrt_tuple_returns_a_tuple_in_order():
    out = tl.grad(poly, wrt=(0, "y"))(2.0, 5.0)
    assert isinstance(out, tuple) and out == (pytest.approx(20.0), pytest.approx(7.0))
    single = tl.grad(poly, wrt=(1,))(2.0, 5.0)
    assert isinstance(single, tuple) and len(single) == 1


def test_wrt_tuple_order_is_kept():
    out = tl.grad(poly, wrt=("y", 0))(2.0, 5.0)
    assert out == (pytest.approx(7.0), pytest.approx(20.0))
    twice = tl.grad(poly, wrt=(0, 0))(2.0, 5.0)
    assert twice == (pytest.approx(20.0), pytest.approx(20.0))
    fwd = tl.grad(poly, wrt=("y", 0), mode="forward")(2.0, 5.0)
    assert fwd == (pytest.approx(7.0), pytest.approx(20.0))


def test_keyword_arguments_at_call_time():
    g = tl.grad(with_default)
    assert g(3.0) == pytest.approx(12.0)  # the default
    assert g(3.0, scale=0.5) == pytest.approx(3.0)
    assert g(x=3.0, scale=0.5) == pytest.approx(3.0)
    assert tl.grad(poly, wrt="y")(y=5.0, x=2.0) == pytest.approx(7.0)


def test_value_and_grad():
    value, grad = tl.value_and_grad(poly)(2.0, 5.0)
    assert value == poly(2.0, 5.0) and grad == pytest.approx(20.0)


# ---------------------------------------------------------------- types and shapes

def test_float_in_float_out():
    g = tl.grad(poly)(2.0, 5.0)
    assert isinstance(g, float) and not isinstance(g, np.ndarray)
    g = tl.grad(sin_times)(2.0, 5.0)
    assert isinstance(g, float) and not isinstance(g, np.ndarray)


def test_float_in_exact_python_float_out():
    assert type(tl.grad(sin_times)(2.0, 5.0)) is float


def test_int_in_is_promoted_to_float():
    g = tl.grad(poly)(2, 5)
    assert isinstance(g, float) and g == pytest.approx(20.0)
    ga = tl.grad(self_stopped_sum)(np.arange(3))
    assert ga.dtype == np.float64 and ga.shape == (3,)


def test_arrays_keep_their_shape():
    W, b, x = np.full((2, 3), 0.1), np.zeros(2), np.ones(3)
    gW, gb, gx = tl.grad(model, wrt=(0, 1, 2))(W, b, x)
    assert gW.shape == (2, 3) and gb.shape == (2,) and gx.shape == (3,)
    assert all(isinstance(g, np.ndarray) and g.dtype == np.float64 for g in (gW, gb, gx))
    col = tl.grad(model, wrt="b")(W, np.zeros((2, 1)), x)  # broadcasts against (2,)
    assert col.shape == (2, 1)


# ---------------------------------------------------------------- stop_gradient

def test_stop_gradient_zeroes_a_path():
    assert tl.grad(self_stopped)(3.0) == pytest.approx(3.0)  # not 2x = 6
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(tl.grad(self_stopped_sum)(x), x)  # sin path stopped too


def test_stop_gradient_is_identity_on_values():
    x = np.array([1.0, 2.0])
    assert tl.stop_gradient(x) is x or np.array_equal(tl.stop_gradient(x), x)


# ---------------------------------------------------------------- memory cache

def test_memory_cache_runs_the_transform_once(monkeypatch):
    def fresh(x, y):  # defined here: no earlier test can have compiled it
        return np.sum(np.exp(x) * y)

    calls = []
    original = reverse_module.reverse_function

    def counting(*args, **kwargs):
        calls.append(args[0].name)
        return original(*args, **kwargs)

    monkeypatch.setattr(reverse_module, "reverse_function", counting)
    x, y = np.array([0.1, 0.2]), np.array([1.0, 2.0])
    first = tl.grad(fresh)(x, y)
    assert calls == ["fresh"]
    second = tl.grad(fresh)(x + 1.0, y)  # a new Derivative, same argument kinds
    assert calls == ["fresh"]
    np.testing.assert_allclose(first, np.exp(x) * y)
    np.testing.assert_allclose(second, np.exp(x + 1.0) * y)
    tl.grad(fresh)(0.5, y)  # a float instead of an array: another specialization
    assert calls == ["fresh", "fresh"]


# ---------------------------------------------------------------- the generated file

def test_generated_module_is_a_real_file():
    args = [np.ones((2, 3)), np.zeros(2), np.ones(3)]
    compiled = tl.grad(model).compiled(args)
    path = inspect.getsourcefile(compiled.fn)
    assert path and os.path.isfile(path)
    with open(path) as fh:
        assert fh.read() == compiled.text  # .source: the same without its source map
    assert inspect.getsource(compiled.fn) in compiled.source


def test_numpy_error_in_generated_code_has_a_frame_in_that_file():
    A, v = np.ones((2, 3)), np.ones(4)  # A @ v: shapes do not match
    g = tl.grad(bad_shapes)
    with pytest.raises(ValueError, match="matmul") as info:
        g(A, v)
    path = inspect.getsourcefile(g.compiled([A, v]).fn)
    frames = [f.filename for f in traceback.extract_tb(info.value.__traceback__)]
    assert os.path.realpath(path) in [os.path.realpath(f) for f in frames]


# ---------------------------------------------------------------- tl.ir / tl.source

def test_ir_of_function_and_of_primal_agree():
    g = tl.grad(model)
    text = tl.ir(model)
    assert text == tl.ir(g.primal) == tl.ir(g)
    assert text.startswith("func model(%W, %b, %x) {")


def test_source_is_python_defining_the_gradient():
    src = tl.source(tl.grad(poly))
    compile(src, "<generated>", "exec")
    assert "def grad_poly(x, y):" in src


def test_source_rejects_a_plain_function():
    with pytest.raises(tl.ArgumentTypeError):
        tl.source(poly)


def unpack_three(x):
    a, b = (x, x, x)[0:3]  # three items into two names: Python raises ValueError
    return a * b


def _pair(x):
    return x, 2.0 * x


def unpack_pair(x):
    a, b = _pair(x)
    return a * b


def test_tuple_unpacking_keeps_python_semantics():
    with pytest.raises(ValueError, match="too many values"):
        tl.grad(unpack_three)(1.5)
    assert tl.grad(unpack_pair)(1.5) == pytest.approx(4.0 * 1.5)
    assert "a, b = " in tl.source(tl.grad(unpack_pair))


def dict_loss(p):
    return np.sum(p["a"] * p["a"])


def test_forward_mode_takes_containers():
    p = {"a": np.array([1.0, 2.0])}
    np.testing.assert_allclose(tl.grad(dict_loss)(p)["a"], [2.0, 4.0])  # 2 a, exact
    np.testing.assert_allclose(tl.grad(dict_loss, mode="forward")(p)["a"], [2.0, 4.0])
    np.testing.assert_allclose(tl.jacfwd(dict_loss)(p)["a"], [2.0, 4.0])


def row_view_then_write(A):
    M = A * 1.0
    r = M[0]
    M[0, 1] = 5.0
    return np.sum(r) + np.sum(M)


def element_then_write(v):
    a = v[1]
    v2 = v * 1.0
    b = v2[1]
    v2[1] = 3.0
    return a * b + np.sum(v2)


def test_a_row_view_changed_in_place_is_caught_at_run_time():
    M = np.arange(6.0).reshape(2, 3)
    with pytest.raises(tl.UnsupportedSyntaxError, match="view"):
        tl.grad(row_view_then_write)(M.copy())  # M[0] is a view: its sum would change
    v = np.array([1.0, 2.0, 4.0])
    g = tl.grad(element_then_write)(v)  # v2[1] is a copy of a number: allowed
    np.testing.assert_allclose(g, [1.0, 2.0 * v[1], 1.0])
