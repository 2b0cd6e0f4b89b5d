"""What the pipeline is asked to compile: one frozen ``Request`` (docs/architecture.md,
"The request").

Promise: a ``Request`` holds the function to differentiate and every option that changes
what is generated for it: which arguments are active (``mask``) and in which order the
gradients come back (``single``), the argument kinds, the pipeline mode (``grad``,
``vjp``, ``jvp``, ``fgrad``), ``with_value``, ``optimize``, the checkpoint policy, the
specialisation (``patterns``: which axes have size 1; ``checked``: the spelling a
standalone module checks its arguments against), the back end, and, for the header of a
standalone module, the parameter names and the derivative's order. It is frozen and
hashable; the pipeline passes it whole instead of a row of positional options.

``key()`` is a canonical JSON text of every field except the function itself (whose
source the caches key on separately): only strings, booleans, integers, None and lists of
them, so it is the same text in every process and under any ``PYTHONHASHSEED``. The
disk cache hashes ``key()`` with the closure's fingerprints (``cachekey.make_key``); the
memory cache keys on the request itself (its dataclass equality and hash, every field
compared) and its function's source hash; so a field added here is part of both keys
without more code. ``describe()`` is the ``Options:`` line of a standalone module's
header: the mode as the user spells it, ``wrt`` by name, ``with_value``, ``optimize``,
then every other field that is not its default, except the specialisation (the header's
``Specialised for`` line) and the names (shown through ``wrt``).
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any, Callable

USER_MODE = {"grad": "reverse", "vjp": "reverse", "jvp": "forward", "fgrad": "forward"}
# Shown by describe() before the rest, through wrt, or by the header's own line.
_NOT_LISTED = ("fn", "mask", "kinds", "mode", "single", "with_value", "optimize", "names",
               "patterns", "checked")


@dataclass(frozen=True)
class Request:
    """One derivative to compile; the positional order is that of the old
    ``compile_derivative(fn, mask, kinds, mode, ...)``."""

    fn: Callable[..., Any]
    mask: tuple
    kinds: tuple
    mode: str
    single: Any = True  # True: one gradient; else its positions among the active arguments
    with_value: bool = False
    optimize: bool = True
    checkpoint: Any = None
    patterns: tuple | None = None  # analysis.shapes.pattern of each argument
    backend: str = "numpy"
    checked: tuple | None = None  # (spelling, positions) a standalone module checks
    names: tuple = ()  # the parameters' names, for describe()
    order: int = 1  # a derivative of a derivative of ...: the header says so

    def __post_init__(self):
        if self.mode not in USER_MODE:
            raise ValueError(f"Request mode={self.mode!r}: use one of {', '.join(USER_MODE)}")
        put = object.__setattr__  # frozen: normalise once, here
        put(self, "mask", tuple(map(bool, self.mask)))
        put(self, "kinds", tuple(self.kinds))
        put(self, "names", tuple(self.names))
        if self.single is not True:
            put(self, "single", tuple(self.single))
        if self.patterns is not None:
            put(self, "patterns", tuple(self.patterns))
        if self.checked is not None:
            put(self, "checked", (self.checked[0], tuple(self.checked[1])))

    @property
    def wrt(self) -> tuple:
        """The active parameters' positions in the order the gradients come back."""
        active = tuple(i for i, m in enumerate(self.mask) if m)
        return active if self.single is True else tuple(active[k] for k in self.single)

    def key(self) -> str:
        """Every field but ``fn``, in field order, as canonical JSON (see the module
        docstring)."""
        return json.dumps({name: _canonical(getattr(self, name)) for name in _keyed(type(self))})

    def describe(self) -> str:
        """The options line of a standalone module's header:
        ``mode=reverse, wrt=(a,b), with_value=False, optimize=True``, then the other
        fields that differ from their defaults (``checkpoint=Periodic(every=2)``)."""
        wrt = ",".join(self.names[i] if i < len(self.names) else str(i) for i in self.wrt)
        parts = [f"mode={USER_MODE[self.mode]}",
                 f"wrt={wrt if self.single is True else '(' + wrt + ')'}",
                 f"with_value={self.with_value}", f"optimize={self.optimize}"]
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name not in _NOT_LISTED and value != f.default:
                parts.append(f"{f.name}={value if isinstance(value, str) else repr(value)}")
        return ", ".join(parts)


_KEYED: dict = {}  # Request class -> the names of the fields in its key


def _keyed(cls) -> tuple:
    names = _KEYED.get(cls)
    if names is None:
        names = _KEYED[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.name != "fn")
    return names


def _canonical(v):
    """``v`` as JSON that does not depend on the process: containers become lists,
    anything but a plain scalar its ``repr`` (the checkpoint policies are dataclasses)."""
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, (tuple, list)):
        return [_canonical(e) for e in v]
    return repr(v)
