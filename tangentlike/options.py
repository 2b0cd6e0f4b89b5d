"""Keyword options of the entry points: the JAX spellings (``argnums=`` for ``wrt=``)
and one clear error for a keyword no entry point knows (an ``ArgumentError`` listing the
valid ones, instead of Python's ``TypeError``)."""
from __future__ import annotations

from .errors import ArgumentError


def check_options(entry: str, options: dict, valid) -> None:
    """Raise ``ArgumentError`` naming the first unknown keyword of ``options``."""
    unknown = [k for k in options if k not in valid]
    if unknown:
        known = f"its options are {', '.join(valid)}" if valid else "it takes no options"
        raise ArgumentError(f"tl.{entry}() got an unexpected keyword argument {unknown[0]!r}; "
                            + known)


def resolve_wrt(wrt, argnums, default=0):
    """``wrt`` or its JAX spelling ``argnums`` (int or tuple), not both; ``default`` when
    neither is given."""
    if wrt is not None and argnums is not None:
        raise ArgumentError(f"give wrt= or argnums= (its JAX spelling), not both "
                            f"(wrt={wrt!r}, argnums={argnums!r})")
    if argnums is not None:
        return argnums
    return default if wrt is None else wrt
