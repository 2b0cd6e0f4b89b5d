"""Run autograd's own test suite against tangentlike through the stand-in.

    python tools/autograd_suite/run.py /path/to/autograd-checkout [pytest args...]

The checkout is a clone of github.com/HIPS/autograd (or its ``tests`` folder). The
stand-in package (``standin/autograd``) is put first on sys.path of the pytest
subprocess only, never installed; the test files run unchanged. Prints passed and
failed counts per file and the failures grouped by cause (exception type and message
with numbers, names in quotes and addresses blanked). Files that test autograd's own
machinery or modules tangentlike has no rules for are left out unless --all is given.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# scipy.* and np.fft have no rules in tangentlike; test_vspaces, test_ufunc_dispatch,
# test_tests exercise autograd's vector spaces, boxes and test helpers themselves.
EXCLUDED = ("test_scipy.py", "test_fft.py", "test_vspaces.py", "test_ufunc_dispatch.py",
            "test_tests.py")


def tests_dir(path):
    sub = os.path.join(path, "tests")
    return sub if os.path.isdir(sub) else path


def run_pytest(tests, extra, include_all, report):
    files = sorted(f for f in os.listdir(tests) if f.startswith("test_") and f.endswith(".py")
                   and (include_all or f not in EXCLUDED))
    env = dict(os.environ, AG_STANDIN_REPORT=report,
               PYTHONPATH=os.pathsep.join([os.path.join(HERE, "standin"), HERE, ROOT]))
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
           "standin_report", "--rootdir", tests, *[os.path.join(tests, f) for f in files],
           *extra]
    with tempfile.TemporaryDirectory() as cwd:  # not the checkout: its autograd/ would win
        subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL)


def cause(message):
    lines = (message or "").strip().splitlines() or ["(no message)"]
    located = [ln for ln in lines if "not supported:" in ln or "Error:" in ln]
    first = located[0] if located else lines[0]
    first = re.sub(r"^.*?, line \d+: ", "", first)
    first = re.sub(r"0x[0-9a-f]+", "0x…", first)
    first = re.sub(r"'[^']*'", "'…'", first)
    first = re.sub(r"line \d+", "line N", first)
    first = re.sub(r"[-+]?\d+(\.\d+)?(e[-+]?\d+)?", "N", first)
    first = re.sub(r"/\S+\.py", "FILE", first)
    return first[:160]


def summarise(records):
    per_file = collections.defaultdict(collections.Counter)
    groups = collections.defaultdict(list)
    for r in records:
        per_file[r["id"].split("::")[0].rsplit("/", 1)[-1]][r["outcome"]] += 1
        if r["outcome"] == "failed":
            groups[cause(r.get("message"))].append(r["id"].split("/")[-1])
    total = collections.Counter()
    print(f"{'file':28} passed failed skipped")
    for name in sorted(per_file):
        c = per_file[name]
        total.update(c)
        print(f"{name:28} {c['passed']:6} {c['failed']:6} {c['skipped']:7}")
    n = sum(total.values())
    print(f"{'TOTAL':28} {total['passed']:6} {total['failed']:6} {total['skipped']:7}"
          f"   ({total['passed']}/{n} passed)")
    print("\nfailures by cause:")
    for msg, ids in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print(f"{len(ids):4}  {msg}")
        for i in ids[:4]:
            print(f"        {i}")
        if len(ids) > 4:
            print(f"        ... and {len(ids) - 4} more")
    return total


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("checkout", help="autograd checkout (or its tests/ folder)")
    p.add_argument("--all", action="store_true", help="also run the excluded files")
    p.add_argument("--json", help="also write the per-test records here")
    args, extra = p.parse_known_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.jsonl")
        run_pytest(tests_dir(os.path.abspath(args.checkout)), extra, args.all, report)
        with open(report) as f:
            records = [json.loads(line) for line in f]
    if args.json:
        with open(args.json, "w") as f:
            json.dump(records, f, indent=1)
    summarise(records)


if __name__ == "__main__":
    main()
