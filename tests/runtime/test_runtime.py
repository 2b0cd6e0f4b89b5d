"""The runtime helpers that generated derivative code calls, on concrete values."""
from collections import namedtuple

import numpy as np
import pytest

from tangentlike import runtime as rt
from tangentlike.errors import NonScalarOutputError, TangentlikeError


@pytest.mark.parametrize("xshape, expected", [
    ((4,), np.full(4, 3.0)),
    ((3, 1), np.full((3, 1), 4.0)),
    ((1, 4), np.full((1, 4), 3.0)),
    ((), 12.0),
])
def test_unbroadcast_sums_to_the_primal_shape(xshape, expected):
    out = rt.unbroadcast(np.ones((3, 4)), np.zeros(xshape))
    assert np.shape(out) == xshape
    np.testing.assert_array_equal(out, expected)


def test_unbroadcast_sums_leading_and_size_one_axes_together():
    out = rt.unbroadcast(np.ones((2, 3, 4)), np.zeros((3, 1)))
    np.testing.assert_array_equal(out, np.full((3, 1), 8.0))


def test_unbroadcast_fast_path_returns_g_itself():
    g = np.arange(6.0).reshape(2, 3)
    assert rt.unbroadcast(g, np.zeros((2, 3))) is g


def test_unbroadcast_to_python_scalar_gives_python_float():
    out = rt.unbroadcast(np.ones((2, 3)), 2.0)
    assert type(out) is float and out == 6.0
    out = rt.unbroadcast(np.float64(1.5), 3)
    assert type(out) is float and out == 1.5


def test_unbroadcast_spreads_a_scalar_placeholder():
    np.testing.assert_array_equal(rt.unbroadcast(2.0, np.zeros(3)), [2.0, 2.0, 2.0])


def test_zeros_like_scalars_arrays_and_containers():
    assert rt.zeros_like(3.0) == 0.0 and type(rt.zeros_like(3.0)) is float
    assert rt.zeros_like(np.float32(2.0)) == 0.0
    z = rt.zeros_like(np.arange(3))
    assert z.dtype == np.float64 and z.shape == (3,) and not z.any()
    assert rt.zeros_like(np.ones(2, dtype=complex)).dtype == np.complex128
    t = rt.zeros_like((1.0, np.ones((2, 2))))
    assert type(t) is tuple and t[0] == 0.0 and t[1].shape == (2, 2)
    assert rt.zeros_like([1.0, 2.0]) == [0.0, 0.0]
    assert rt.zeros_like({"a": 1.0, "b": None}) == {"a": 0.0, "b": None}
    assert rt.zeros_like(None) is None
    Point = namedtuple("Point", "x y")
    assert rt.zeros_like(Point(1.0, 2.0)) == Point(0.0, 0.0)


def test_add_numbers_arrays_and_containers():
    assert rt.add(1.0, 2.0) == 3.0
    assert rt.add(None, 2.0) == 2.0 and rt.add(2.0, None) == 2.0
    np.testing.assert_array_equal(rt.add(np.ones(2), np.ones(2)), [2.0, 2.0])
    t = rt.add((1.0, np.ones(2)), (2.0, np.ones(2)))
    assert type(t) is tuple and t[0] == 3.0
    np.testing.assert_array_equal(t[1], [2.0, 2.0])
    assert rt.add([1.0, None], [2.0, 5.0]) == [3.0, 5.0]
    assert rt.add({"a": 1.0}, {"a": 2.0, "b": 4.0}) == {"a": 3.0, "b": 4.0}
    with pytest.raises(ValueError):
        rt.add([1.0], [1.0, 2.0])


def test_add_at_repeated_fancy_indices_add_each_time():
    acc = np.zeros(4)
    out = rt.add_at(acc, [0, 2, 2], np.array([1.0, 2.0, 3.0]))
    assert out is acc
    np.testing.assert_array_equal(acc, [1.0, 0.0, 5.0, 0.0])
    acc = np.zeros((2, 3))
    rt.add_at(acc, (np.array([1, 1]), slice(None)), 1.0)
    np.testing.assert_array_equal(acc, [[0.0] * 3, [2.0] * 3])


def test_add_at_basic_indices_masks_and_python_floats():
    acc = np.zeros(4)
    rt.add_at(acc, slice(1, 3), 2.5)
    rt.add_at(acc, -1, 1.0)
    rt.add_at(acc, np.array([True, False, False, True]), np.array([10.0, 20.0]))
    np.testing.assert_array_equal(acc, [10.0, 2.5, 2.5, 21.0])


def test_add_at_containers():
    lst = [0.0, 0.0]
    assert rt.add_at(lst, 1, 2.0) is lst and lst == [0.0, 2.0]
    d = {"a": 0.0}
    rt.add_at(d, "a", 1.5)
    rt.add_at(d, "b", 2.0)
    assert d == {"a": 1.5, "b": 2.0}
    t = (0.0, 0.0)
    assert rt.add_at(t, 0, 3.0) == (3.0, 0.0) and t == (0.0, 0.0)


@pytest.mark.parametrize("idx, expected", [
    (2, [0, 0, 1, 0, 0]),
    (-1, [0, 0, 0, 0, 1]),
    (slice(1, 3), [0, 1, 1, 0, 0]),
    ([0, 0, 3], [2, 0, 0, 1, 0]),
    (np.array([True, False, True, False, False]), [1, 0, 1, 0, 0]),
])
def test_getitem_vjp_on_arrays(idx, expected):
    x = np.arange(5.0)
    g = np.ones(np.shape(x[idx]))
    np.testing.assert_array_equal(rt.getitem_vjp(g, x, idx), expected)


def test_getitem_vjp_tuple_of_slices_and_containers():
    out = rt.getitem_vjp(np.ones((2, 2)), np.zeros((3, 4)), (slice(1, None), slice(0, 2)))
    np.testing.assert_array_equal(out, [[0, 0, 0, 0], [1, 1, 0, 0], [1, 1, 0, 0]])
    assert rt.getitem_vjp(2.0, [1.0, 2.0, 3.0], 1) == [0.0, 2.0, 0.0]
    t = rt.getitem_vjp(2.0, (1.0, np.ones(2)), 0)
    assert type(t) is tuple and t[0] == 2.0 and not t[1].any()
    assert rt.getitem_vjp(3.0, {"a": 1.0, "b": 2.0}, "b") == {"a": 0.0, "b": 3.0}


def test_setitem_vjp_copies_and_does_not_mutate_g():
    g = np.arange(5.0)
    before, value = rt.setitem_vjp(g, slice(1, 3))
    np.testing.assert_array_equal(before, [0.0, 0.0, 0.0, 3.0, 4.0])
    np.testing.assert_array_equal(value, [1.0, 2.0])
    value[0] = 99.0
    np.testing.assert_array_equal(g, [0.0, 1.0, 2.0, 3.0, 4.0])
    before, value = rt.setitem_vjp([1.0, 2.0], 0)
    assert before == [0.0, 2.0] and value == 1.0
    assert rt.setitem_vjp(None, 0) == (None, None)


def test_copy():
    a = np.ones(2)
    assert rt.copy(a) is not a and np.array_equal(rt.copy(a), a)
    lst = [1.0]
    assert rt.copy(lst) is not lst and rt.copy(lst) == lst
    assert rt.copy(2.0) == 2.0


@pytest.mark.parametrize("axis, keepdims, gshape", [
    (None, False, ()), (0, False, (3, 2)), (-1, False, (4, 3)), ((0, -1), False, (3,)),
    (1, True, (4, 1, 2)), (None, True, (1, 1, 1)),
])
def test_sum_vjp_broadcasts_g_back(axis, keepdims, gshape):
    x = np.zeros((4, 3, 2))
    g = np.arange(float(np.prod(gshape))).reshape(gshape)
    out = rt.sum_vjp(g, x, axis, keepdims)
    assert out.shape == x.shape
    expected = g if keepdims or axis is None else np.expand_dims(g, axis)
    np.testing.assert_array_equal(out, np.broadcast_to(expected, x.shape))


def test_sum_vjp_of_python_float_is_python_float():
    out = rt.sum_vjp(np.float64(2.0), 5.0)
    assert type(out) is float and out == 2.0


def test_max_vjp_splits_ties_evenly():
    x = np.array([1.0, 3.0, 3.0])
    np.testing.assert_array_equal(rt.max_vjp(2.0, 3.0, x), [0.0, 1.0, 1.0])
    x = np.array([[1.0, 2.0], [4.0, 4.0]])
    out = rt.max_vjp(np.array([[1.0], [1.0]]), np.max(x, 1, keepdims=True), x, 1, True)
    np.testing.assert_array_equal(out, [[0.0, 1.0], [0.5, 0.5]])


def test_helpers_for_masks_counts_and_axes():
    assert rt.count(np.zeros((4, 3, 2)), (0, -1)) == 8 and rt.count(np.zeros((4, 3))) == 12
    assert rt.count(2.0) == 1
    np.testing.assert_array_equal(rt.tie_split(np.array([1.0, 2.0, 3.0]), 2.0), [0.0, 0.5, 1.0])
    assert rt.inverse_axes((1, 2, 0), np.zeros((2, 3, 4))) == (2, 0, 1)
    assert rt.inverse_axes((-1, 0, 1), np.zeros((2, 3, 4))) == (1, 2, 0)
    assert rt.inverse_axes(None, np.zeros(2)) is None


def test_check_scalar_accepts_scalars():
    assert rt.check_scalar(2.0, "f") == 2.0
    assert rt.check_scalar(np.float64(3.0), "f") == 3.0
    assert rt.check_scalar(np.array(4.0), "f") == 4.0


def test_check_scalar_rejects_arrays_with_a_helpful_message():
    with pytest.raises(NonScalarOutputError) as info:
        rt.check_scalar(np.ones(3), "loss")
    msg = str(info.value)
    assert "grad of loss needs a scalar output" in msg and "(3,)" in msg
    assert "tl.vjp" in msg and "tl.jacrev" in msg
    assert isinstance(info.value, ValueError) and isinstance(info.value, TangentlikeError)
    with pytest.raises(NonScalarOutputError, match=r"shape \(1,\)"):
        rt.check_scalar(np.ones(1), "f")
    with pytest.raises(NonScalarOutputError, match="tuple"):
        rt.check_scalar((1.0, 2.0), "f")


def test_as_float_grad_matches_the_primal_type():
    out = rt.as_float_grad(np.float64(2.0), 1.0)
    assert type(out) is float and out == 2.0
    assert type(rt.as_float_grad(np.array(3.0), 1)) is float
    np.testing.assert_array_equal(rt.as_float_grad(0.0, np.ones((2, 2))), np.zeros((2, 2)))
    np.testing.assert_array_equal(rt.as_float_grad([1.0, 2.0], np.ones(2)), [1.0, 2.0])
    assert rt.as_float_grad(np.array([1.0, 2.0]), [0.0, 0.0]) == [1.0, 2.0]
    out = rt.as_float_grad(None, (1.0, np.ones(2)))
    assert type(out) is tuple and out[0] == 0.0 and out[1].shape == (2,)
    assert rt.as_float_grad({"a": np.float64(1.0)}, {"a": 2.0}) == {"a": 1.0}
    assert rt.as_float_grad(None, None) is None


def test_concatenate_and_stack_vjp_keep_the_container_type():
    g = np.arange(10.0).reshape(5, 2)
    pieces = rt.concatenate_vjp(g, (np.zeros((2, 2)), np.zeros((3, 2))), 0)
    assert type(pieces) is tuple
    np.testing.assert_array_equal(pieces[1], g[2:])
    pieces = rt.concatenate_vjp(np.arange(7.0), [np.zeros((2, 2)), np.zeros(3)], None)
    assert type(pieces) is list
    np.testing.assert_array_equal(pieces[0], [[0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(pieces[1], [4.0, 5.0, 6.0])
    pieces = rt.stack_vjp(g.T, [np.zeros(5), np.zeros(5)], 0)
    assert type(pieces) is list
    np.testing.assert_array_equal(pieces[1], g[:, 1])
    assert rt.stack_vjp(np.array([1.0, 2.0]), (3.0, 4.0), -1) == (1.0, 2.0)


def test_matmul_and_dot_vjp_rank_cases():
    a, b = np.array([1.0, 2.0]), np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 0.0]])
    g = np.array([1.0, 1.0, 1.0])
    np.testing.assert_array_equal(rt.matmul_vjp_left(g, a, b), [3.0, 1.0])
    np.testing.assert_array_equal(rt.matmul_vjp_right(g, a, b), [[1.0] * 3, [2.0] * 3])
    assert rt.dot_vjp_left(np.ones(3), 2.0, np.array([1.0, 2.0, 3.0])) == 6.0
    with pytest.raises(TangentlikeError, match="np.matmul"):
        rt.dot_vjp_left(np.ones((2, 2, 2)), np.ones((2, 2)), np.ones((2, 2, 2)))
