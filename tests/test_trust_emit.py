"""Emitted source never runs code the input did not contain (issue 13).

The attack programs live in directories whose names hold newlines, carriage returns,
quotes and the emitter's comment marker; every one writes a file ``pwned`` if any of its
text ever runs. Each test compiles a derivative (in memory, to the disk cache, and as a
standalone module with ``tl.emit``), imports what was written, and checks that nothing
ran, the derivative is right, and the cache holds only files named from a hash.
"""
import ast
import importlib
import re
import sys

import numpy as np
import pytest

import tangentlike as tl
from tangentlike import cache, pipeline


def _payload(tmp_path):
    return "open('pwned', 'w').close()"  # relative (a directory name holds no '/'): cwd is tmp_path


def _dir_names(tmp_path):
    p = _payload(tmp_path)
    return {
        "newline": f"pkg\n{p}\n#",
        "carriage": f"pkg\r{p}\r#",
        "docstring": f'pkg"""\n"#@@ x"\n{p}\n"""',
        "marker": f"pkg\n'#@@ '\n{p}\n'''\n",
        "separators": f"pkg\u2028{p}\x0c\x85#",
    }


@pytest.fixture
def attack(tmp_path, monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    cache.reset()
    pipeline._MEMORY.clear()
    added = []

    def make(kind):
        d = tmp_path / _dir_names(tmp_path)[kind]
        d.mkdir()
        name = f"trust_attack_{kind}"
        (d / f"{name}.py").write_text("import numpy as np\n\n\ndef f(x):\n"
                                      "    return np.sum(np.sin(x) * x)\n")
        sys.path.insert(0, str(d))
        added.append((str(d), name))
        importlib.invalidate_caches()
        return importlib.import_module(name)

    yield make
    for d, name in added:
        sys.path.remove(d)
        sys.modules.pop(name, None)
    cache.reset()


@pytest.mark.parametrize("kind", ["newline", "carriage", "docstring", "marker", "separators"])
def test_a_hostile_directory_name_runs_nothing(attack, tmp_path, kind):
    m = attack(kind)
    x = np.array([0.4, -1.3])
    g = tl.grad(m.f)
    np.testing.assert_allclose(g(x), np.sin(x) + x * np.cos(x), rtol=1e-12)
    src = tl.source(g)
    ast.parse(src)  # one module, whose only docstring is the first statement
    out = tmp_path / "standalone.py"
    text = tl.emit(g, out)
    ns = {}
    exec(compile(out.read_text(), str(out), "exec"), ns)
    np.testing.assert_allclose(ns["grad_f"](x), np.sin(x) + x * np.cos(x), rtol=1e-12)
    # a new process's view: the disk entry, loaded again
    pipeline._MEMORY.clear()
    np.testing.assert_allclose(tl.grad(m.f)(x), np.sin(x) + x * np.cos(x), rtol=1e-12)
    assert pipeline.STATS["disk_hits"] >= 1
    assert not (tmp_path / "pwned").exists()
    for text_ in (src, text):
        tree = ast.parse(text_)
        doc = ast.get_docstring(tree, clean=False)
        assert doc is not None and "\n" not in doc and "\r" not in doc
        calls = [n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call)
                 and isinstance(n.func, ast.Name)]
        assert "open" not in calls
        assert all(not line.startswith("open(") for line in text_.splitlines())


@pytest.mark.parametrize("bad", ["f(x):\n    return x\nopen('pwned', 'w').close()\ndef g",
                                 "../../x", "9lives", "class", ""])
def test_a_function_name_that_is_not_an_identifier_is_refused(attack, tmp_path, bad, monkeypatch):
    m = attack("newline")
    monkeypatch.setattr(m.f, "__name__", bad)
    with pytest.raises(tl.NoSourceError, match="not a Python identifier"):
        tl.grad(m.f)(np.array([1.0]))
    assert not (tmp_path / "pwned").exists()
    assert not list(tmp_path.parent.glob("x*.py"))  # nothing two directories up


def test_cache_files_are_named_from_the_key_only(attack, tmp_path):
    m = attack("newline")
    tl.grad(m.f)(np.array([0.5, 2.0]))
    names = [p.name for p in (tmp_path / "cache").iterdir() if not p.name.startswith(".")]
    assert names and all(re.fullmatch(r"tl-[0-9a-f]{32}\.(py|json)", n) for n in names), names


def test_a_hostile_source_line_in_an_adjoint_comment_stays_a_comment(tmp_path, monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    cache.reset()
    # a form feed and a line separator are not line ends for Python, but splitlines()
    # (the old emitter's) splits there: the comment's tail became a line of code
    p = _payload(tmp_path)
    (tmp_path / "trust_ff.py").write_text(
        "import numpy as np\n\n\ndef f(x):\n"
        f"    for k in range(3):  # \x0c{p}\u2028{p}\n        x = np.sin(x) * 2.0\n"
        "    return x\n",
        encoding="utf-8")
    m = importlib.import_module("trust_ff")
    try:
        g = tl.grad(m.f)
        x1 = np.sin(0.3) * 2.0
        x2 = np.sin(x1) * 2.0
        want = 8.0 * np.cos(x2) * np.cos(x1) * np.cos(0.3)
        assert g(0.3) == pytest.approx(want, rel=1e-12)
        assert "\\x0c" in tl.source(g) and "\x0c" not in tl.source(g)
        assert not (tmp_path / "pwned").exists()
    finally:
        sys.modules.pop("trust_ff", None)
