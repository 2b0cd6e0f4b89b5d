"""The ``tangentlike`` command line (DESIGN §4): a click group, also ``python -m tangentlike``.

Functions are named ``path/to/file.py:func`` or ``package.module:func`` (a function
decorated with ``tl.grad`` stands for its primal, with the decorator's ``wrt``):

* ``grad``  writes the derivative as a standalone module (``tl.emit``), to stdout or
  ``-o``; ``--all`` does it for every function of a file (a ``[k/n] name`` progress
  line each, on stderr);
* ``ir``    prints the SSA IR after any stage of the pass pipeline (``--stage``);
* ``check`` compares the gradient with central finite differences on random inputs
  (``fdcheck``) and prints a table; exit status 0 only if every argument passes;
* ``graph`` the dataflow graph as DOT (``ir.dot``), drawn by Graphviz's ``dot``
  program when it is installed and a picture is asked for;
* ``cache info`` / ``cache clear`` the disk cache (``cache``).

Promise: a user mistake (a missing file, an unknown function, a bad option, a
construct outside the subset, code that raises) prints one line on stderr,
``tangentlike: error: ...`` (for a located error its first line, which names file and
line), and exits with status 1 (2 for a malformed command line), without a
traceback; ``tangentlike --debug ...`` raises it instead. Warnings are one line too.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import click

from . import __version__, api
from . import cache as _cache
from .errors import TangentlikeError
from .transforms.passes import STAGES
from .targets import (TargetError, float_functions, load_module, load_target, parse_shapes,
                      parse_wrt, split_target, unwrap)

_STATE = {"debug": False}
PICTURES = (".svg", ".png", ".pdf")


def _say(kind: str, message) -> None:
    text = (str(message).strip().splitlines() or [""])[0]
    click.echo(f"tangentlike: {kind}: {text}", err=True)


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    _say("warning", message)


class _Main(click.Group):
    """A group whose errors are one line on stderr."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **kw):
        _STATE["debug"] = False
        with warnings.catch_warnings():
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


@click.group(cls=_Main)
@click.version_option(__version__, prog_name="tangentlike")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
def main(debug):
    """tangentlike: source-to-source automatic differentiation for Python and NumPy.

    Name a function as path/to/file.py:func or package.module:func.
    """
    _STATE["debug"] = debug


_wrt = click.option("--wrt", metavar="X[,Y...]",
                    help="Parameters (names or indices) to differentiate; default the first.")


@main.command()
@click.argument("target")
@_wrt
@click.option("--mode", type=click.Choice(["reverse", "forward"]), default="reverse",
              show_default=True)
@click.option("-o", "--output", metavar="OUT.py", help="Write here instead of stdout "
              "(with --all: a directory).")
@click.option("--no-optimize", is_flag=True, help="The raw transform, without the passes.")
@click.option("--all", "every", is_flag=True,
              help="Every function of the file whose first parameter may be a float.")
@click.option("--like", metavar="'NAME=KIND ...'",
              help="Specialise for these arguments, e.g. 'W=array(n, n) xs=array(n, n) "
                   "k=float' (KIND: float, int, scalar, any, array(d1, ..., dn[, dtype]) "
                   "with d = 1, a name, a size or ?); the module checks them on each call. "
                   "Unnamed parameters follow their annotations.")
@click.option("--general", is_flag=True,
              help="The variant for any arguments: ignore annotations, check nothing.")
def grad(target, wrt, mode, output, no_optimize, every, like, general):
    """Write the derivative of TARGET as a standalone Python module."""
    if every:
        return _grad_all(target, wrt, mode, output, not no_optimize, general)
    fn, w = unwrap(load_target(target)[1], wrt)
    d = api.grad(fn, wrt=w, mode=mode, optimize=not no_optimize)
    src = api.emit(d, output, like=like, general=general)
    if output is None:
        click.echo(src, nl=False)
    return 0


def _grad_all(target, wrt, mode, output, optimize, general=False):
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
            d = api.grad(fn, wrt=parse_wrt(wrt), mode=mode, optimize=optimize)
            path = Path(output) / f"grad_{fn.__name__}.py" if output is not None else None
            src = api.emit(d, path, general=general)
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
    click.echo(api.ir(f, after=stage), nl=False)
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
    from .fdcheck import check as run_check
    fn, w = unwrap(load_target(target)[1], wrt)
    names = list(signature_of(fn).parameters)
    if not names:
        raise TargetError(f"{fn.__name__} has no parameters to differentiate")
    indices, _ = normalize_wrt(fn, w, names)
    rows = run_check(fn, indices, names, parse_shapes(shapes, names), seed, tol)
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
              help="graph.svg / .png / .pdf (drawn by Graphviz's dot) or graph.dot; "
                   "default: DOT text on stdout.")
@click.option("--grad", "with_grad", is_flag=True, help="Add the gradient function.")
@_wrt
def graph(target, output, with_grad, wrt):
    """The dataflow graph of TARGET's IR (and of its gradient) as DOT."""
    from .frontend.source import spec_of
    from .ir.dot import to_dot
    from .pipeline import build
    from .transforms.unit import lower_cached
    fn, w = unwrap(load_target(target)[1], wrt)
    d = api.grad(fn, wrt=w)
    primal, mask, kinds, mode, single, with_value, _ = d.plan()
    spec = spec_of(primal)
    funcs = [lower_cached(spec)]
    if with_grad:
        funcs += build(spec, mask, kinds, mode, single, with_value)[1][:1]
    text = to_dot(funcs, spec.name)
    if output is None:
        click.echo(text, nl=False)
        return 0
    out = Path(output)
    if out.suffix.lower() not in PICTURES:
        out.write_text(text)
        return 0
    exe = shutil.which("dot")
    if exe is None:
        dot_file = out.with_suffix(".dot")
        dot_file.write_text(text)
        _say("warning", f"Graphviz's dot program is not installed: wrote DOT text to "
                        f"{dot_file} instead of {out}")
        return 0
    done = subprocess.run([exe, f"-T{out.suffix[1:].lower()}", "-o", str(out)], input=text,
                          text=True, capture_output=True)
    if done.returncode:
        raise TargetError(f"dot failed ({done.returncode}): {done.stderr.strip()}")
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
