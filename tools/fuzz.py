"""Long differential-fuzzing run of the compiler (GitHub issue 8).

    python tools/fuzz.py --programs 5000 [--seed N] [--out DIR] [--minimize] [--known-bugs]

Generates random programs inside the accepted subset (tests/fuzz/programs.py),
differentiates each with tangentlike in reverse mode (and forward mode once its
rules exist, then compares the two), and compares with central finite differences
(tests/fuzz/harness.py). Prints how many programs were generated, checked (not
rejected as unfit for finite differences) and failed, grouped by kind, and saves
each failing program's source, with its inputs and the failure as a comment
header, to ``--out`` (default ``fuzz-failures/``) for triage. With ``--minimize``
the first failing program of each kind is also shrunk by deleting statements
(tests/fuzz/minimize.py) and saved as ``minimal_<kind>.py``.
Programs leave out the features of known, unfixed compiler bugs
(``harness.KNOWN_BUGS``, each with a strict-xfail regression) unless
``--known-bugs`` is given. Exit status: 0 when nothing failed, 1 otherwise.

Turn a failure into a regression: copy the (minimized) function into a module of
tests/fuzz/regressions/ with a ``Case`` (see tests/fuzz/regressions/__init__.py).
"""
from __future__ import annotations

import argparse
import collections
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# tests/ first: its package ``fuzz`` must win over this script, tools/fuzz.py.
sys.path[:] = [str(ROOT / "tests"), str(ROOT)] + [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
os.environ.setdefault("TANGENTLIKE_CACHE_DIR", tempfile.mkdtemp(prefix="tangentlike-fuzz-cache-"))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from fuzz import harness  # noqa: E402
from fuzz.minimize import minimize  # noqa: E402
from fuzz.programs import inputs, programs  # noqa: E402


class Run:
    def __init__(self, out: Path, do_minimize: bool, forward: bool):
        self.out, self.do_minimize, self.forward = out, do_minimize, forward
        self.counts = collections.Counter()
        self.kinds = collections.Counter()
        self.rejections = collections.Counter()
        self.sources = set()
        self.saved = []

    def one(self, program, point):
        x, v = point
        self.counts["generated"] += 1
        self.sources.add(program.source)
        try:
            outcome = harness.check(program, x, v, forward=self.forward)
        except Exception as e:  # noqa: BLE001 - the generated program itself failed
            outcome = harness.Outcome("failed", f"generator: the program raised "
                                      f"{type(e).__name__}", str(e))
        if outcome.status == "rejected":
            self.counts["rejected"] += 1
            self.rejections[outcome.kind] += 1
            return
        self.counts["checked"] += 1
        if outcome.status == "failed":
            self.counts["failed"] += 1
            self.kinds[outcome.kind] += 1
            self.save(program, x, v, outcome)

    def save(self, program, x, v, outcome):
        slug = re.sub(r"[^a-z0-9]+", "_", outcome.kind.lower()).strip("_")[:50]
        self.write(f"fail_{len(self.saved):04d}_{slug}.py", program, x, v, outcome)
        if self.do_minimize and self.kinds[outcome.kind] == 1 and \
                not outcome.kind.startswith("generator"):
            small = minimize(program, x, v, outcome.kind, forward=self.forward)
            self.write(f"minimal_{slug}.py", small, x, v,
                       harness.check(small, x, v, forward=self.forward))

    def write(self, name, program, x, v, outcome):
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / name
        msg = "\n".join("#   " + ln for ln in outcome.message.splitlines()[:40])
        header = (f"# tangentlike fuzz failure: {outcome.kind}\n"
                  f"# inputs: x = {x!r}, v = np.array({list(v)!r})\n{msg}\n")
        path.write_text(header + program.source, encoding="utf-8")
        self.saved.append(path)

    def report(self, elapsed):
        c = self.counts
        print(f"generated {c['generated']} programs ({len(self.sources)} distinct), "
              f"checked {c['checked']}, rejected {c['rejected']}, failed {c['failed']} "
              f"in {elapsed:.0f} s; modes: reverse{' + forward' if self.forward else ''}")
        for kind, n in self.rejections.most_common():
            print(f"  rejected {n:5d}  {kind}")
        for kind, n in self.kinds.most_common():
            print(f"  FAILED   {n:5d}  {kind}")
        if self.saved:
            print(f"failing programs saved under {self.out}/")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--programs", type=int, default=1000, help="programs to generate")
    ap.add_argument("--seed", type=int, default=None, help="random seed (reproducible run)")
    ap.add_argument("--out", type=Path, default=Path("fuzz-failures"),
                    help="directory for failing programs")
    ap.add_argument("--depth", type=int, default=2, help="nesting depth of statements")
    ap.add_argument("--minimize", action="store_true",
                    help="also save a shrunk copy of the first failing program of each kind")
    ap.add_argument("--avoid", action="append", default=[], metavar="FEATURE",
                    help="leave a feature out of the programs (repeatable): def_in_loop, "
                         "array_write, jump_in_list_loop, iterate_mutated, alias_write (see "
                         "tests/fuzz/programs.py)")
    ap.add_argument("--known-bugs", action="store_true",
                    help="keep the features of known, unfixed bugs (harness.KNOWN_BUGS), "
                         "which are left out by default so that new failures stand out")
    ap.add_argument("--forward", choices=["auto", "yes", "no"], default="auto",
                    help="also check forward mode (auto: when its rules exist)")
    args = ap.parse_args(argv)
    forward = {"auto": harness.forward_available(), "yes": True, "no": False}[args.forward]
    run = Run(args.out, args.minimize, forward)
    avoid = frozenset(args.avoid) | (frozenset() if args.known_bugs else
                                     frozenset(harness.KNOWN_BUGS))
    for feature in sorted(avoid & set(harness.KNOWN_BUGS)):
        print(f"left out (known bug): {feature}: {harness.KNOWN_BUGS[feature]}")

    @settings(max_examples=args.programs, deadline=None, database=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(program=programs(avoid=avoid, max_depth=args.depth), point=inputs())
    def fuzz(program, point):
        run.one(program, point)

    if args.seed is not None:
        fuzz = seed(args.seed)(fuzz)
    start = time.time()
    try:
        fuzz()
    except KeyboardInterrupt:
        print("interrupted")
    run.report(time.time() - start)
    return 1 if run.counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
