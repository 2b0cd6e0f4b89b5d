"""Formatting the results: tables (Markdown), the issue's targets, and the README.

``results`` is the dict ``run.py`` builds: ``machine``, ``peers``, ``workloads``
(name -> measurements), ``transform`` (rows from ``startup.transformation``).
"""
from __future__ import annotations

import datetime
import os
import platform

import numpy as np

PEER_COLUMNS = (("autograd", "autograd"), ("torch", "torch eager"),
                ("jax", "JAX eager"), ("jax-jit", "JAX jit"))
TARGET_HAND = 1.2
TARGET_PEER = 20.0
TARGET_FIRST_S = 0.100
TARGET_WARM_S = 0.005
LINEAR_SLACK = 1.5  # per-statement time at the largest size vs the middle size


def machine() -> dict:
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"date": datetime.date.today().isoformat(), "nproc": os.cpu_count(),
            "cpu": model, "python": platform.python_version(), "numpy": np.__version__}


def ms(s) -> str:
    if s is None:
        return "–"
    return f"{s * 1e3:.3f} ms" if s < 0.01 else f"{s * 1e3:.1f} ms"


def x(r) -> str:
    return "–" if r is None else f"{r:.2f}×"


def _ok(results):
    return {k: r for k, r in results["workloads"].items() if "error" not in r}


def speed_table(results) -> str:
    peers = [(k, t) for k, t in PEER_COLUMNS if k in results["peers"]]
    instr = any("instructions" in r for r in _ok(results).values())
    head = ["workload", "primal", "hand-written", "tangentlike", "tl / primal",
            "tl / hand", "generated fn / hand"] + \
        (["tl / hand (instructions)"] if instr else []) + [f"{t} / tl" for _, t in peers]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, r in results["workloads"].items():
        if "error" in r:
            rows.append(f"| {name} | failed: {_short(r['error'])} |")
            continue
        cells = [name, ms(r["t"]["primal"]), ms(r["t"]["hand"]), ms(r["t"]["tangentlike"]),
                 x(r["ratio"]["tl/primal"]), x(r["ratio"]["tl/hand"]),
                 x(r["ratio"].get("direct/hand"))]
        if instr:
            cells.append(x((r.get("instructions") or {}).get("tl/hand")))
        cells += [x(r["ratio"].get(f"{k}/tl")) for k, _ in peers]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def startup_table(results) -> str:
    head = ["workload", "first gradient (cold process)", "of which before the call",
            "warm disk cache: before the first call", "warm status", "JAX jit compile"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, r in _ok(results).items():
        cold, warm = r.get("cold") or {}, r.get("warm") or {}
        first = ms(cold.get("total")) if not cold.get("error") else \
            f"failed: {_short(cold['error'])}"
        rows.append("| " + " | ".join([
            name, first, ms(cold.get("before_call")),
            ms(warm.get("before_call")), warm.get("status", "–"),
            ms(r.get("jax_compile"))]) + " |")
    return "\n".join(rows)


def _short(err: str) -> str:
    first = err.strip().splitlines()[0] if err.strip() else "?"
    return first.replace("|", "/")[:160]


def transform_table(results) -> str:
    rows = ["| statements | grad(f) + first call | per statement | by stage | note |",
            "|---|---|---|---|---|"]
    for r in results.get("transform", []):
        note = ""
        if r.get("default_error"):
            note = f"fails at the default recursion limit ({_short(r['default_error'])}); "\
                "timed with a 1 GiB stack and recursion limit 200000"
        if r.get("error"):
            note = f"failed: {_short(r['error'])}"
        per = f"{r['total'] / r['n'] * 1e6:.0f} µs" if r.get("total") else "–"
        stages = ", ".join(f"{k} {v * 1e3:.0f} ms" for k, v in
                           sorted((r.get("stages") or {}).items(), key=lambda kv: -kv[1])
                           if v >= 5e-4)
        rows.append(f"| {r['n']} | {ms(r.get('total'))} | {per} | {stages} | {note} |")
    return "\n".join(rows)


def _met(ok) -> str:
    return "**met**" if ok else "**not met**"


def _peer_targets(results) -> list:
    out = []
    for name, r in _ok(results).items():
        if not r.get("peer_targets"):
            continue
        for peer in ("autograd", "torch"):
            ratio = r["ratio"].get(f"{peer}/tl")
            if ratio is None:
                out.append(f"- {name} vs {peer}: not measured ({peer} not installed)")
            else:
                ceiling = r["ratio"].get(f"{peer}/hand")
                note = f"; the hand-written gradient is {ceiling:.1f}× faster" if ceiling else ""
                out.append(f"- {name}: {ratio:.1f}× faster than {peer} (target ≥ "
                           f"{TARGET_PEER:.0f}×{note}): {_met(ratio >= TARGET_PEER)}")
    return out


def _startup_targets(results) -> list:
    out = []
    for name, r in _ok(results).items():
        cold = (r.get("cold") or {}).get("total")
        if cold is not None:
            out.append(f"- {name}: first gradient {ms(cold)} (target ≤ 100 ms): "
                       f"{_met(cold <= TARGET_FIRST_S)}")
        warm = r.get("warm") or {}
        if warm.get("before_call") is None:
            out.append(f"- {name}: warm cache: {warm.get('status', 'not measured')}")
        else:
            ok = warm["before_call"] <= TARGET_WARM_S and warm["status"].startswith("disk hit")
            out.append(f"- {name}: warm cache, before the first call {ms(warm['before_call'])}"
                       f" ({warm['status']}; target ≤ 5 ms): {_met(ok)}")
    return out


def _linear_target(results) -> list:
    rows = [r for r in results.get("transform") or [] if r.get("total")]
    if len(rows) < 2:
        return ["- transformation time linear in size: not measured"]
    mid, last = rows[len(rows) // 2], rows[-1]
    growth = (last["total"] / last["n"]) / (mid["total"] / mid["n"])
    failed = [str(r["n"]) for r in results["transform"] if r.get("default_error")
              or r.get("error")]
    ok = growth <= LINEAR_SLACK and not failed
    line = (f"- transformation time linear in size: per-statement time at {last['n']} "
            f"statements is {growth:.2f}× that at {mid['n']} (linear if ≤ {LINEAR_SLACK}×)")
    if failed:
        line += (f"; but at {', '.join(failed)} statements the compiler fails at Python's "
                 "default recursion limit")
    return [line + f": {_met(ok)}"]


def targets(results) -> str:
    lines = [f"- {name}: failed ({_short(r['error'])}): **not met**"
             for name, r in results["workloads"].items() if "error" in r]
    for name, r in _ok(results).items():
        ratio = r["ratio"]["tl/hand"]
        instr = (r.get("instructions") or {}).get("tl/hand")
        also = f"; {instr:.2f}× its instructions" if instr else ""
        lines.append(f"- {name}: gradient {ratio:.2f}× hand-written in time{also} (target ≤ "
                     f"{TARGET_HAND}×): {_met(ratio <= TARGET_HAND)}")
    return "\n".join(lines + _peer_targets(results) + _startup_targets(results)
                     + _linear_target(results))


def header(results) -> str:
    m = results["machine"]
    peers = ", ".join(f"{k} {v}" for k, v in results["peers"].items()) or "none"
    mode = " (--quick: small sizes, one round; not the issue's sizes)" if results["quick"] \
        else ""
    return (f"Measured {m['date']} on {m['nproc']} cores ({m['cpu']}), Python {m['python']}, "
            f"NumPy {m['numpy']}; peers installed: {peers}{mode}; {results['threads']} "
            "thread(s) for BLAS, OpenMP, torch and XLA. Timings are medians over "
            f"{results['rounds']} interleaved rounds, each timing a loop of about "
            f"{results['target_ms']:.0f} ms per implementation; ratios are medians of "
            "per-round ratios.")


def text(results) -> str:
    return "\n\n".join([header(results), "### Steady-state gradient time", speed_table(results),
                        "### Start-up", startup_table(results),
                        "### Transformation time (straight-line scalar code)",
                        transform_table(results), "### Targets (issue 6)", targets(results)])


README_HEAD = """# Benchmarks

Generated by `python benchmarks/run.py --write`; do not edit by hand (the analysis of
where generated gradients lose time is in `ANALYSIS.md`, next to this file).

Run `python benchmarks/run.py` (all workloads, printed), `--quick` (a smoke run: small
sizes, one round), `--only NAME` (one of: {names}, transform), `--write` (rewrite this
file). Peers are optional: `pip install autograd` (and torch / jax if wanted) before
running to include them; each is imported inside try/except.

Workloads (`workloads.py`): {titles}. Every primal is the same source for all tools
(`peers.py` rebinds its `np`); every hand-written gradient follows the same algorithm
(same loops, same NumPy calls) and is checked against tangentlike's gradient and
central finite differences before anything is timed. Columns: `tl` = `tl.grad(f)(...)`
as users call it; `generated fn` = the generated function called directly (without the
`Derivative.__call__` argument handling); `tl / hand (instructions)` = the same ratio
in instructions per call counted by callgrind (`instructions.py`; deterministic, so it
does not move with the load of this shared 2-core machine, where the time ratios of
two runs can differ by 0.1-0.3); `peer / tl` = how many times faster tangentlike is
than the peer. "first gradient" is `tl.grad(f)` + the first call in a
new process with an empty `TANGENTLIKE_CACHE_DIR` (imports excluded); "warm" is the time
from `tl.grad(f)` until the generated code starts running, in a new process whose cache
directory already holds the entry.
"""


OTHER = (("checkpoint_memory.py", "Checkpointing (issue 7): memory versus time"),
         ("hvp_cost.py", "Hessian-vector product cost (issue 3)"))


def other_scripts() -> str:
    """Run the single-purpose benchmark scripts and quote what they print."""
    import pathlib
    import subprocess
    import sys
    here = pathlib.Path(__file__).resolve().parent
    parts = []
    for script, title in OTHER:
        out = subprocess.run([sys.executable, str(here / script)], capture_output=True,
                             text=True, check=True).stdout.strip()
        parts.append(f"\n### {title}\n\n`python benchmarks/{script}`:\n\n```\n{out}\n```\n")
    return "".join(parts)


ADBENCH_TITLE, ADBENCH_END = "### ADBench / GradBench problems (issue 20)", "<!-- adbench: end -->"


def kept_adbench(path) -> str:
    """The ADBench section of the README (``adbench/run.py --write`` writes it), kept."""
    try:
        with open(path, encoding="utf-8") as fh:
            old = fh.read()
    except OSError:
        return ""
    start, end = old.find(ADBENCH_TITLE), old.find(ADBENCH_END)
    return "" if start < 0 or end < start else "\n" + old[start:end + len(ADBENCH_END)] + "\n"


def write_readme(results, path):
    from workloads import WORKLOADS
    names = ", ".join(WORKLOADS)
    titles = "; ".join(f"`{w.name}`: {w.title}" for w in WORKLOADS.values())
    body = README_HEAD.format(names=names, titles=titles) + "\n## Results\n\n" + \
        text(results) + "\n" + other_scripts() + kept_adbench(path)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(body)
