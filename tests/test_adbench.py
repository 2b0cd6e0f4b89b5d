"""The ADBench / GradBench problems of benchmarks/adbench on small samples (issue 20):
the benchmark code is checked here so that CI sees it is right. tangentlike against the
hand-written gradients (GMM, LSTM; relative 1e-10: both compute the same sums in a
different order) and against central differences (h = 1e-6, rtol 1e-5: truncation
~h² and rounding ~eps/h are far below it on these O(1) functions)."""
import sys
from pathlib import Path

import numpy as np
import pytest

import tangentlike as tl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks" / "adbench"))
import ba  # noqa: E402
import gmm  # noqa: E402
import ht  # noqa: E402
import lstm  # noqa: E402

H = 1e-6


def rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)


def fd_column(f, args, i, k):
    """Central difference of ``f`` along element ``k`` of argument ``i``."""
    lo, hi = list(args), list(args)
    e = np.zeros(np.shape(args[i]))
    e.flat[k] = H
    lo[i], hi[i] = args[i] - e, args[i] + e
    return (np.asarray(f(*hi)) - np.asarray(f(*lo))) / (2 * H)


GMM_KEYS = ("alpha", "mu", "q", "l", "x", "gamma", "m", "idx")


@pytest.mark.parametrize("d, K, n, m", [(2, 3, 20, 0), (4, 5, 30, 2)])
def test_gmm_vectorised_against_hand_written_and_differences(d, K, n, m):
    inp = dict(gmm.make_input(d, K, n), m=m, gamma=1.3)
    args = [inp[k] for k in GMM_KEYS]
    value, hand = gmm.gradient(*args)
    assert rel(value, gmm.objective(*args)) < 1e-12
    got = tl.grad(gmm.objective, argnums=(0, 1, 2, 3))(*args)
    for g, h in zip(got, hand):
        assert rel(g, h) < 1e-10
    for i in range(4):
        for k in (0, args[i].size - 1):
            assert abs(got[i].flat[k] - fd_column(gmm.objective, args, i, k)) < 1e-5 * (
                1 + abs(got[i].flat[k]))


def test_gmm_loop_style_matches_the_vectorised_gradient():
    inp = dict(gmm.make_input(3, 4, 12), m=1)
    args = [inp[k] for k in GMM_KEYS]
    assert rel(gmm.objective_loops(*args[:7]), gmm.objective(*args)) < 1e-12
    got = tl.grad(gmm.objective_loops, argnums=(0, 1, 2, 3))(*args[:7])
    for g, h in zip(got, gmm.gradient(*args)[1]):
        assert rel(g, h) < 1e-10


def test_lstm_against_hand_written_and_differences():
    inp = lstm.make_input(2, 6, b=5)
    args = [inp[k] for k in ("main_params", "extra_params", "state", "sequence")]
    value, hand = lstm.gradient(*args)
    assert rel(value, lstm.objective(*args)) < 1e-12
    got = tl.grad(lstm.objective, argnums=(0, 1))(*args)
    for g, h in zip(got, hand):
        assert rel(g, h) < 1e-10
    for i, k in ((0, 0), (0, 13), (1, 4), (1, 14)):
        assert abs(got[i].flat[k] - fd_column(lstm.objective, args, i, k)) < 1e-5


def test_ba_blocks_per_observation_and_batched_against_differences():
    inp = ba.make_input(3, 10, 12)
    c, X, w, f, o = (inp[k] for k in ("cams", "X", "w", "feats", "obs"))
    J = tl.jacrev(ba.reproj_error, argnums=(0, 1, 2))
    co, Xo = c[o[:, 0]], X[o[:, 1]]
    _, pull = tl.vjp(ba.reproj_batch, co, Xo, w, f)
    rows = [pull(np.tile(e, (len(w), 1)))[:3] for e in np.eye(2)]
    for j in (0, 7):
        args = (co[j], Xo[j], w[j], f[j])
        blocks = J(*args)
        for i in range(3):
            for k in range(np.size(args[i])):
                want = fd_column(ba.reproj_error, args, i, k) if i < 2 else \
                    (ba.reproj_error(co[j], Xo[j], w[j] + H, f[j]) -
                     ba.reproj_error(co[j], Xo[j], w[j] - H, f[j])) / (2 * H)
                got = blocks[i][:, k] if i < 2 else blocks[i]
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
                batched = [rows[r][i][j].flat[k] if i < 2 else rows[r][i][j] for r in range(2)]
                np.testing.assert_allclose(batched, got, rtol=1e-12, atol=1e-14)
    assert rel(ba.objective(c, X, w, f, o)[0][7], ba.reproj_error(*[a[7] for a in (co, Xo, w, f)])) < 1e-14


def test_ba_rotation_of_angle_zero_takes_the_other_branch():
    cam = np.concatenate((np.zeros(3), np.array([0.1, 0.2, -0.3, 1.1, 0.01, 0.02, 0.001, 0.002])))
    args = (cam, np.array([0.3, -0.2, 5.0]), 0.9, np.array([0.01, 0.02]))
    blocks = tl.jacrev(ba.reproj_error, argnums=(0, 1))(*args)
    for i in range(2):
        for k in range(3, 6):
            np.testing.assert_allclose(blocks[i][:, k % 3 if i else k],
                                       fd_column(ba.reproj_error, args, i, k % 3 if i else k),
                                       rtol=1e-5, atol=1e-7)


def test_ht_jacobian_against_differences():
    inp = ht.make_input(10)
    keys = ("theta", "parents", "base_relatives", "inverse_base_absolutes", "base_positions",
            "weights", "correspondences", "points")
    args = [inp[k] for k in keys]
    J = tl.jacfwd(ht.objective)(*args)
    assert J.shape == (10, 3, 26)
    for k in range(26):
        np.testing.assert_allclose(J[..., k], fd_column(ht.objective, args, 0, k),
                                   rtol=1e-5, atol=1e-6)
