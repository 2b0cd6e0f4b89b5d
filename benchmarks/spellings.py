"""tl.grad against the hand-written gradients, in every spelling (issue 17).

    python benchmarks/spellings.py [--quick] [--rounds N] [--only NAME]

For every workload of ``workloads.py`` (the ``@`` ones also as ``np.dot`` /
``np.matmul`` / ``axis=`` spellings: ``*_dot``): ``hand`` is the hand-written NumPy
gradient, ``tl`` is ``tl.grad(f)(...)`` as users call it, ``emitted`` the module
``tl.emit(g, path, example=args)`` writes (the CLI with ``--like``). Every gradient
is checked against the hand-written one first. Interleaved in one process; ratios
are medians of per-round ratios. Targets: tl / hand <= 1.2, emitted / tl <= 1.1.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.environ.setdefault("TANGENTLIKE_CACHE_DIR", tempfile.mkdtemp(prefix="tl-bench-"))

import numpy as np  # noqa: E402

import timing  # noqa: E402
import tangentlike as tl  # noqa: E402
from emitted import _load  # noqa: E402
from workloads import WORKLOADS  # noqa: E402


def _tuple(x):
    return x if isinstance(x, tuple) else (x,)


def implementations(w, quick, directory):
    args = w.make_args(quick)
    wrt = w.wrt[0] if len(w.wrt) == 1 else w.wrt
    g = tl.grad(w.primal, wrt=wrt)
    path = os.path.join(directory, f"grad_{w.name}.py")
    tl.emit(g, path, example=args)
    emitted = getattr(_load(path), f"grad_{w.primal.__name__}")
    impls = {"hand": lambda: w.hand(*args), "tl": lambda: g(*args),
             "emitted": lambda: emitted(*args)}
    if w.same_algorithm is not None:
        impls["same"] = lambda: w.same_algorithm(*args)
    want = _tuple(w.hand(*args))
    for name in [n for n in impls if n != "hand"]:
        got = _tuple(impls[name]())
        if not all(np.allclose(a, b, rtol=1e-8, atol=1e-10) for a, b in zip(got, want)):
            raise SystemExit(f"{w.name}: {name} does not give the hand-written gradient")
    return impls


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--only", default=None)
    a = ap.parse_args(argv)
    rounds = a.rounds or (5 if a.quick else 15)
    target = 0.02 if a.quick else 0.1
    print("| workload | hand-written | tl / hand (<= 1.2) | emitted / tl (<= 1.1) | "
          "tl / hand of the same algorithm | spread |")
    print("|---|---:|---:|---:|---:|---:|")
    ok = True
    with tempfile.TemporaryDirectory(prefix="tl-spellings-") as directory:
        for name, w in WORKLOADS.items():
            if a.only and name != a.only:
                continue
            t = timing.interleaved(implementations(w, a.quick, directory), rounds, target)
            th, te = t.ratio("tl", "hand"), t.ratio("emitted", "tl")
            fine = th <= 1.2 and te <= 1.1
            ok &= fine
            same = f"{t.ratio('tl', 'same'):.2f}" if "same" in t.per_round else "="
            print(f"| {name} | {t.median('hand') * 1e6:.1f} µs | {th:.2f} | {te:.2f} | {same} | "
                  f"{max(t.spread('tl'), t.spread('hand')):.0%} |{'' if fine else ' MISSED'}",
                  flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
