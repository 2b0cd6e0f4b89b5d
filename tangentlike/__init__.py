"""tangentlike: source-to-source automatic differentiation for Python and NumPy.

Public API re-exports only; see ``api`` for the entry points.
"""
__version__ = "0.1.0"
MIN_NUMPY = (2, 1)  # pyproject.toml's pin; .ci/run tests this version in its own venv


def check_numpy(version: str):
    """ImportError unless NumPy ``version`` is at least ``MIN_NUMPY`` (the rules use its
    2.1 API: ``np.matrix_transpose``, ``np.linalg.svdvals``, ``np.reshape(shape=)``)."""
    parts = []
    for p in version.split(".")[:2]:
        digits = "".join(c for c in p if c.isdigit()) or "0"
        parts.append(int(digits))
    if tuple(parts) < MIN_NUMPY:
        raise ImportError(f"tangentlike needs NumPy >= {'.'.join(map(str, MIN_NUMPY))}, but "
                          f"NumPy {version} is installed: pip install -U numpy")


import numpy as _np  # noqa: E402

check_numpy(_np.__version__)

from . import rules  # noqa: E402,F401  (registers the derivative rules)
from .api import grad, value_and_grad  # noqa: E402
from .pullbacks import vjp  # noqa: E402
from .inspection import emit, ir, source  # noqa: E402
from .jacobians import hessian, hvp, jacfwd, jacrev, jvp  # noqa: E402
from .errors import (ArgumentError, ArgumentTypeError, DifferentiationTypeError,  # noqa: E402
                     BackendCompileError, BackendFallbackWarning, EmitError, InternalError, MissingRuleError, NoSourceError,
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
           "DifferentiationTypeError", "InternalError", "EmitError", "BackendCompileError",
           "BackendFallbackWarning"]
