"""``autograd.test_util`` for the stand-in: derivatives from tangentlike checked
against central differences along random directions, in forward mode (``tl.jvp``)
and reverse mode (``tl.vjp``), and — for ``order=2`` — the same checks of the JVP and
VJP as functions of (point, direction), which tangentlike differentiates again."""
from itertools import product

import numpy as np
import tangentlike as tl

from . import _gen, _space

TOL = 1e-6
RTOL = 1e-6
EPS = 1e-6


def scalar_close(a, b):
    return abs(a - b) < TOL or abs(a - b) / abs(a + b) < RTOL


def _copy(xs):
    return [np.array(x, copy=True) if isinstance(x, np.ndarray) else x for x in xs]


def numerical_jvp(f, xs, us):
    plus = [_space.axpy(EPS / 2, u, x) for x, u in zip(xs, us)]
    minus = [_space.axpy(-EPS / 2, u, x) for x, u in zip(xs, us)]
    return _space.axpy(-1.0, f(*minus), f(*plus)), 1.0 / EPS


def _cotangents(pullback_out, n):
    if n == 1 and not (isinstance(pullback_out, tuple) and len(pullback_out) == 1):
        return [pullback_out]
    return list(pullback_out)


def check_vjp(f, xs):
    out, pullback = tl.vjp(f, *_copy(xs))
    us = [_space.randn_like(x) for x in xs]
    v = _space.randn_like(out)
    cts = _cotangents(pullback(v), len(xs))
    for x, ct in zip(xs, cts):
        assert ct is None or _space.same_shape(ct, x), f"cotangent {ct!r} unlike its primal {x!r}"
    exact = sum(_space.inner(u, ct) for u, ct in zip(us, cts) if ct is not None)
    diff, scale = numerical_jvp(f, _copy(xs), us)
    numeric = _space.inner(v, diff) * scale
    assert scalar_close(numeric, exact), (
        f"VJP check of {getattr(f, '__name__', f)} failed:\nanalytic: {exact}\nnumeric:  {numeric}")
    return out


def check_jvp(f, xs):
    us = [_space.randn_like(x) for x in xs]
    out, t = tl.jvp(f, tuple(_copy(xs)), tuple(us))
    diff, scale = numerical_jvp(f, _copy(xs), us)
    check_equivalent(t, _space.axpy(scale - 1.0, diff, diff))
    return out


def check_equivalent(x, y):
    assert _space.same_shape(x, y), f"shape mismatch:\nx: {x}\ny: {y}"
    v = _space.randn_like(x)
    assert scalar_close(_space.inner(x, v), _space.inner(y, v)), f"value mismatch:\nx: {x}\ny: {y}"


def _check(f, xs, modes, order):
    n = len(xs)
    if "fwd" in modes:
        check_jvp(f, xs)
        if order > 1:
            us = [_space.randn_like(x) for x in xs]
            _check(_gen.jvp_function(f, n), list(xs) + us, modes, order - 1)
    if "rev" in modes:
        out = check_vjp(f, xs)
        if order > 1:
            v = _space.randn_like(out)
            _check(_gen.vjp_function(f, n, out), list(xs) + [v], modes, order - 1)


def check_grads(fun, argnum=0, modes=None, order=2):
    modes = ["fwd", "rev"] if modes is None else modes
    assert all(m in ("fwd", "rev") for m in modes)
    argnums = (argnum,) if isinstance(argnum, int) else tuple(argnum)

    def checker(*args, **kwargs):
        f, xs = _gen.restrict(fun, args, kwargs, argnums)
        _check(f, xs, modes, order)
    return checker


def combo_check(fun, *args, **kwargs):
    def run(*arg_lists, **kwarg_lists):
        pairs = [[(k, v) for v in vs] for k, vs in kwarg_lists.items()]
        for a in product(*arg_lists):
            for kw in product(*pairs):
                check_grads(fun, *args, **kwargs)(*a, **dict(kw))
    return run
