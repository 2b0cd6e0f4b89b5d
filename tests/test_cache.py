"""The disk cache (tangentlike/cache.py): hits across processes, and what it refuses.

How a test tells a hit from a compile: ``tangentlike.pipeline.STATS`` counts
``compile_derivative`` calls that built code (``compiled``) and that loaded a disk
entry (``disk_hits``); the subprocess scripts print it as JSON. The programs live in
real files under ``tmp_path`` (``prog.py`` calls a helper in ``helper.py``, uses a
module-level array and calls a function without differentiating it), and every test
has its own ``TANGENTLIKE_CACHE_DIR``. In-process tests stand for a new process by
emptying the memory cache (``pipeline._MEMORY``) and importing the program afresh.
"""
import importlib
import json
import os
import subprocess
import sys
import traceback
import warnings

import numpy as np
import pytest

import tangentlike as tl
from tangentlike import cache, pipeline

HELPER = "def helper(v):\n    return v * v * {k}\n"
PROG = '''import os
import numpy as np
from helper import helper

W = np.array([[1.0, 2.0], [0.5, -1.0]]) * float(os.environ.get("TL_TEST_WSCALE", "1"))


def count(v):
    return v.shape[0]


def f(x):
    return np.sum(helper(W @ x)) * count(x)
'''
SCRIPT = '''import json, sys
import numpy as np
sys.path.insert(0, {where!r})
import tangentlike as tl
from tangentlike import pipeline
import prog
g = tl.grad(prog.f)(np.array([0.3, -0.7]))
print(json.dumps({{"grad": g.tolist(), "stats": pipeline.STATS}}))
'''
X = np.array([0.3, -0.7])
W = np.array([[1.0, 2.0], [0.5, -1.0]])


def expected(k=2.0):
    # f(x) = 2 * k * sum((W x)^2)  ->  grad = 4 k W^T W x
    return 4 * k * W.T @ (W @ X)


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "helper.py").write_text(HELPER.format(k=2.0))
    (tmp_path / "prog.py").write_text(PROG)
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(cache_dir))
    monkeypatch.syspath_prepend(str(tmp_path))
    cache.reset()
    yield tmp_path
    cache.reset()
    for name in ("prog", "helper"):
        sys.modules.pop(name, None)


def run(project, env_extra=None):
    """Run the script in a new interpreter; its JSON output."""
    env = dict(os.environ, **(env_extra or {}))
    code = SCRIPT.format(where=str(project))
    done = subprocess.run([sys.executable, "-c", code], cwd=project, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def fresh_grad():
    """The gradient as a new process would get it (empty memory cache)."""
    pipeline._MEMORY.clear()
    for name in ("prog", "helper"):
        sys.modules.pop(name, None)
    prog = importlib.import_module("prog")
    before = dict(pipeline.STATS)
    g = tl.grad(prog.f)(X)
    return g, {k: pipeline.STATS[k] - before[k] for k in before}


def entry_files(project):
    found = [p for p in cache.entries(project / "cache")  # names come from the key alone
             if "def grad_f(" in p.with_suffix(".py").read_text()]
    assert len(found) == 1, found
    return found[0].with_suffix(".py"), found[0]


def test_a_second_process_loads_the_entry_instead_of_compiling(project):
    first = run(project)
    assert first["stats"] == {"compiled": 1, "disk_hits": 0}
    second = run(project)
    assert second["stats"] == {"compiled": 0, "disk_hits": 1}
    np.testing.assert_allclose(second["grad"], expected())
    np.testing.assert_allclose(first["grad"], second["grad"])
    py, record = entry_files(project)
    assert oct(os.stat(project / "cache").st_mode & 0o777) == "0o700"
    assert json.loads(record.read_text())["objects"], "W and count are bound at load time"


def test_a_hit_binds_the_objects_of_the_new_process(project):
    """The module-level array is found again in the new process, not copied from the
    old one: the same entry serves a W computed differently at import time."""
    assert run(project)["stats"]["compiled"] == 1
    again = run(project, {"TL_TEST_WSCALE": "2"})
    assert again["stats"] == {"compiled": 0, "disk_hits": 1}
    np.testing.assert_allclose(again["grad"], 4 * expected())


def test_editing_a_helper_invalidates_the_derivatives_that_call_it(project):
    assert run(project)["stats"]["compiled"] == 1
    (project / "helper.py").write_text(HELPER.format(k=3.0))
    again = run(project)
    assert again["stats"] == {"compiled": 1, "disk_hits": 0}
    np.testing.assert_allclose(again["grad"], expected(3.0))


def test_two_processes_racing_on_one_entry_both_get_correct_results(project):
    code = SCRIPT.format(where=str(project))
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=project, env=dict(os.environ),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        np.testing.assert_allclose(json.loads(out.splitlines()[-1])["grad"], expected())
    g, stats = fresh_grad()  # whoever won, the entry left behind is whole and valid
    assert stats == {"compiled": 0, "disk_hits": 1}
    np.testing.assert_allclose(g, expected())


def test_a_forged_entry_is_never_executed(project):
    """An entry rewritten with code that leaves a marker, its record updated to the new
    content hash (only the HMAC under the user's secret is wrong), is not run."""
    assert run(project)["stats"]["compiled"] == 1
    py, record_file = entry_files(project)
    marker = project / "MARKER"
    evil = (f"open({str(marker)!r}, 'w').write('ran')\n"
            "def grad_f(x):\n    return x * 0\n")
    py.write_text(evil)
    import hashlib
    record = json.loads(record_file.read_text())
    record["sha256"] = hashlib.sha256(evil.encode()).hexdigest()
    record_file.write_text(json.dumps(record))
    again = run(project)
    assert not marker.exists()
    assert again["stats"] == {"compiled": 1, "disk_hits": 0}
    np.testing.assert_allclose(again["grad"], expected())
    assert "MARKER" not in py.read_text(), "the rebuilt entry replaced the forged one"


def _truncate(py, record):
    py.write_text(py.read_text()[:40])


def _corrupt_record(py, record):
    record.write_text("{not json")


def _foreign_version(py, record):
    r = json.loads(record.read_text())
    r["version"] = "0.0.1+000000000000"
    record.write_text(json.dumps(r))


def _edit_source(py, record):
    py.write_text(py.read_text().replace("return", "return 0 *", 1))


def _garbage_bytes(py, record):
    py.write_bytes(b"\xff\xfe\x00garbage")


def _other_key(py, record):
    r = json.loads(record.read_text())
    r["key"] = "0" * 64
    record.write_text(json.dumps(r))


@pytest.mark.parametrize("damage", [_truncate, _corrupt_record, _foreign_version, _edit_source,
                                    _garbage_bytes, _other_key],
                         ids=lambda d: d.__name__.strip("_"))
def test_a_damaged_entry_is_ignored_and_rebuilt(project, damage):
    g, stats = fresh_grad()
    assert stats == {"compiled": 1, "disk_hits": 0}
    damage(*entry_files(project))
    g, stats = fresh_grad()
    assert stats == {"compiled": 1, "disk_hits": 0}
    np.testing.assert_allclose(g, expected())
    g, stats = fresh_grad()  # rebuilt: the next "process" hits again
    assert stats == {"compiled": 0, "disk_hits": 1}
    np.testing.assert_allclose(g, expected())


def test_source_of_a_hit_is_the_entry_file_and_tracebacks_point_into_it(project):
    fresh_grad()
    pipeline._MEMORY.clear()
    prog = importlib.import_module("prog")
    compiled = tl.grad(prog.f).compiled([X])
    py, _ = entry_files(project)
    assert py.read_text() == compiled.source
    with pytest.raises(ValueError) as info:  # W @ x with a wrong shape, inside grad_f
        compiled.fn(np.ones(3))
    frames = [fr for fr in traceback.extract_tb(info.tb) if fr.filename == str(py)]
    assert frames, "no frame in the generated file"
    lines = py.read_text().splitlines()
    assert lines[frames[-1].lineno - 1].strip() == frames[-1].line
    assert "W @ x" in frames[-1].line


def _two_functions():
    pipeline._MEMORY.clear()
    sys.modules.pop("prog", None)
    sys.modules.pop("helper", None)
    prog = importlib.import_module("prog")
    np.testing.assert_allclose(tl.grad(prog.f)(X), expected())
    np.testing.assert_allclose(tl.grad(prog.count)(X), np.zeros(2))


def test_an_unusable_cache_directory_falls_back_with_one_warning(project, monkeypatch):
    blocker = project / "a_file"
    blocker.write_text("")
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(blocker / "cache"))  # cannot be made
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _two_functions()
    hits = [w for w in caught if issubclass(w.category, cache.CacheWarning)]
    assert len(hits) == 1, [str(w.message) for w in caught]
    assert str(blocker) in str(hits[0].message)


def test_a_directory_others_can_write_to_is_not_used(project):
    shared = project / "cache"
    shared.mkdir()
    os.chmod(shared, 0o777)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _two_functions()
    hits = [w for w in caught if issubclass(w.category, cache.CacheWarning)]
    assert len(hits) == 1 and "others can write to it" in str(hits[0].message)
    assert not list(shared.iterdir())


def test_a_read_only_cache_directory_falls_back_with_one_warning(project):
    ro = project / "cache"
    ro.mkdir(mode=0o700)
    os.chmod(ro, 0o500)
    try:
        if os.access(ro, os.W_OK):
            pytest.skip("running as a user (root) who can write to a 0o500 directory")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _two_functions()
        hits = [w for w in caught if issubclass(w.category, cache.CacheWarning)]
        assert len(hits) == 1, [str(w.message) for w in caught]
        assert "not writable" in str(hits[0].message)
    finally:
        os.chmod(ro, 0o700)


def test_cache_clear_removes_entries(project):
    fresh_grad()
    assert cache.entries(project / "cache")
    assert cache.clear(project / "cache") >= 2
    assert cache.entries(project / "cache") == []
    assert (project / "cache" / ".secret").exists()
