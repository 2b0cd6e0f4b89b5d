"""Tables of ``run.py``'s figures, the issue's targets, and the README section."""
from __future__ import annotations

import datetime
import platform
import re

import numpy as np

BEGIN, END = "<!-- adbench: begin -->", "<!-- adbench: end -->"
PEER_COLS = (("autograd", "autograd ÷ tl"), ("torch", "torch eager ÷ tl"),
             ("jax", "JAX eager ÷ tl"), ("jax-jit", "JAX jit ÷ tl"))


def _ms(s):
    return "–" if s is None else f"{s * 1e3:.3g} ms" if s < 1 else f"{s:.3g} s"


def _x(r):
    return "–" if r is None else f"{r:.2f}×" if r < 10 else f"{r:.1f}×"


def _mib(row, name):
    v = row["peak_mib"].get(name)
    return "–" if v is None else f"{v:.1f}"


def table(rows):
    head = ["case", "objective", "tangentlike", "tl ÷ obj", "hand ÷ obj", "tl ÷ hand"] + \
        [c for _, c in PEER_COLS] + ["JAX jit compile", "peak MiB: obj / tl / hand / autograd"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        t, q = r["times"], r["ratios"]
        hand_tl = None if "hand" not in t else 1.0 / q["hand/tangentlike"]
        cells = [r["case"], _ms(t["objective"]), _ms(t["tangentlike"]),
                 _x(q.get("tangentlike/objective")), _x(q.get("hand/objective")), _x(hand_tl)]
        cells += [_x(q.get(p + "/tangentlike")) for p, _ in PEER_COLS]
        comp = r["compile_s"].get("jax-jit")
        cells.append("–" if comp is None else f"{comp:.2f} s")
        cells.append(" / ".join(_mib(r, n) for n in ("objective", "tangentlike", "hand", "autograd")))
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def _verdict(ok):
    return "**met**" if ok else "**not met**"


def targets(rows):
    lines = []
    by = {}
    for r in rows:
        by.setdefault(r["problem"], []).append(r)
    for prob in ("gmm", "lstm"):
        rs = by.get(prob, [])
        if not rs:
            continue
        worst = max(1.0 / r["ratios"]["hand/tangentlike"] for r in rs)
        lines.append(f"- {prob.upper()}: tangentlike ≤ 1.3× the hand-written gradient at every "
                     f"size: worst {worst:.2f}×: {_verdict(worst <= 1.3)}")
        for peer in ("autograd", "torch"):
            got = [r["ratios"].get(peer + "/tangentlike") for r in rs]
            got = [g for g in got if g is not None]
            if got:
                lines.append(f"- {prob.upper()}: ahead of {peer} at every size: slowest "
                             f"{peer} ÷ tl = {min(got):.2f}×: {_verdict(min(got) > 1.0)}")
    for r in by.get("gmm-loops", []):
        a = r["ratios"].get("autograd/tangentlike")
        if a is not None:
            lines.append(f"- {r['case']}: ≥ 20× faster than autograd: {a:.1f}×: {_verdict(a >= 20)}")
    for r in by.get("ba", []):
        x = r["ratios"]["tangentlike/objective"]
        lines.append(f"- {r['case']}: Jacobian ≤ 8× the objective: {x:.1f}×: {_verdict(x <= 8)}")
    for r in by.get("ba-batched", []):
        j = r["ratios"].get("jax-jit/tangentlike")
        if j is not None:
            lines.append(f"- {r['case']}: within 1.2× of JAX-jit: tl ÷ JAX jit = {1 / j:.2f}×: "
                         f"{_verdict(1 / j <= 1.2)}")
    for r in by.get("ht", []):
        j = r["ratios"].get("jax/tangentlike")
        if j is not None:
            lines.append(f"- {r['case']}: ahead of JAX eager by ≥ 20×: {j:.1f}×: {_verdict(j >= 20)}")
    for r in rows:
        a, tlm = r["peak_mib"].get("autograd"), r["peak_mib"].get("tangentlike")
        if a is not None and tlm is not None and tlm > a:
            lines.append(f"- {r['case']}: peak memory ≤ autograd's: {tlm:.1f} MiB against "
                         f"{a:.1f} MiB: **not met**")
    return "\n".join(lines)


def tables(rows, peers, rounds, fewer=None):
    import numpy
    when = datetime.date.today().isoformat()
    ver = ", ".join(f"{k} {v}" for k, v in peers.items())
    head = (f"Measured {when} on a shared 2-core machine (other jobs running), Python "
            f"{platform.python_version()}, NumPy {numpy.__version__}; peers: {ver}; one thread "
            f"each; medians over {rounds} interleaved rounds ("
            + ", ".join(f"{k}: {min(v, rounds)}" for k, v in (fewer or {}).items())
            + "), ratios medians of per-round ratios. Peak memory by tracemalloc (NumPy "
            "buffers; torch and XLA allocate outside it).")
    notes = sorted({r["note"] for r in rows if r["note"]})
    parts = [head, ""]
    titles = {"gmm": "GMM (vectorised)", "gmm-loops": "GMM in ADBench's loop style",
              "lstm": "LSTM", "ba": "BA, Jacobian blocks one observation at a time "
              "(`tl.jacrev`)", "ba-batched": "BA, batched Jacobian blocks (two `tl.vjp` "
              "sweeps over all observations)", "ht": "HT, `tl.jacfwd` (26 parameters)"}
    for prob, title in titles.items():
        rs = [r for r in rows if r["problem"] == prob]
        if rs:
            parts += [f"#### {title}", "", table(rs), ""]
    parts += ["#### Targets (issue 20)", "", targets(rows), ""]
    if notes:
        parts += ["Notes: " + "; ".join(notes) + ".", ""]
    return "\n".join(parts)


def write_readme(text, path):
    with open(path, encoding="utf-8") as fh:
        old = fh.read()
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in old:
        new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda m: block, old, flags=re.S)
    else:
        new = old.rstrip("\n") + "\n\n### ADBench / GradBench problems (issue 20)\n\n" + \
            SECTION_HEAD + "\n\n" + block + "\n"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(new)


SECTION_HEAD = """`python benchmarks/adbench/run.py --write` (the code in `benchmarks/adbench/`:
`gmm.py`, `lstm.py`, `ba.py`, `ht.py` written from GradBench's specifications and
ADBench's data layout, inputs generated with a fixed seed; `ad_peers.py` runs the same NumPy
source under autograd, JAX and a torch namespace). Columns: times of the objective and of
tangentlike's gradient or Jacobian; `tl ÷ obj` is the ADBench metric; `hand` is the
hand-written NumPy gradient (GMM, LSTM), checked against tangentlike's to 1e-10; `peer ÷
tl` above 1 means tangentlike is faster. BA per observation runs the first 500
observations of ba1 (every observation does the same work, whatever the instance); the
batched form covers every observation of instances of ba1-ba3's sizes."""
