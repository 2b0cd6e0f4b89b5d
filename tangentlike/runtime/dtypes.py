"""The dtype of a gradient: its primal's (re-exported as ``rt.*``).

Promise: a float32 (float16, longdouble) primal gets a cotangent of its own dtype.
``float_dtype`` is the dtype a zero cotangent is made in; ``scalar_like`` and
``dtype_like`` convert a finished gradient to its primal's type, for primals whose
own computation promoted (``np.zeros(n)`` and float64 constants are float64).
Only ``numpy`` is imported.
"""
from __future__ import annotations

import numpy as np


def float_dtype(x):
    """The dtype of ``x``'s cotangent: its own for a float or complex array or NumPy
    scalar (float32 stays float32, longdouble stays longdouble), else float64."""
    dt = getattr(x, "dtype", None)
    return dt if dt is not None and dt.kind in "fc" else np.dtype(float)


def scalar_like(g, x):
    """``g`` as the gradient of the real scalar ``x``: a Python float for a Python number
    (or a float64), a NumPy scalar of ``x``'s dtype for a float32, float16, longdouble."""
    if type(x) is float or not isinstance(x, np.inexact):
        return float(g)
    return x.dtype.type(g)


def dtype_like(g, x):
    """The array gradient ``g`` with the dtype of its primal ``x`` (a float32 ``x`` whose
    primal computed in float64 still gets a float32 gradient); ``g`` itself when the
    dtypes agree, when either is not an array (a NumPy scalar ``x``: ``g`` as that scalar
    type), or when their kinds differ (real/complex)."""
    if type(g) is np.ndarray and type(x) is np.ndarray and g.dtype != x.dtype \
            and g.dtype.kind == x.dtype.kind:
        return g.astype(x.dtype)
    if isinstance(x, np.inexact) and type(g) is not type(x) and np.ndim(g) == 0 \
            and np.iscomplexobj(g) == np.iscomplexobj(x):
        return x.dtype.type(g)  # a NumPy scalar: the same scalar type
    return g


def dtype_of(x):
    """``x.dtype`` in a differentiated function: an array's or NumPy scalar's dtype, and
    for a Python number the dtype NumPy gives it (``float64`` for a float)."""
    dt = getattr(x, "dtype", None)
    return dt if dt is not None else np.asarray(x).dtype
