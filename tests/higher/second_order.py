"""Second derivatives of every first derivative the backend emits (DESIGN §1, closure).

Promise: ``check(fn, args, i, v)`` differentiates ``fn`` once with respect to argument
``i`` (reverse mode, then forward mode) and then differentiates that generated code
again, in four ways: forward over reverse (``tl.jvp`` of ``tl.grad``), reverse over
reverse (``tl.vjp`` of ``tl.grad``), forward over forward and reverse over forward.
Each gives ``H v`` (the Hessian is symmetric, so a pullback of ``v`` gives it too),
compared with central differences of the exact reverse-mode gradient along ``v``.
Returns an ``Outcome`` per way: ``ok``, ``failed`` (with the message) or, for the
whole check, ``rejected`` (finite differences unreliable: a kink within the step,
or the first derivative itself unavailable).

Tolerance (rtol 1e-5, atol 1e-6 * scale, scale = max(1, |g|, |H v|)): the step is
h = 1e-5 * max(1, |x|) / |v|; a central difference of the gradient has truncation
error h^2 |f''''| / 6 ~ 1e-11 and rounding ~ eps |g| / h ~ 1e-11 relative to
scale. When a comparison fails, steps 10x larger and smaller are tried: if they
disagree with each other the example is rejected (a kink near ``x``), else the
failure is real; errors of wrong second derivatives are of order one.
"""
from __future__ import annotations

import copy
import traceback
from dataclasses import dataclass

import numpy as np

import tangentlike as tl

RTOL, ATOL = 1e-5, 1e-6
STEP = 1e-5
WAYS = ("fwd-over-rev", "rev-over-rev", "fwd-over-fwd", "rev-over-fwd")


@dataclass
class Outcome:
    status: str  # "ok", "failed", "rejected"
    message: str = ""


def _replace(args, i, value):
    return args[:i] + (value,) + args[i + 1:]


def _fd(g, args, i, v, step):
    x = args[i]
    h = step * max(1.0, float(np.max(np.abs(x)))) / max(1e-12, float(np.max(np.abs(v))))
    gp = np.asarray(g(*copy.deepcopy(_replace(args, i, x + h * v))), dtype=float)
    gm = np.asarray(g(*copy.deepcopy(_replace(args, i, x - h * v))), dtype=float)
    return (gp - gm) / (2 * h)


def _ways(fn, args, i, v):
    """The four second derivatives, each a function of nothing (so one failing raises
    only when it is run)."""
    tangents = [v if j == i else None for j in range(len(args))]
    rev, fwd = tl.grad(fn, wrt=i), tl.grad(fn, wrt=i, mode="forward")

    def jvp_of(g):
        return lambda: tl.jvp(g, copy.deepcopy(args), tangents)[1]

    def vjp_of(g):
        return lambda: tl.vjp(g, *copy.deepcopy(args))[1](v)[i]

    return dict(zip(WAYS, (jvp_of(rev), vjp_of(rev), jvp_of(fwd), vjp_of(fwd))))


def check(fn, args, i, v, ways=WAYS) -> dict:
    """``{way: Outcome}``, or ``{"all": Outcome("rejected", ...)}`` (see module doc)."""
    g = tl.grad(fn, wrt=i)
    try:
        g0 = np.asarray(g(*copy.deepcopy(args)), dtype=float)
        ref = _fd(g, args, i, v, STEP)
    except Exception as e:  # noqa: BLE001 - the first derivative is not this check's
        return {"all": Outcome("rejected", f"first derivative: {type(e).__name__}: {e}")}
    if not (np.all(np.isfinite(g0)) and np.all(np.isfinite(ref))):
        return {"all": Outcome("rejected", "gradient or its difference quotient not finite")}
    out, makers = {}, _ways(fn, args, i, v)
    for way in ways:
        out[way] = _compare(makers[way], g, args, i, v, ref, g0)
    if any(o.status == "rejected" for o in out.values()):
        return {"all": Outcome("rejected", "difference quotients disagree (a kink)")}
    return out


def _compare(make, g, args, i, v, ref, g0):
    try:
        hv = np.asarray(make(), dtype=float)
    except Exception as e:  # noqa: BLE001 - any error on a differentiable program fails
        tb = "".join(traceback.format_exception(e)[-4:])
        return Outcome("failed", f"raised {type(e).__name__}: {e}\n{tb}")
    scale = max(1.0, float(np.max(np.abs(g0))), float(np.max(np.abs(ref))))
    if np.shape(hv) != np.shape(ref):
        return Outcome("failed", f"shape {np.shape(hv)}, expected {np.shape(ref)}")
    if np.allclose(hv, ref, rtol=RTOL, atol=ATOL * scale):
        return Outcome("ok")
    big, small = _fd(g, args, i, v, STEP * 10), _fd(g, args, i, v, STEP / 10)
    if not np.allclose(big, small, rtol=RTOL, atol=ATOL * scale):
        return Outcome("rejected")
    if np.allclose(hv, small, rtol=RTOL, atol=ATOL * scale):
        return Outcome("ok")
    return Outcome("failed", f"H v = {hv}, finite differences {ref}")


def direction(x, seed):
    """A fixed random direction shaped like ``x`` (a float for a float)."""
    r = np.random.default_rng(seed)
    if np.ndim(x) == 0:
        return float(r.uniform(0.5, 1.5))
    return r.uniform(-1.0, 1.0, size=np.shape(x))


def corpus_targets(cases):
    """``(name, fn, args, i, v)`` for each case: its first float argument of ``wrt``."""
    import inspect
    for n, case in enumerate(cases):
        args = case.make_args()
        params = list(inspect.signature(case.fn).parameters)
        w = case.wrt[0]
        i = w if isinstance(w, int) else params.index(w)
        yield case.name, case.fn, args, i, direction(args[i], n)


def fuzz_programs(n, seed=0):
    """``n`` programs of tests/fuzz/programs.py (deterministic for a seed), as
    ``(source, point)`` pairs."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    from fuzz.harness import KNOWN_BUGS
    from fuzz.programs import inputs, programs
    out = []

    @hseed(seed)
    @settings(max_examples=n, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(program=programs(avoid=frozenset(KNOWN_BUGS)), point=inputs())
    def collect(program, point):
        out.append((program, point))

    collect()
    return out[:n]


def fuzz_targets(pairs, workspace):
    """``(name, fn, args, i, v)`` for each fuzz program: ``f(x, v)`` wrt ``x`` and ``v``,
    where the instrumented twin shows no branch within 1e-3 of its tie."""
    for n, (program, (x, vv)) in enumerate(pairs):
        module, inst, rec = workspace.load(program)
        args = (float(x), np.array(vv, dtype=float))
        try:
            rec.reset()
            inst(*copy.deepcopy(args))
        except Exception:  # noqa: BLE001 - the generator's problem, not this check's
            continue
        if rec.margin < 1e-3:
            continue
        for i in (0, 1):
            yield f"fuzz{n}/{'xv'[i]}", module.f, args, i, direction(args[i], n)
