"""An error raised inside generated code names the user's line it came from.

The generated module ends in a source map (``backend/sourcemap.py``); when an
exception escapes it, ``rt.source_note`` adds a PEP 678 note naming the narrowest
mapped piece of the failing line: a subexpression written inline from another
source line is found by its columns, not by the statement around it.
"""
import importlib.util
import itertools
import textwrap

import numpy as np
import pytest

import tangentlike as tl
from tangentlike import runtime as rt
from tangentlike.runtime.sourcemap import PREFIX

MODEL = textwrap.dedent("""\
    import numpy as np


    def loss(W, V, x):
        h = np.tanh(W @ x)
        out = V @ h
        return np.sum(out * out)


    def layer(W, x):
        return np.tanh(W @ x)


    def total(W, V, x):
        return np.sum(GRAD(W, V, x))
    """)
_COUNT = itertools.count()


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "model.py"
    path.write_text(MODEL)
    return _load(path, f"tl_error_lines_model_{next(_COUNT)}"), str(path)


def _notes(info):
    return [n for n in getattr(info.value, "__notes__", ()) if n.startswith(PREFIX)]


def test_shape_error_in_the_primal_sweep_names_its_line(model):
    mod, path = model
    W, V, x = np.ones((4, 3)), np.ones((2, 5)), np.ones(3)  # V @ h: 5 != 4
    with pytest.raises(ValueError, match="matmul") as info:
        tl.grad(mod.loss, wrt=(0, 1))(W, V, x)
    assert _notes(info) == [f"in the derivative of loss: {path}, line 6: out = V @ h"]


def test_first_line_is_found_by_its_columns(model):
    """The failing W @ x is inline in a statement of another line of the gradient."""
    mod, path = model
    with pytest.raises(ValueError) as info:
        tl.grad(mod.loss)(np.ones((4, 3)), np.ones((2, 4)), np.ones(2))
    assert _notes(info) == [f"in the derivative of loss: {path}, line 5: h = np.tanh(W @ x)"]


def test_emitted_module_notes_the_line(model, tmp_path):
    mod, path = model
    out = tmp_path / "grad_model.py"
    tl.emit(tl.grad(mod.loss, wrt=(0, 1)), out)
    emitted = _load(out, f"tl_error_lines_grad_{next(_COUNT)}")
    with pytest.raises(ValueError) as info:
        emitted.grad_loss(np.ones((4, 3)), np.ones((2, 5)), np.ones(3))
    assert _notes(info) == [f"in the derivative of loss: {path}, line 6: out = V @ h"]
    W, V, x = np.ones((4, 3)), np.ones((2, 4)), np.ones(3)  # and it still computes
    np.testing.assert_allclose(emitted.grad_loss(W, V, x)[1],
                               tl.grad(mod.loss, wrt=(0, 1))(W, V, x)[1])


def test_pullback_and_forward_mode_note_the_line(model):
    mod, path = model
    W, x = np.ones((4, 3)), np.ones(3)
    out, pullback = tl.vjp(mod.layer, W, x)
    with pytest.raises(ValueError) as info:
        pullback(np.ones(5))  # a cotangent of the wrong shape
    assert _notes(info) and _notes(info)[0].startswith(f"in the derivative of layer: {path}, line 11")
    x2 = np.ones(2)
    with pytest.raises(ValueError) as info:
        tl.jvp(mod.layer, (W, x2), (W, x2))  # W @ x: 3 != 2
    assert _notes(info) == [f"in the derivative of layer: {path}, line 11: return np.tanh(W @ x)"]


def test_one_note_through_nested_derivatives(model):
    """A second-order derivative runs generated code inside generated code: one note."""
    mod, path = model
    mod.GRAD = tl.grad(mod.loss)
    with pytest.raises(ValueError) as info:
        tl.grad(mod.total)(np.ones((4, 3)), np.ones((2, 5)), np.ones(3))
    notes = _notes(info)
    assert len(notes) == 1 and notes[0].startswith("in the derivative of ")
    # the failing line is in the first derivative's module: mapped on to the user's line
    assert notes == [f"in the derivative of loss: {path}, line 6: out = V @ h"]


def test_source_note_never_raises_and_adds_nothing_unmapped():
    e = ValueError("plain")
    assert rt.source_note(e) is e and not getattr(e, "__notes__", None)
    try:
        raise KeyError("outside generated code")
    except KeyError as err:
        rt.source_note(err)
        assert not getattr(err, "__notes__", None)


def test_source_comments_every_differentiated_line(model):
    mod, _ = model
    args = [np.ones((4, 3)), np.ones((2, 4)), np.ones(3)]
    src = tl.grad(mod.loss, wrt=(0, 1)).compiled(args).source
    for n, text in ((7, "return np.sum(out * out)"), (6, "out = V @ h"),
                    (5, "h = np.tanh(W @ x)")):
        assert f"# adjoint of line {n}: {text}" in src
    assert "# adjoint of line 4" not in src  # the def line seeds; it is not an adjoint
    assert "_SOURCE_MAP" not in src  # tl.source shows the code, the file holds the map
