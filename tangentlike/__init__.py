"""tangentlike: source-to-source automatic differentiation for Python and NumPy.

Public API re-exports only; see ``api`` for the entry points.
"""
__version__ = "0.1.0"

from . import rules  # noqa: E402,F401  (registers the derivative rules)
from .api import emit, grad, ir, source, value_and_grad, vjp  # noqa: E402
from .jacobians import hessian, hvp, jacfwd, jacrev, jvp  # noqa: E402
from .errors import (ArgumentError, ArgumentTypeError, DifferentiationTypeError,  # noqa: E402
                     EmitError, InternalError, MissingRuleError, NoSourceError,
                     NonScalarOutputError, TangentlikeError, UnsupportedSyntaxError)
from .rules import defjvp, defvjp  # noqa: E402  (custom rules; see rules.registry)
from .runtime import stop_gradient  # noqa: E402
from .ir.callees import Binomial, Periodic, checkpoint  # noqa: E402
from .graphs import graph  # noqa: E402
from .api import Derivative  # noqa: E402  (what grad returns; for type hints)

__all__ = ["grad", "value_and_grad", "vjp", "jvp", "jacfwd", "jacrev", "hessian", "hvp",
           "source", "ir", "emit", "graph", "Derivative", "stop_gradient", "defvjp", "defjvp",
           "Periodic", "Binomial", "checkpoint",
           "TangentlikeError", "UnsupportedSyntaxError", "MissingRuleError", "NoSourceError",
           "NonScalarOutputError", "ArgumentError", "ArgumentTypeError",
           "DifferentiationTypeError", "InternalError", "EmitError"]
