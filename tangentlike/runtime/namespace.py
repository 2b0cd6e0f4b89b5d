"""Which array library a value belongs to, for helpers that must stay inside it.

Promise. ``is_foreign(x)`` is True for an array of another library (Dask,
array-api-strict, JAX, CuPy, ...): anything with ``shape``, ``dtype`` and ``ndim``
that is not a NumPy array or scalar. ``namespace(*xs)`` is NumPy for NumPy values and
Python numbers, else the array-API namespace of the foreign arrays among ``xs``
(``array_api_compat.array_namespace``; without that optional package, NumPy, whose
functions dispatch to Dask and CuPy through ``__array_function__``). The helpers in
this package call ``namespace`` only off their NumPy fast paths, so NumPy code pays
nothing for it, and a foreign array is never converted to NumPy: a Dask graph stays
lazy and chunked, a strict array stays strict, a JAX tracer stays traced.
"""
from __future__ import annotations

import numpy as np

_NUMPY = (np.ndarray, np.generic, bool, int, float, complex)


def is_foreign(x) -> bool:
    """True for an array of a library other than NumPy."""
    return not isinstance(x, _NUMPY) and hasattr(x, "shape") and hasattr(x, "dtype") \
        and hasattr(x, "ndim")


def namespace(*xs):
    """The array namespace of the foreign arrays among ``xs`` (NumPy if there are none)."""
    foreign = [x for x in xs if is_foreign(x)]
    if not foreign:
        return np
    try:
        from array_api_compat import array_namespace
    except ImportError:  # the optional extra is not installed: NEP 18 dispatch
        return np
    return array_namespace(*foreign)


def float_dtype(xp, x):
    """The dtype of a cotangent of ``x`` in ``xp``: ``x``'s own if it is floating or
    complex, else the namespace's default real floating type."""
    dt = getattr(x, "dtype", None)
    if dt is not None:
        try:
            if xp.isdtype(dt, ("real floating", "complex floating")):
                return dt
        except (AttributeError, TypeError):
            if np.issubdtype(np.dtype(dt), np.inexact):
                return dt
    return xp.float64 if hasattr(xp, "float64") else float


def chunks_of(x):
    """``x.chunks`` of a Dask array (None for others): results built for ``x`` use them,
    so a broadcast cotangent lines up with the data's blocks."""
    chunks = getattr(x, "chunks", None)
    return chunks if isinstance(chunks, tuple) else None


def broadcast(xp, g, x, dtype=None):
    """``g`` broadcast to the shape of ``x`` in ``x``'s namespace, lazily where it can be
    (Dask: in ``x``'s chunks; nothing data-sized is built in the driver)."""
    shape = tuple(x.shape)
    g = xp.asarray(g) if not is_foreign(g) else g
    if dtype is not None and g.dtype != dtype:
        g = xp.astype(g, dtype) if hasattr(xp, "astype") else g.astype(dtype)
    chunks = chunks_of(x)
    if chunks is not None:
        import dask.array as da
        return da.broadcast_to(g, shape, chunks=chunks)
    return xp.broadcast_to(g, shape)


def array_namespace(*args):
    """The namespace generated array-API code runs in: that of the arrays among ``args``
    (``array_api_compat.array_namespace``: NumPy arrays get its NumPy wrapper, which has
    the standard's names); the wrapper of NumPy when there are none."""
    try:
        import array_api_compat as compat
    except ImportError:
        from tangentlike.errors import TangentlikeError
        raise TangentlikeError("backend='array_api' needs the array-api-compat package: "
                               "pip install 'tangentlike[array-api]'") from None
    arrays = [a for a in args if hasattr(a, "shape") and hasattr(a, "dtype")
              and not isinstance(a, np.generic)]
    return compat.array_namespace(*arrays) if arrays else compat.array_namespace(np.zeros(()))


def copy_of(x):
    """A copy of a foreign array, in its library (the standard has no ``.copy()``)."""
    return namespace(x).asarray(x, copy=True)


def xp_transpose(x, axes=None):
    """``np.transpose(x, axes)`` (``x.T`` for any ``ndim``) in the array API back end."""
    xp = namespace(x) if is_foreign(x) else np
    if xp is np:
        return np.transpose(x, axes)
    return xp.permute_dims(x, tuple(reversed(range(x.ndim))) if axes is None else tuple(axes))


def xp_where(condition, x, y):
    """``np.where(condition, x, y)`` in the array API back end, where ``condition`` may be
    a Python number (a rule's ``np.where(n, n - 1, 1.0)`` for an integer exponent)."""
    if not is_foreign(condition):
        if not (is_foreign(x) or is_foreign(y)):
            return x if condition else y
        condition = bool(condition)
    xp = namespace(condition, x, y)
    return xp.where(condition if is_foreign(condition) else xp.asarray(condition), x, y)


def length(x):
    """``len(x)`` in the array API back end: ``x.shape[0]`` for an array (the standard's
    arrays need not have ``__len__``; a ``for`` over an array is lowered to it)."""
    return x.shape[0] if is_foreign(x) else len(x)
