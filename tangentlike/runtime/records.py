"""Dataclass instances as containers (pytrees, DESIGN §8): the fields set by ``__init__``
are a record's children, in declaration order; a record rebuilt from new children keeps
its type (``dataclasses.replace``). Namedtuples need nothing here: they are tuples.
Imports only the standard library (``runtime`` imports this first)."""
import dataclasses


def is_record(x) -> bool:
    """True for a dataclass instance (not a dataclass type)."""
    return dataclasses.is_dataclass(x) and not isinstance(x, type)


def record_fields(x) -> list:
    """The names of ``x``'s ``__init__`` fields, in declaration order."""
    return [f.name for f in dataclasses.fields(x) if f.init]


def record_items(x) -> list:
    """The values of ``x``'s ``__init__`` fields, in declaration order."""
    return [getattr(x, name) for name in record_fields(x)]


def rebuild_record(like, values):
    """A record of ``like``'s type whose ``__init__`` fields are ``values``."""
    return dataclasses.replace(like, **dict(zip(record_fields(like), values)))
