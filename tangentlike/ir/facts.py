"""The facts an IR value carries in its ``facts`` slot (docs/architecture.md, "Facts").

Promise: ``Facts`` is what the inference pass (``analysis.infer``) knows of one value:
its kind (``analysis.activity.kinds``: ``scalar``, ``num``, ``seq``, ``nd``, ``unk``,
``none`` or a tuple of kinds), its shape pattern (``analysis.shapes``; None: unknown)
and whether the shape analysis saw it (``shaped``). A value no inference has seen (one
a transform made) has ``facts`` None; ``ir.builder.clone_block`` copies a value's facts
to its copy. ``kind_of``, ``pattern_of`` and ``is_shaped`` read the slot with the
defaults a value without facts gets; ``made_like`` gives a new value the facts of the
one it stands for. Nothing here is keyed by ``id()``: the facts live on the values.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Facts:
    kind: Any = None
    pattern: Any = None
    shaped: bool = False  # the shape analysis saw the value (a primal value or a copy)


def kind_of(v, default=None):
    """The inferred kind of ``v``, else ``default``."""
    f = v.facts
    return default if f is None or f.kind is None else f.kind


def pattern_of(v):
    """The inferred shape pattern of ``v``, None if unknown."""
    f = v.facts
    return None if f is None else f.pattern


def is_shaped(v) -> bool:
    """Whether the shape analysis saw ``v``: a value of the analysed function (or a copy
    of one), not one a transform made."""
    f = v.facts
    return f is not None and f.shaped


def made_like(v, other):
    """``v``, made by a transform to hold what ``other`` holds, gets ``other``'s facts,
    with the kind ``unk`` where ``other`` has none."""
    f = other.facts
    if f is None:
        v.facts = Facts("unk")
    else:
        v.facts = f if f.kind is not None else Facts("unk", f.pattern, f.shaped)
