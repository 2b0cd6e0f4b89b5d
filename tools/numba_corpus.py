"""The corpus under the numba back end (issue 18): which gradients ``numba.njit``
compiles and whether they match the NumPy back end.

For every scalar-valued corpus case, ``tl.grad(f, backend="numba")`` is called on the
case's arguments and compared with ``tl.grad(f)`` (the NumPy back end) to 1e-12
(relative and absolute); a case that numba cannot compile is grouped by the construct
the back end's error names. ``python tools/numba_corpus.py`` prints the count and the
groups; ``tests/test_numba_backend.py`` runs a sample of it (``check``).
"""
from __future__ import annotations

import collections
import copy
import pathlib
import re
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import tangentlike as tl  # noqa: E402
from tangentlike.errors import BackendCompileError  # noqa: E402

RTOL = ATOL = 1e-12


def _leaves(x):
    if isinstance(x, dict):
        return [v for k in sorted(x, key=repr) for v in _leaves(x[k])]
    if isinstance(x, (tuple, list)):
        return [v for e in x for v in _leaves(e)]
    return [x]


def _wrt(case):
    return case.wrt[0] if len(case.wrt) == 1 else tuple(case.wrt)


def check(case):
    """``("ok", seconds)``, ``("blocked", cause)`` or ``("mismatch", detail)`` for ``case``."""
    args = case.make_args()
    ref = tl.grad(case.fn, wrt=_wrt(case))(*copy.deepcopy(args))
    g = tl.grad(case.fn, wrt=_wrt(case), backend="numba")
    start = time.perf_counter()
    try:
        got = g(*copy.deepcopy(args))
    except BackendCompileError as e:
        return "blocked", cause(e)
    except Exception as e:  # noqa: BLE001 - reported, grouped by its type
        return "failed", f"{type(e).__name__}: {str(e).splitlines()[0][:120]}"
    seconds = time.perf_counter() - start
    a, b = _leaves(got), _leaves(ref)
    if len(a) != len(b):
        return "mismatch", f"{len(a)} gradients, NumPy back end {len(b)}"
    for x, y in zip(a, b):
        if np.shape(x) != np.shape(y) or not np.allclose(x, y, rtol=RTOL, atol=ATOL):
            return "mismatch", f"{x!r} != {y!r}"
    return "ok", seconds


def cause(err: BackendCompileError) -> str:
    """The group of a compile error: its construct with names, numbers and types
    of particular values taken out."""
    text = err.construct.split("; use backend=")[0]
    return re.sub(r"'[^']*'", "'...'", text) if "global name" in text else text


def main() -> int:
    import corpus
    cases = corpus.grad_cases()
    groups, bad, ok, slow = collections.defaultdict(list), [], 0, []
    for case in cases:
        status, what = check(case)
        if status == "ok":
            ok += 1
            slow.append((what, case.name))
        elif status in ("blocked", "failed"):
            groups[what if status == "blocked" else "raised " + what].append(case.name)
        else:
            bad.append((case.name, what))
    print(f"{ok} of {len(cases)} corpus gradients compile under numba.njit and match the "
          f"NumPy back end to {RTOL:g}")
    for what, names in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"  {len(names):3d} blocked: {what}\n        {', '.join(names)}")
    for name, what in bad:
        print(f"  MISMATCH {name}: {what}")
    slow.sort(reverse=True)
    print("slowest first calls (compile + run): " +
          ", ".join(f"{n} {s:.2f} s" for s, n in slow[:5]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
