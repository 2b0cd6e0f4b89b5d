"""ADBench / GradBench problems (issue 20): GMM, BA, LSTM, HT.

    python benchmarks/adbench/run.py [--quick] [--only gmm,gmm-loops,lstm,ba,ht]
                                     [--rounds N] [--write]

Every implementation of a problem runs interleaved in one process, one thread each
(BLAS, OpenMP, torch intra-op, XLA), after its result was checked against
tangentlike's (and the hand-written gradient against tangentlike's to 1e-10
relative). Times are medians over rounds; ratios are medians of per-round ratios
(``benchmarks/timing.py``). Metric: gradient (Jacobian) time / objective time, and
peer / tangentlike. Peak memory: ``tracemalloc``'s peak during one call (NumPy
reports its array buffers to it; torch and XLA allocate outside it, so their peaks are
not shown). ``--write`` puts the tables into ``benchmarks/README.md`` between the
``adbench`` markers and the raw figures into ``results.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                           " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").strip()
os.environ.setdefault("TANGENTLIKE_CACHE_DIR", tempfile.mkdtemp(prefix="tl-adbench-"))

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402

import problems  # noqa: E402
import timing  # noqa: E402

PEERS = ("autograd", "torch", "jax", "jax-jit")


def available():
    from importlib import metadata
    out = {}
    for peer, mod in (("autograd", "autograd"), ("torch", "torch"), ("jax", "jax")):
        try:
            m = __import__(mod)
        except Exception:  # noqa: BLE001 - an optional peer
            continue
        if mod == "jax":
            m.config.update("jax_enable_x64", True)
            out["jax-jit"] = m.__version__
        if mod == "torch":
            m.set_num_threads(1)
        try:
            out[peer] = metadata.version(mod)
        except metadata.PackageNotFoundError:
            out[peer] = getattr(m, "__version__", "?")
    return out


def peak_mib(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2 ** 20
    finally:
        tracemalloc.stop()


def first_calls(case):
    """Seconds of the first call (tracing and compiling) of the jitted implementations."""
    first = {}
    for name in case.impls:
        if name in case.compile_first:
            t0 = time.perf_counter()
            case.impls[name]()
            first[name] = time.perf_counter() - t0
    return first


def measure(case, first, rounds, target_s, log):
    """Time ``case.impls`` interleaved; one row of figures."""
    impls = case.impls
    t = timing.interleaved(impls, rounds, target_s)
    row = {"case": case.title, "problem": case.problem, "times": {}, "ratios": {}, "peak_mib": {},
           "compile_s": first, "note": case.note}
    for name in impls:
        row["times"][name] = t.median(name)
        if name != "objective":
            row["ratios"][name + "/objective"] = t.ratio(name, "objective")
        if name not in ("objective", "tangentlike"):
            row["ratios"][name + "/tangentlike"] = t.ratio(name, "tangentlike")
        if name in case.traced:
            row["peak_mib"][name] = peak_mib(impls[name])
    log(f"  {case.title}: " + ", ".join(f"{k} {v * 1e3:.3g} ms" for k, v in row["times"].items()))
    return row


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only", default="gmm,gmm-loops,lstm,ba,ht")
    p.add_argument("--rounds", type=int, default=0)
    p.add_argument("--write", action="store_true")
    opts = p.parse_args(argv)
    peers = available()
    rounds = opts.rounds or (1 if opts.quick else 5)
    target = 0.02 if opts.quick else 0.1
    rows = []

    def log(msg):
        print(msg, file=sys.stderr, flush=True)
    for problem in opts.only.split(","):
        log(problem)
        for case in problems.cases(problem, peers, opts.quick):
            first = first_calls(case)
            case.check()
            r = min(rounds, case.rounds) if case.rounds and not opts.rounds else rounds
            rows.append(measure(case, first, r, target, log))
    import report_adbench
    text = report_adbench.tables(rows, peers, rounds, problems.ROUNDS)
    print(text)
    if opts.write:
        with open(os.path.join(HERE, "results.json"), "w") as fh:
            json.dump({"peers": peers, "rows": rows}, fh, indent=1)
        report_adbench.write_readme(text, os.path.join(os.path.dirname(HERE), "README.md"))


if __name__ == "__main__":
    main()
