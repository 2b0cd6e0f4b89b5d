"""Static shape patterns (pass ``shapes``): which axes of an array have size 1.

For each value: a tuple with one entry per axis, ``1`` (the axis has size 1),
``0`` (it does not) or ``None`` (unknown), as Theano's "broadcastable" flags;
``()`` is a NumPy scalar or 0-d array, ``PY`` a Python number, ``("dims", P)``
a shape tuple and ``("dim", f)`` an integer that is an axis length; ``None``
is unknown. The entry point takes the patterns of the parameters (``pattern``
of the call's arguments), so a derivative is specialised on them the way it
is on kinds: a gradient compiled for a (4, 32) + (32,) sum differs from one for
(1, 32) + (32,). Two axes that broadcast against each other and are both not
of size 1 have the same length (NumPy raises otherwise), which is what lets
``specialize`` replace ``rt.unbroadcast`` by nothing or by a fixed ``sum``.
Loop carries iterate to a fixed point; anything not modelled is unknown.

Where nothing is known (the general variant, ``--general``), shapes are still
related: an elementwise result has the broadcast shape of its operands, and
broadcasting is idempotent, commutative and associative, so ``Like(S)`` says "the
broadcast shape of the values in ``S``", each a value of unknown shape (a token).
``sin(y)``, ``0.5 * y`` and ``y + sin(y)`` are all ``Like({y})``, which is what lets
``specialize`` drop ``rt.unbroadcast(e, y)`` from their adjoints in code for any
arguments. The tokens are values of this function only: ``visible`` forgets them
where a pattern leaves it (a callee's result, a call's arguments, a tape).
"""
from __future__ import annotations

import operator

import numpy as np

from .. import runtime as rt
from ..rules import registry

PY = "py"
SCALAR = "0d"  # a Python number on some paths, a NumPy scalar on others
_BOTTOM = object()  # not reached yet (a loop carry before its first visit)
_MAX_ITERATIONS = 32


class Like(frozenset):
    """The broadcast shape of a set of values whose own shapes are unknown."""

    __slots__ = ()


def visible(p):
    """``p`` as seen outside the function it was inferred in (no ``Like`` tokens)."""
    return None if isinstance(p, Like) else p


def like_of(v, p):
    """The tokens of value ``v`` of pattern ``p``: ``p``'s, ``{v}`` if unknown, none for a
    0-d value; None for a known array pattern (no token stands for it)."""
    if isinstance(p, Like):
        return p
    if p is None:
        return Like((v,))
    if p in (PY, SCALAR, ()) or isinstance(p, tuple) and p[:1] == ("dim",):
        return Like()
    return None


def pattern(x):
    """The pattern of a run-time argument (``None`` for anything but numbers)."""
    if type(x) is np.ndarray:
        return tuple(1 if n == 1 else 0 for n in x.shape)
    if isinstance(x, np.generic):
        return ()
    if isinstance(x, (int, float, complex)) and not isinstance(x, bool):
        return PY
    return None


def is_array(p) -> bool:
    return isinstance(p, tuple) and p[:1] not in (("dims",), ("dim",))


def _as_array(p):
    """Broadcasting operand view: Python numbers and lengths are 0-d."""
    if p in (PY, SCALAR) or isinstance(p, tuple) and p[:1] == ("dim",):
        return ()
    return p if is_array(p) else None


def broadcast(patterns):
    arrays = [_as_array(p) for p in patterns]
    if not arrays or any(a is None for a in arrays):
        return None
    if all(p == PY or isinstance(p, tuple) and p[:1] == ("dim",) for p in patterns):
        return PY
    ndim = max(map(len, arrays))
    if ndim == 0 and SCALAR in patterns:
        return SCALAR
    out = []
    for k in range(ndim):
        facts = [a[len(a) - ndim + k] for a in arrays if len(a) - ndim + k >= 0]
        out.append(0 if 0 in facts else 1 if all(f == 1 for f in facts) else None)
    return tuple(out)


def is_elementwise(fn) -> bool:
    """A broadcasting elementwise function: its result has the broadcast shape."""
    return isinstance(fn, np.ufunc) or registry.has(fn, "elementwise")


def join(a, b):
    if a is _BOTTOM:
        return b
    if b is _BOTTOM or a == b:
        return a
    if {a, b} <= {PY, (), SCALAR}:
        return SCALAR
    if is_array(a) and is_array(b) and len(a) == len(b):
        return tuple(x if x == y else None for x, y in zip(a, b))
    if isinstance(a, tuple) and isinstance(b, tuple) and a[:1] == b[:1] == ("dim",):
        return ("dim", a[1] if a[1] == b[1] else None)
    return None


def shapes(func, param_patterns, callee=None) -> dict:
    """``value -> pattern`` for the values of ``func``; ``callee(fn, patterns)`` gives
    the pattern of what a user function returns."""
    out = {p: s for p, s in zip(func.params, param_patterns)}
    out[_PUSHED] = {}
    _visit(func.body, out, callee)
    del out[_PUSHED]
    return out


_PUSHED = object()  # out[_PUSHED]: tape -> the patterns of each push onto it, so far


def _pop(op, out):
    """What a pop gives: joined over the pushes onto its tape of as many values (a pop
    comes after its pushes in program order); None where a push of a tuple may match."""
    n = len(op.results)
    got = [_BOTTOM] * n
    for ps in out[_PUSHED].get(op.args[0], ()):
        if len(ps) != n:
            if len(ps) == 1 or n == 1:
                return
            continue
        got = [join(a, b) for a, b in zip(got, ps)]
    for r, p in zip(op.results, got):
        out[r] = None if p is _BOTTOM else visible(p)


def returned(func, param_patterns, callee=None):
    """The pattern of what ``func`` returns."""
    return visible(shapes(func, param_patterns, callee).get(func.body.ops[-1].args[0]))


def _visit(block, out, callee):
    for op in block.ops:
        for r in op.results:  # whatever is not modelled below is unknown
            out[r] = None
        if op.kind == "if":
            for r in op.regions:
                _visit(r, out, callee)
            for i, res in enumerate(op.results):
                out[res] = join(*(out.get(r.ops[-1].args[i]) for r in op.regions))
        elif op.kind in ("for", "while"):
            _loop(op, out, callee)
        elif op.kind == "const":
            out[op.result] = _const(op.attrs["value"])
        elif op.kind == "tuple":
            ps = [out.get(a) for a in op.args]
            dims = all(isinstance(p, tuple) and p[:1] == ("dim",) for p in ps)
            out[op.result] = ("dims", tuple(p[1] for p in ps)) if dims else None
        elif op.kind == "setitem":
            out[op.result] = _same_as(op.args[0], out)
        elif op.kind == "push":
            out[_PUSHED].setdefault(op.args[0], []).append([out.get(a) for a in op.args[1:]])
        elif op.kind == "pop":
            _pop(op, out)
        elif op.kind == "call" and len(op.results) == 1:
            ps = [out.get(a) for a in op.args]
            p = _call(op, ps)
            if p is None and callee is not None and not op.attrs.get("kw"):
                p = callee(op.attrs["fn"], [visible(q) for q in ps])
            out[op.result] = _related(op, ps, out) if p is None else p


def _same_as(v, out):
    """The pattern of a value with the shape of ``v``."""
    p = out.get(v)
    return Like((v,)) if p is None else p


def _related(op, ps, out):
    """``Like`` of an elementwise call or one with its first operand's shape, whose
    operands' patterns are not all known (None: no relation)."""
    fn, kw = op.attrs["fn"], op.attrs.get("kw", ())
    if kw and not set(kw) <= {"dtype"}:
        return None
    args = op.args[:len(op.args) - len(kw)]
    if registry.has(fn, "shape_of_first") and args:
        return _same_as(args[0], out)
    if isinstance(fn, np.ufunc):
        if fn.nout != 1 or len(args) != fn.nin:
            return None
    elif not registry.has(fn, "elementwise") or fn is np.where and len(args) != 3:
        return None
    tokens = Like()
    for a in args:
        t = like_of(a, out.get(a))
        if t is None:
            return None
        tokens = tokens | t
    return Like(tokens) if tokens else None


def _loop(op, out, callee):
    body = op.regions[-1]
    carries = body.params[1:] if op.kind == "for" else body.params
    inits = op.args[1:] if op.kind == "for" else op.args
    if op.kind == "for":
        out[body.params[0]] = _item(op.args[0], out)
    for p in carries:
        out[p] = _BOTTOM
    for it in range(_MAX_ITERATIONS + 1):
        new = [join(join(out[p], out.get(i)), out.get(y, _BOTTOM))
               for p, i, y in zip(carries, inits, body.ops[-1].args)]
        if it == _MAX_ITERATIONS:
            new = [None] * len(carries)  # did not settle: assume nothing
        changed = any(out[p] != n for p, n in zip(carries, new))
        for p, n in zip(carries, new):
            out[p] = n
        if it and not changed:
            break
        if op.kind == "while":
            for c, p in zip(op.regions[0].params, carries):
                out[c] = out[p]
        for r in op.regions:
            _visit(r, out, callee)
    for res, p in zip(op.results, carries):
        out[res] = out[p]


def _item(iterable, out):
    o = iterable.owner
    if getattr(o, "kind", None) == "call" and o.attrs["fn"] is range:
        return ("dim", None)
    p = out.get(iterable)
    return p[1:] if is_array(p) and p else None


def _const(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return ("dim", 1 if v == 1 else 0)
    return PY if isinstance(v, (float, complex)) else pattern(v)


def _axis(op):
    """(ok, axis, keepdims) of a reduction call with constant arguments."""
    kw = op.attrs.get("kw", ())
    npos = len(op.args) - len(kw)
    named = dict(zip(kw, op.args[npos:]))
    if npos > 2 or set(named) - {"axis", "keepdims"}:
        return False, None, False
    axis_v = op.args[1] if npos == 2 else named.get("axis")
    vals = []
    for v in (axis_v, named.get("keepdims")):
        c = getattr(v, "owner", None) if v is not None else None
        if v is not None and getattr(c, "kind", None) != "const":
            return False, None, False
        vals.append(c.attrs["value"] if v is not None else None)
    return isinstance(vals[0], (int, type(None))), vals[0], bool(vals[1])


def _reduce(op, ps):
    ok, axis, keep = _axis(op)
    x = _as_array(ps[0]) if ps else None
    if not ok or x is None:
        return None
    if axis is None:
        return tuple(1 for _ in x) if keep else ()
    if not -len(x) <= axis < len(x):
        return None
    axis %= len(x)
    return x[:axis] + ((1,) if keep else ()) + x[axis + 1:]


def _matmul(ps):
    a, b = (_as_array(p) for p in ps)
    if a is None or b is None or not (1 <= len(a) <= 2 and 1 <= len(b) <= 2):
        return None
    return a[:-1] + b[1:] if len(b) == 2 else a[:-1]


def _one(p):
    """Whether an array of pattern ``p`` has one element: 1, 0 (no) or None."""
    return 1 if all(a == 1 for a in p) else 0 if 0 in p else None


def _product(kind, op, ps):
    """The pattern of ``np.outer``, ``np.inner`` or ``np.einsum`` (constant subscripts)."""
    if kind == "einsum":
        return _einsum(op, ps)
    a, b = (_as_array(p) for p in ps) if len(ps) == 2 else (None, None)
    if a is None or b is None:
        return None
    if kind == "outer":
        return (_one(a), _one(b))
    if not a or not b:
        return broadcast(ps)  # a scalar operand multiplies
    return a[:-1] + b[:-1] if len(a) <= 2 and len(b) <= 2 else None


def _einsum(op, ps):
    c = op.args[0].owner if op.args else None
    spec = c.attrs["value"] if getattr(c, "kind", None) == "const" else None
    if not isinstance(spec, str) or "." in spec or op.attrs.get("kw"):
        return None
    spec = spec.replace(" ", "")
    ins, _, out = spec.partition("->")
    ins = ins.split(",")
    if len(ins) != len(ps) - 1 or not all(s.isalpha() for s in ins) or \
            "->" not in spec and not ins:
        return None
    if "->" not in spec:
        letters = "".join(ins)
        out = "".join(sorted(x for x in set(letters) if letters.count(x) == 1))
    facts = {}
    for s, p in zip(ins, ps[1:]):
        arr = _as_array(p)
        if arr is None or len(arr) != len(s):
            return None
        for letter, f in zip(s, arr):
            facts.setdefault(letter, []).append(f)
    if not set(out) <= set(facts) or len(set(out)) != len(out):
        return None
    return tuple(0 if 0 in facts[x] else 1 if all(f == 1 for f in facts[x]) else None
                 for x in out)


def _call(op, ps):
    fn = op.attrs["fn"]
    kw = op.attrs.get("kw", ())
    if fn is np.shape and len(ps) == 1:
        return ("dims", ps[0]) if is_array(ps[0]) else None
    if fn is len and is_array(ps[0]) and ps[0]:
        return ("dim", ps[0][0])
    if fn in (np.size, np.ndim) and len(ps) == 1:
        return ("dim", None)  # an integer
    if fn is operator.getitem:
        return _getitem(op, ps)
    if registry.has(fn, "reduction"):
        return _reduce(op, ps)
    if kw:  # a dtype= keyword keeps the pattern; others are not modelled
        if not set(kw) <= {"dtype"}:
            return None
        ps = ps[:len(ps) - len(kw)]
    if registry.has(fn, "creator") and len(ps) == 1:
        p = ps[0]
        if isinstance(p, tuple) and p[:1] in (("dims",), ("dim",)):
            return tuple(p[1]) if p[0] == "dims" else (p[1],)
        return None
    if registry.has(fn, "shape_of_first") and ps:
        return ps[0]
    if registry.has(fn, "matmul") and len(ps) == 2:
        return _matmul(ps)
    product = registry.spelling(fn, "shapes")
    if product is not None:
        return _product(product, op, ps)
    if fn in (np.transpose, rt.T) and len(ps) == 1 and is_array(ps[0]):
        return ps[0][::-1]
    if fn is float and len(ps) == 1:
        return PY
    if isinstance(fn, np.ufunc) and fn.nout == 1 and len(ps) == fn.nin or registry.has(fn, "elementwise"):
        return broadcast(ps)
    return None


def _getitem(op, ps):
    base, idx = ps
    if isinstance(base, tuple) and base[:1] == ("dims",):
        c = op.args[1].owner
        if getattr(c, "kind", None) == "const" and isinstance(c.attrs["value"], int):
            i = c.attrs["value"]
            return ("dim", base[1][i]) if -len(base[1]) <= i < len(base[1]) else None
        return None
    if is_array(base) and base and isinstance(idx, tuple) and idx[:1] == ("dim",):
        return base[1:]  # an integer index drops the first axis
    if _is_range(op.args[0]) and isinstance(idx, tuple) and idx[:1] == ("dim",):
        return ("dim", None)  # an item of a range (a reversed one: generated code)
    return None


def _is_range(v) -> bool:
    """``range(...)``, or a slice of one (``rng[::-1]``)."""
    o = v.owner
    if getattr(o, "kind", None) != "call":
        return False
    if o.attrs["fn"] is range:
        return True
    return o.attrs["fn"] is operator.getitem and \
        getattr(o.args[1].owner, "kind", None) == "slice" and _is_range(o.args[0])
