"""Instruction counts of gradient variants under callgrind: a measure a shared,
noisy machine cannot disturb (the same count for the same code and inputs).

``count(workload, sources, calls)`` runs a child under
``valgrind --tool=callgrind --instr-atstart=no`` (so imports run uninstrumented);
the child loads each variant's source (``analyse`` writes them), warms it up,
then brackets ``calls`` calls with callgrind client requests (from a tiny C
library compiled here with gcc against ``valgrind/callgrind.h``) and dumps the
counters under the variant's name. Returns instructions per call for each
variant, the hand-written gradient, and an empty loop (subtracted). Counts are
a proxy for time in interpreter-bound code (small arrays, scalars); for
array-bound code (``logreg``) memory traffic matters more than instructions.
"""
from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

C_SOURCE = r"""
#include <valgrind/callgrind.h>
void cg_begin(void) { CALLGRIND_ZERO_STATS; CALLGRIND_TOGGLE_COLLECT; }
void cg_end(const char *name) { CALLGRIND_TOGGLE_COLLECT; CALLGRIND_DUMP_STATS_AT(name); }
void cg_instrument(void) { CALLGRIND_START_INSTRUMENTATION; }
"""


def available() -> bool:
    return bool(shutil.which("valgrind") and shutil.which("gcc")
                and os.path.exists("/usr/include/valgrind/callgrind.h"))


def _build(directory) -> str:
    src, lib = os.path.join(directory, "cg.c"), os.path.join(directory, "libcg.so")
    with open(src, "w", encoding="utf-8") as fh:
        fh.write(C_SOURCE)
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", lib, src], check=True)
    return lib


def _parse(directory) -> dict:
    """name -> instructions collected, from the dump files of the child."""
    out = {}
    for path in glob.glob(os.path.join(directory, "cg.out*")):
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        m = re.search(r"^desc: Trigger: Client Request: (.+)$", text, re.M)
        tot = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
        if m and tot:
            out[m.group(1).strip()] = int(tot.group(1))
    return out


def count(workload: str, sources: dict, calls: int = 5, quick: bool = False,
          primals: dict | None = None) -> dict:
    """Instructions per call of each variant (``name -> generated module source``), of
    ``hand``, of the original generated function (``generated``), and of the gradients
    of other primals (``name -> "module:function"``, same arguments)."""
    with tempfile.TemporaryDirectory(prefix="tl-callgrind-") as d:
        spec = {"workload": workload, "sources": sources, "calls": calls, "quick": quick,
                "lib": _build(d), "primals": primals or {}}
        with open(os.path.join(d, "spec.json"), "w", encoding="utf-8") as fh:
            json.dump(spec, fh)
        cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no",
               f"--callgrind-out-file={d}/cg.out", sys.executable,
               os.path.abspath(__file__), "--child", os.path.join(d, "spec.json")]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            raise RuntimeError(f"callgrind child failed:\n{proc.stderr[-2000:]}")
        counts = _parse(d)
    empty = counts.pop("empty", 0)
    return {k: (v - empty) / calls for k, v in counts.items()}


# --- child -----------------------------------------------------------------------------

def _child(spec_path):
    import ctypes
    with open(spec_path, encoding="utf-8") as fh:
        spec = json.load(fh)
    sys.path.insert(0, HERE)
    import tangentlike as tl
    from workloads import WORKLOADS
    w = WORKLOADS[spec["workload"]]
    args = w.make_args(spec["quick"])
    g = tl.grad(w.primal, wrt=w.wrt)
    compiled = g.compiled(list(args))
    fns = {"generated": compiled.fn, "hand": w.hand, "empty": lambda *a: None,
           "tl.grad(f)(...)": g, "primal": w.primal}
    for name, src in spec["sources"].items():
        ns = dict(compiled.module.__dict__)
        exec(compile(src, f"<{name}>", "exec"), ns)  # noqa: S102 - our own variants
        fns[name] = ns[compiled.fn.__name__]
    for name, where in spec["primals"].items():
        mod, fn = where.split(":")
        primal = getattr(__import__(mod), fn)
        fns[name] = tl.grad(primal, wrt=w.wrt).compiled(list(args)).fn
    lib = ctypes.CDLL(spec["lib"])
    lib.cg_end.argtypes = [ctypes.c_char_p]
    for fn in fns.values():
        fn(*args)
    lib.cg_instrument()
    for name, fn in fns.items():
        fn(*args)  # warm under instrumentation
        lib.cg_begin()
        for _ in range(spec["calls"]):
            fn(*args)
        lib.cg_end(name.encode())


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    _child(sys.argv[2])
