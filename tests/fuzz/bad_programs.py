"""Fixed programs for tests/fuzz/test_bad_input.py (real source, stable lines)."""
import numpy as np


def smooth(x, v):
    return np.sin(x) * v[0] + np.sum(v * v) * x + np.exp(np.tanh(v[2]))


def shape_error(x, v):
    w = v * x
    return np.dot(w, np.ones(4))  # <- shape error


def _helper_with_shape_error(a, b):
    return np.sum(b[1:] * b)  # <- shape error


def shape_error_in_helper(x, v):
    return _helper_with_shape_error(x, v) + x
