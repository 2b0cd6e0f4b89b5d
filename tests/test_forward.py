"""Forward mode on the whole corpus: gradients by forward sweeps against central
finite differences (same tolerance and reasoning as test_corpus.py), and the
identity <u, J v> = <J^T u, v> between forward (tl.jvp) and reverse (tl.vjp) mode
with random u and v, which ties the two transforms together exactly (up to
rounding: rtol 1e-9 relative to the products' magnitudes)."""
import copy
import pathlib
import sys
import zlib

import numpy as np
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from test_corpus import GRAD_CASES, VJP_CASES, _check_grads, _ids, _positions, _wrt_arg  # noqa: E402

import tangentlike as tl  # noqa: E402


@pytest.mark.parametrize("case", GRAD_CASES, ids=_ids(GRAD_CASES))
def test_forward_grad_matches_finite_differences(case):
    args = case.make_args()
    grads = tl.grad(case.fn, wrt=_wrt_arg(case), mode="forward")(*copy.deepcopy(args))
    _check_grads(case, args, grads)


def _random_like(rng, x):
    return float(rng.standard_normal()) if np.ndim(x) == 0 else rng.standard_normal(np.shape(x))


@pytest.mark.parametrize("case", GRAD_CASES + VJP_CASES, ids=_ids(GRAD_CASES + VJP_CASES))
def test_forward_and_reverse_agree_by_inner_products(case):
    args = case.make_args()
    rng = np.random.default_rng(zlib.crc32(("uv-" + case.name).encode()))
    positions = _positions(case)
    tangents = [_random_like(rng, a) if i in positions else None for i, a in enumerate(args)]
    out, dout = tl.jvp(case.fn, copy.deepcopy(args), tangents)
    u = _random_like(rng, out)
    _, pullback = tl.vjp(case.fn, *copy.deepcopy(args))
    cts = pullback(u)
    lhs = float(np.sum(u * np.asarray(dout)))
    rhs = sum(float(np.sum(cts[i] * tangents[i])) for i in positions)
    scale = float(np.sum(np.abs(u * np.asarray(dout)))) + 1e-12
    assert abs(lhs - rhs) <= 1e-9 * scale + 1e-12, (lhs, rhs)


def test_jvp_returns_output_and_tangent():
    from corpus import programs_classic as p  # noqa: F401 - any scalar program will do
    out, dout = tl.jvp(_cube, (2.0,), (1.0,))
    assert out == 8.0 and dout == 12.0


def _cube(x):
    return x * x * x


def _scaled(x, n):
    return x * n


def test_jvp_integer_argument_tangent_must_be_zero():
    assert tl.jvp(_scaled, (2.0, 3), (1.0, 0))[1] == 3.0
    with pytest.raises(tl.ArgumentError, match="integer"):
        tl.jvp(_scaled, (2.0, 3), (1.0, 1))


def test_jvp_tangent_shape_must_match():
    with pytest.raises(tl.ArgumentError, match="shape"):
        tl.jvp(_cube, (np.ones(3),), (np.ones(2),))


def test_forward_source_is_readable():
    src = tl.source(tl.grad(_cube, mode="forward"))
    assert "def jvp__cube(x, dx):" in src and "tape" not in src
