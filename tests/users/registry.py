"""The programs of tests/users: short functions written as numerical programmers
coming from autograd, JAX or PyTorch write them, each registered with the point it is
differentiated at and the argument it is differentiated with respect to."""
import numpy as np

PROGRAMS = []


def program(*args, wrt=0, second=True):
    """Register the decorated function with its arguments. ``second``: also check its
    second derivatives (left out only where the function is piecewise linear)."""
    def register(fn):
        PROGRAMS.append((fn, args, wrt, second))
        return fn
    return register


RNG = np.random.default_rng(1234)


def randn(*shape):
    return RNG.standard_normal(shape)
