"""Values tangentlike refuses instead of guessing (issue 13, items 11 and 12): complex
numbers and subclasses of ``np.ndarray``, as arguments (differentiated or not, in every
entry point) and as constants of the differentiated code. The programs are real files."""
import importlib
import sys
import warnings

import numpy as np
import pytest

pytestmark = pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")

import tangentlike as tl
from tangentlike import cache

PROG = '''import numpy as np

C = np.array([1.0 + 1.0j, 2.0])
M = np.matrix([[1.0, 2.0], [3.0, 4.0]])
A = np.array([[1.0, 2.0], [3.0, 4.0]])


def sq(z):
    return np.abs(z) ** 2


def mixed(x, z):
    return np.sum(np.real(x * z))


def times(x, B):
    return np.sum(B * x)


def lit(x):
    return np.sum(np.real(x * 1j))


def glob_complex(x):
    return np.sum(np.real(C * x))


def glob_matrix(x):
    return np.sum(M * x)


def as_complex(x):
    return np.sum(np.real(x.astype(complex)))


def plain(x):
    return np.sum(A * x * x)
'''


@pytest.fixture
def prog(tmp_path, monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.syspath_prepend(str(tmp_path))
    cache.reset()
    (tmp_path / "trust_values_prog.py").write_text(PROG)
    importlib.invalidate_caches()
    yield importlib.import_module("trust_values_prog")
    sys.modules.pop("trust_values_prog", None)


X = np.array([[0.5, -1.0], [2.0, 0.25]])
with warnings.catch_warnings():
    warnings.simplefilter("ignore", PendingDeprecationWarning)  # np.matrix is discouraged
    MAT = np.matrix([[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize("call", [
    lambda m: tl.grad(m.sq)(1.0 + 2.0j),                       # |z|^2: no convention is guessed
    lambda m: tl.grad(m.sq)(np.array([1.0 + 2.0j])),
    lambda m: tl.grad(m.sq)(np.complex128(1.0 + 2.0j)),
    lambda m: tl.grad(m.mixed)(X, X * 1j),                      # complex, not differentiated
    lambda m: tl.grad(m.mixed)(X, [1j]),
    lambda m: tl.value_and_grad(m.mixed)(X, 2j),
    lambda m: tl.vjp(m.mixed, X, 1j),
    lambda m: tl.jvp(m.sq, (1.0 + 1.0j,), (1.0,)),
    lambda m: tl.jacfwd(m.sq)(np.array([1.0 + 1.0j])),
    lambda m: tl.jacrev(m.mixed)(X, 1j),
    lambda m: tl.grad(m.mixed, mode="forward")(X, 1j),
], ids=["grad", "grad-array", "grad-np-scalar", "other-arg", "in-list", "value_and_grad",
        "vjp", "jvp", "jacfwd", "jacrev", "forward"])
def test_complex_arguments_are_refused(prog, call):
    with pytest.raises(tl.DifferentiationTypeError, match="is complex"):
        call(prog)


@pytest.mark.parametrize("call", [
    lambda m: tl.grad(m.times)(X, MAT),                         # '*' is a matrix product there
    lambda m: tl.grad(m.times)(MAT, X),
    lambda m: tl.grad(m.times)(X, np.ma.array(X)),
    lambda m: tl.vjp(m.times, X, MAT),
    lambda m: tl.hessian(m.times)(X, MAT),
], ids=["matrix-other", "matrix-wrt", "masked", "vjp", "hessian"])
def test_ndarray_subclasses_are_refused(prog, call):
    with pytest.raises(tl.DifferentiationTypeError, match="subclass of np.ndarray"):
        call(prog)


@pytest.mark.parametrize("name, match", [
    ("lit", "a complex number"), ("glob_complex", "'C', a complex array"),
    ("glob_matrix", "'M', a numpy.matrix"), ("as_complex", "the complex type complex"),
])
def test_complex_and_subclass_constants_are_located_errors(prog, name, match):
    with pytest.raises(tl.UnsupportedSyntaxError, match=match) as e:
        tl.grad(getattr(prog, name))(X)
    assert e.value.lineno == PROG.splitlines().index(f"def {name}(x):") + 2


def test_plain_arrays_still_work(prog):
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(tl.grad(prog.plain)(X), 2 * A * X, rtol=1e-12)
    np.testing.assert_allclose(tl.grad(prog.times)(X, A), A, rtol=1e-12)
    np.testing.assert_allclose(tl.grad(prog.times)(X, np.asarray(MAT)), A, rtol=1e-12)
