"""dtype faithfulness: a float32 argument gets a float32 gradient, in every mode.

Every corpus program runs in float32 (arrays cast to float32, Python floats to
``np.float32``) in reverse and forward mode; its gradient must have the type and
dtype of its primal, and its value must be close to the float64 gradient at the
same (float32-rounded) point.

Tolerance: max|g32 - g64| <= 1e-4 * max|g64| per gradient. float32's machine epsilon
is 1.19e-7; measured over the whole corpus in both modes the worst normwise error is
1.1e-6 (logistic_regression, ~9 eps32: its gradient sums 20 terms of a sigmoid), the
median ~1e-7. 1e-4 keeps a margin of ~100x over that, while a gradient computed
wrongly (or a float32 rounding error amplified by a bad formula) is off by O(1).
float16 (eps 9.8e-4) and longdouble are checked for their dtype on a few programs.
"""
import copy
import inspect
import pathlib
import sys

import numpy as np
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import corpus  # noqa: E402
import tangentlike as tl  # noqa: E402
from tangentlike import runtime as rt  # noqa: E402

GRAD_CASES = corpus.grad_cases()
VJP_CASES = corpus.vjp_cases()
NORMWISE = 1e-4


def cast(x, dtype):
    """``x`` with every float (array) cast to ``dtype``; Python floats become NumPy scalars."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return x.astype(dtype)
    if isinstance(x, float):
        return np.dtype(dtype).type(x)
    if isinstance(x, (list, tuple)):
        return type(x)(cast(e, dtype) for e in x)
    if isinstance(x, dict):
        return {k: cast(v, dtype) for k, v in x.items()}
    return x


def widen(x):
    """The float32 arguments back in float64 (the same rounded point)."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return x.astype(np.float64)
    if isinstance(x, np.floating):
        return float(x)
    if isinstance(x, (list, tuple)):
        return type(x)(widen(e) for e in x)
    if isinstance(x, dict):
        return {k: widen(v) for k, v in x.items()}
    return x


def _setup(case):
    params = list(inspect.signature(case.fn).parameters)
    pos = [w if isinstance(w, int) else params.index(w) for w in case.wrt]
    wrt = case.wrt[0] if len(case.wrt) == 1 else tuple(case.wrt)
    return pos, wrt


def assert_like(g, x, label):
    """``g`` has the type and dtype of the primal ``x`` (containers: elementwise)."""
    if isinstance(x, (list, tuple)):
        for i, (a, b) in enumerate(zip(g, x)):
            assert_like(a, b, f"{label}[{i}]")
    elif isinstance(x, dict):
        for k in x:
            assert_like(g[k], x[k], f"{label}[{k!r}]")
    elif isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind == "f":
        assert type(g) is type(x), f"{label}: {type(g).__name__}, primal {type(x).__name__}"
        assert g.dtype == x.dtype, f"{label}: dtype {g.dtype}, primal {x.dtype}"
        assert np.shape(g) == np.shape(x)


def _flat(x):
    if isinstance(x, dict):
        return np.concatenate([_flat(x[k]) for k in sorted(x)] or [np.zeros(0)])
    if isinstance(x, (list, tuple)):
        return np.concatenate([_flat(e) for e in x] or [np.zeros(0)])
    return np.ravel(np.asarray(x, dtype=np.float64))


def assert_close32(g32, g64, label):
    a, b = _flat(g32), _flat(g64)
    scale = np.max(np.abs(b)) if b.size else 0.0
    err = np.max(np.abs(a - b)) if b.size else 0.0
    assert err <= NORMWISE * max(scale, 1e-12), f"{label}: normwise error {err / scale:.2e}"


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("case", GRAD_CASES, ids=[c.name for c in GRAD_CASES])
def test_corpus_float32(case, mode):
    pos, wrt = _setup(case)
    a32 = cast(case.make_args(), np.float32)
    g32 = tl.grad(case.fn, wrt=wrt, mode=mode)(*copy.deepcopy(a32))
    g64 = tl.grad(case.fn, wrt=wrt, mode=mode)(*widen(a32))
    if len(pos) == 1:
        g32, g64 = (g32,), (g64,)
    for p, a, b in zip(pos, g32, g64):
        label = f"{case.name} ({mode}) d/d(arg {p})"
        assert_like(a, a32[p], label)
        assert_close32(a, b, label)


@pytest.mark.parametrize("case", VJP_CASES, ids=[c.name for c in VJP_CASES])
def test_vjp_and_jvp_float32(case):
    a32 = cast(case.make_args(), np.float32)
    out, pullback = tl.vjp(case.fn, *copy.deepcopy(a32))
    cts = pullback(np.ones_like(out, dtype=np.float64))  # even a float64 cotangent
    for i, (c, x) in enumerate(zip(cts, a32)):
        if c is not None:
            assert_like(c, x, f"{case.name} cotangent {i}")
    tangents = tuple(np.ones_like(a) for a in a32)
    out2, tangent = tl.jvp(case.fn, a32, tangents)
    assert np.asarray(tangent).dtype == np.asarray(out2).dtype, case.name


SMALL = ["poly_arith", "unary_numpy", "logistic_regression", "rk4_oscillator",
         "reductions_axis", "max_min_where", "rnn_loss_no_break", "loop_over_rows"]


@pytest.mark.parametrize("dtype", [np.float16, np.longdouble])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("name", SMALL)
def test_float16_and_longdouble_kept(name, mode, dtype):
    case = {c.name: c for c in GRAD_CASES}[name]
    pos, wrt = _setup(case)
    args = cast(case.make_args(), dtype)
    with np.errstate(over="ignore", under="ignore"):
        grads = tl.grad(case.fn, wrt=wrt, mode=mode)(*copy.deepcopy(args))
    grads = (grads,) if len(pos) == 1 else grads
    for p, g in zip(pos, grads):
        assert_like(g, args[p], f"{name} ({mode}, {np.dtype(dtype).name})")


def test_emitted_module_keeps_float32(tmp_path):
    """tl.emit's module and tl.grad agree on the dtype (they used not to)."""
    case = {c.name: c for c in GRAD_CASES}["logistic_regression"]
    pos, wrt = _setup(case)
    a32 = cast(case.make_args(), np.float32)
    g = tl.grad(case.fn, wrt=wrt)
    path = tmp_path / "grad_lr.py"
    tl.emit(g, path)
    ns = {}
    exec(compile(path.read_text(), str(path), "exec"), ns)
    emitted = ns["grad_logistic_regression"](*copy.deepcopy(a32))
    mine = g(*copy.deepcopy(a32))
    for p, a, b in zip(pos, emitted, mine):
        assert_like(a, a32[p], "emitted")
        assert type(a) is type(b) and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-6)  # the same float32 operations


# Regression tests of the run-time helpers that promoted float32 to float64.

F32 = np.arange(1.0, 7.0, dtype=np.float32).reshape(2, 3)


def test_helpers_keep_float32():
    assert rt.zeros_like(F32).dtype == np.float32
    assert type(rt.zeros_like(np.float32(2.0))) is np.float32
    assert rt.zeros_like(2.0) == 0.0 and type(rt.zeros_like(2.0)) is float
    assert rt.basis(F32, 4).dtype == np.float32 and rt.basis(F32, 4).flat[4] == 1.0
    assert rt.sum_vjp(1.0, F32).dtype == np.float32  # a Python seed is weak (NEP 50)
    assert rt.sum_vjp(np.ones(2, np.float32), F32, 1).dtype == np.float32
    assert rt.sum_vjp(np.ones(2), F32, 1).dtype == np.float64  # a wider g is not narrowed
    assert rt.tie_split(F32, 0.0).dtype == np.float32
    assert rt.tie_split(np.ones(3), 0.0).dtype == np.float64
    assert rt.extremum_share(np.max(F32, axis=1), F32, 1).dtype == np.float32
    assert rt.extremum_share(np.max(F32), F32).dtype == np.float32
    assert rt.as_float_grad(1.0, F32).dtype == np.float32
    assert type(rt.scalar_like(np.float64(2.5), np.float32(1.0))) is np.float32
    assert type(rt.scalar_like(np.float32(2.5), 1.0)) is float
    assert rt.dtype_like(np.ones(3), np.ones(3, np.float32)).dtype == np.float32
    ints = np.arange(3)
    assert rt.dtype_like(np.ones(3), ints).dtype == np.float64  # int primal: float gradient
    assert rt.float_dtype(ints) == np.float64


def test_scalar_like_does_not_truncate_ints():
    """A standalone module called with an int must not get int(gradient)."""
    assert rt.scalar_like(2.5, 3) == 2.5
    assert rt.scalar_like(np.float32(2.5), np.int64(3)) == 2.5


def _sin_x(x):
    return np.sum(np.sin(x) * x)


_DSIN = tl.grad(_sin_x)


def _sum_dsin(x):
    return np.sum(_DSIN(x))


def test_gradient_of_gradient_float32():
    """scalar_like/dtype_like have rules: a gradient of a gradient stays float32."""
    x = np.linspace(0.1, 1.0, 5, dtype=np.float32)
    hx = tl.grad(_sum_dsin)(x)
    assert hx.dtype == np.float32
    x64 = x.astype(float)
    expect = 2 * np.cos(x64) - x64 * np.sin(x64)
    np.testing.assert_allclose(hx, expect, rtol=1e-5)  # ~10 eps32 of rounding


def _quartic(x):
    return np.sum(np.sin(x) * x ** 3)


@pytest.mark.parametrize("jac", ["jacfwd", "jacrev", "hessian"])
def test_jacobians_keep_float32(jac):
    """A Jacobian's block has the common dtype of its output and argument: float32 for a
    float32 function of float32 (it was float64); values as the float64 Jacobian's at the
    same point to the module's normwise tolerance."""
    x = np.array([0.3, -0.8, 1.1], dtype=np.float32)
    fn = tl.hessian(_quartic) if jac == "hessian" else getattr(tl, jac)(lambda v: np.sin(v) * v)
    J32, J64 = fn(x), fn(x.astype(np.float64))
    assert J32.dtype == np.float32 and J64.dtype == np.float64
    assert np.max(np.abs(J32 - J64)) <= NORMWISE * np.max(np.abs(J64))


def test_a_jacobian_of_float64_output_stays_float64():
    x = np.array([0.3, -0.8], dtype=np.float32)
    J = tl.jacfwd(lambda v: v.astype(np.float64) * 2.0)(x)
    assert J.dtype == np.float64
