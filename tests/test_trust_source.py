"""Reading the right source (issue 13): a file edited after import, decorators made with
``functools.wraps`` in another module, files that are not UTF-8.

Each program is a real file under ``tmp_path``, imported as a module. Gradients are
compared with closed forms (exact to rounding: rtol 1e-12) or with central finite
differences (step 1e-6, rtol 1e-6: the truncation error of these smooth functions is
~1e-10 relative).
"""
import importlib
import sys

import numpy as np
import pytest

import tangentlike as tl
from tangentlike import cache


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.syspath_prepend(str(tmp_path))
    cache.reset()
    names = []

    def write(name, text, raw=False):
        path = tmp_path / f"{name}.py"
        path.write_bytes(text if raw else text.encode("utf-8"))
        names.append(name)
        return path

    def load(name):
        importlib.invalidate_caches()
        sys.modules.pop(name, None)
        return importlib.import_module(name)

    write.load = load
    yield write
    for name in names:
        sys.modules.pop(name, None)
    cache.reset()


PROG = "import numpy as np\n\n\ndef f(x):\n    return np.sin(x)\n\n\ndef g(x):\n    return x * x * x\n"


def test_another_function_at_the_old_line_is_refused(files):
    path = files("edited_a", PROG)
    m = files.load("edited_a")
    # g now sits where f was: the old code read g's body and called it grad_f
    path.write_text("import numpy as np\n\n\ndef g(x):\n    return x * x * x\n\n\n"
                    "def f(x):\n    return np.cos(x)\n")
    with pytest.raises(tl.NoSourceError, match="changed since the function was defined"):
        tl.grad(m.f)(0.5)


def test_a_body_edited_in_place_is_refused(files):
    path = files("edited_b", PROG)
    m = files.load("edited_b")
    path.write_text(PROG.replace("np.sin(x)", "np.cos(x)"))  # same lines, new text
    with pytest.raises(tl.NoSourceError, match="changed since"):
        tl.grad(m.f)(0.5)


def test_an_edit_elsewhere_in_the_file_is_fine(files):
    path = files("edited_c", PROG)
    m = files.load("edited_c")
    path.write_text(PROG + "\n\ndef h(x):\n    return x\n")  # f itself is untouched
    assert tl.grad(m.f)(0.5) == pytest.approx(np.cos(0.5), rel=1e-12)


UTILS = '''import functools

EPS = 1.0


def traced(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


def twice(fn):
    @functools.wraps(fn)
    def again(*args, **kwargs):
        return fn(*args, **kwargs)
    return again
'''
MODEL = '''import numpy as np
from trust_utils import traced, twice

EPS = 0.001


@traced
def helper(x):
    return np.tanh(x) * EPS


@twice
@traced
def chained(x):
    return np.sum(helper(x) * x)


@traced
def loss(x):
    return np.sum(helper(x) ** 2)
'''


def test_functools_wraps_resolves_names_in_the_wrapped_functions_module(files):
    files("trust_utils", UTILS)
    files("trust_model", MODEL)
    m = files.load("trust_model")
    x = np.array([0.3, -0.8, 1.1])
    # loss = sum((EPS tanh x)^2) with model.EPS = 1e-3 (not utils.EPS = 1.0; utils has no np)
    want = 2 * 1e-3 ** 2 * np.tanh(x) * (1 - np.tanh(x) ** 2)
    np.testing.assert_allclose(tl.grad(m.loss)(x), want, rtol=1e-12)
    # a chain of two decorators, and a wrapped helper called from it
    want = 1e-3 * (np.tanh(x) + x * (1 - np.tanh(x) ** 2))
    np.testing.assert_allclose(tl.grad(m.chained)(x), want, rtol=1e-12)


def test_a_comment_that_is_not_utf8(files):
    files("trust_latin", b"import numpy as np\n\n\ndef f(x):\n    # caf\xe9 cr\xe8me\n"
                         b"    return np.sin(x) * 2.0\n", raw=True)
    m = files.load("trust_latin")
    assert tl.grad(m.f)(0.3) == pytest.approx(2 * np.cos(0.3), rel=1e-12)


def test_a_declared_coding_other_than_utf8(files):
    files("trust_cp1252", b"# coding: cp1252\nimport numpy as np\n\n\ndef g(x):\n"
                          b"    \"\"\"\x93quoted\x94\"\"\"\n    return x ** 3\n\n\ndef f(x):\n"
                          b"    # \x80 \x93\n    return g(x) + 1.0\n", raw=True)
    m = files.load("trust_cp1252")
    assert tl.grad(m.f)(0.5) == pytest.approx(0.75, rel=1e-12)


def test_nested_function_with_nonlocal_is_still_read(files):
    files("trust_nested", "def make():\n    k = 3.0\n\n    def inner(x):\n"
                          "        return k * x * x\n    return inner\n\n\nf = make()\n")
    m = files.load("trust_nested")
    assert tl.grad(m.f)(2.0) == pytest.approx(12.0, rel=1e-12)


NO_FALSE_ALARM = '''from __future__ import annotations

import numpy as np
import tangentlike as tl


def annotated(x: np.ndarray) -> float:
    def inner(y: np.ndarray) -> np.ndarray:
        return y * y
    return np.sum(inner(x))


@tl.grad
def decorated(x):
    return np.sum(np.sin(x))


class Model:
    @staticmethod
    def loss(x):
        return np.sum(x * x * x)
'''


def test_future_annotations_decorators_and_methods_are_read(files):
    files("trust_noalarm", NO_FALSE_ALARM)
    m = files.load("trust_noalarm")
    x = np.array([0.3, -1.1])
    np.testing.assert_allclose(tl.grad(m.annotated)(x), 2 * x, rtol=1e-12)
    np.testing.assert_allclose(m.decorated(x), np.cos(x), rtol=1e-12)
    np.testing.assert_allclose(tl.grad(m.Model.loss)(x), 3 * x * x, rtol=1e-12)
