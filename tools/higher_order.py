"""Second derivatives over the whole corpus and a fuzz sample (issue 16).

    python tools/higher_order.py [--fuzz 200] [--seed 0] [--only NAME] [-v]

Every first derivative tangentlike emits for the corpus (tests/corpus, each
scalar case with respect to its first ``wrt`` argument) and for ``--fuzz`` random
programs of tests/fuzz/programs.py (with respect to ``x`` and to ``v``) is
differentiated again forward over reverse, reverse over reverse, forward over
forward and reverse over forward, and each H·v is compared with central
differences of the gradient (tests/higher/second_order.py says how and with what
tolerance). Prints the counts per way and each failure; exit status 0 when
nothing failed. The test suite runs a small sample (tests/test_higher_property.py).
"""
from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT / "tests"), str(ROOT)] + [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
os.environ.setdefault("TANGENTLIKE_CACHE_DIR", tempfile.mkdtemp(prefix="tangentlike-ho-cache-"))

import corpus  # noqa: E402
from fuzz.harness import workspace  # noqa: E402
from higher import second_order as so  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fuzz", type=int, default=200, help="fuzz programs (default 200)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", default=None, help="run the targets whose name contains this")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    targets = list(so.corpus_targets(corpus.grad_cases()))
    n_corpus = len(targets)
    if a.fuzz:
        targets += list(so.fuzz_targets(so.fuzz_programs(a.fuzz, a.seed), workspace()))
    counts, failures = collections.Counter(), []
    for name, fn, args, i, v in targets:
        if a.only and a.only not in name:
            continue
        for way, o in so.check(fn, args, i, v).items():
            counts[(way, o.status)] += 1
            if o.status == "failed":
                failures.append((name, way, o.message))
            if a.verbose:
                print(f"{name:40s} {way:14s} {o.status} {o.message[:200]}")
    print(f"targets: {n_corpus} corpus, {len(targets) - n_corpus} fuzz "
          f"({a.fuzz} programs); {time.perf_counter() - t0:.0f} s")
    print(f"rejected (finite differences unreliable or no first derivative): "
          f"{counts[('all', 'rejected')]}")
    for way in so.WAYS:
        print(f"{way:14s} ok {counts[(way, 'ok')]:4d}  failed {counts[(way, 'failed')]:3d}")
    for name, way, msg in failures:
        print(f"FAIL {name} {way}: {msg.splitlines()[0] if msg else ''}")
        if a.verbose:
            print(msg)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
