"""Emitted modules against tl.grad's own code (issue 17), interleaved in one process.

    python benchmarks/emitted.py [--quick] [--rounds N] [--only NAME]

For every workload of ``workloads.py``: ``tl`` is the function tl.grad compiled for the
arguments (called directly, without ``Derivative.__call__``); ``spec`` the module
``tl.emit(g, path, example=args)`` writes (the CLI's ``--like``), with its argument
check and error-note wrapper; ``general`` the module ``tl.emit(g, path, general=True)``
writes (``--general``). Each is checked to give tl.grad's gradient before it is timed.
Targets: spec / tl <= 1.1 everywhere; general / spec <= 2 on the scalar loops (ode, gmm).
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one thread: a shared machine, as run.py does
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.environ.setdefault("TANGENTLIKE_CACHE_DIR", tempfile.mkdtemp(prefix="tl-bench-"))

import numpy as np  # noqa: E402

import timing  # noqa: E402
import tangentlike as tl  # noqa: E402
from workloads import WORKLOADS  # noqa: E402

SCALAR_LOOPS = ("ode", "gmm")


def _load(path):
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _same(a, b):
    a = a if isinstance(a, tuple) else (a,)
    b = b if isinstance(b, tuple) else (b,)
    return len(a) == len(b) and all(np.allclose(x, y, rtol=1e-10, atol=1e-12)
                                    for x, y in zip(a, b))


def implementations(w, quick, directory):
    args = w.make_args(quick)
    wrt = w.wrt[0] if len(w.wrt) == 1 else w.wrt
    g = tl.grad(w.primal, wrt=wrt)
    expect = g(*args)
    direct = g.compiled(list(args)).fn
    mods = {}
    for kind, kw in (("spec", {"example": args}), ("general", {"general": True})):
        path = os.path.join(directory, f"grad_{w.name}_{kind}.py")
        tl.emit(g, path, **kw)
        mods[kind] = getattr(_load(path), f"grad_{w.primal.__name__}")
    impls = {"tl": lambda: direct(*args), "spec": lambda: mods["spec"](*args),
             "general": lambda: mods["general"](*args)}
    for name, fn in impls.items():
        if not _same(fn(), expect):
            raise SystemExit(f"{w.name}: {name} does not give tl.grad's gradient")
    return impls


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes, short rounds")
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--only", default=None)
    a = ap.parse_args(argv)
    rounds = a.rounds or (5 if a.quick else 15)
    target = 0.02 if a.quick else 0.1
    rows = []
    with tempfile.TemporaryDirectory(prefix="tl-emitted-") as directory:
        for name, w in WORKLOADS.items():
            if a.only and name != a.only:
                continue
            t = timing.interleaved(implementations(w, a.quick, directory), rounds, target)
            rows.append((name, t.median("tl"), t.ratio("spec", "tl"),
                         t.ratio("general", "spec"), t.spread("spec")))
    print("| workload | tl.grad's code | emitted (specialised) / tl | general / specialised "
          "| spread |")
    print("|---|---:|---:|---:|---:|")
    ok = True
    for name, t_tl, spec, general, spread in rows:
        fine = spec <= 1.1 and (name not in SCALAR_LOOPS or general <= 2.0)
        ok &= fine
        print(f"| {name} | {t_tl * 1e6:.1f} µs | {spec:.2f} | {general:.2f} | "
              f"{spread:.0%} |{'' if fine else ' MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
