"""The pass pipeline: every IR -> IR pass, by name, in the order it runs.

::

    lowered                      frontend.lower: the function as written
    primal.*    selects cse dce signs         on every lowered function (cached)
    prepare.*   inline_calls fold_constants cse cut_shifts   reverse mode, on its copy
    reverse | forward            the AD transform (transforms/reverse.py, forward.py)
    cleanup.*   selects cse sum_views dce signs stale_uses   on every generated function
    emit                         backend: IR -> Python source

Each ``Pass`` has a name, the analyses it computes for itself (``needs``: none is
kept between passes, so each recomputes what it reads from the IR as it is), and
whether it is optional: ``optimize=False`` skips every optional pass, so it shows
the raw lowering and the raw transform (rule bodies are then copied without
folding, too: see ``inline.inline_rule``). Every pass returns whether it changed
the IR; ``run`` verifies the IR before and after a group. A ``Trace`` (set with
``tracing``) records the printed IR after each pass, which is how
``tl.ir(f, after=NAME)`` and ``tangentlike ir --stage NAME`` show any stage.
(docs/architecture.md, "Pipeline".)
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Callable

from ..ir.printer import print_func
from ..ir.verifier import verify
from .cse import cse
from .dce import dce
from .inline_calls import fold_constants, inline_calls
from .shift import cut_shifts
from .signs import signs
from .simplify import selects
from .stale import stale_uses
from .sum_views import sum_views


@dataclass(frozen=True)
class Pass:
    name: str
    run: Callable  # (func, unit) -> bool: changed
    needs: tuple = ()
    optional: bool = True
    doc: str = ""


def _group(prefix, *passes):
    return tuple(Pass(f"{prefix}.{name}", fn, needs, doc=doc) for name, fn, needs, doc in passes)


_CLEAN = (("selects", lambda f, u: selects(f), (), "a ? b : b and constant conditions"),
          ("cse", lambda f, u: cse(f), ("purity",), "one value per pure expression"),
          ("dce", lambda f, u: dce(f), ("uses", "purity"), "drop unused pure ops and carries"),
          ("signs", lambda f, u: signs(f), ("uses",), "move negations into sums"))

PRIMAL = _group("primal", *_CLEAN)
PREPARE = _group(
    "prepare",
    ("inline_calls", lambda f, u: inline_calls(f, u.callee_ir), ("callee IR",),
     "splice small leaf user functions"),
    ("fold_constants", lambda f, u: fold_constants(f), (), "fold Python constant arithmetic"),
    ("cse", lambda f, u: cse(f), ("purity",), "merge copies of a callee's invariants"),
    ("cut_shifts", lambda f, u: cut_shifts(f), ("uses",), "stop_gradient on log-sum-exp shifts"))
CLEANUP = _group("cleanup", *_CLEAN[:2],
                 ("sum_views", lambda f, u: sum_views(f), (),
                  "sum_vjp(g, x) * y -> sum_expand(g, x) * y: no copies of g"),
                 *_CLEAN[2:]) + (
    Pass("cleanup.stale_uses", lambda f, u: stale_uses(f), ("uses",), False,
         "a copy for a read of a value after an in-place change of it"),)
TRANSFORMS = ("reverse", "forward")
STAGES = ("lowered",) + tuple(p.name for p in PRIMAL + PREPARE) + TRANSFORMS + \
    tuple(p.name for p in CLEANUP) + ("optimized",)


class Trace:
    """The printed IR of every function after each pass, in order: ``[(stage, text, changed)]``."""

    def __init__(self):
        self.records = []

    def record(self, stage, func, changed=True):
        self.records.append((stage, print_func(func), changed))

    def after(self, stage) -> list:
        return [text for s, text, _ in self.records if s == stage]


_TRACE: list = []


@contextlib.contextmanager
def tracing():
    trace = Trace()
    _TRACE.append(trace)
    try:
        yield trace
    finally:
        _TRACE.remove(trace)


def record(stage, func, changed=True):
    for trace in _TRACE:
        trace.record(stage, func, changed)


def run(group, func, optimize=True, unit=None):
    """Run the passes of ``group`` on ``func`` in order (only the required ones unless
    ``optimize``); the IR is verified before and after. Returns ``func``."""
    verify(func)
    for p in group:
        if optimize or not p.optional:
            changed = p.run(func, unit)
            record(p.name, func, bool(changed))
    return verify(func)
