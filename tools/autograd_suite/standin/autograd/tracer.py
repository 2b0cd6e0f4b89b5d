"""``autograd.tracer`` for the stand-in: tangentlike does not trace, nothing is a box."""
from .extend import primitive  # noqa: F401


def isbox(x):
    return False
