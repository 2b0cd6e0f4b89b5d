"""Pytrees (DESIGN §8): nested dict, list, tuple, namedtuple and dataclass values, with
floats, arrays and anything else as leaves (JAX's pytrees, with ``None`` a leaf).

Promise: ``flatten(x)`` gives ``(leaves, tree)`` with the leaves in a deterministic order
(dict keys in insertion order, dataclass fields in declaration order), and
``unflatten(tree, leaves)`` rebuilds a value of the same types (a namedtuple stays that
namedtuple, a dataclass that dataclass). Used by the API to check and promote arguments,
to take Jacobians of containers, and to give gradients the type of their primal.
"""
from __future__ import annotations

from .runtime.records import is_record, rebuild_record, record_items

_LEAF = "leaf"


def is_container(x) -> bool:
    return isinstance(x, (dict, list, tuple)) or is_record(x)


def children(x) -> list:
    """The children of a container, in flattening order."""
    if isinstance(x, dict):
        return list(x.values())
    if is_record(x):
        return record_items(x)
    return list(x)


def rebuild(like, values):
    """A container of ``like``'s type (and keys, for a dict) holding ``values``."""
    values = list(values)
    if isinstance(like, dict):
        return dict(zip(like.keys(), values))
    if is_record(like):
        return rebuild_record(like, values)
    if isinstance(like, tuple) and hasattr(like, "_fields"):
        return type(like)(*values)
    return type(like)(values)


def tree_map(f, x):
    """``x`` with each leaf replaced by ``f(leaf)``."""
    if is_container(x):
        return rebuild(x, [tree_map(f, c) for c in children(x)])
    return f(x)


def flatten(x):
    """``(leaves, tree)``: ``tree`` is ``x`` itself, kept to rebuild its containers."""
    leaves = []

    def walk(v):
        if is_container(v):
            for c in children(v):
                walk(c)
        else:
            leaves.append(v)
    walk(x)
    return leaves, x


def unflatten(tree, leaves):
    """The inverse of ``flatten``: ``tree``'s containers holding ``leaves`` in order."""
    it = iter(leaves)
    out = tree_map(lambda _: next(it), tree)
    return out


def same_structure(a, b) -> bool:
    """True when ``a`` and ``b`` are containers of the same types (a list and a tuple
    match), keys and lengths, down to their leaves."""
    if not (is_container(a) and is_container(b)):
        return is_container(a) == is_container(b)
    plain = (list, tuple)
    if type(a) is not type(b) and not (type(a) in plain and type(b) in plain):
        return False
    if isinstance(a, dict):
        return set(a) == set(b) and all(same_structure(a[k], b[k]) for k in a)
    ca, cb = children(a), children(b)
    return len(ca) == len(cb) and all(same_structure(x, y) for x, y in zip(ca, cb))


def align(t, like):
    """``t`` (of ``like``'s structure) with its dicts' keys in ``like``'s order."""
    if isinstance(like, dict):
        return {k: align(t[k], v) for k, v in like.items()}
    if is_container(like):
        return rebuild(t, [align(a, b) for a, b in zip(children(t), children(like))])
    return t
