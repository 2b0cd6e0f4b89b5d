"""The inference pass: every value's facts into its ``facts`` slot (docs/architecture.md,
"Facts").

Promise: ``infer(func, param_kinds, param_patterns, callee_kind, callee_pattern)`` runs
the kind analysis (``activity.kinds``) and, when the parameters' shape patterns are given
(not None), the shape analysis (``shapes.shapes``) over ``func``, and writes each value's
``ir.facts.Facts`` into its slot; a value neither analysis reached gets None (what an
earlier inference left is cleared). ``callee_kind`` / ``callee_pattern`` give what a
user function returns. The facts describe ``func`` as it is now: the AD transforms run
``infer`` on their own copy of the primal after the prepare passes and read the facts
(``ir.facts``) while they build the derivative; a pass that changes the IR and needs
facts afterwards runs ``infer`` again. No dtype is inferred: no analysis computes one.
"""
from __future__ import annotations

from ..ir.facts import Facts
from ..ir.nodes import values
from .activity import kinds as infer_kinds
from .shapes import shapes as infer_shapes


def infer(func, param_kinds, param_patterns=None, callee_kind=None, callee_pattern=None):
    """Fill the ``facts`` slot of every value of ``func``; returns ``func``."""
    kinds = infer_kinds(func, param_kinds, callee_kind)
    shaped = {} if param_patterns is None else \
        infer_shapes(func, param_patterns, callee_pattern)
    for v in values(func):
        seen = v in kinds or v in shaped
        v.facts = Facts(kinds.get(v), shaped.get(v), v in shaped) if seen else None
    return func
