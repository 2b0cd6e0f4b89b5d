"""A user module whose functions happen to be named like list methods (issue 15):
``surface_helpers.pop(x)`` inside a differentiated function is a call of this
module's function, not a list method."""


def pop(x):
    return x * 3.0


def append(a, b):
    return a * b + b
