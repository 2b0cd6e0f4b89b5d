"""The ``tangentlike`` command line (docs/architecture.md: command line): a click group, also ``python -m tangentlike``.

Functions are named ``path/to/file.py:func`` or ``package.module:func`` (a function
decorated with ``tl.grad`` stands for its primal, with the decorator's ``wrt``):

* ``grad``  writes the derivative as a standalone module (``tl.emit``), to stdout or
  ``-o``; ``--all`` does it for every function of a file (a ``[k/n] name`` progress
  line each, on stderr);
* ``ir``    prints the SSA IR after any stage of the pass pipeline (``--stage``);
* ``check`` compares the gradient with central finite differences on random inputs
  (``fdcheck``) and prints a table; exit status 0 only if every argument passes;
* ``graph`` the dataflow graph as DOT (``graphs.dot_source``, what ``tl.graph`` draws),
  or a picture drawn by Graphviz's ``dot`` program (an unknown format, or a picture
  without ``dot``, is an error);
* ``cache info`` / ``cache clear`` the disk cache (``cache``).

A compile that runs longer than a second prints progress lines on stderr
(``tangentlike: compiling loss: reverse (1.2 s)``; ``$TANGENTLIKE_PROGRESS_AFTER`` sets
the threshold in seconds).

Promise: a user mistake (a missing file, an unknown function, a bad option, a
construct outside the subset, code that raises) prints one line on stderr,
``tangentlike: error: ...`` (for a located error its first line, which names file and
line), and exits with status 1 (2 for a malformed command line), without a
traceback; ``tangentlike --debug ...`` raises it instead. Warnings are one line too.
"""
from __future__ import annotations

import os
import sys
import threading
import warnings
from pathlib import Path

import click

from . import __version__, api, inspection, progress
from . import cache as _cache
from . import errors as _errors
from .errors import TangentlikeError, keep_frames
from .transforms.passes import STAGES
from .targets import (TargetError, float_functions, load_module, load_target, parse_shapes,
                      parse_wrt, split_target, unwrap)

_STATE = {"debug": False}


def _say(kind: str, message) -> None:
    text = (str(message).strip().splitlines() or [""])[0]
    click.echo(f"tangentlike: {kind}: {text}", err=True)


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    _say("warning", message)


class _Progress:
    """Progress lines on stderr for a compile running longer than ``after`` seconds
    (``$TANGENTLIKE_PROGRESS_AFTER``, default 1): the stage and the function, when a
    stage starts late and, from a watcher thread, when one stage runs long."""

    def __init__(self, after: float):
        self.after, self.shown, self.done = after, set(), threading.Event()

    def show(self, stage, name, elapsed):
        if elapsed >= self.after and (stage, name) not in self.shown:
            self.shown.add((stage, name))
            click.echo(f"tangentlike: compiling {name}: {stage} ({elapsed:.1f} s)", err=True)

    def watch(self):
        while not self.done.wait(0.2):
            now = progress.current()
            if now is not None:
                self.show(*now)

    def __enter__(self):
        self.stop_listening = progress.listen(self.show)
        threading.Thread(target=self.watch, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.stop_listening()


def _progress_after() -> float:
    try:
        return float(os.environ.get("TANGENTLIKE_PROGRESS_AFTER", "1"))
    except ValueError:
        return 1.0


class _Main(click.Group):
    """A group whose errors are one line on stderr."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **kw):
        _STATE["debug"] = False
        kept = _errors._SETTINGS["keep_frames"]  # --debug holds for this command only
        keep_frames(False)
        try:
            self._run(args, prog_name, complete_var, **kw)
        finally:
            keep_frames(kept)

    def _run(self, args, prog_name, complete_var, **kw):
        with warnings.catch_warnings(), _Progress(_progress_after()):
            warnings.showwarning = _one_line_warning
            try:
                rv = super().main(args, prog_name or "tangentlike", complete_var,
                                  standalone_mode=False, **kw)
            except click.ClickException as e:
                if type(e).__name__ == "NoArgsIsHelpError":  # click >= 8.2: show the help
                    e.show()
                else:
                    _say("error", e.format_message())
                sys.exit(e.exit_code)
            except click.Abort:
                _say("error", "aborted")
                sys.exit(1)
            except (TangentlikeError, OSError) as e:
                if _STATE["debug"]:
                    raise
                _say("error", e if isinstance(e, TangentlikeError) else f"{e}")
                sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="tangentlike",
                      help="Show the version and exit.")
@click.option("--debug", is_flag=True,
              help="Show the full traceback of an error, the compiler's frames included "
                   "(as TANGENTLIKE_DEBUG=1).")
def main(debug):
    """tangentlike: source-to-source automatic differentiation for Python and NumPy.

    Name a function as path/to/file.py:func or package.module:func.
    """
    _STATE["debug"] = debug
    keep_frames(debug)


_wrt = click.option("--wrt", metavar="X[,Y...]",
                    help="Parameters (names or indices) to differentiate; default the first.")


@main.command()
@click.argument("target")
@_wrt
@click.option("--mode", type=click.Choice(["reverse", "forward"]), default="reverse",
              show_default=True, help="reverse: one sweep back from the output (a gradient "
              "costs a few evaluations); forward: one sweep per input element.")
@click.option("-o", "--output", metavar="OUT.py", help="Write here instead of stdout "
              "(with --all: a directory).")
@click.option("--no-optimize", is_flag=True, help="The raw transform, without the passes.")
@click.option("--all", "every", is_flag=True,
              help="Every function of the file whose first parameter may be a float.")
@click.option("--backend", type=click.Choice(["numpy", "array-api", "numba"]), default="numpy",
              show_default=True, help="array-api: the code takes its namespace from its "
              "arguments (array-api-compat), for CuPy, JAX, array-api-strict arrays; "
              "it is the general variant. numba: every function @numba.njit "
              "(pip install 'tangentlike[numba]').")
@click.option("--like", metavar="'NAME=KIND ...'",
              help="Specialise for these arguments, e.g. 'W=array(n, n) xs=array(n, n) "
                   "k=float' (KIND: float, int, scalar, any, array(d1, ..., dn[, dtype]) "
                   "with d = 1, a name, a size or ?); the module checks them on each call. "
                   "Unnamed parameters follow their annotations.")
@click.option("--general", is_flag=True,
              help="The variant for any arguments: ignore annotations, check nothing.")
def grad(target, wrt, mode, output, no_optimize, every, backend, like, general):
    """Write the derivative of TARGET as a standalone Python module."""
    if every:
        return _grad_all(target, wrt, mode, output, not no_optimize, backend, general)
    fn, w = unwrap(load_target(target)[1], wrt)
    d = api.grad(fn, wrt=w, mode=mode, optimize=not no_optimize, backend=backend)
    src = inspection.emit(d, output, like=like, general=general)
    if output is None:
        click.echo(src, nl=False)
    return 0


def _grad_all(target, wrt, mode, output, optimize, backend="numpy", general=False):
    where, name = split_target(target)
    if name is not None:
        raise TargetError("--all differentiates every function of a file: name the file "
                          f"alone ({where}), not {target}")
    fns = float_functions(load_module(where))
    if not fns:
        raise TargetError(f"{where} defines no function whose first parameter may be a float")
    if output is not None:
        Path(output).mkdir(parents=True, exist_ok=True)
    failed = 0
    for k, fn in enumerate(fns, 1):
        click.echo(f"[{k}/{len(fns)}] {fn.__name__}", err=True)
        try:
            d = api.grad(fn, wrt=parse_wrt(wrt), mode=mode, optimize=optimize, backend=backend)
            path = Path(output) / f"grad_{fn.__name__}.py" if output is not None else None
            src = inspection.emit(d, path, general=general)
        except TangentlikeError as e:
            if _STATE["debug"]:
                raise
            failed += 1
            _say("error", e)
            continue
        if output is None:
            click.echo(src, nl=False)
    return 1 if failed else 0


@main.command()
@click.argument("target")
@click.option("--stage", type=click.Choice(list(STAGES)), default="lowered", show_default=True,
              help="lowered: the function as lowered; primal.PASS: after a primal pass; "
                   "prepare.PASS, reverse, forward, cleanup.PASS: its gradient after that "
                   "pass; optimized: the final gradient IR (docs/architecture.md).")
@_wrt
def ir(target, stage, wrt):
    """Print the SSA IR of TARGET (or of its gradient) after a stage."""
    fn, w = unwrap(load_target(target)[1], wrt)
    f = fn if stage == "lowered" or stage.startswith("primal.") else api.grad(fn, wrt=w)
    click.echo(inspection.ir(f, after=stage), nl=False)
    return 0


@main.command()
@click.argument("target")
@_wrt
@click.option("--shape", "shapes", multiple=True, metavar="NAME=D1,D2",
              help="The shape of a parameter's random value (default: a float). Repeatable.")
@click.option("--seed", default=0, show_default=True, help="Seed of the random inputs.")
@click.option("--tol", default=1e-5, show_default=True, help="Largest relative error passing.")
def check(target, wrt, shapes, seed, tol):
    """Compare the gradient of TARGET with central finite differences."""
    from .api import normalize_wrt, signature_of
    from .fdcheck import EvaluationError, check as run_check
    fn, w = unwrap(load_target(target)[1], wrt)
    names = list(signature_of(fn).parameters)
    if not names:
        raise TargetError(f"{fn.__name__} has no parameters to differentiate")
    indices, _ = normalize_wrt(fn, w, names)
    shaped = parse_shapes(shapes, names)
    try:
        rows = run_check(fn, indices, names, shaped, seed, tol)
    except EvaluationError as e:
        floats = [n for n in names if n not in shaped]
        if not floats:
            raise
        hint = (f" ({', '.join(floats)} {'was a' if len(floats) == 1 else 'were'} random "
                f"float{'s' if len(floats) > 1 else ''}: if {fn.__name__} takes arrays, "
                f"give them a shape, e.g. --shape {floats[0]}=3 or --shape {floats[0]}=3,4)")
        raise EvaluationError(str(e).splitlines()[0] + hint) from e
    width = max(len("argument"), *(len(r.name) for r in rows))
    click.echo(f"{'argument':<{width}}  {'shape':<10}  {'max rel. error':<14}  result")
    for r in rows:
        shape = str(r.shape) if r.shape else "scalar"
        click.echo(f"{r.name:<{width}}  {shape:<10}  {r.error:<14.3e}  "
                   f"{'pass' if r.ok else 'FAIL'}")
    passed = sum(r.ok for r in rows)
    click.echo(f"{passed} of {len(rows)} passed (seed {seed}, tolerance {tol:g})")
    return 0 if passed == len(rows) else 1


@main.command()
@click.argument("target")
@click.option("-o", "--output", metavar="FILE",
              help="FILE.dot or .gv: DOT text; FILE.svg, .png, .pdf, .jpg, .gif, .ps: a "
                   "picture drawn by Graphviz's dot program. Default: DOT text on stdout.")
@click.option("--grad", "with_grad", is_flag=True,
              help="Add the gradient function, each adjoint linked to its primal value.")
@_wrt
def graph(target, output, with_grad, wrt):
    """The dataflow graph of TARGET's IR (and of its gradient) as DOT (tl.graph)."""
    from .graphs import dot_source, render_file
    fn, w = unwrap(load_target(target)[1], wrt)
    text = dot_source(fn, grad=with_grad, wrt=w)
    if output is None:
        click.echo(text, nl=False)
    else:
        render_file(text, output)
    return 0


@main.group()
def cache():
    """Inspect or clear the disk cache of generated derivatives."""


@cache.command()
def info():
    """Where the cache is, and what it holds."""
    path = _cache.location()
    entries, files = _cache.entries(path), _cache.files(path)
    size = sum(p.stat().st_size for p in files)
    click.echo(f"directory: {path}")
    click.echo(f"entries:   {len(entries)} ({size / 1024:.1f} KiB in {len(files)} files)")
    click.echo(f"version:   {_cache.tool_version()}")
    return 0


@cache.command()
def clear():
    """Remove every generated file from the cache."""
    path = _cache.location()
    click.echo(f"removed {_cache.clear(path)} files from {path}")
    return 0
