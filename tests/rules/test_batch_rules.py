"""Every JVP rule with a batch of tangents equals that many separate JVPs.

The property that protects batched Jacobians (``transforms/batch.py``) from a batch
axis meeting a primal axis: for each rule case, a function calling the primitive
(its non-differentiated arguments as constants) is compiled as a batched JVP; with
``k = 3`` random tangents stacked along a leading axis, member ``j`` of its output
tangent must equal the (unbatched) JVP with the ``j``-th tangents alone (which
``test_jvp_rules`` checks against finite differences). A case whose compiled code
has a construct without a batched form is skipped with that construct named: the
Jacobian falls back to one sweep per column there, never a guess. Tolerances: the
two sides run the same operations but may sum in another order (an axis shifted by
the batch axis, a matrix product blocked differently): rtol 1e-10 / atol 1e-12 in
float64; in float32 rtol 1e-4 / atol 1e-5 (eps32 = 1.2e-7 times sums of at most ~20
terms, and the matrix functions' condition numbers ~1e2 as ``rulecheck.LINALG_TOL``).
"""
import importlib.util
import itertools
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))  # also under --import-mode=importlib
from rulecheck import rand_like, rebuild  # noqa: E402
from test_jvp_rules import ALL_CASES, _directions  # noqa: E402

import tangentlike as tl  # noqa: E402
from tangentlike import jacobian_sweeps as J  # noqa: E402
from tangentlike.errors import NotBatchedError, TangentlikeError  # noqa: E402

K = 3
_COUNT = itertools.count()


def _wrapper(tmp_path, case, args, kwargs, active):
    """``(f, vals)``: a function of the ``active`` arguments calling ``case.fn`` with the
    others as module constants, and its arguments."""
    names = case.names()
    params, call, consts = [], [], {"FN": case.fn}
    for i, a in enumerate(args):
        name = f"a{i}" if i in active else f"C{i}"
        (params.append(name) if i in active else consts.__setitem__(name, a))
        call.append(name)
    vals = [args[i] for i in range(len(args)) if i in active]
    for key, v in kwargs.items():
        i = names.index(key)
        name = f"a{i}" if i in active else f"C_{key}"
        if i in active:
            params.append(name)
            vals.append(v)
        else:
            consts[name] = v
        call.append(f"{key}={name}")
    src = f"def f({', '.join(params)}):\n    return FN({', '.join(call)})\n"
    path = tmp_path / f"batchcase_{next(_COUNT)}.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    mod.__dict__.update(consts)
    spec.loader.exec_module(mod)
    return mod.f, vals


def _stack(members):
    """``k`` tangents (same structure) as one batched tangent."""
    first = members[0]
    if isinstance(first, dict):
        return {key: _stack([m[key] for m in members]) for key in first}
    if isinstance(first, (tuple, list)):
        return rebuild(first, (_stack([m[i] for m in members]) for i in range(len(first))))
    if first is None:
        return None
    return np.stack([np.asarray(m) for m in members])


def _leaves(x):
    if isinstance(x, dict):
        return [v for key in x for v in _leaves(x[key])]
    if isinstance(x, (tuple, list)):
        return [v for e in x for v in _leaves(e)]
    return [] if x is None or isinstance(x, str) else [x]


def _as(x, dtype):
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return x.astype(dtype)
    if isinstance(x, (tuple, list)):
        return rebuild(x, (_as(v, dtype) for v in x))
    if isinstance(x, dict):
        return {key: _as(v, dtype) for key, v in x.items()}
    return x


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", ALL_CASES)
def test_batched_jvp_equals_separate_jvps(case, dtype, tmp_path):
    args, kwargs, rng = case.draw(seed=3)
    args, kwargs = _as(list(args), dtype), _as(kwargs, dtype)
    dirs = _directions(case, args, kwargs, rng)
    if not dirs:
        pytest.skip("no differentiable argument")
    active = sorted(dirs)
    f, vals = _wrapper(tmp_path, case, args, kwargs, active)
    idx = list(range(len(vals)))
    try:
        compiled = J._compiled(f, list(vals), idx, "bjvp")
    except NotBatchedError as e:
        pytest.skip(f"falls back to one sweep per column: {e.construct}")
    except TangentlikeError as e:  # the unbatched JVP cannot compile it either
        with pytest.raises(TangentlikeError):
            tl.jvp(f, vals, [_as(rand_like(v, rng), dtype) for v in vals])
        pytest.skip(f"not compilable as a call: {type(e).__name__}")
    members = [[_as(rand_like(v, rng), dtype) for v in vals] for _ in range(K)]
    batched = [_stack([m[a] for m in members]) for a in range(len(vals))]
    out, dout = compiled.fn(*[_as(v, dtype) for v in vals], *batched)
    rtol, atol = (1e-10, 1e-12) if dtype == np.float64 else (1e-4, 1e-5)
    one = J._compiled(f, list(vals), idx, "jvp").fn  # what tl.jvp runs (no argument checks)
    for j in range(K):
        o, d = one(*[_as(v, dtype) for v in vals], *members[j])
        got, want = _leaves(dout), _leaves(d)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert np.shape(g) == (K,) + np.shape(w), (np.shape(g), np.shape(w))
            np.testing.assert_allclose(np.asarray(g)[j], w, rtol=rtol, atol=atol,
                                       err_msg=f"member {j}")
