"""Rejecting in-place changes that other names would see (a mixin of ``Lowerer``).

The IR gives each array or list version its own value, so a write through one name
(``w[0] = x``, ``lst.append(v)``, ``w += c`` on an array) is invisible to another
name for the same data: ``u = w``, a view ``u = w[1:]``, a list or dict holding
``w``, or the caller's array when a function writes into its parameter. NumPy would
show the change there; a derivative that did not would be silently wrong. So such a
write is an ``UnsupportedSyntaxError`` naming both names, unless the other name is
never read afterwards. Code that tangentlike generated is not checked: it writes
in place only into buffers it owns (and undoes each write before an old version
is read), the rules it was generated under. The analysis is conservative: a value may share data with
the values it was indexed, reshaped or collected from, and a user function's
result with its arguments.
"""
from __future__ import annotations

import operator

import gast

from .. import runtime as rt
from ..errors import UnsupportedSyntaxError
from ..ir.nodes import Block, Op
from ..rules import registry

_KEEP = ("setitem", "append", "listpop")


class AliasCheck:
    def init_aliases(self, fn_node):
        self.loads = {}
        for n in gast.walk(fn_node):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                self.loads.setdefault(n.id, []).append(n.lineno)
        self.loop_spans, self.carry_init, self._memo = [], {}, {}
        # tangentlike's own output (a derivative read back: derivatives of derivatives)
        name = str(self.spec.globals.get("__name__", "")) if self.spec.globals else ""
        self.generated = name.startswith("tangentlike_generated.")

    def roots(self, v, weak=False, held=True) -> frozenset:
        """What ``v`` may share data with; ``weak`` adds what an integer index may share
        (``M[0]`` is a view of a 2-d array, a copy of an element of a 1-d one); ``held``
        adds what a list, tuple or dict ``v`` holds (changing it does not change them)."""
        memo = self._memo.setdefault((weak, held), {})
        hit = memo.get(v)
        if hit is None:
            memo[v] = frozenset([v])  # a cycle through a loop stops here
            hit = memo[v] = self._compute_roots(v, weak, held)
        return hit

    def _compute_roots(self, v, weak, held):
        own = frozenset([v])
        op = v.owner
        if isinstance(op, Block):
            init = self.carry_init.get(v)
            return own if init is None else own | self.roots(init, weak, held)
        if op.kind in _KEEP:
            base = self.roots(op.args[0], weak, held)
            # a list holds what is appended to it; an item assignment holds its value
            # when the target is a list or dict (an array copies it: decided at run time)
            if held and (op.kind == "append" or (op.kind == "setitem" and weak)):
                base = base | self.roots(op.args[-1], weak, held)
            return base
        if (_collects(op) and held) or (op.kind == "call" and _shares(op, weak, type(self))):
            return own.union(*[self.roots(a, weak, held) for a in op.args])
        if op.kind == "if":
            i = op.results.index(v)
            return own.union(*[self.roots(r.ops[-1].args[i], weak, held) for r in op.regions])
        if op.kind in ("for", "while"):
            i, body = op.results.index(v), op.regions[-1]
            param = body.params[i + (1 if op.kind == "for" else 0)]
            return own | self.roots(param, weak, held) | \
                self.roots(body.ops[-1].args[i], weak, held)
        return own

    def note_carries(self, params, inits):
        for p, init in zip(params, inits):
            if init is not p:
                self.carry_init[p] = init

    def check_inplace(self, name, node, what="change", params_ok=False, at_run_time=False):
        """``name`` is about to be changed in place: may another name see it? With
        ``at_run_time`` (``+=``, most often on numbers) only NumPy's answer counts."""
        if self.generated:
            return  # a derivative's code obeys the ownership rules it was generated under
        shared = self.roots(self.env[name], held=False)  # what the change writes into
        loc = self.spec.loc(node)
        for pname, p in self.param_values.items():
            if p in shared and not params_ok:
                raise UnsupportedSyntaxError(
                    f"in-place {what} of '{name}', which may be the caller's argument "
                    f"'{pname}'", loc, f"copy it first: {name} = {pname}.copy()")
        weak = self.roots(self.env[name], weak=True, held=False)
        for other, v in self.env.items():
            if other == name or other.startswith(".") or not isinstance(
                    getattr(v, "owner", None), (Op, Block)) or not self._read_later(other, node):
                continue
            if shared & self.roots(v) and not at_run_time:
                raise UnsupportedSyntaxError(
                    f"in-place {what} of '{name}' while '{other}' may refer to the same data",
                    loc, f"make a copy: {other} = {name}.copy(), or {name} = {name}.copy()")
            if weak & self.roots(v, weak=True):  # decided at run time: a view, or a copy?
                self.b.op("call", [self.env[name], v, self.b.const(name), self.b.const(other)],
                          [], {"fn": rt.check_unshared, "kw": ()})

    def _read_later(self, name, node):
        line = node.lineno
        lo = min([s for s, _ in self.loop_spans], default=None)
        hi = max([e for _, e in self.loop_spans], default=None)
        for at in self.loads.get(name, ()):
            if at > line or (lo is not None and lo <= at <= hi):
                return True
        return False


def _collects(op) -> bool:
    """A new list, tuple or dict of ``op``'s arguments' items: a literal, or ``list(M)`` /
    ``tuple(M)``, whose items are views of the rows of ``M``."""
    return op.kind in ("tuple", "list", "dict") or (
        op.kind == "call" and op.attrs["fn"] in (rt.as_list, rt.items))


def _shares(op, weak, make) -> bool:
    """``make(spec).lower()`` lowers a callee (the ``Lowerer`` class, passed in: this
    module is a mixin of it)."""
    from .lower_expr import is_user_function
    fn = op.attrs["fn"]
    if fn is operator.getitem:
        return weak or _is_slice(op.args[1])
    if registry.has(fn, "view"):
        return True
    if not is_user_function(fn):
        return False
    made = returns_fresh(fn, make)  # True, "weak" (an integer index of an argument), False
    return weak if made == "weak" else not made


_FRESH: dict = {}  # user function -> what it returns (``returns_fresh``)


def returns_fresh(fn, make):
    """True when the user function ``fn`` returns only values it made (results of
    arithmetic or of NumPy functions that are not views), never an argument, a view of
    one, or an object it reads: then its result shares no data with its arguments;
    ``"weak"`` when it may also return an integer index of one (a view of a 2-d array,
    a copy from a 1-d one: decided at run time, as for ``w[0]``). Read from its lowered
    IR; anything unclear (recursion, no source) counts as sharing (False)."""
    from .lower_expr import LocalFunc
    from .source import spec_of
    # keyed by the code too: a function whose code is replaced in place (autoreload)
    key = (fn.spec.key, fn.spec.hash) if isinstance(fn, LocalFunc) else \
        (fn, getattr(fn, "__code__", None))
    try:
        hit = _FRESH.get(key)
    except TypeError:
        return False
    if hit is None:
        _FRESH[key] = False  # recursion: assume it shares
        try:
            func = make(fn.spec if isinstance(fn, LocalFunc) else spec_of(fn)).lower()
        except Exception:  # noqa: BLE001 - reported where the call is differentiated
            return False
        hit = _FRESH[key] = _fresh(func.body.ops[-1].args[0], make)
    return hit


def _fresh(v, make, depth=0):
    op = v.owner
    if not isinstance(op, Op) or depth > 50:
        return False  # a parameter (an argument, a loop carry): may be what came in
    if op.kind == "call":
        if (getattr(op.attrs["fn"], "__module__", "") or "").startswith(rt.__name__):
            return False
        return True if not _shares(op, True, make) else "weak" if not _shares(op, False, make) \
            else False
    if op.kind in ("tuple", "list", "if"):
        parts = op.args if op.kind != "if" else \
            [r.ops[-1].args[op.results.index(v)] for r in op.regions]
        made = [_fresh(a, make, depth + 1) for a in parts]
        return False if False in made else "weak" if "weak" in made else True
    return False  # constants (a module-level array), loops, in-place ops


def _is_slice(idx) -> bool:
    """Basic slicing (a view): a slice, or a tuple holding one."""
    op = idx.owner
    kind = getattr(op, "kind", None)
    return kind == "slice" or (kind == "tuple" and any(_is_slice(a) for a in op.args))
