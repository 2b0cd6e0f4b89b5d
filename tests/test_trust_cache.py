"""No stale derivative from the caches (issue 13, items 1-4).

The memory cache keeps a compiled derivative only while every name its compile read
(globals, closure cells, attributes of user modules, the functions' code objects, the
rule registry) still finds the same object; a global rebound to an array of the same
dtype and shape reuses the code with the new array bound. The disk key covers which
captured objects are one object and what custom rules read. Programs are real files in
``tmp_path``; the cross-process cases run real interpreters on one cache directory.
Gradients are checked against closed forms (exact to rounding: rtol 1e-12).
"""
import importlib
import json
import linecache
import os
import subprocess
import sys

import numpy as np
import pytest

import tangentlike as tl
from tangentlike import cache, pipeline


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.syspath_prepend(str(tmp_path))
    cache.reset()
    names = []

    def load(name, text):
        (tmp_path / f"{name}.py").write_text(text)
        names.append(name)
        importlib.invalidate_caches()
        sys.modules.pop(name, None)
        return importlib.import_module(name)

    yield load
    for name in names:
        sys.modules.pop(name, None)
    cache.reset()


def cell(module, text, name):
    """Run ``text`` in ``module`` as a notebook cell does (its source in linecache)."""
    linecache.cache[name] = (len(text), None, text.splitlines(True), name)
    exec(compile(text, name, "exec"), module.__dict__)


X = np.array([0.5, -1.5, 2.0])

HELPER = "import numpy as np\n\n\ndef helper(x):\n    return x * x\n\n\ndef loss(x):\n" \
         "    return np.sum(helper(x))\n"


def test_a_helper_redefined_in_a_later_cell(files):
    m = files("trust_c1", HELPER)
    g = tl.grad(m.loss)
    np.testing.assert_allclose(g(X), 2 * X, rtol=1e-12)
    cell(m, "def helper(x):\n    return x * x * x\n", "<trust-cell-1>")
    np.testing.assert_allclose(tl.grad(m.loss)(X), 3 * X ** 2, rtol=1e-12)  # a new grad
    np.testing.assert_allclose(g(X), 3 * X ** 2, rtol=1e-12)  # the old one, fast path


def test_a_helper_module_reloaded(files, tmp_path):
    files("trust_c2_helpers", "def helper(x):\n    return x * x\n")
    m = files("trust_c2", "import numpy as np\nimport trust_c2_helpers as h\n\n\n"
                          "def loss(x):\n    return np.sum(h.helper(x))\n")
    g = tl.grad(m.loss)
    np.testing.assert_allclose(g(X), 2 * X, rtol=1e-12)
    (tmp_path / "trust_c2_helpers.py").write_text("def helper(x):\n    return 4.0 * x * x\n")
    importlib.reload(sys.modules["trust_c2_helpers"])
    np.testing.assert_allclose(tl.grad(m.loss)(X), 8 * X, rtol=1e-12)
    np.testing.assert_allclose(g(X), 8 * X, rtol=1e-12)


def test_a_code_object_replaced_in_place_like_autoreload(files):
    m = files("trust_c3", HELPER)
    g = tl.grad(m.loss)
    np.testing.assert_allclose(g(X), 2 * X, rtol=1e-12)
    new = type(sys)("trust_c3_cell")
    cell(new, "def helper(x):\n    return x * x * x\n", "<trust-cell-3>")
    m.helper.__code__ = new.helper.__code__  # what %autoreload does: same function object
    np.testing.assert_allclose(g(X), 3 * X ** 2, rtol=1e-12)
    np.testing.assert_allclose(tl.grad(m.loss)(X), 3 * X ** 2, rtol=1e-12)


def test_a_derivative_of_a_derivative_sees_the_redefined_helper(files):
    m = files("trust_c10", "def helper(x):\n    return x * x * x\n\n\ndef f(x):\n"
                           "    return helper(x) * 2.0\n")
    gg, H = tl.grad(tl.grad(m.f)), tl.hessian(m.f)
    assert gg(1.5) == pytest.approx(12 * 1.5, rel=1e-12)
    assert H(1.5) == pytest.approx(12 * 1.5, rel=1e-12)
    cell(m, "def helper(x):\n    return x * x * x * x\n", "<trust-cell-10>")
    assert gg(1.5) == pytest.approx(24 * 1.5 ** 2, rel=1e-12)  # the outer one's guards
    assert H(1.5) == pytest.approx(24 * 1.5 ** 2, rel=1e-12)   # hold the inner one's


BATCH = '''import numpy as np

X = np.array([1.0, 2.0, 3.0])
S = 2.0


def loss(w):
    return np.sum(S * (X * w) ** 2)
'''


def test_a_rebound_global_array_is_read_when_the_derivative_runs(files):
    m = files("trust_c4", BATCH)
    w = np.array([0.5, -0.25, 1.0])
    g = tl.grad(m.loss)
    np.testing.assert_allclose(g(w), 4 * m.X ** 2 * w, rtol=1e-12)
    compiled = pipeline.STATS["compiled"]
    for k in range(3):  # X, y = next_batch(): same dtype and shape, the same code
        m.X = np.array([3.0, 4.0, 5.0]) + k
        np.testing.assert_allclose(g(w), 4 * m.X ** 2 * w, rtol=1e-12)
        np.testing.assert_allclose(tl.grad(m.loss)(w), 4 * m.X ** 2 * w, rtol=1e-12)
    assert pipeline.STATS["compiled"] == compiled  # rebound, not compiled again
    m.X = np.array([1.0, 2.0])  # another shape: compiled for it
    np.testing.assert_allclose(g(np.ones(2)), 4 * m.X ** 2, rtol=1e-12)


def test_a_rebound_global_constant_is_compiled_in_again(files):
    m = files("trust_c5", BATCH)
    w = np.array([0.5, -0.25, 1.0])
    g = tl.grad(m.loss)
    np.testing.assert_allclose(g(w), 4 * m.X ** 2 * w, rtol=1e-12)
    m.S = 5.0  # a float is written into the code: a new compile (or disk entry)
    np.testing.assert_allclose(g(w), 10 * m.X ** 2 * w, rtol=1e-12)
    np.testing.assert_allclose(tl.grad(m.loss)(w), 10 * m.X ** 2 * w, rtol=1e-12)


def test_a_closure_cell_rebound(files):
    m = files("trust_c6", "import numpy as np\n\n\ndef make():\n    k = 2.0\n\n"
                          "    def loss(x):\n        return np.sum(k * x * x)\n\n"
                          "    def set_k(v):\n        nonlocal k\n        k = v\n"
                          "    return loss, set_k\n\n\nloss, set_k = make()\n")
    g = tl.grad(m.loss)
    np.testing.assert_allclose(g(X), 4 * X, rtol=1e-12)
    m.set_k(3.0)
    np.testing.assert_allclose(g(X), 6 * X, rtol=1e-12)


def test_tied_then_untied_arrays_in_memory(files):
    m = files("trust_c7", TIED.replace('os.environ["TL_TIED"] == "1"', "True"))
    np.testing.assert_allclose(tl.grad(m.f)(X), 2 * m.A, rtol=1e-12)
    m.B = np.array([10.0, 20.0, 30.0])
    np.testing.assert_allclose(tl.grad(m.f)(X), m.A + m.B, rtol=1e-12)


def test_a_rule_registered_after_the_first_compile_is_used(files):
    m = files("trust_c8", "import numpy as np\n\n\ndef soft(x):\n    return np.log(1.0 + np.exp(x))\n"
                          "\n\ndef loss(x):\n    return np.sum(soft(x))\n")
    g = tl.grad(m.loss)
    sig = 1 / (1 + np.exp(-X))
    np.testing.assert_allclose(g(X), sig, rtol=1e-12)

    @tl.defvjp(m.soft)
    def soft_vjp(g_, ans, x):  # deliberately another (wrong) derivative, to see it used
        return g_ * 2.0

    np.testing.assert_allclose(g(X), 2.0 * np.ones(3), rtol=1e-12)


# -- across processes: one cache directory, two interpreters ----------------------

TIED = '''import os
import numpy as np

A = np.array([1.0, 2.0, 3.0])
B = A if os.environ["TL_TIED"] == "1" else np.array([10.0, 20.0, 30.0])


def f(x):
    return np.sum(A * x + B * x)
'''
RULE = '''import os
import numpy as np
import tangentlike as tl

SCALE = float(os.environ["TL_SCALE"])


def smooth(x):
    return np.sqrt(1.0 + x * x)


@tl.defvjp(smooth)
def smooth_vjp(g, ans, x):
    return g * SCALE * x / ans


def f(x):
    return np.sum(smooth(x))
'''
SCRIPT = '''import json, sys
import numpy as np
sys.path.insert(0, {where!r})
import tangentlike as tl
from tangentlike import pipeline
import {module} as prog
g = tl.grad(prog.f)(np.array([0.5, -1.5, 2.0]))
print(json.dumps({{"grad": g.tolist(), "stats": pipeline.STATS}}))
'''


def run(tmp_path, module, **env):
    env = dict(os.environ, TANGENTLIKE_CACHE_DIR=str(tmp_path / "cache"), **env)
    done = subprocess.run([sys.executable, "-c", SCRIPT.format(where=str(tmp_path),
                                                               module=module)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_disk_cache_tied_arrays_are_not_served_to_untied_ones(tmp_path):
    (tmp_path / "trust_tied.py").write_text(TIED)
    A = np.array([1.0, 2.0, 3.0])
    tied = run(tmp_path, "trust_tied", TL_TIED="1")
    np.testing.assert_allclose(tied["grad"], 2 * A, rtol=1e-12)
    untied = run(tmp_path, "trust_tied", TL_TIED="0")
    np.testing.assert_allclose(untied["grad"], A + np.array([10.0, 20.0, 30.0]), rtol=1e-12)
    again = run(tmp_path, "trust_tied", TL_TIED="1")  # both entries are kept and served
    assert again["stats"]["disk_hits"] == 1
    np.testing.assert_allclose(again["grad"], 2 * A, rtol=1e-12)


def test_disk_cache_key_covers_what_a_custom_rule_reads(tmp_path):
    (tmp_path / "trust_rule.py").write_text(RULE)
    x = np.array([0.5, -1.5, 2.0])
    exact = x / np.sqrt(1 + x * x)
    first = run(tmp_path, "trust_rule", TL_SCALE="1.0")
    np.testing.assert_allclose(first["grad"], exact, rtol=1e-12)
    other = run(tmp_path, "trust_rule", TL_SCALE="3.0")  # the rule's SCALE is compiled in
    assert other["stats"]["compiled"] == 1
    np.testing.assert_allclose(other["grad"], 3.0 * exact, rtol=1e-12)
    hit = run(tmp_path, "trust_rule", TL_SCALE="1.0")
    assert hit["stats"]["disk_hits"] == 1
    np.testing.assert_allclose(hit["grad"], exact, rtol=1e-12)


def test_a_custom_rules_constant_changed_in_process(files):
    os.environ["TL_SCALE"] = "1.0"
    try:
        m = files("trust_c9", RULE)
    finally:
        del os.environ["TL_SCALE"]
    exact = X / np.sqrt(1 + X * X)
    g = tl.grad(m.f)
    np.testing.assert_allclose(g(X), exact, rtol=1e-12)
    m.SCALE = 3.0
    np.testing.assert_allclose(g(X), 3.0 * exact, rtol=1e-12)
    np.testing.assert_allclose(tl.grad(m.f)(X), 3.0 * exact, rtol=1e-12)
