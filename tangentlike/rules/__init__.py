"""The derivative-rule tables (DESIGN §2), one module per family.

Importing this package registers every rule: ``arithmetic``, ``elementwise``,
``reductions``, ``linalg``, ``shape`` and ``nondiff``. Look rules up with
``lookup(fn)`` / ``is_nondiff(fn)``; add rules with ``defvjp`` / ``defjvp`` /
``nondiff`` (see ``registry`` for the rule convention).
"""
from . import arithmetic, elementwise, linalg, nondiff as _nondiff_table, reductions, shape  # noqa: F401
# The name ``nondiff`` below is the registry function, shadowing the family
# module of the same name; reach that with importlib.import_module if needed.
from .registry import all_rules, defjvp, defvjp, is_nondiff, lookup, nondiff

__all__ = ["defvjp", "defjvp", "nondiff", "lookup", "is_nondiff", "all_rules"]
