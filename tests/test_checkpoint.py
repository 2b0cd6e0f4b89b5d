"""Checkpointing (issue 7): gradients equal the full-tape gradient to rounding.

The checkpointed adjoint performs the same floating-point operations in the same
order as the full-tape one (only when values are computed changes), so the
results agree to 1e-13 relative; anything else would be a bug.
"""
import pathlib
import sys

import numpy as np
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import tangentlike as tl  # noqa: E402
from higher import checkpoint_programs as P  # noqa: E402

TIGHT = dict(rtol=1e-13, atol=1e-15)


def _data(T, seed=0):
    rng = np.random.default_rng(seed)
    return 0.5 * rng.standard_normal((3, 3)), rng.standard_normal((T, 3))


POLICIES = [tl.Periodic(every=1), tl.Periodic(every=3), tl.Periodic(every=4),
            tl.Binomial(snapshots=1), tl.Binomial(snapshots=2), tl.Binomial(snapshots=4)]


@pytest.mark.parametrize("f", [P.rnn, P.rnn_break, P.rnn_while, P.nested, P.with_calls],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("policy", POLICIES, ids=repr)
@pytest.mark.parametrize("T", [0, 1, 3, 4, 5, 8, 9, 13])
def test_checkpointed_loop_equals_full_tape(f, policy, T):
    W, xs = _data(T)
    full = tl.grad(f)(W, xs)
    ckpt = tl.grad(f, checkpoint=policy)(W, xs)
    np.testing.assert_allclose(ckpt, full, **TIGHT)


@pytest.mark.parametrize("n", [0, 1, 2, 5, 20, 21, 100, 1000])
@pytest.mark.parametrize("s", [1, 2, 3, 5, 20])
def test_binomial_schedule_reverses_every_step_once_within_its_slots(n, s):
    from math import comb
    slots, advances, reversed_ = {0: 0}, [0] * n, []
    for r, a0, a1, w, i0, i1 in tl.runtime.binomial_schedule(n, s):
        assert slots[r] == a0  # the restored state is where the advance starts
        for i in range(a0, a1):
            advances[i] += 1
        if w != s:
            slots[w] = a1
        assert len(slots) <= s
        for i in range(i0, i1):
            assert i == a1
            reversed_.append(i)
            advances[i] += 1
    assert reversed_ == list(range(n - 1, -1, -1))
    if n and s >= 3:  # the binomial bound: C(s - 1 + r, s - 1) >= n for r - 1 recomputations
        r = max(advances) - 1
        assert comb(s - 1 + r, s - 1) >= n


def test_break_fires_inside_a_segment():
    W, xs = _data(12, seed=3)
    steps = 0
    h = np.zeros(3)
    for t in range(12):  # where does the loop stop?
        h = np.tanh(W @ h + xs[t])
        steps += 1
        if np.sum(h) > 1.2:
            break
    assert 0 < steps < 12, "the data should make the loop break early"
    np.testing.assert_allclose(tl.grad(P.rnn_break, checkpoint=tl.Periodic(every=5))(W, xs),
                               tl.grad(P.rnn_break)(W, xs), **TIGHT)


@pytest.mark.parametrize("f", [P.with_checkpointed_cell, P.with_call_site_checkpoint],
                         ids=["decorator", "call site"])
def test_checkpointed_function_equals_plain(f):
    W, xs = _data(7)
    np.testing.assert_allclose(tl.grad(f)(W, xs), tl.grad(P.without_checkpoint)(W, xs), **TIGHT)
    assert "_fwd(" in tl.source(tl.grad(f))  # the forward sweep is run again in the adjoint


def test_checkpointed_function_still_runs_as_a_function():
    W, xs = _data(1)
    np.testing.assert_allclose(P.cell(np.zeros(3), W, xs[0]), P._cell(np.zeros(3), W, xs[0]))


def test_generated_schedule_is_visible():
    src = tl.source(tl.grad(P.rnn, checkpoint=tl.Periodic(every=4)))
    assert "% 4 == 0" in src and "for seg in" in src and "tape.pop()" in src
    src = tl.source(tl.grad(P.rnn, checkpoint=tl.Binomial(snapshots=3)))
    assert "rt.binomial_schedule(len(done), 3)" in src and "slots[" in src


@pytest.mark.parametrize("policy", [tl.Periodic(every=4), tl.Binomial(snapshots=3)], ids=repr)
def test_hvp_with_checkpointing_equals_without(policy):
    W, xs = _data(9)
    V = np.linspace(-1, 1, 9).reshape(3, 3)
    plain = tl.jvp(tl.grad(P.rnn), (W, xs), (V, None))[1]
    ckpt = tl.jvp(tl.grad(P.rnn, checkpoint=policy), (W, xs), (V, None))[1]
    np.testing.assert_allclose(ckpt, plain, **TIGHT)
    np.testing.assert_allclose(ckpt, tl.hvp(P.rnn, (W, xs), V), **TIGHT)


def test_bad_policies_are_rejected():
    with pytest.raises(tl.ArgumentError):
        tl.Periodic(every=0)
    with pytest.raises(tl.ArgumentError):
        tl.Binomial(snapshots=0)
    with pytest.raises(tl.ArgumentError):
        tl.grad(P.rnn, checkpoint="sqrt")
    with pytest.raises(tl.ArgumentError, match="forward"):
        tl.grad(P.rnn, mode="forward", checkpoint=tl.Periodic(every=2))


@pytest.mark.parametrize("policy", [tl.Binomial(snapshots=4), tl.Periodic(every=50)], ids=repr)
def test_while_loop_memory_is_bounded(policy):
    """A ``while`` loop (trip count unknown in advance) under checkpointing: its primal
    sweep only counts iterations, so peak memory stays far below the full tape's."""
    import tracemalloc
    rng = np.random.default_rng(3)
    W, xs = 0.1 * rng.standard_normal((16, 16)), 0.01 * rng.standard_normal((3000, 16))
    peaks = []
    for g in (tl.grad(P.rnn_while), tl.grad(P.rnn_while, checkpoint=policy)):
        g(W, xs[:5])  # compile outside the measurement
        tracemalloc.start()
        out = g(W, xs)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        peaks.append(out)
    np.testing.assert_allclose(peaks[3], peaks[1], **TIGHT)
    assert "while" in tl.grad(P.rnn_while, checkpoint=policy).source
    assert peaks[2] < 0.2 * peaks[0], (peaks[2], peaks[0])
