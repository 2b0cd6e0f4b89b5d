"""All registered programs (importing the modules registers them)."""
from . import autograd_style, everyday, jax_style, physics, second_batch, statistics, torch_style  # noqa: F401,E501
from .registry import PROGRAMS

ALL = list(PROGRAMS)
