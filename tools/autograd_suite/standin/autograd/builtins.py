"""``autograd.builtins``: tangentlike differentiates Python's own containers."""
from builtins import dict, isinstance, list, tuple, type  # noqa: F401,A004
