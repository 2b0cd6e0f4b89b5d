"""Pass rate of the user-style programs per mode (run from the repository root):

    PYTHONPATH=$PWD:tests python -m tests.users.measure [-v]

Each program is checked in each mode of tests/users/check.py; a result is ``ok``,
``wrong`` (a value differs from finite differences) or ``rejected`` (an error: a
construct outside the subset, a missing rule, a crash), with its first line."""
import collections
import sys
import traceback

from . import check, programs


def run(verbose=False):
    counts = {m: collections.Counter() for m in check.MODES}
    failures = []
    for fn, args, wrt, second in programs.ALL:
        for mode in check.MODES:
            if mode in ("hvp", "grad-of-grad") and not second:
                continue
            name = f"{fn.__module__.split('.')[-1]}.{fn.__name__}[wrt={wrt}]"
            try:
                check.check(fn, args, wrt, mode)
                counts[mode]["ok"] += 1
            except AssertionError as e:
                counts[mode]["wrong"] += 1
                failures.append((name, mode, "WRONG", str(e).strip().splitlines()[0:3]))
            except Exception as e:  # noqa: BLE001 - every error is a rejected program
                counts[mode]["rejected"] += 1
                msg = traceback.format_exception_only(e)[-1].strip()
                failures.append((name, mode, "rejected", [msg[:300]]))
    print(f"{len(programs.ALL)} programs")
    for mode, c in counts.items():
        n = sum(c.values())
        print(f"{mode:13} ok {c['ok']:3}/{n:3} ({100.0 * c['ok'] / max(n, 1):5.1f}%)  "
              f"wrong {c['wrong']}  rejected {c['rejected']}")
    for name, mode, kind, msg in failures:
        print(f"  {kind:8} {mode:13} {name}: {' | '.join(msg) if verbose else msg[0]}")
    return counts


if __name__ == "__main__":
    run("-v" in sys.argv)
