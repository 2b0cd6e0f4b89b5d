"""The runtime's fast paths (issue 20): scalar ``unbroadcast``, view-based ``stack_vjp``
and ``concatenate_vjp``, ``sum_vjp`` without a zeros array. Each keeps the value, the
type and the dtype of the general path (float32 in, float32 out)."""
import numpy as np
import pytest

from tangentlike import runtime as rt

SCALARS = [np.float64(2.5), np.float32(2.5), 2.5]


@pytest.mark.parametrize("g", SCALARS)
def test_unbroadcast_scalar_cotangent_to_python_number_is_a_python_float(g):
    for x in (1.0, 3):
        out = rt.unbroadcast(g, x)
        assert type(out) is float and out == 2.5


@pytest.mark.parametrize("g", [np.float64(2.5), np.float32(2.5)])
def test_unbroadcast_numpy_scalar_to_numpy_scalar_is_g_itself(g):
    assert rt.unbroadcast(g, np.float64(1.0)) is g
    assert rt.unbroadcast(g, np.float32(1.0)) is g


def test_unbroadcast_array_to_numpy_scalar_still_sums():
    out = rt.unbroadcast(np.ones((2, 3), np.float32), np.float32(0.0))
    assert out == 6.0 and out.dtype == np.float32


def test_unbroadcast_placeholder_spread_keeps_float32_and_is_writable():
    out = rt.unbroadcast(np.float32(2.0), np.zeros((2, 3), np.float32))
    assert out.shape == (2, 3) and out.dtype == np.float32 and out.flags.writeable
    np.testing.assert_array_equal(out, np.full((2, 3), 2.0))


def test_unbroadcast_float32_sum_keeps_float32():
    out = rt.unbroadcast(np.ones((4, 3), np.float32), np.zeros((1, 3), np.float32))
    assert out.dtype == np.float32 and out.shape == (1, 3)
    np.testing.assert_array_equal(out, np.full((1, 3), 4.0))


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_stack_vjp_pieces_are_fresh_float32_slices(axis):
    g = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    n = g.shape[axis]
    arrays = [np.zeros(np.delete(g.shape, axis % 3), np.float32) for _ in range(n)]
    pieces = rt.stack_vjp(g, arrays, axis)
    assert isinstance(pieces, list) and len(pieces) == n
    for i, p in enumerate(pieces):
        np.testing.assert_array_equal(p, np.take(g, i, axis=axis))
        assert p.dtype == np.float32 and not np.shares_memory(p, g)
    pieces[0][...] = -1.0  # a fresh array: writing it leaves g alone
    assert g.min() == 0.0


def test_stack_vjp_of_scalars_gives_python_floats_in_a_tuple():
    out = rt.stack_vjp(np.array([1.5, 2.5]), (1.0, 2.0))
    assert type(out) is tuple and all(type(v) is float for v in out)
    assert out == (1.5, 2.5)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenate_vjp_splits_at_the_pieces_sizes(axis):
    arrays = [np.zeros((2, 1), np.float32), np.zeros((2, 3), np.float32)] if axis else \
        [np.zeros((1, 4), np.float32), np.zeros((3, 4), np.float32)]
    g = np.arange(8, dtype=np.float32).reshape(2, 4) if axis else \
        np.arange(16, dtype=np.float32).reshape(4, 4)
    pieces = rt.concatenate_vjp(g, arrays, axis)
    np.testing.assert_array_equal(np.concatenate(pieces, axis), g)
    for p, a in zip(pieces, arrays):
        assert p.shape == a.shape and p.dtype == np.float32 and not np.shares_memory(p, g)


def test_concatenate_vjp_of_a_tuple_of_arrays_on_axis_0_is_the_general_path():
    """The tuple fast path (LSTM's ``np.concatenate((x, h, x, h))``) gives what the list
    (general) path gives: a tuple of fresh pieces, 1-d and 2-d, float32 kept."""
    for arrays in ((np.zeros(2, np.float32), np.zeros(3, np.float32), np.zeros(0, np.float32)),
                   (np.zeros((1, 2), np.float32), np.zeros((4, 2), np.float32))):
        n = sum(a.shape[0] for a in arrays)
        g = np.arange(n * arrays[0][0:1].size, dtype=np.float32).reshape((n,) + arrays[0].shape[1:])
        fast, general = rt.concatenate_vjp(g, arrays, 0), rt.concatenate_vjp(g, list(arrays), 0)
        assert type(fast) is tuple and type(general) is list and len(fast) == len(general)
        for p, q, a in zip(fast, general, arrays):
            np.testing.assert_array_equal(p, q)
            assert p.shape == a.shape and p.dtype == np.float32 and not np.shares_memory(p, g)


def test_unpack_vjp_of_a_tuple_with_every_cotangent_is_those_cotangents():
    a, b = np.ones(2), np.full(3, 2.0)
    out = rt.unpack_vjp((a, b), (np.zeros(2), np.zeros(3)))
    assert type(out) is tuple and out[0] is a and out[1] is b
    out = rt.unpack_vjp((None, b), (np.zeros(2, np.float32), np.zeros(3)))  # a zero: filled
    assert type(out) is tuple and out[1] is b and out[0].dtype == np.float32
    np.testing.assert_array_equal(out[0], [0.0, 0.0])
    out = rt.unpack_vjp([a, b], [np.zeros(2), np.zeros(3)])  # a list keeps its type
    assert type(out) is list and out[0] is a


def test_add_of_two_arrays_is_their_sum_in_a_fresh_array():
    a, b = np.ones(3, np.float32), np.arange(3, dtype=np.float32)
    out = rt.add(a, b)
    assert out.dtype == np.float32 and not np.shares_memory(out, a)
    np.testing.assert_array_equal(out, [1.0, 2.0, 3.0])


def test_concatenate_vjp_axis_none_reshapes_the_flat_pieces():
    arrays = (np.zeros((2, 2)), np.zeros(3))
    g = np.arange(7.0)
    a, b = rt.concatenate_vjp(g, arrays, None)
    np.testing.assert_array_equal(a, [[0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(b, [4.0, 5.0, 6.0])


@pytest.mark.parametrize("axis, keepdims", [(None, False), (1, False), ((0, 2), False),
                                            (1, True)])
def test_sum_vjp_broadcasts_back_in_float32_into_a_fresh_array(axis, keepdims):
    x = np.ones((2, 3, 4), np.float32)
    g = np.sum(x * np.arange(4, dtype=np.float32), axis=axis, keepdims=keepdims)
    out = rt.sum_vjp(g, x, axis, keepdims)
    assert out.shape == x.shape and out.dtype == np.float32 and out.flags.writeable
    want = np.broadcast_to(g if keepdims or axis is None else np.expand_dims(g, axis), x.shape)
    np.testing.assert_array_equal(out, want)
    assert not np.shares_memory(out, g)


@pytest.mark.parametrize("x", [np.zeros(()), np.float32(2.0), np.zeros((), np.float32)])
def test_sum_vjp_of_a_0d_primal_is_a_numpy_scalar(x):
    out = rt.sum_vjp(1.5, x)  # (np.float64 is a float: a Python float, as before)
    assert isinstance(out, np.generic) and out == 1.5 and out.dtype == x.dtype


def test_sum_vjp_python_float_seed_keeps_the_primal_dtype():
    assert rt.sum_vjp(1.0, np.zeros(3, np.float32)).dtype == np.float32
    assert rt.sum_vjp(1.0, np.zeros(3)).dtype == np.float64
    assert rt.sum_vjp(np.float64(1.0), np.zeros(3, np.float32)).dtype == np.float64


def test_grad_of_float32_stack_and_sum_program_stays_float32():
    import tangentlike as tl

    def f(a, b):
        return np.sum(np.stack([a * b, b], axis=1) ** 2)

    a = np.arange(3, dtype=np.float32)
    b = np.ones(3, np.float32)
    da, db = tl.vjp(f, a, b)[1](np.float32(1.0))
    assert da.dtype == np.float32 and db.dtype == np.float32
    np.testing.assert_allclose(da, 2 * a * b * b)  # d/da sum((ab)^2 + b^2), exact
    np.testing.assert_allclose(db, 2 * a * a * b + 2 * b)


def test_add_at_through_a_view_adds_in_place_as_the_subscript_assignment_does():
    """``rt.add_at`` with a slice, or an integer into a 2-d buffer, adds into the view
    ``acc[idx]`` (no write back): the same values and dtype as ``acc[idx] += g``, the
    same buffer returned; a 1-d buffer's integer item still goes through ``acc[i] += g``."""
    for acc, idx, g in ((np.zeros(6, np.float32), slice(1, 4), np.array([1.0, 2.0, 3.0])),
                        (np.zeros((3, 2)), 1, np.array([4.0, 5.0])),
                        (np.zeros((3, 2)), slice(None, None, 2), np.float64(1.5)),
                        (np.zeros(4), 2, 2.5), (np.zeros((2, 3)), (1, slice(0, 2)), 1.0)):
        want = acc.copy()
        want[idx] += g
        out = rt.add_at(acc, idx, g)
        assert out is acc and out.dtype == want.dtype
        np.testing.assert_array_equal(out, want)
    with pytest.raises(ValueError):  # a cotangent wider than the item is an error either way
        rt.add_at(np.zeros(4), slice(0, 2), np.ones(3))


def test_add_at_into_a_list_and_zeros_like_of_a_list_keep_the_list():
    acc = rt.zeros_like([np.zeros(2, np.float32), 1.0, np.zeros((1, 2))])
    assert type(acc) is list and acc[0].dtype == np.float32 and acc[1] == 0.0
    out = rt.add_at(acc, 0, np.ones(2, np.float32))
    out = rt.add_at(out, -1, np.full((1, 2), 3.0))
    assert out is acc and out[0].dtype == np.float32
    np.testing.assert_array_equal(out[0], [1.0, 1.0])
    np.testing.assert_array_equal(out[2], [[3.0, 3.0]])
    assert rt.add_at([None, 2.0], 0, 1.5) == [1.5, 2.0]  # None is zero
