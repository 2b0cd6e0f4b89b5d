"""Specialised emission: tl.emit / the CLI write the code tl.grad compiles for such arguments.

What the arguments are comes from annotations (``k: float``), a spelling
(``like='W=array(n, n)'``, ``--like``) or example arguments; the module checks on
each call that its arguments fit, and ``general=True`` / ``--general`` keeps the
variant for any arguments.
"""
import importlib.util
import itertools
import re
import textwrap

import numpy as np
import pytest
from click.testing import CliRunner

import tangentlike as tl
from tangentlike.cli import main
from tangentlike.runtime import like as rtlike

PROGRAM = textwrap.dedent("""\
    import numpy as np


    def rhs(y, k):
        return -k * y + np.sin(y)


    def ode(k: float, y0: float, n: int) -> float:
        y = y0
        h = 0.01
        for t in range(n):
            k1 = rhs(y, k)
            k2 = rhs(y + 0.5 * h * k1, k)
            y = y + h * k2
        return y * y


    def rnn(W, xs):
        h = np.zeros(W.shape[0])
        for x in xs:
            h = np.tanh(W @ h + x)
        return np.sum(h * h)


    def rnn_annotated(W: "array(n, n)", xs: "array(n, n)"):
        h = np.zeros(W.shape[0])
        for x in xs:
            h = np.tanh(W @ h + x)
        return np.sum(h * h)
    """)
_COUNT = itertools.count()
W = 0.3 * np.random.default_rng(0).standard_normal((4, 4))
XS = np.random.default_rng(1).standard_normal((6, 4))


def _load(path):
    spec = importlib.util.spec_from_file_location(f"tl_spec_{next(_COUNT)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def prog(tmp_path):
    path = tmp_path / "prog.py"
    path.write_text(PROGRAM)
    return _load(path)


def _emit(g, tmp_path, **kw):
    path = tmp_path / f"grad_{next(_COUNT)}.py"
    src = tl.emit(g, path, **kw)
    return src, _load(path)


def _body(src, name):
    """The statements of ``def name`` in ``src``, without the error-note wrapper and the
    argument check: what tl.grad's own code should be."""
    lines = src.split(f"def {name}(", 1)[1].split("\n")[1:]
    out = []
    for ln in lines:
        if ln and not ln.startswith(" "):
            break
        out.append(ln)
    text = "\n".join(out)
    if text.lstrip().startswith("try:"):
        text = text.split("try:\n", 1)[1].rsplit("    except Exception as error:", 1)[0]
        text = textwrap.dedent(text)
        text = textwrap.indent(text, "    ")
    return "\n".join(ln for ln in text.split("\n")
                     if "rt.check_like(" not in ln and ln.strip()).strip()


def test_annotations_give_the_scalar_fast_path_tl_grad_compiles(prog, tmp_path):
    g = tl.grad(prog.ode, wrt=(0, 1))
    src, mod = _emit(g, tmp_path)
    assert "# Specialised for k=float y0=float n=int" in src
    assert "rt.check_like('grad_ode', 'k=float y0=float n=int', k, y0, n)" in src
    assert "rt.unbroadcast" not in src  # the scalar fast path
    expect = g(0.7, 1.3, 20)
    assert _body(src, "grad_ode") == _body(g.source, "grad_ode")
    got = mod.grad_ode(0.7, 1.3, 20)
    assert got == expect and all(type(v) is float for v in got)
    h = 1e-6  # and it is the derivative: central differences, float64 (rtol 1e-6)
    fd = (prog.ode(0.7 + h, 1.3, 20) - prog.ode(0.7 - h, 1.3, 20)) / (2 * h)
    assert got[0] == pytest.approx(fd, rel=1e-6)


def test_example_arguments_give_tl_grads_array_variant(prog, tmp_path):
    g = tl.grad(prog.rnn)
    src, mod = _emit(g, tmp_path, example=(W, XS))
    assert "# Specialised for W=array(n, n) xs=array(n, n)" in src
    expect = g(W, XS)
    assert _body(src, "grad_rnn") == _body(g.source, "grad_rnn")
    np.testing.assert_array_equal(mod.grad_rnn(W, XS), expect)
    np.testing.assert_array_equal(  # other sizes of the same pattern fit
        mod.grad_rnn(W[:3, :3], XS[:2, :3]), g(W[:3, :3], XS[:2, :3]))


def test_string_annotations_and_like_spell_the_same(prog, tmp_path):
    a, _ = _emit(tl.grad(prog.rnn_annotated), tmp_path)
    b, _ = _emit(tl.grad(prog.rnn), tmp_path, like="W=array(n, n) xs=array(n, n)")
    def code(text):
        return [ln for ln in text.split("\n") if not ln.lstrip().startswith("#")]

    assert code(_body(a, "grad_rnn_annotated")) == code(_body(b, "grad_rnn"))
    assert "W=array(n, n) xs=array(n, n)" in a


@pytest.mark.parametrize("args, what", [
    ((np.ones((4, 1)), XS), "W=array(n, n), but W is an array of shape (4, 1)"),
    ((W, XS[0]), "xs=array(n, n), but xs is an array of shape (4,)"),
    ((W.tolist(), XS), "W=array(n, n), but W is a list"),
])
def test_arguments_that_do_not_fit_raise_a_clear_error(prog, tmp_path, args, what):
    _, mod = _emit(tl.grad(prog.rnn), tmp_path, example=(W, XS))
    with pytest.raises(tl.ArgumentError, match=re.escape(what)) as info:
        mod.grad_rnn(*args)
    assert "--general" in str(info.value)


def test_scalar_module_refuses_arrays_and_numpy_scalars(prog, tmp_path):
    _, mod = _emit(tl.grad(prog.ode, wrt=(0, 1)), tmp_path)
    with pytest.raises(tl.ArgumentError, match="k=float, but k is an array"):
        mod.grad_ode(np.array([0.7]), 1.3, 20)
    with pytest.raises(tl.ArgumentError, match="NumPy float32 scalar"):
        mod.grad_ode(np.float32(0.7), 1.3, 20)  # its gradient would not be float32
    assert mod.grad_ode(1, 1.3, 20) == mod.grad_ode(1.0, 1.3, 20)  # an int is a number


def test_general_keeps_the_variant_for_any_arguments(prog, tmp_path):
    g = tl.grad(prog.ode, wrt=(0, 1))
    src, mod = _emit(g, tmp_path, general=True)
    assert "check_like" not in src and "Specialised" not in src
    assert "rt.unbroadcast" in src
    assert mod.grad_ode(0.7, 1.3, 20) == pytest.approx(g(0.7, 1.3, 20), rel=1e-12)
    got = mod.grad_ode(np.float32(0.7), 1.3, 20)[0]  # what the specialised one refuses
    assert type(got) is np.float32 and got == pytest.approx(g(0.7, 1.3, 20)[0], rel=1e-5)
    with pytest.raises(tl.ArgumentError):
        tl.emit(g, general=True, like="k=float")


def test_unannotated_function_without_example_is_the_general_variant(prog):
    src = tl.emit(tl.grad(prog.rnn))
    assert "check_like" not in src and "Specialised" not in src


def test_cli_like_and_general(prog, tmp_path):
    path = prog.__file__
    runner = CliRunner()
    out = runner.invoke(main, ["grad", f"{path}:rnn", "--like", "W=array(n, n) xs=array(n, n)"])
    assert out.exit_code == 0, out.output
    assert out.output == tl.emit(tl.grad(prog.rnn), example=(W, XS))
    out = runner.invoke(main, ["grad", f"{path}:ode", "--general"])
    assert out.exit_code == 0 and "check_like" not in out.output
    out = runner.invoke(main, ["grad", f"{path}:ode", "--like", "q=float"])
    assert out.exit_code == 1 and "ode does not have" in out.output


def test_spelling():
    likes = rtlike.parse("W=array(n, 1, ?) z=array(4, float32) k=float s=scalar a=any")
    assert likes["W"].pattern == (0, 1, None) and likes["W"].kind == "num"
    assert likes["z"].sizes == (4,) and likes["z"].dtype == np.float32
    assert likes["k"].pattern == rtlike.PY and likes["s"].pattern == ()
    assert likes["a"].kind is None
    assert likes["z"].fits(np.ones(4, np.float32)) and not likes["z"].fits(np.ones(4))
    assert not likes["z"].fits(np.ones(5, np.float32))
    assert likes["W"].fits(np.ones((3, 1, 1))) and not likes["W"].fits(np.ones((3, 2, 1)))
    assert rtlike.spell(np.ones((3, 1))) == "array(n, 1)" and rtlike.spell(2) == "int"
    for bad in ("W=array(n", "W=matrix", "W"):
        with pytest.raises(tl.ArgumentError):
            rtlike.parse(bad)


def test_py_pattern_is_the_compilers():
    from tangentlike.analysis.shapes import PY
    assert rtlike.PY == PY
