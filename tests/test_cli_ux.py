"""What a user meets around the compiler: the command line's help and hints, pictures
from ``graph -o``, progress on long compiles (stderr and the ``tangentlike`` logger),
and errors that show the user's frames rather than the compiler's."""
import logging
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

import click
import numpy as np
import pytest
from click.testing import CliRunner

import tangentlike as tl
from tangentlike import progress
from tangentlike.cli import main
from tangentlike.transforms import reverse as reverse_mode

PACKAGE = str(Path(tl.__file__).resolve().parent) + os.sep
PROG = '''import numpy as np


def mlp(W, x):
    return np.sum(np.tanh(W @ x))


def poly(x):
    return x * x * x + 2.0 * x


def bad(x):
    try:
        return x
    except ValueError:
        return x
'''


@pytest.fixture
def prog(tmp_path, monkeypatch):
    (tmp_path / "uxprog.py").write_text(PROG)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path)] + sys.path)
    yield tmp_path
    sys.modules.pop("uxprog", None)


def invoke(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env)


def one_error_line(result):
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tangentlike: error: "), result.stderr
    return lines[0]


def commands(group, path=()):
    for name, cmd in sorted(group.commands.items()):
        yield path + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from commands(cmd, path + (name,))


ALL = [()] + [p for p, _ in commands(main)]


@pytest.mark.parametrize("path", ALL, ids=[" ".join(p) or "tangentlike" for p in ALL])
def test_dash_h_is_help_everywhere(path):
    short, long = invoke(*path, "-h"), invoke(*path, "--help")
    assert short.exit_code == 0 and short.stdout.startswith("Usage: ")
    assert short.stdout == long.stdout and "-h, --help" in short.stdout


def test_every_option_has_help_text():
    missing = []
    for path, cmd in [((), main)] + list(commands(main)):
        for p in cmd.params:
            if isinstance(p, click.Option) and not (p.help or "").strip():
                missing.append(f"{' '.join(path) or 'tangentlike'} {p.opts[0]}")
    assert missing == []
    assert "reverse: one sweep back" in invoke("grad", "-h").stdout  # --mode, with its help


def test_check_suggests_shapes_when_float_inputs_fail(prog):
    line = one_error_line(invoke("check", "uxprog.py:mlp"))
    assert "mlp raised TypeError: unsupported operand type(s) for @" in line
    assert "W, x were random floats" in line and "--shape W=3,4" in line
    ok = invoke("check", "uxprog.py:mlp", "--shape", "W=3,2", "--shape", "x=2")
    assert ok.exit_code == 0 and "1 of 1 passed" in ok.stdout
    only_w = one_error_line(invoke("check", "uxprog.py:mlp", "--shape", "W=3,2"))
    assert "x was a random float" in only_w and "--shape x=3" in only_w


def test_graph_to_an_unknown_format_is_an_error(prog):
    line = one_error_line(invoke("graph", "uxprog.py:poly", "-o", "p.txt"))
    assert "unknown output format '.txt'" in line and "svg" in line and "dot" in line
    assert not (prog / "p.txt").exists()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("suffix, magic", [(".jpg", b"\xff\xd8\xff"), (".png", b"\x89PNG"),
                                           (".pdf", b"%PDF")])
def test_graph_draws_pictures_with_dot(prog, suffix, magic):
    result = invoke("graph", "uxprog.py:poly", "--grad", "-o", f"p{suffix}")
    assert result.exit_code == 0, result.stderr
    assert (prog / f"p{suffix}").read_bytes().startswith(magic)  # a picture, not DOT text


def test_graph_picture_without_dot_exits_non_zero(prog, monkeypatch):
    monkeypatch.setenv("PATH", str(prog))
    line = one_error_line(invoke("graph", "uxprog.py:poly", "-o", "e.jpg"))
    assert "needs Graphviz's dot program" in line
    assert not (prog / "e.jpg").exists()


def test_progress_lines_for_slow_compiles(prog, monkeypatch):
    quick = invoke("grad", "uxprog.py:poly")
    assert quick.exit_code == 0 and quick.stderr == ""  # a fast compile says nothing
    slow_transform = reverse_mode.reverse_function

    def slow(*args, **kwargs):
        time.sleep(0.8)  # one long stage: the watcher thread reports it while it runs
        return slow_transform(*args, **kwargs)

    monkeypatch.setattr(reverse_mode, "reverse_function", slow)
    monkeypatch.setattr(progress, "SLOW", 0.0)
    result = invoke("grad", "uxprog.py:poly", env={"TANGENTLIKE_PROGRESS_AFTER": "0.3"})
    assert result.exit_code == 0 and result.stdout == quick.stdout
    lines = result.stderr.splitlines()
    assert lines and all(s.startswith("tangentlike: compiling poly: ") for s in lines)
    assert any(s.startswith("tangentlike: compiling poly: reverse (") for s in lines)
    assert any(" emit (" in s for s in lines)  # stages after the threshold, as they start


def test_progress_every_stage_with_a_zero_threshold(prog):
    result = invoke("graph", "uxprog.py:poly", "--grad", env={"TANGENTLIKE_PROGRESS_AFTER": "0"})
    stages = [s.split(": ")[2].split(" (")[0] for s in result.stderr.splitlines()]
    assert result.exit_code == 0 and stages[:3] == ["lower", "reverse", "passes"]


def test_the_tangentlike_logger(caplog, monkeypatch):
    def f(x):
        return np.sin(x) * x

    monkeypatch.setattr(progress, "SLOW", 0.0)
    with caplog.at_level(logging.DEBUG, logger="tangentlike"):
        assert tl.grad(f)(0.25) == pytest.approx(np.cos(0.25) * 0.25 + np.sin(0.25), rel=1e-12)
    messages = [r.getMessage() for r in caplog.records if r.name == "tangentlike"]
    assert any(m.startswith("f: stage reverse (") for m in messages)
    done = [m for m in messages if m.startswith("compiled f in ")]
    assert len(done) == 1 and "reverse" in done[0] and "emit" in done[0]


def bad(x):
    try:
        return x
    except ValueError:
        return x


def vector(x):
    return x * 2.0


def internal(exc):
    return [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(PACKAGE)]


@pytest.mark.parametrize("call, entry", [
    (lambda: tl.grad(bad)(1.0), "__call__"),
    (lambda: tl.grad(bad, wrt="y"), "grad"),
    (lambda: tl.jvp(bad, (1.0,), (1.0,)), "jvp"),
    (lambda: tl.hessian(bad)(np.ones(2)), "__call__"),  # the Jacobian object it returns
    (lambda: tl.emit(tl.grad(bad)), "emit"),
])
def test_compile_time_errors_show_one_tangentlike_frame(call, entry, monkeypatch):
    monkeypatch.delenv("TANGENTLIKE_DEBUG", raising=False)
    with pytest.raises(tl.TangentlikeError) as info:
        call()
    frames = internal(info.value)
    assert [f.name for f in frames] == [entry], traceback.format_tb(info.value.__traceback__)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_tangentlike_debug_keeps_the_frames(monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_DEBUG", "1")
    with pytest.raises(tl.UnsupportedSyntaxError) as info:
        tl.grad(bad)(1.0)
    assert len(internal(info.value)) > 5


def test_run_time_errors_keep_the_generated_frame():
    with pytest.raises(tl.NonScalarOutputError) as info:
        tl.grad(vector)(np.ones(3))
    names = [f.name for f in traceback.extract_tb(info.value.__traceback__)]
    assert "grad_vector" in names  # the line of generated code that raised


def test_cli_debug_raises_with_the_frames(prog):
    plain = invoke("grad", "uxprog.py:bad")
    assert "not supported: try" in one_error_line(plain)
    debug = invoke("--debug", "grad", "uxprog.py:bad")
    assert isinstance(debug.exception, tl.UnsupportedSyntaxError)
    assert len(internal(debug.exception)) > 5
    again = CliRunner().invoke(main, ["grad", "uxprog.py:bad"], catch_exceptions=False)
    assert again.exit_code == 1  # --debug does not stick
