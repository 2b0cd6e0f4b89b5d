"""Golden files: the printed IR and the generated gradient of small programs.

For each program of tests/golden/programs.py (listed in ``GOLDEN``) two files
are checked in and compared exactly:

* ``<name>.ir.txt`` — ``tl.ir(f)``, the SSA IR the frontend lowers it to;
* ``<name>.grad.py`` — the generated gradient source of the variant that a
  call with the program's arguments compiles.

Which source is that: ``g.compiled(args)`` takes the argument kinds (float,
array, container) from ``args`` exactly as ``g(*args)`` does, so after the call
it returns the very ``Compiled`` the call ran (a memory-cache hit, asserted
below); the test uses its ``.source``. ``tl.source(g)`` is not used: in the
tree this was written against it compiled the array-argument variant whatever
``g`` had been called with, so for Python-float arguments it showed a
different specialization than the one that ran.

The generated docstring names the source file by absolute path; the test
replaces the path of tests/golden/ with ``<golden>`` so the files are the same
on every machine.

To accept a change in code generation, regenerate the files with
``TANGENTLIKE_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and
review the diff. Each golden gradient is also checked against central finite
differences, so a regenerated file is at least numerically right.
"""
import os
import sys
from pathlib import Path

import numpy as np
import pytest

import tangentlike as tl

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
if str(GOLDEN_DIR) not in sys.path:  # also under --import-mode=importlib
    sys.path.insert(0, str(GOLDEN_DIR))
import programs  # noqa: E402

NAMES = sorted(programs.GOLDEN)
UPDATE = os.environ.get("TANGENTLIKE_UPDATE_GOLDEN") == "1"
PLACEHOLDER = "<golden>"


def normalize(text: str) -> str:
    """Replace the machine-specific location of tests/golden/ with a placeholder."""
    for d in {str(GOLDEN_DIR), os.path.realpath(GOLDEN_DIR), str(Path(programs.__file__).parent)}:
        text = text.replace(d, PLACEHOLDER)
    return text


def check_golden(path: Path, actual: str):
    if UPDATE:
        path.write_text(actual)
        return
    assert path.exists(), (f"missing golden file {path.name}; create it with "
                           "TANGENTLIKE_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py")
    expected = path.read_text()
    assert actual == expected, (f"{path.name} differs from the generated text; if the change is "
                                "intended, regenerate with TANGENTLIKE_UPDATE_GOLDEN=1")


def called_variant(name):
    """(gradient object, arguments, result of calling it, source of the called variant)."""
    fn, make_args, wrt = programs.GOLDEN[name]
    g = tl.grad(fn, wrt=wrt)
    args = make_args()
    result = g(*args)
    compiled = g.compiled(list(args))
    assert g.compiled(list(args)) is compiled  # the memory cache: the variant just called
    return g, args, result, compiled


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path / "cache"))


def test_programs_cover_the_list():
    assert len(NAMES) >= 10


@pytest.mark.parametrize("name", NAMES)
def test_ir_golden(name):
    fn = programs.GOLDEN[name][0]
    check_golden(GOLDEN_DIR / f"{name}.ir.txt", tl.ir(fn))


@pytest.mark.parametrize("name", NAMES)
def test_grad_source_golden(name):
    _, args, result, compiled = called_variant(name)
    src = normalize(compiled.source)
    assert "/" + GOLDEN_DIR.name + "/" not in src, "an absolute path survived normalization"
    check_golden(GOLDEN_DIR / f"{name}.grad.py", src)
    # The source is the code that ran: its entry point gives the same gradient.
    again = compiled.fn(*programs.GOLDEN[name][1]())
    for a, b in zip(_as_tuple(result), _as_tuple(again)):
        np.testing.assert_array_equal(a, b)


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


def _fd(fn, args, i):
    """Central finite differences of scalar ``fn`` wrt argument ``i``."""
    def at(x):
        return float(fn(*(args[:i] + (x,) + args[i + 1:])))

    x = args[i]
    if isinstance(x, float):
        h = 1e-6 * max(1.0, abs(x))
        return (at(x + h) - at(x - h)) / (2 * h)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        h = 1e-6 * max(1.0, abs(x[idx]))
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        g[idx] = (at(xp) - at(xm)) / (2 * h)
    return g


@pytest.mark.parametrize("name", NAMES)
def test_golden_gradient_matches_finite_differences(name):
    fn, make_args, wrt = programs.GOLDEN[name]
    _, args, result, _ = called_variant(name)
    params = list(fn.__code__.co_varnames[:fn.__code__.co_argcount])
    positions = [w if isinstance(w, int) else params.index(w) for w in _as_tuple(wrt)]
    grads = _as_tuple(result)
    assert len(grads) == len(positions)
    for pos, g in zip(positions, grads):
        assert np.shape(g) == np.shape(args[pos])
        np.testing.assert_allclose(g, _fd(fn, make_args(), pos), rtol=1e-5, atol=1e-7,
                                   err_msg=f"{name}: d/d(arg {pos})")
