"""Benchmarks for issue 6: generated gradients against hand-written NumPy and peers.

    python benchmarks/run.py [--quick] [--only NAME] [--write] [--no-peers]

Every workload is checked (tangentlike == hand-written == finite differences,
peers == hand-written) before it is timed. Steady-state times are interleaved
in one process (``timing``); start-up times come from fresh processes
(``startup``). ``--write`` rewrites ``benchmarks/README.md`` with the tables.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def _threads_from_argv(argv) -> str:
    """``--threads N`` (default 1), read before NumPy is imported: the thread pools of
    OpenBLAS, OpenMP (torch) and XLA are sized at import. One thread each keeps a shared
    2-core machine from oversubscription, and every tool gets the same."""
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--threads="):
            return a.split("=", 1)[1]
    return "1"


THREADS = _threads_from_argv(sys.argv)
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = THREADS
if THREADS == "1":
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                               " --xla_cpu_multi_thread_eigen=false").strip()

import instructions  # noqa: E402
import peers  # noqa: E402
import report  # noqa: E402
import startup  # noqa: E402
import timing  # noqa: E402
import verify  # noqa: E402
from workloads import WORKLOADS  # noqa: E402

# Generated code of this process goes to a private directory, not the user's cache.
os.environ.setdefault("TANGENTLIKE_CACHE_DIR", tempfile.mkdtemp(prefix="tl-bench-"))
import tangentlike as tl  # noqa: E402


def _direct(g, args):
    """The generated function itself (skipping ``Derivative.__call__``), if reachable."""
    try:
        fn = g.compiled(list(args)).fn
        fn(*args)
    except Exception:  # noqa: BLE001 - an internal entry point that may change
        return None
    return lambda: fn(*args)


def _peer_impls(w, args, hand, available, log):
    impls = {}
    for peer in available:
        try:
            grad_call, _ = peers.PREPARE[peer](w, args)
            verify.check_peer(w, peer, peers.to_numpy(grad_call()), hand)
        except AssertionError:
            raise
        except Exception as e:  # noqa: BLE001 - a peer that cannot run this program
            log(f"  {peer}: skipped ({type(e).__name__}: {e})")
            continue
        impls[peer] = grad_call
    return impls


def _jax_compile(w, args, available):
    if "jax-jit" not in available:
        return None
    _, _, first = peers.jax_jit_prepare(w, args)
    return timing.once(first)


def measure(w, opts, available, log) -> dict:
    args = w.make_args(opts.quick)
    g = tl.grad(w.primal, wrt=w.wrt)
    verify.check_workload(w, args, g)
    hand = w.hand(*args)
    impls = {"primal": lambda: w.primal(*args), "hand": lambda: w.hand(*args),
             "tangentlike": lambda: g(*args)}
    direct = _direct(g, args)
    if direct is not None:
        impls["direct"] = direct
    impls.update(_peer_impls(w, args, hand, available, log))
    t = timing.interleaved(impls, opts.rounds, opts.target_ms / 1e3)
    ratio = {"tl/primal": t.ratio("tangentlike", "primal"),
             "tl/hand": t.ratio("tangentlike", "hand")}
    if direct is not None:
        ratio["direct/hand"] = t.ratio("direct", "hand")
    for peer in available:
        if peer in impls:
            ratio[f"{peer}/tl"] = t.ratio(peer, "tangentlike")
            ratio[f"{peer}/hand"] = t.ratio(peer, "hand")
    out = {"t": {k: t.median(k) for k in impls}, "ratio": ratio,
           "spread": {k: t.spread(k) for k in impls}, "peer_targets": w.peer_targets,
           "jax_compile": _jax_compile(w, args, available)}
    if opts.instructions:
        n = instructions.count(w.name, {}, calls=5)
        out["instructions"] = {"tl/hand": n["tl.grad(f)(...)"] / n["hand"],
                               "tl/primal": n["tl.grad(f)(...)"] / n["primal"]}
    if not opts.no_startup:
        reps = 1 if opts.quick else 5
        out["cold"] = startup.first_gradient(w.name, opts.quick, reps)
        out["warm"] = startup.warm_start(w.name, opts.quick, reps)
    return out


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smoke run: small sizes, one round")
    p.add_argument("--only", choices=list(WORKLOADS) + ["transform"], help="one workload")
    p.add_argument("--write", action="store_true", help="rewrite benchmarks/README.md")
    p.add_argument("--no-peers", action="store_true", help="skip autograd, JAX and torch")
    p.add_argument("--no-startup", action="store_true", help="skip the fresh-process timings")
    p.add_argument("--no-instructions", action="store_true",
                   help="skip the callgrind instruction counts (default: on unless --quick)")
    p.add_argument("--threads", default="1", help="BLAS/OpenMP/torch threads (default 1)")
    p.add_argument("--rounds", type=int, help="interleaved rounds (default 15; --quick: 1)")
    opts = p.parse_args(argv)
    opts.rounds = opts.rounds or (1 if opts.quick else 15)
    opts.target_ms = 10.0 if opts.quick else 50.0
    opts.instructions = not (opts.quick or opts.no_instructions) and instructions.available()
    return opts


def main(argv=None):
    opts = parse(argv)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    available = {} if opts.no_peers else peers.available(threads=int(THREADS))
    if opts.quick:  # jit compiles dominate a smoke run
        available.pop("jax-jit", None)
    results = {"machine": report.machine(), "peers": available, "quick": opts.quick,
               "rounds": opts.rounds, "target_ms": opts.target_ms, "threads": THREADS,
               "workloads": {}}
    for name, w in WORKLOADS.items():
        if opts.only in (None, name):
            log(f"{name}: {w.title}")
            try:
                results["workloads"][name] = measure(w, opts, available, log)
            except AssertionError:
                raise  # a wrong gradient is never timed
            except Exception as e:  # noqa: BLE001 - report it, go on with the others
                log(f"  failed: {type(e).__name__}: {e}")
                results["workloads"][name] = {"error": f"{type(e).__name__}: {e}"}
    if opts.only in (None, "transform"):
        log("transformation time")
        sizes, reps = ((50, 200, 400), 1) if opts.quick else ((100, 1000, 5000), 3)
        results["transform"] = startup.transformation(sizes, reps)
    print(report.text(results))
    if opts.write:
        report.write_readme(results, os.path.join(HERE, "README.md"))
        log("wrote benchmarks/README.md")
    return results


if __name__ == "__main__":
    main()
