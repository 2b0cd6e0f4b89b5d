"""Instruction counts (callgrind) behind the issue-17 targets: the same ratios as
``emitted.py`` and ``spellings.py``, but a count the load of a shared machine cannot
move (a proxy for time in interpreter-bound code; for the array-bound logistic
regression memory traffic matters more).

    python benchmarks/emitted_instructions.py [--quick] [--only NAME]

Per workload: ``tl.grad(f)(...)`` / hand-written, the emitted specialised module /
tl.grad's generated function, and the general module / the specialised one.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one BLAS thread: no spinning threads in the count
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.environ.setdefault("TANGENTLIKE_CACHE_DIR", tempfile.mkdtemp(prefix="tl-bench-"))

import instructions  # noqa: E402
import tangentlike as tl  # noqa: E402
from workloads import WORKLOADS  # noqa: E402


def sources(w, quick):
    args = w.make_args(quick)
    g = tl.grad(w.primal, wrt=w.wrt[0] if len(w.wrt) == 1 else w.wrt)
    return {"spec": tl.emit(g, example=args), "general": tl.emit(g, general=True)}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default=None)
    a = ap.parse_args(argv)
    if not instructions.available():
        print("callgrind not available")
        return 0
    print("| workload | tl.grad / hand (<= 1.2) | emitted / tl's code (<= 1.1) "
          "| general / specialised (<= 2 on ode, gmm) |")
    print("|---|---:|---:|---:|")
    for name, w in WORKLOADS.items():
        if a.only and name != a.only:
            continue
        c = instructions.count(name, sources(w, a.quick), calls=3, quick=a.quick)
        print(f"| {name} | {c['tl.grad(f)(...)'] / c['hand']:.2f} | "
              f"{c['spec'] / c['generated']:.2f} | {c['general'] / c['spec']:.2f} |",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
