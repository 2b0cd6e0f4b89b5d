"""Shape-specialised cotangent code (asked while a rule body is being inlined).

With the static patterns of ``analysis.shapes`` (which axes have size 1), the
generic runtime helpers of a rule become what a person would write:

- ``rt.unbroadcast(e, x)`` in the rule of a broadcasting elementwise op, where
  ``e`` has the shape of the op's result ``ans``: nothing when ``x`` has that
  shape, else ``e.sum(axis=...)`` over the leading axes ``x`` lacks and, with
  ``keepdims``, over the axes where ``x`` has size 1 and ``ans`` does not;
- ``rt.matmul_vjp_left(g, a, b)`` / ``rt.matmul_vjp_right`` (and the ``dot``
  ones) for 1-d and 2-d operands: ``g @ b.T``, ``a.T @ g``, ``b @ g``,
  ``np.outer(g, b)``, ``g * b``;
- the cotangent of a full ``np.sum``/``np.mean`` (``rt.sum_vjp``: an array of copies
  of a scalar) stays the scalar where the next product broadcasts it anyway, and
  ``rt.count(x)`` becomes ``y.size`` of a same-shaped operand.

Anything whose pattern is not fully known keeps the run-time helper, which
handles every case; so specialisation never changes a result, only its cost.
The replaced helpers no longer read ``x`` (a shape witness), so it is not taped.
"""
from __future__ import annotations

import operator

import numpy as np

from .. import runtime as rt
from ..analysis.shapes import PY, SCALAR, is_array, is_elementwise
from ..ir.facts import pattern_of
from ..ir.nodes import Op
from ..rules import registry
from .simplify import const_of


def unbroadcast_axes(ans, x):
    """``(lead, keep)``: the axes of ``ans``-shaped ``e`` to sum away and those to sum
    keeping them (in ``x``'s numbering), or None if the patterns do not tell."""
    if x in (PY, SCALAR):  # the run-time helper makes a Python float of a sum
        return (0, ()) if ans in (PY, SCALAR, ()) else None
    if ans in (PY, SCALAR):
        ans = ()
    if not (is_array(ans) and is_array(x)) or len(x) > len(ans):
        return None
    lead = len(ans) - len(x)
    keep = []
    for i, (xf, af) in enumerate(zip(x, ans[lead:])):
        if af == 1 or xf == 0:
            continue  # both of size 1, or x's length is the result's
        if xf is None:
            return None
        keep.append(i)
    return lead, tuple(keep)


class Shaped:
    """What the inliner needs: patterns of primal values, the op's result (``ans``,
    named ``ans_name`` in the rule) and ``primal_of`` (the primal value an adjoint-sweep
    value was popped or read from) and ``avail`` (a primal value, readable there)."""

    def __init__(self, ans, ans_name, elementwise, primal_of, avail):
        self.ans_value, self.ans_name = ans, ans_name
        self.ans = pattern_of(ans) if elementwise else None
        self.primal_of, self.avail = primal_of, avail

    def of(self, v):
        return pattern_of(v) if v is not None else None

    def primal(self, name, bound):
        """The primal value rule parameter ``name`` stands for (None: not a parameter)."""
        return self.ans_value if name == self.ans_name else bound.get(name)

    def fold(self, fn, looks, arg, b):
        """A value replacing ``fn(*args)``, ``arg(i)`` giving argument i as readable
        in the adjoint sweep; ``looks`` are the primal values the arguments stand for
        (None for values of the rule itself). None: keep the call."""
        if fn is rt.unbroadcast and self.ans is not None:
            return self._unbroadcast(looks, arg, b)
        if registry.has(fn, "scaling"):
            return self._uniform(fn, looks, arg, b)
        if fn is rt.count and len(looks) == 2 and const_of(arg(1)) == (True, None):
            return self._count(looks[0], b)
        if registry.has(fn, "product_vjp_left") or registry.has(fn, "product_vjp_right"):
            nd = [len(p) if is_array(p) else None for p in map(self.of, looks[1:3])]
            return _product(registry.has(fn, "product_vjp_left"), nd, arg, b)
        return None

    def _unbroadcast(self, looks, arg, b):
        plan = unbroadcast_axes(self.ans, self.of(looks[1]))
        if plan is None:
            return None
        lead, keep = plan
        e = arg(0)
        if lead:
            axis = None if lead == len(self.ans) else 0 if lead == 1 else tuple(range(lead))
            e = _sum(b, e, axis, False)
        if keep:
            e = _sum(b, e, keep[0] if len(keep) == 1 else keep, True)
        return e

    def _count(self, x, b):
        """``rt.count(x, None)`` -> ``y.size`` for ``x`` or an operand ``y`` of the same
        shape (``d`` for ``x = d * d``), one that the adjoint reads anyway."""
        px = self.of(x)
        if not is_array(px):
            return None
        o = x.owner
        if isinstance(o, Op) and o.kind == "call" and is_elementwise(o.attrs["fn"]):
            x = next((y for y in o.args if is_array(self.of(y))
                      and unbroadcast_axes(px, self.of(y)) == (0, ())), x)
        return b.call(rt.size, [self.avail(x)], hint="n")

    def _uniform(self, fn, looks, arg, b):
        """``sum_vjp(s, x) * y`` -> ``s * y`` where ``y`` has the shape of ``x`` (the
        product broadcasts ``s`` itself), and ``sum_vjp(s, x) / count(x)`` ->
        ``sum_vjp(s / count(x), x)``: no array of copies of ``s`` is made."""
        for i in (0, 1):
            if looks[i] is not None:
                continue  # a primal operand is no cotangent
            u = arg(i)
            s = _uniform_scalar(u)
            if s is None:
                continue
            other = arg(1 - i)
            if i == 0 and fn in (operator.truediv, np.divide) and _is_full_count(other):
                total = b.call(operator.truediv, [s, other], hint="d")
                return b.call(rt.sum_vjp, [total] + u.owner.args[1:], hint=u.hint)
            if self._same_shape(other, looks[1 - i], u.owner.args[1]):
                return b.call(fn, [s, other] if i == 0 else [other, s], hint="d")
        return None

    def _same_shape(self, y, y_primal, x):
        """Whether ``y`` (in the adjoint sweep) surely has the shape of ``x``."""
        if y is x:
            return True
        o = y.owner
        if isinstance(o, Op) and o.kind == "call" and registry.has(o.attrs["fn"], "shape_of_second") \
                and len(o.args) > 1 and o.args[1] is x:
            return True
        return self.ans is not None and self.primal_of(x) is self.ans_value and \
            y_primal is not None and unbroadcast_axes(self.ans, self.of(y_primal)) == (0, ())


def _uniform_scalar(u):
    """``s`` if ``u`` is ``rt.sum_vjp(s, x)`` of a full sum (``x``-shaped copies of s)."""
    o = u.owner
    if not (isinstance(o, Op) and o.kind == "call" and o.attrs["fn"] is rt.sum_vjp
            and len(o.args) == 4 and not o.attrs.get("kw")):
        return None
    consts = [const_of(a) for a in o.args[2:]]
    return o.args[0] if consts == [(True, None), (True, False)] else None


def _is_full_count(v):
    """A scalar element count: ``rt.count(x, None)`` or ``y.size``."""
    o = v.owner
    if not (isinstance(o, Op) and o.kind == "call"):
        return False
    return o.attrs["fn"] is rt.size or o.attrs["fn"] is rt.count and len(o.args) == 2 and \
        const_of(o.args[1]) == (True, None)


def _sum(b, e, axis, keepdims):
    args, kw = [e], []
    if axis is not None:
        args.append(b.const(axis))
        kw.append("axis")
    if keepdims:
        args.append(b.const(True))
        kw.append("keepdims")
    return b.call(rt.sum_axes, args, hint="d", kw=kw)


def _product(left, nd, arg, b):
    """Cotangent of ``a`` (``left``) or ``b`` in ``a @ b`` for operands of ``nd`` ndims."""
    if nd == [2, 2]:
        if left:
            return b.call(operator.matmul, [arg(0), b.call(rt.T, [arg(2)], hint="t")])
        return b.call(operator.matmul, [b.call(rt.T, [arg(1)], hint="t"), arg(0)])
    if nd == [1, 2]:
        if left:
            return b.call(operator.matmul, [arg(2), arg(0)])
        return b.call(np.outer, [arg(1), arg(0)])
    if nd == [2, 1]:
        if left:
            return b.call(np.outer, [arg(0), arg(2)])
        return b.call(operator.matmul, [arg(0), arg(1)])
    if nd == [1, 1]:
        return b.call(operator.mul, [arg(0), arg(2 if left else 1)])
    return None
