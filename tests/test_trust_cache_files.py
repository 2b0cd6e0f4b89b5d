"""Hostile files in the cache directory (issue 13): a FIFO or a deeply nested JSON record
where an entry or the secret should be. Each case runs in a new process (the way a user
meets a planted file) with a timeout: a hang fails the test instead of stalling it.
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

PROG = "import numpy as np\n\n\ndef f(x):\n    return np.sum(np.tanh(x) * x)\n"
SCRIPT = '''import json, sys, warnings
import numpy as np
sys.path.insert(0, {where!r})
import tangentlike as tl
from tangentlike import pipeline
import trust_fifo_prog as prog
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    g = tl.grad(prog.f)(np.array([0.3, -0.7]))
print(json.dumps({{"grad": g.tolist(), "stats": pipeline.STATS,
                   "warnings": [str(x.message) for x in w]}}))
'''
X = np.array([0.3, -0.7])
WANT = np.tanh(X) + X * (1 - np.tanh(X) ** 2)

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")


@pytest.fixture
def project(tmp_path):
    (tmp_path / "trust_fifo_prog.py").write_text(PROG)
    return tmp_path


def run(project):
    env = dict(os.environ, TANGENTLIKE_CACHE_DIR=str(project / "cache"))
    done = subprocess.run([sys.executable, "-c", SCRIPT.format(where=str(project))],
                          cwd=project, env=env, capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.splitlines()[-1])
    np.testing.assert_allclose(out["grad"], WANT, rtol=1e-12)
    return out


def entry(project):
    records = sorted((project / "cache").glob("*.json"))
    assert len(records) == 1, records
    return records[0]


@pytest.mark.parametrize("where", ["record", "source"])
def test_a_fifo_in_place_of_an_entry_file_does_not_hang(project, where):
    run(project)
    record = entry(project)
    target = record if where == "record" else record.with_suffix(".py")
    target.unlink()
    os.mkfifo(target, 0o600)
    out = run(project)  # compiled again, and the entry written over the FIFO
    assert out["stats"]["compiled"] == 1
    assert target.is_file()
    assert run(project)["stats"]["disk_hits"] == 1


def test_a_fifo_in_place_of_the_secret_turns_the_disk_cache_off(project):
    (project / "cache").mkdir(mode=0o700)
    os.mkfifo(project / "cache" / ".secret", 0o600)
    out = run(project)
    assert any("not a private 32-byte file" in w for w in out["warnings"]), out["warnings"]


def test_a_deeply_nested_record_is_ignored_and_rewritten(project):
    run(project)
    record = entry(project)
    record.write_text("[" * 200000 + "]" * 200000)
    out = run(project)
    assert out["stats"]["compiled"] == 1
    assert isinstance(json.loads(record.read_text()), dict)  # a whole record again
    assert run(project)["stats"]["disk_hits"] == 1
