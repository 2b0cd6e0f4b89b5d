"""Start-up costs, each measured in fresh processes: first gradient, warm disk cache,
and transformation time against program size.

Run as a script, this module is the child (``--child cold|warm|transform ...``):
it imports NumPy, tangentlike and the workload *before* its clock starts, and
prints one JSON line. The parent functions (``first_gradient``, ``warm_start``,
``transformation``) start children with a fresh ``TANGENTLIKE_CACHE_DIR`` each
(an empty one, or one a previous child filled) and take medians.

* cold: ``tl.grad(f)`` + the first call (transform, emit, write, load, run);
* warm: the time from ``tl.grad(f)`` until the generated function starts
  running, in a process whose cache directory already holds the entry;
* transform: a generated straight-line scalar function of N statements,
  imported from a fresh file; ``tl.grad(f)`` + first call.
"""
from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


# --- child -----------------------------------------------------------------------------

def _prepare_then_call(g, args):
    """(seconds before the generated code runs, seconds of the first call)."""
    t0 = time.perf_counter()
    compiled = getattr(g, "compiled", None)
    if compiled is not None:  # resolve + cache lookup / compile, without running it
        compiled(list(args))
    t1 = time.perf_counter()
    g(*args)
    t2 = time.perf_counter()
    if compiled is None:  # no separate entry point: subtract a steady-state call
        g(*args)
        t3 = time.perf_counter()
        return t2 - t0 - (t3 - t2), t3 - t2
    return t1 - t0, t2 - t1


def child_workload(name, quick):
    t_import = time.perf_counter()
    import tangentlike as tl
    from tangentlike import pipeline
    t_imported = time.perf_counter()
    import workloads
    w = workloads.WORKLOADS[name]
    args = w.make_args(quick)
    t0 = time.perf_counter()
    g = tl.grad(w.primal, wrt=w.wrt)
    before, call = _prepare_then_call(g, args)
    total = time.perf_counter() - t0
    stats = getattr(pipeline, "STATS", {})
    return {"total": total, "before_call": before, "first_call": call,
            "import_tangentlike": t_imported - t_import,
            "disk_hits": stats.get("disk_hits"), "compiled": stats.get("compiled")}


OPS = ("0.5 * (np.sin({a}) + {b})", "{a} * {b}", "np.tanh({a} - {b})", "np.cos({a}) * {b}")


def straight_line_source(n: int, name: str = "f") -> str:
    """A scalar function of ``x, y`` with ``n`` assignments (values stay in [-1, 1])."""
    lines = ["import numpy as np", "", "", f"def {name}(x, y):", "    v0 = x * y"]
    for i in range(1, n):
        j = (i * 7919 + 13) % max(1, i - 1)  # an earlier value, pseudo-randomly
        b = "x" if i % 11 == 0 else "y" if i % 13 == 0 else f"v{j}"
        lines.append(f"    v{i} = " + OPS[i % len(OPS)].format(a=f"v{i - 1}", b=b))
    lines.append(f"    return v{n - 1}")
    return "\n".join(lines) + "\n"


def _in_deep_thread(fn):
    """``fn()`` in a thread with a 1 GiB stack and a raised recursion limit (for a
    compiler that recurses once per statement); its exception is re-raised here."""
    import threading
    sys.setrecursionlimit(200000)
    threading.stack_size(1 << 30)
    box = {}

    def target():
        try:
            box["result"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed to the main thread
            box["error"] = e

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box["result"]


def child_transform(n, directory, deep=False):
    if deep:
        return _in_deep_thread(lambda: child_transform(n, directory))
    import importlib.util
    import tangentlike as tl
    path = os.path.join(directory, f"straight_{n}.py")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(straight_line_source(n))
    spec = importlib.util.spec_from_file_location(f"straight_{n}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    stages = _time_stages()
    t0 = time.perf_counter()
    g = tl.grad(mod.f, wrt=(0, 1))
    before, call = _prepare_then_call(g, (0.3, 0.7))
    return {"total": time.perf_counter() - t0, "before_call": before, "first_call": call,
            "stages": stages}


def _time_stages() -> dict:
    """Seconds spent in each named stage of ``tangentlike.pipeline`` (inclusive), by
    wrapping its ``stage`` helper; empty if the pipeline has none."""
    from tangentlike import pipeline
    inner = getattr(pipeline, "stage", None)
    spent: dict = {}
    if inner is None:
        return spent

    def timed(name, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return inner(name, *args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - t0

    pipeline.stage = timed
    return spent


# --- parent ----------------------------------------------------------------------------

def _child(args, cache_dir) -> dict:
    """The child's JSON result, or ``{"error": its last error line}``."""
    env = dict(os.environ, TANGENTLIKE_CACHE_DIR=cache_dir, PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run([sys.executable, os.path.join(HERE, "startup.py"), "--child", *args],
                          capture_output=True, text=True, env=env, timeout=600)
    if proc.returncode != 0:
        return {"error": _last_exception(proc.stderr) or f"exit code {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _last_exception(stderr: str) -> str:
    """The ``module.Error: message`` line of a traceback (not a caret line after it)."""
    pattern = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception)\b")
    found = [ln for ln in stderr.splitlines() if pattern.match(ln)]
    return found[-1][:300] if found else ""


def _median(runs, key):
    vals = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def _errors(runs):
    return next((r["error"] for r in runs if "error" in r), None)


def first_gradient(name, quick, repeats) -> dict:
    """Median seconds to the first gradient in fresh processes with empty cache dirs."""
    runs = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="tl-bench-cold-") as d:
            runs.append(_child(["cold", name, str(int(quick))], d))
    out = {k: _median(runs, k) for k in ("total", "before_call", "first_call",
                                         "import_tangentlike")}
    return dict(out, error=_errors(runs))


def warm_start(name, quick, repeats) -> dict:
    """Median seconds before the first call in new processes whose disk cache is warm;
    ``status`` says whether the entry was actually served from disk."""
    with tempfile.TemporaryDirectory(prefix="tl-bench-warm-") as d:
        first = _child(["cold", name, str(int(quick))], d)
        if "error" in first:
            return {"status": "failed: " + first["error"]}
        if first.get("disk_hits") is None:
            return {"status": "n/a: no disk cache yet"}
        runs = [_child(["warm", name, str(int(quick))], d) for _ in range(repeats)]
    if _errors(runs):
        return {"status": "failed: " + _errors(runs)}
    hit = [r for r in runs if r.get("disk_hits")]
    if not hit:
        return {"status": "not served from disk", "before_call": None}
    status = "disk hit" if len(hit) == len(runs) else \
        f"disk hit in {len(hit)} of {len(runs)} runs (median of those)"
    return {"status": status, "before_call": _median(hit, "before_call"),
            "import_tangentlike": _median(hit, "import_tangentlike")}


def _transform_child(n, src, cache) -> dict:
    """One measurement; when it fails at the default recursion limit, again with a deep
    stack (``default_error`` keeps the first failure: the report marks it)."""
    first = _child(["transform", str(n), src], cache)
    if "error" not in first:
        return first
    with tempfile.TemporaryDirectory(prefix="tl-bench-cache-") as fresh:
        again = _child(["transform", str(n), src, "deep"], fresh)
    return dict(again, default_error=first["error"])


def transformation(sizes, repeats) -> list:
    """One dict per size ``n``: median ``total`` and ``before_call`` seconds of a
    straight-line function of ``n`` statements, each measured in a new process with a
    new cache dir; ``default_error`` when it failed at the default recursion limit and
    was timed with a deep stack, ``error`` when it failed even so."""
    out = []
    for n in sizes:
        runs = []
        for _ in range(repeats if n <= 1000 else 1):  # large sizes take tens of seconds
            with tempfile.TemporaryDirectory(prefix="tl-bench-src-") as src, \
                    tempfile.TemporaryDirectory(prefix="tl-bench-cache-") as cache:
                runs.append(_transform_child(n, src, cache))
        default_error = next((r["default_error"] for r in runs if "default_error" in r), None)
        stages = [r["stages"] for r in runs if r.get("stages")]
        names = sorted({k for st in stages for k in st})
        out.append({"n": n, "total": _median(runs, "total"),
                    "stages": {k: statistics.median(st.get(k, 0.0) for st in stages)
                               for k in names},
                    "before_call": _median(runs, "before_call"),
                    "default_error": default_error, "error": _errors(runs)})
    return out


def main(argv):
    kind = argv[1]
    if kind in ("cold", "warm"):
        sys.path.insert(0, HERE)
        result = child_workload(argv[2], argv[3] == "1")
    else:
        result = child_transform(int(argv[2]), argv[3], deep=argv[4:] == ["deep"])
    print(json.dumps(result))


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--child":
    main(sys.argv[1:])
