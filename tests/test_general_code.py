"""Code for any arguments (``tl.emit(..., general=True)``, ``--general``; issue 17).

Without argument patterns, ``analysis.shapes`` still relates shapes (``Like``: an
elementwise result has the broadcast shape of its operands), so the adjoint drops
``rt.unbroadcast`` where the operand surely has the result's shape. Each corpus
program's general module must give tl.grad's (specialised, finite-difference
checked in test_corpus) gradient; broadcasting operands keep their sums; and the
scalar loops lose the helpers the specialised variant does not need either.
"""
import copy
import importlib.util
import inspect
import pathlib
import sys

import numpy as np
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import corpus  # noqa: E402
import tangentlike as tl  # noqa: E402
from tangentlike.fdcheck import central_difference  # noqa: E402

GRAD_CASES = corpus.grad_cases()


def _load(src, tmp_path, name):
    path = tmp_path / f"{name}.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _flat(x):
    if isinstance(x, dict):
        return np.concatenate([_flat(x[k]) for k in sorted(x)] or [np.zeros(0)])
    if isinstance(x, (list, tuple)):
        return np.concatenate([_flat(e) for e in x] or [np.zeros(0)])
    return np.ravel(np.asarray(x, dtype=np.float64))


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c.name for c in GRAD_CASES])
def test_general_module_gives_the_specialised_gradient(case, tmp_path):
    params = list(inspect.signature(case.fn).parameters)
    pos = [w if isinstance(w, int) else params.index(w) for w in case.wrt]
    wrt = pos[0] if len(pos) == 1 else tuple(pos)
    g = tl.grad(case.fn, wrt=wrt)
    args = case.make_args()
    want = g(*copy.deepcopy(args))
    src = tl.emit(g, general=True)
    fn = getattr(_load(src, tmp_path, f"general_{case.name}"), f"grad_{case.fn.__name__}")
    got = fn(*copy.deepcopy(args))
    np.testing.assert_allclose(_flat(got), _flat(want), rtol=1e-10, atol=1e-12)


def scaled_sum(a, b):
    c = 2.0 * a
    d = np.sin(c) * b + c
    return np.sum(d * d)


SHAPES = [((3,), (3,)), ((3,), ()), ((), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)),
          ((1, 3), (2, 3)), ((), ())]


@pytest.mark.parametrize("sa, sb", SHAPES, ids=[f"{a}-{b}" for a, b in SHAPES])
def test_general_code_sums_over_broadcast_axes(sa, sb, tmp_path):
    g = tl.grad(scaled_sum, wrt=(0, 1))
    src = tl.emit(g, general=True)
    fn = _load(src, tmp_path, "general_scaled_sum").grad_scaled_sum
    rng = np.random.default_rng(0)
    a = rng.standard_normal(sa) if sa else 0.3
    b = rng.standard_normal(sb) if sb else -0.7
    da, db = fn(a, b)
    assert np.shape(da) == np.shape(a) and np.shape(db) == np.shape(b)
    fa = central_difference(scaled_sum, [a, b], 0)
    fb = central_difference(scaled_sum, [a, b], 1)
    np.testing.assert_allclose(da, fa, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(db, fb, rtol=1e-5, atol=1e-8)
    # 2.0 * a and sin(c) have the shape of a: no helper sums for them
    assert src.count("rt.unbroadcast(") == 3, src


def rk4(k, y0, n):
    y = y0
    for i in range(n):
        k1 = -k * y + np.sin(y)
        k2 = -k * (y + 0.005 * k1) + np.sin(y + 0.005 * k1)
        y = y + 0.01 * (k1 + k2) / 2.0
    return y * y


def test_scalar_loop_keeps_only_the_helpers_where_shapes_meet():
    src = tl.emit(tl.grad(rk4, wrt=(0, 1)), general=True)
    body = src.split("[::-1]:")[1].split("return (")[0]
    # where k and y meet and nowhere else: the two products with -k (two each), the
    # two y + 0.005 * k1 and y + 0.01 * (...) (one each, towards y)
    assert body.count("rt.unbroadcast(") == 7, body
    assert "rt.unbroadcast(" not in src.split("[::-1]:")[0].split("check_scalar")[1]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c.name for c in GRAD_CASES])
def test_emitted_modules_keep_float32(case, tmp_path):
    """Both emitted variants (for any arguments, and specialised on float32 examples)
    give float32 gradients of float32 arguments (test_dtype.py's tolerance: 1e-4
    normwise against the float64 gradient at the same rounded point)."""
    from test_dtype import assert_close32, assert_like, cast, widen
    params = list(inspect.signature(case.fn).parameters)
    pos = [w if isinstance(w, int) else params.index(w) for w in case.wrt]
    g = tl.grad(case.fn, wrt=pos[0] if len(pos) == 1 else tuple(pos))
    a32 = cast(case.make_args(), np.float32)
    g64 = g(*widen(a32))
    g64 = (g64,) if len(pos) == 1 else g64
    kinds = [("general", {"general": True})]
    if len(a32) == len(params):  # example= gives every parameter (defaults: the general one)
        kinds.append(("spec", {"example": a32}))
    for kind, kw in kinds:
        src = tl.emit(g, **kw)
        fn = getattr(_load(src, tmp_path, f"{kind}32_{case.name}"), f"grad_{case.fn.__name__}")
        got = fn(*copy.deepcopy(a32))
        got = (got,) if len(pos) == 1 else got
        for p, a, b in zip(pos, got, g64):
            label = f"{case.name} ({kind} module) d/d(arg {p})"
            assert_like(a, a32[p], label)
            assert_close32(a, b, label)
