"""Second derivatives of loop code (issue 16): nested loops, index assignment, tapes.

Each Hessian-vector product is compared with central differences of the exact
(reverse-mode) gradient along ``v``: with h = 1e-6 the truncation error is
O(h^2 |f''''|) ~ 1e-12 and rounding O(eps |g| / h) ~ 1e-10, so rtol 1e-5 with
atol 1e-7 leaves two or more orders of magnitude of margin; a wrong second
derivative errs by order one.
"""
import re

import numpy as np
import pytest

import tangentlike as tl

RTOL, ATOL = 1e-5, 1e-7


def fd_hvp(f, x, v, h=1e-6):
    g = tl.grad(f)
    return (np.asarray(g(x + h * v)) - np.asarray(g(x - h * v))) / (2 * h)


def nested_square(a):
    for i in range(2):
        for j in range(2):
            a = a * a
    return a


def poly_fit(c, xs, ys):
    """Least squares of a polynomial: a loop over the data, a loop over the terms."""
    loss = 0.0
    for k in range(xs.shape[0]):
        p = 0.0
        for j in range(c.shape[0]):
            p = p * xs[k] + c[j]
        loss = loss + (p - ys[k]) ** 2
    return loss


def rk_stages(k, y0):
    """An RK-style integrator: each stage writes dy[i] = ... into a fresh array."""
    y = y0 * 1.0
    h = 0.1
    for step in range(4):
        dy = np.zeros(3)
        dy[0] = y[0]
        for i in range(1, 3):
            dy[i] = -k[i] * y[i] + 0.5 * dy[i - 1] * y[i - 1]
        mid = y + 0.5 * h * dy
        dy2 = np.zeros(3)
        for i in range(3):
            dy2[i] = -k[i] * mid[i] * mid[(i + 1) % 3]
        y = y + h * dy2
    return np.sum(y * y)


def prefix_sums(x):
    y = np.zeros(x.shape[0])
    y[0] = x[0]
    for i in range(1, x.shape[0]):
        y[i] = y[i - 1] * x[i] + x[i]
    return np.sum(y * y)


def test_nested_loops_issue_example():
    # f = a**16: f'' = 240 a**14
    assert tl.hvp(nested_square, (1.1,), 1.0) == pytest.approx(240 * 1.1 ** 14, rel=1e-12)
    assert tl.hessian(nested_square)(1.1) == pytest.approx(240 * 1.1 ** 14, rel=1e-12)
    assert tl.jacfwd(tl.grad(nested_square))(1.1) == pytest.approx(240 * 1.1 ** 14, rel=1e-12)


def test_nested_loop_least_squares_hvp_and_hessian():
    r = np.random.default_rng(0)
    xs, ys, c = r.uniform(-1, 1, 6), r.uniform(-1, 1, 6), r.uniform(-1, 1, 3)
    v = r.uniform(-1, 1, 3)
    np.testing.assert_allclose(tl.hvp(poly_fit, (c, xs, ys), v),
                               (tl.grad(poly_fit)(c + 1e-6 * v, xs, ys)
                                - tl.grad(poly_fit)(c - 1e-6 * v, xs, ys)) / 2e-6,
                               rtol=RTOL, atol=ATOL)
    # the model is linear in c: the Hessian is 2 V^T V (V the Vandermonde matrix)
    V = np.vander(xs, 3)
    np.testing.assert_allclose(tl.hessian(poly_fit)(c, xs, ys), 2 * V.T @ V, rtol=1e-10)


@pytest.mark.parametrize("f", [rk_stages, prefix_sums], ids=lambda f: f.__name__)
def test_index_assignment_second_order(f):
    r = np.random.default_rng(1)
    x = r.uniform(0.2, 0.8, 3)
    v = r.uniform(-1, 1, 3)
    if f is rk_stages:
        y0 = np.array([1.0, 0.5, -0.4])
        g = tl.grad(rk_stages)
        ref = (g(x + 1e-6 * v, y0) - g(x - 1e-6 * v, y0)) / 2e-6
        np.testing.assert_allclose(tl.hvp(f, (x, y0), v), ref, rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(tl.vjp(g, x, y0)[1](v)[0], ref, rtol=RTOL, atol=ATOL)
        return
    ref = fd_hvp(f, x, v)
    np.testing.assert_allclose(tl.hvp(f, (x,), v), ref, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(tl.vjp(tl.grad(f), x)[1](v)[0], ref, rtol=RTOL, atol=ATOL)


def test_forward_over_reverse_keeps_tapes_parallel():
    """No copy of a tape of tangents per iteration (O(n^2)): pushed and popped in place;
    ranges and other index values get no tangent at all."""
    src = _jvp_source(tl.grad(nested_square), 1.1)
    assert "rt.copy(dtape" not in src
    assert "drng" not in src
    made = re.findall(r"^ +(\w+) = rt\.(Tape|IndexTape)\(\)$", src, re.M)
    assert sorted(made) == [("dtape", "Tape"), ("itape", "IndexTape"), ("tape", "Tape")]


def _jvp_source(g, x):
    from tangentlike.api import _kind, function_for
    from tangentlike.pipeline import compile_derivative
    from tangentlike.request import Request
    return compile_derivative(Request(function_for(g, [x]), [True], [_kind(x)], "jvp")).source


def test_checkpointed_loop_hvp():
    def ode(k):
        y = 1.0
        for i in range(40):
            y = y + 0.05 * (-k * y + np.sin(y))
        return y * y
    for policy in (tl.Periodic(8), tl.Binomial(3)):
        g = tl.grad(ode, checkpoint=policy)
        ref = (g(0.7 + 1e-6) - g(0.7 - 1e-6)) / 2e-6
        assert tl.jvp(g, (0.7,), (1.0,))[1] == pytest.approx(ref, rel=RTOL)


def _sin_yy(x, y):
    return np.sin(x) * y * y


def _uses_jvp(x, y):
    out, dout = tl.jvp(_sin_yy, (x, y), (1.0, None))  # d/dx: cos(x) y^2
    return dout * out


def _jvp_in_loop(x):
    s = 0.0
    for i in range(3):
        o, d = tl.jvp(_sin_yy, (x, s + 1.0), (1.0, 0.0))
        s = s + d
    return s


def _fd(f, args, i, h=1e-6):
    up = list(args)
    dn = list(args)
    up[i] += h
    dn[i] -= h
    return (f(*up) - f(*dn)) / (2 * h)


def test_jvp_inside_a_differentiated_function():
    x, y = 0.7, 1.3
    assert _uses_jvp(x, y) == pytest.approx(np.cos(x) * np.sin(x) * y ** 4, rel=1e-12)
    gx, gy = tl.grad(_uses_jvp, wrt=(0, 1))(x, y)  # reverse over forward
    assert gx == pytest.approx(_fd(_uses_jvp, (x, y), 0), rel=RTOL)
    assert gy == pytest.approx(_fd(_uses_jvp, (x, y), 1), rel=RTOL)
    assert tl.grad(_uses_jvp, mode="forward")(x, y) == pytest.approx(gx, rel=1e-12)
    assert tl.grad(_jvp_in_loop)(0.4) == pytest.approx(_fd(_jvp_in_loop, (0.4,), 0), rel=RTOL)


def _jvp_of_runtime_tuple(x):
    args = (x, 2.0)
    return tl.jvp(_sin_yy, args, (1.0, None))[1]


def test_jvp_inside_needs_literal_tuples():
    with pytest.raises(tl.UnsupportedSyntaxError, match="tuple literals"):
        tl.grad(_jvp_of_runtime_tuple)(0.3)


def _ode_vec(k, y0):
    y = y0
    for i in range(600):
        y = y + 0.01 * (-k * y + np.sin(y))
    return np.sum(y * y)


def test_checkpointed_hvp_keeps_its_memory_bound():
    """Under tl.jvp the tape of tangents grows like the tape: with checkpointing, by
    the snapshots, not the trip count (600 steps of 100-element states: ~1 MB of tape
    and as much of tangents in full; Periodic(25) keeps ~25 states of each)."""
    import tracemalloc
    y0, k, v = np.linspace(0.1, 1.0, 100), np.full(100, 0.7), np.linspace(-1, 1, 100)
    peaks, hvps = {}, {}
    for name, opt in [("full", {}), ("periodic", {"checkpoint": tl.Periodic(25)}),
                      ("binomial", {"checkpoint": tl.Binomial(8)})]:
        g = tl.grad(_ode_vec, **opt)
        tl.jvp(g, (k, y0), (v, None))  # compile outside the measurement
        tracemalloc.start()
        hvps[name] = tl.jvp(g, (k, y0), (v, None))[1]
        peaks[name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    for name in ("periodic", "binomial"):
        np.testing.assert_allclose(hvps[name], hvps["full"], rtol=1e-12)
        assert peaks[name] < peaks["full"] / 4, peaks


def test_hessian_compiles_once_and_sweeps_n_tangents(monkeypatch):
    """tl.hessian of an n-parameter function: one (batched) JVP compilation, one sweep."""
    import tangentlike.jacobian_sweeps as J  # where jacfwd's sweeps compile
    calls, sweeps = [], []
    real = J.compile_derivative

    def counting(req):
        calls.append(req.mode)
        c = real(req)
        inner = c.fn

        class Counted:
            def __getattr__(self, name):
                return getattr(c, name)

            @staticmethod
            def fn(*a):
                sweeps.append(1)
                return inner(*a)
        return Counted()
    monkeypatch.setattr(J, "compile_derivative", counting)
    r = np.random.default_rng(3)
    xs, ys, c = r.uniform(-1, 1, 6), r.uniform(-1, 1, 6), r.uniform(-1, 1, 4)
    H = tl.hessian(poly_fit)(c, xs, ys)
    np.testing.assert_allclose(H, 2 * np.vander(xs, 4).T @ np.vander(xs, 4), rtol=1e-10)
    assert calls == ["bjvp"] and len(sweeps) == 1  # all four columns in one batched sweep


def _weighted_sum(x):
    a = 0.0
    for i in range(x.shape[0]):
        a = a + np.sin(x[i]) * (i + 1.0) + np.cos(x[i])
    return a


def _weighted_dict(d):
    a = 0.0
    for i, k in enumerate(sorted(d)):
        a = a + np.sum(np.sin(d[k])) * (i + 1.0) + np.sum(np.cos(d[k]))
    return a


def _sin_of_grad(x):
    return np.sum(np.sin(tl.grad(_weighted_sum)(x)))


def _sin_of_dict_grad(d):
    g = tl.grad(_weighted_dict)(d)
    return np.sum(np.sin(g["a"])) + np.sum(g["b"] ** 2)


def _jvp_of(f):
    return lambda x, u: tl.jvp(f, (x,), (u,))[1]


def test_third_order_keeps_two_scatter_buffers_apart():
    """Forward over forward over reverse of a loop reading x[i]: the derivative code of the
    inner gradient allocates two zero cotangent buffers of the same value and scatter-adds
    into both in place (rt.add_at); CSE merged them into one, and the result was silently
    wrong (2.01 for 2.31 here). Primal and tangent are compared with the directly computed
    value and with central differences of it (h = 1e-5 on a smooth third derivative:
    error ~1e-10, rtol 1e-5)."""
    rng = np.random.default_rng(0)
    x, u, w = (rng.normal(size=4) for _ in range(3))
    j1 = _jvp_of(_sin_of_grad)
    out, tan = tl.jvp(j1, (x, u), (w, np.zeros(4)))
    h = 1e-5
    np.testing.assert_allclose(out, j1(x, u), rtol=1e-12)
    np.testing.assert_allclose(tan, (j1(x + h * w, u) - j1(x - h * w, u)) / (2 * h),
                               rtol=RTOL, atol=ATOL)


def test_third_order_through_a_dict_argument():
    """The same with a dict argument (autograd's test_dict::test_iter, under check_grads'
    forward-over-reverse-over-reverse): its cotangent buffers are dicts, scatter-added into
    in place; the nested derivative of a dict-argument function compiles generic code
    (rt.add, not +)."""
    rng = np.random.default_rng(1)
    shapes = {"a": (3,), "b": (2,), "c": (2,)}
    d, u, w = ({k: rng.normal(size=s) for k, s in shapes.items()} for _ in range(3))
    j1 = _jvp_of(_sin_of_dict_grad)
    zero = {k: np.zeros(s) for k, s in shapes.items()}
    out, tan = tl.jvp(j1, (d, u), (w, zero))
    h = 1e-5
    shifted = [{k: d[k] + s * h * w[k] for k in d} for s in (1, -1)]
    np.testing.assert_allclose(out, j1(d, u), rtol=1e-12)
    np.testing.assert_allclose(tan, (j1(shifted[0], u) - j1(shifted[1], u)) / (2 * h),
                               rtol=RTOL, atol=ATOL)
