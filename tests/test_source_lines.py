"""Reading a function's source from its code objects' positions (frontend/source.py),
instead of tokenizing the file with ``inspect`` (a warm-cache start-up cost)."""
import importlib
import inspect
import pkgutil
import types

import pytest

import corpus
from higher import checkpoint_programs, programs
from tangentlike.frontend.source import _source_lines


def _functions():
    mods = [importlib.import_module("corpus." + m.name) for m in pkgutil.iter_modules(corpus.__path__)]
    for mod in mods + [programs, checkpoint_programs]:
        for f in vars(mod).values():
            if isinstance(f, types.FunctionType) and f.__module__ == mod.__name__:
                yield f


def test_the_same_lines_as_inspect_for_every_program():
    fns = list(_functions())
    assert len(fns) > 100
    for f in fns:
        assert _source_lines(f) == inspect.getsourcelines(f), f.__qualname__


def trailing_pass(x):
    y = x * 2.0
    if y > 0.0:
        return y
    else:
        pass
    return -y


def docstring_only():
    """Nothing but a docstring,
    over two lines."""


@pytest.mark.parametrize("fn", [trailing_pass, docstring_only])
def test_blocks_without_code_at_the_end_still_parse_to_the_function(fn):
    lines, first = _source_lines(fn)
    assert first == fn.__code__.co_firstlineno
    assert lines[0].lstrip().startswith("def " + fn.__name__)
    # whatever it keeps is a prefix of inspect's block, and complete enough to parse
    full, _ = inspect.getsourcelines(fn)
    assert full[:len(lines)] == lines
