"""Keyword options of the entry points: the JAX and autograd spellings (``argnums=``,
``argnum=`` for ``wrt=``)
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


WRT_SPELLINGS = ("wrt", "argnums", "argnum")


def resolve_wrt(wrt, argnums, default=0, argnum=None):
    """``wrt``, its JAX spelling ``argnums`` or its autograd spelling ``argnum`` (int or
    tuple), at most one of them; ``default`` when none is given."""
    given = [(k, v) for k, v in (("wrt", wrt), ("argnums", argnums), ("argnum", argnum))
             if v is not None]
    if len(given) > 1:
        raise ArgumentError("give one of wrt=, argnums= (JAX's spelling) or argnum= "
                            "(autograd's), not " + " and ".join(f"{k}={v!r}" for k, v in given))
    return given[0][1] if given else default
