"""The package as a user and a packager get it: build the sdist and the wheel
(``python -m build``, the sdist first and the wheel from it), install the wheel alone
into a fresh virtual environment, run the README's example there from outside the
repository, type-check a user's file with ``mypy --strict`` against the installed
package, and collect and run tests from the unpacked sdist. Slow (it installs NumPy
into the new environment; pip's cache makes that quick after the first run)."""
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("build")
ROOT = Path(__file__).resolve().parent.parent
USER_FILE = '''"""A user's module, type-checked with mypy --strict against tangentlike."""
import numpy as np
import numpy.typing as npt

import tangentlike as tl


def loss(w: npt.NDArray[np.float64], x: npt.NDArray[np.float64]) -> float:
    return float(np.sum(np.tanh(w * x) ** 2))


def cube(y: float) -> float:
    return y ** 3


w, x = np.ones(3), np.linspace(0.0, 1.0, 3)
g: npt.NDArray[np.float64] = tl.grad(loss)(w, x)
value, dw = tl.value_and_grad(loss, wrt="w")(w, x)
out, tangent = tl.jvp(cube, (2.0,), (1.0,))
hess = tl.hessian(loss)(w, x)
d: tl.Derivative = tl.grad(cube, wrt=0, mode="forward")
src: str = tl.source(d)


@tl.grad(wrt="y")
def slope(y: float) -> float:
    return y * y


print(g, value, dw, out, tangent, hess, src, slope(3.0))
'''


def run(*cmd, cwd=None, env=None, timeout=300):
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, cmd))}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def clean_env():
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """``(wheel, sdist, venv python)``: the wheel installed alone into a fresh venv."""
    tmp = tmp_path_factory.mktemp("pkg")
    src = tmp / "src"  # a copy: building writes tangentlike.egg-info next to the sources
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", "__pycache__", "*.egg-info", "build", "dist", ".hypothesis", ".pytest_cache"))
    run(sys.executable, "-m", "build", "--outdir", tmp / "dist", src, cwd=tmp, env=clean_env())
    (wheel,) = (tmp / "dist").glob("*.whl")
    (sdist,) = (tmp / "dist").glob("*.tar.gz")
    run(sys.executable, "-m", "venv", "--without-pip", tmp / "venv")
    python = tmp / "venv" / ("Scripts" if os.name == "nt" else "bin") / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
        "--disable-pip-version-check", wheel, env=clean_env())
    return wheel, sdist, python, tmp


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## A 30-second example", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_wheel_metadata_license_and_types(built):
    wheel = built[0]
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        meta = z.read("tangentlike-0.1.0.dist-info/METADATA").decode()
    assert "tangentlike/py.typed" in names
    assert "tangentlike-0.1.0.dist-info/licenses/LICENSE" in names
    assert not any(n.startswith(("tests/", "examples/")) for n in names)
    assert "License-Expression: Apache-2.0" in meta and "Classifier: Typing :: Typed" in meta
    assert "Provides-Extra: graph" in meta


def test_readme_example_runs_from_the_installed_wheel(built, tmp_path):
    _, _, python, _ = built
    (tmp_path / "example.py").write_text(readme_example())
    out = run(python, "example.py", cwd=tmp_path, env=clean_env())
    assert "def grad_loss(W, xs):" in out and "func loss(%W, %xs) {" in out
    where = run(python, "-c", "import tangentlike; print(tangentlike.__file__)", cwd=tmp_path,
                env=clean_env())
    assert str(ROOT) not in where and "site-packages" in where  # the wheel, not this tree
    script = python.parent / "tangentlike"
    assert run(script, "-h", cwd=tmp_path, env=clean_env()).startswith("Usage: tangentlike")


def test_mypy_strict_accepts_a_user_file(built, tmp_path):
    pytest.importorskip("mypy")
    _, _, python, _ = built
    (tmp_path / "user.py").write_text(USER_FILE)
    out = run(sys.executable, "-m", "mypy", "--strict", "--python-executable", python,
              "--cache-dir", tmp_path / "cache", "user.py", cwd=tmp_path, env=clean_env())
    assert out.startswith("Success: no issues found")


def test_sdist_carries_a_test_suite_that_runs(built, tmp_path):
    _, sdist, _, _ = built
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp_path, filter="data") if sys.version_info >= (3, 12) \
            else tar.extractall(tmp_path)
    (top,) = tmp_path.iterdir()
    for needed in ("LICENSE", "tests/golden/programs.py", "tests/conftest.py", "examples"):
        assert (top / needed).exists(), needed
    env = dict(clean_env(), PYTHONPATH=str(top))
    collected = run(sys.executable, "-m", "pytest", "--collect-only", "-q", "-p",
                    "no:cacheprovider", cwd=top, env=env)
    assert "ERROR" not in collected and not re.search(r"\b\d+ errors?\b", collected)
    assert "tests/test_golden.py" in collected and "tests/fuzz/test_fuzz.py" in collected
    ran = run(sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/test_golden.py",
              cwd=top, env=env)
    assert re.search(r"\d+ passed", ran) and "failed" not in ran
