"""The compiler's output is a pure function of its input (docs/architecture.md).

The same function, options and tool version must give byte-identical source in
any process, after any amount of garbage collection and under any
``PYTHONHASHSEED``. Facts about IR values once lived in tables keyed by
``id(value)``: once a value died its address was reused by a new one, which
then inherited its facts (a KeyError in stage 'reverse' in most of 60 repeated
compiles, and in principle a wrong derivative). These tests compile the golden
programs and a corpus sample many times with garbage made and collected in
between, and in fresh processes with different hash seeds.
"""
import gc
import hashlib
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import tangentlike as tl
from tangentlike import cache, pipeline
from tangentlike.transforms import unit

HERE = pathlib.Path(__file__).resolve().parent
for sub in (HERE / "golden", HERE):
    if str(sub) not in sys.path:
        sys.path.insert(0, str(sub))
import programs  # noqa: E402
import corpus  # noqa: E402

_CORPUS = {c.name: c for c in corpus.grad_cases()}
CORPUS_SAMPLE = sorted(_CORPUS)[::9]


def _cases():
    out = [(name, *programs.GOLDEN[name]) for name in sorted(programs.GOLDEN)]
    for name in CORPUS_SAMPLE:
        c = _CORPUS[name]
        out.append((name, c.fn, (lambda c=c: tuple(c.make_args())), tuple(c.wrt)))
    return out


def fresh_sources(modes=("reverse", "forward")):
    """name -> generated source, every one compiled from scratch (no memory or disk cache)."""
    out = {}
    for name, fn, make_args, wrt in _cases():
        for mode in modes:
            pipeline._MEMORY.clear()
            unit._LOWERED.clear()
            g = tl.grad(fn, wrt=wrt, mode=mode)
            args = make_args()
            try:
                g(*args)
            except tl.TangentlikeError as e:  # outside forward mode's subset: its message must be stable
                out[name, mode] = f"{type(e).__name__}: {e}"
                continue
            out[name, mode] = g.compiled(list(args)).source
    return out


def _churn():
    """Make and drop many objects of the IR's size, so freed addresses get reused."""
    junk = [[object() for _ in range(50)] for _ in range(200)]
    del junk
    gc.collect()


@pytest.fixture
def no_disk_cache(monkeypatch):
    monkeypatch.setattr(cache, "disk", lambda: None)


def test_same_source_after_garbage_collection(no_disk_cache):
    first = fresh_sources()
    assert len(first) == 2 * len(_cases())
    for _ in range(int(os.environ.get("TANGENTLIKE_DETERMINISM_ROUNDS", "12"))):
        _churn()
        again = fresh_sources()
        changed = [k for k in first if again[k] != first[k]]
        assert not changed, f"output changed between compiles: {changed}"


_CHILD = """
import hashlib, sys
sys.path[:0] = [{golden!r}, {tests!r}]
from tangentlike import cache
cache.disk = lambda: None
import test_determinism as t
src = t.fresh_sources()
print(hashlib.sha256(repr(sorted(src.items())).encode()).hexdigest())
"""


def test_same_source_under_any_hash_seed(no_disk_cache):
    here = fresh_sources()
    want = hashlib.sha256(repr(sorted(here.items())).encode()).hexdigest()
    code = _CHILD.format(golden=str(HERE / "golden"), tests=str(HERE))
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent), env.get("PYTHONPATH", "")])
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, cwd=str(HERE.parent), timeout=300)
        assert r.returncode == 0, r.stderr[-3000:]
        assert r.stdout.split()[-1] == want, f"PYTHONHASHSEED={seed} gave other source"


def _point():
    return 0.3, np.array([0.7, -1.1, 0.4])


def _fuzz_sample_test():
    from hypothesis import given, settings

    from fuzz.programs import programs as fuzz_programs
    from fuzz.support import SETTINGS, load

    @settings(max_examples=int(os.environ.get("TANGENTLIKE_DETERMINISM_FUZZ", "100")), **SETTINGS)
    @given(program=fuzz_programs())
    def check(program):
        module, _ = load(program.source)
        seen = set()
        for _ in range(4):
            pipeline._MEMORY.clear()
            unit._LOWERED.clear()
            _churn()
            g = tl.grad(module.f, wrt=(0, 1))
            try:
                g(*_point())
                seen.add(g.compiled(list(_point())).source)
            except tl.TangentlikeError as e:
                seen.add(f"{type(e).__name__}: {e}")
        assert len(seen) == 1, f"{len(seen)} different outcomes for\n{program.source}"
    return check


def test_fuzz_sample_compiles_the_same_every_time(no_disk_cache):
    _fuzz_sample_test()()


def test_no_pass_keys_facts_by_address():
    """``id()`` of an IR object outlives the object; the passes key by the object."""
    import ast
    allowed = {("transforms/cse.py", "fn"), ("ir/nodes.py", "self"),  # a callee; a repr
               # the user's scopes and functions, each held by the record keyed by it
               ("frontend/source.py", "scope"), ("frontend/source.py", "module"),
               ("frontend/source.py", "fn")}
    pkg = pathlib.Path(tl.__file__).resolve().parent
    found = []
    for sub in ("analysis", "transforms", "ir", "frontend"):
        for path in sorted((pkg / sub).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "id":
                    arg = ast.unparse(node.args[0]) if node.args else ""
                    if (f"{sub}/{path.name}", arg) not in allowed:
                        found.append(f"{sub}/{path.name}:{node.lineno} id({arg})")
    assert found == []
