"""Runtime helpers for lists, tuples and dicts in derivative code: undoing
``append``/``pop``/item assignment in the adjoint sweep, splitting and joining list
cotangents, unit tangents. Imported into ``tangentlike.runtime``."""
from typing import TypeVar

import numpy as np

from . import _rebuild, copy, float_dtype, zeros_like  # defined before this module is imported
from .records import is_record, rebuild_record, record_fields, record_items

_T = TypeVar("_T")


def stop_gradient(x: _T) -> _T:
    """``x`` itself; its derivative is zero (the compiler treats it as a constant)."""
    return x


def field(x, name):
    """``getattr(x, name)``: what ``x.name`` lowers to when ``name`` is not an array's."""
    return getattr(x, name)


def field_vjp(g, x, name):
    """Cotangent of ``x`` for ``ans = rt.field(x, name)``: zeros like ``x`` (a namedtuple or
    dataclass) holding ``g`` in field ``name``; an error for any other object (its
    attributes are not containers of derivatives: a zero would be a guess)."""
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return _rebuild(x, [g if f == name else zeros_like(v) for f, v in zip(x._fields, x)])
    if is_record(x) and name in record_fields(x):
        return rebuild_record(x, [g if f == name else zeros_like(v)
                                  for f, v in zip(record_fields(x), record_items(x))])
    from ..errors import TangentlikeError
    raise TangentlikeError(f"no derivative through attribute .{name} of a "
                           f"{type(x).__name__}: only namedtuple and dataclass fields carry one")


def is_record_type(cls) -> bool:
    """True for a namedtuple class or a dataclass type (constructed by ``as_record``)."""
    if not isinstance(cls, type):
        return False
    return (issubclass(cls, tuple) and hasattr(cls, "_fields")) or \
        "__dataclass_fields__" in vars(cls) or hasattr(cls, "__dataclass_fields__")


def as_record(cls, items):
    """``cls(*items)``: a namedtuple or a dataclass from its ``__init__`` fields in order."""
    return cls(*items)


def record_children(r):
    """The fields of a namedtuple or dataclass ``r`` as a tuple (in declaration order)."""
    return tuple(record_items(r)) if is_record(r) else tuple(r)


def like_record(r, items):
    """A namedtuple or dataclass of ``r``'s type holding ``items``."""
    return rebuild_record(r, items) if is_record(r) else _rebuild(r, items)


def append_vjp(g):
    """Cotangents ``(before, value)`` of ``lst.append(value)`` from the list's cotangent ``g``."""
    return g[:-1], g[-1]


class _Missing:
    """Marks a dict key that did not exist before an item assignment."""

    def __repr__(self):
        return "rt.MISSING"


MISSING = _Missing()


def save_item(x, idx):
    """What ``x[idx] = ...`` is about to overwrite (a copy), or ``MISSING`` for a new dict key."""
    if isinstance(x, dict) and idx not in x:
        return MISSING
    return copy(x[idx])


def saved_item_vjp(g, old, x, idx):
    """Cotangent of ``x`` for ``old = save_item(x, idx)``: ``g`` at ``idx``, zeros elsewhere
    (all zeros when ``idx`` was a new dict key: nothing was read)."""
    if old is MISSING or g is None:
        return zeros_like(x)
    from . import getitem_vjp
    return getitem_vjp(g, x, idx)


def restore_item(x, idx, old):
    """Undo ``x[idx] = ...`` in place, given what ``save_item`` returned; returns ``x``."""
    if old is MISSING:
        del x[idx]
    else:
        x[idx] = old
    return x


def unpop_vjp(g, item):
    """Cotangent of a list before ``lst.pop()`` removed ``item``: ``g`` plus a zero slot."""
    return list(g) + [zeros_like(item)]


def basis(x, k):
    """The unit tangent of ``x``'s shape with a one at flat index ``k``."""
    e = np.zeros(np.shape(x), dtype=float_dtype(x))
    e.flat[k] = 1.0
    return e


def join_last(lst, value):
    """A new list: ``lst`` followed by ``value``."""
    return list(lst) + [value]


def drop_last(lst):
    """A new list: ``lst`` without its last item."""
    return list(lst[:-1])


def unpack_vjp(cts, value):
    """Cotangent of ``value`` from those of its items (``a, b = value``); None is zero.
    Rows of an array are stacked back; a tuple or list keeps its type."""
    if type(value) is tuple and type(cts) is tuple and len(cts) == len(value) \
            and all(c is not None for c in cts):
        return cts  # every item has its cotangent already (issue 20: LSTM)
    parts = [zeros_like(v) if c is None else c for c, v in zip(cts, value)]
    if isinstance(value, np.ndarray):
        return np.stack([np.broadcast_to(p, value.shape[1:]) for p in parts])
    return _rebuild(value, parts) if isinstance(value, (tuple, list)) else tuple(parts)


def items(x):
    """The items of ``x`` as a tuple (rows of an array)."""
    return tuple(x)



def _holds(other, target, depth=0) -> bool:
    """Is ``target`` (about to change in place) reachable from ``other``: the same object,
    an array sharing its memory, or either of them inside ``other``'s lists, tuples and
    dicts?"""
    if isinstance(target, np.ndarray) and isinstance(other, np.ndarray):
        return np.may_share_memory(target, other) and np.shares_memory(target, other)
    if other is target:
        return True
    if depth < 8 and isinstance(other, (list, tuple, dict)):
        items = other.values() if isinstance(other, dict) else other
        return any(_holds(o, target, depth + 1) for o in items)
    return False


def check_unshared(target, other, name, other_name):
    """Raise if ``other`` shares data with ``target``, about to change in place: a view
    of the same array, or a list, tuple or dict that holds it (a number changed "in
    place", ``x += 1``, is a new number: nothing else sees it)."""
    if isinstance(target, (np.ndarray, list, dict)) and _holds(other, target):
        from ..errors import UnsupportedSyntaxError
        what = "is a view of" if isinstance(other, np.ndarray) else "holds"
        raise UnsupportedSyntaxError(
            f"in-place change of '{name}' while '{other_name}' {what} the same data "
            f"(make a copy: {name} = {name}.copy())")


def _raiser(source, filename):
    """The function ``source`` defines, compiled under a file name of its own: the
    innermost frame of the traceback of the error it raises says what went wrong in the
    user's program (as Python's own error would), not that it happened in tangentlike."""
    ns = {"__name__": __name__}
    exec(compile(source, filename, "exec"), ns)  # noqa: S102 - a constant string
    return next(v for k, v in ns.items() if k != "__name__" and callable(v))


_RAISE = {"_raise": _raiser(
    "def _raise(self, *args, **kwargs):\n"
    "    raise UnboundLocalError('local variable referenced before assignment '\n"
    "                            '(it is assigned only on some paths)')\n",
    "<a variable assigned only on some paths>")}


class _Unbound:
    """The value of a variable not assigned on the path taken: any use raises Python's
    own ``UnboundLocalError``, as the original function would."""

    __name__ = "UNBOUND"
    _raise = _RAISE["_raise"]

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _raise
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = __matmul__ = __rmatmul__ = _raise
    __neg__ = __pos__ = __abs__ = __bool__ = __len__ = __iter__ = __getitem__ = _raise
    __lt__ = __le__ = __gt__ = __ge__ = __float__ = __int__ = __index__ = _raise
    __array__ = _raise

    def __repr__(self):
        return "rt.UNBOUND"


UNBOUND = _Unbound()


def as_list(x):
    """``list(x)``: the items of ``x`` as a new list (rows of an array)."""
    return list(x)


def sort_order(seq, reverse=False):
    """The positions of ``seq``'s items in the order ``sorted(seq, reverse=reverse)``
    puts them (stable, as ``sorted`` is): the derivative of ``sorted`` is this permutation."""
    return sorted(range(len(seq)), key=seq.__getitem__, reverse=reverse)


def pick_index(keys, largest):
    """The position of the first largest (or smallest) of ``keys``: which item
    ``max(xs, key=f)`` (``min``) returns."""
    pick = max if largest else min
    return pick(range(len(keys)), key=keys.__getitem__)


# Raise the AssertionError an assert statement raises.
assert_failed = _raiser(
    "def assert_failed(msg=None):\n"
    "    raise AssertionError(msg) if msg is not None else AssertionError()\n",
    "<an assert statement that failed>")


def write_back(target, value):
    """Write ``value`` into the caller's array ``target`` (a function that assigned into
    items of its parameter: the caller sees the change, as with the original)."""
    if value is target:
        return
    if isinstance(target, list):
        target[:] = value
    elif isinstance(target, dict):
        target.clear()
        target.update(value)
    else:
        target[...] = value


def as_dict(x):
    """``dict(x)`` of a dict: a new dict with the same items (pairs are not accepted:
    their derivative would be a list, not a dict)."""
    if not isinstance(x, dict):
        raise TypeError(f"dict() of a {type(x).__name__} inside a differentiated function: "
                        "write {k: v for k, v in pairs} instead")
    return dict(x)


def dict_keys(d):
    """``list(d.keys())``: the keys of a dict in insertion order (``d.keys()``,
    ``d.items()``, ``d.values()`` in a differentiated function)."""
    if not isinstance(d, dict):
        raise TypeError(f".keys()/.values()/.items() of a {type(d).__name__} inside a "
                        "differentiated function: only dicts have them")
    return list(d)


class Tape(list):
    """The tape of a reverse sweep (Griewank & Walther, ch. 4): ``append`` pushes, ``pop``
    pops. Its values may carry derivatives; read again by the compiler, a ``Tape`` is a
    tape, not a list, so forward mode gives it a parallel tape of tangents."""

    __slots__ = ()


class IndexTape(list):
    """A tape of values that carry no derivative (ranges, integers, flags, index tuples):
    derivatives of the code that uses it give it no tangent."""

    __slots__ = ()


def fstring(parts, *values):
    """The text of an f-string: ``parts`` holds literal strings and, for each value,
    ``(conversion, format spec)``."""
    out, it = [], iter(values)
    for p in parts:
        if isinstance(p, str):
            out.append(p)
            continue
        v = next(it)
        conv, spec = p
        v = {"s": str, "r": repr, "a": ascii}[conv](v) if conv else v
        out.append(format(v, spec))
    return "".join(out)


def iterable(x):
    """What ``for v in x`` runs over, for a parameter ``x``: a dict's keys (as Python
    iterates it), anything else itself."""
    return list(x) if isinstance(x, dict) else x


def iterable_vjp(ct, x):
    """The cotangent of ``x`` from that of ``iterable(x)``: none from a dict's keys."""
    if isinstance(x, dict):
        from . import zeros_like  # late: this module is loaded before the package's helpers
        return zeros_like(x)
    return ct
