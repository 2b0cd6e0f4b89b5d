"""The derivative-rule tables (docs/architecture.md: rules), one module per family.

Importing this package registers every rule: ``arithmetic``, ``elementwise``,
``trigonometric``, ``reductions``, ``products``, ``einsum``, ``linalg``, ``shape``,
``linear_helpers``, ``splitting``, ``signal``, ``indexing``, ``containers``, ``mathmod`` (the ``math``
module) and ``nondiff``; ``facts`` declares what the passes ask of each primitive
(``registry.has``). Look rules up with
``lookup(fn)`` / ``is_nondiff(fn)``; add rules with ``defvjp`` / ``defjvp`` /
``nondiff`` (see ``registry`` for the rule convention).
"""
from . import (arithmetic, containers, einsum, elementwise, indexing, linalg,  # noqa: F401
               linear_helpers, mathmod, nondiff as _nondiff_table, products, reductions, shape, signal,
               splitting, trigonometric)
from . import facts  # noqa: F401,E402  (the facts the passes ask for)
# The name ``nondiff`` below is the registry function, shadowing the family
# module of the same name; reach that with importlib.import_module if needed.
from .registry import (all_nondiff, all_rules, defjvp, defvjp, has_effects,  # noqa: E402
                       is_nondiff, lookup, nondiff)

__all__ = ["defvjp", "defjvp", "nondiff", "lookup", "is_nondiff", "has_effects", "all_rules",
           "all_nondiff"]
