"""What the numba versions of the runtime helpers ask of numba types (``numba_ext``):
scalar or not, the NumPy dtype of a type and of its cotangent, a literal flag."""
from __future__ import annotations

import numpy as np
from numba import types

SCALAR = (types.Number, types.Boolean)


def is_scalar(t) -> bool:
    return isinstance(t, SCALAR)


def float_of(t):
    """The NumPy dtype of a cotangent of an array of numba dtype ``t`` (``float_dtype``)."""
    if isinstance(t, (types.Float, types.Complex)):
        return np.dtype(str(t))
    return np.dtype(np.float64)


def flag(t):
    """The value of a literal bool argument of numba type ``t`` (False when omitted);
    None when numba has not given it as a literal (it asks again with the literal)."""
    if t is None or isinstance(t, (types.Omitted, types.NoneType)):
        return bool(getattr(t, "value", False))
    if isinstance(t, types.BooleanLiteral):
        return t.literal_value
    if isinstance(t, bool):
        return t
    return None


def dtype_of(t):
    """The NumPy dtype of numba scalar or array type ``t``."""
    t = t.dtype if isinstance(t, types.Array) else t
    return np.dtype(str(t)) if isinstance(t, (types.Float, types.Complex, types.Integer)) \
        else np.dtype(np.float64)
