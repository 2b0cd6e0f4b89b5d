"""Golden files of the derivative modules emitted for the programs in examples/
(issue 4: generated code is reviewed like hand-written code). A change to code
generation shows up here as a diff; regenerate with
``TANGENTLIKE_UPDATE_GOLDEN=1 python -m pytest tests/test_example_goldens.py``.
Each is ``tl.emit`` of ``tl.grad`` (the standalone module the CLI writes), so it also
checks that emission stays deterministic. Functions of lists or dicts of arrays
(train_mlp, rnn_bptt) are left out: their emitted form depends on the containers."""
import importlib.util
import os
import pathlib

import pytest

import tangentlike as tl

ROOT = pathlib.Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "examples"
CASES = [("quickstart", "square", 0), ("gradient_descent", "rosenbrock", 0),
         ("determinant", "determinant", 0), ("matrix_calculus", "log_abs_det", 0),
         ("autograd_tutorial", "f", 0),
         ("hessian_vector", "logistic_loss", 0), ("lagrange", "lagrangian", 0),
         ("rnn_loss", "loss", "W"), ("computational_graph", "e", (0, 1)),
         ("forward_vs_reverse", "energy", 0), ("three_ways", "logistic", 0)]
_MODULES = {}


def _function(example, name):
    if example not in _MODULES:
        path = ROOT / "examples" / f"{example}.py"
        spec = importlib.util.spec_from_file_location(f"example_{example}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _MODULES[example] = module
    fn = getattr(_MODULES[example], name)
    return getattr(fn, "primal", fn)  # rnn_loss decorates its loss with @tl.grad


@pytest.mark.parametrize("example, name, wrt", CASES, ids=[f"{e}.{n}" for e, n, _ in CASES])
def test_emitted_gradient_matches_golden(example, name, wrt, capsys):
    src = tl.emit(tl.grad(_function(example, name), wrt=wrt))
    capsys.readouterr()  # the examples print when imported
    src = src.replace(str(ROOT) + os.sep, "")
    path = GOLDEN / f"{example}.{name}.py"
    if os.environ.get("TANGENTLIKE_UPDATE_GOLDEN"):
        path.write_text(src)
    assert path.exists(), f"no golden file {path}: run with TANGENTLIKE_UPDATE_GOLDEN=1"
    assert src == path.read_text(), f"{path.name} changed: review the diff, then regenerate"
    assert src == tl.emit(tl.grad(_function(example, name), wrt=wrt)).replace(
        str(ROOT) + os.sep, "")  # byte-identical when emitted again
