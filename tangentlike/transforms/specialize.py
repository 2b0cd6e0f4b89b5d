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

In code for any arguments (no patterns), ``rt.unbroadcast(e, x)`` is still nothing
where ``x`` surely has the result's shape (``analysis.shapes.Like``: ``0.5 * y``,
``y + np.sin(y)``, ``-k * y`` against ``y``... once ``k`` is a scalar or like ``y``).

Anything whose pattern is not fully known keeps the run-time helper, which
handles every case; so specialisation never changes a result, only its cost.
The replaced helpers no longer read ``x`` (a shape witness), so it is not taped.
"""
from __future__ import annotations

import operator

import numpy as np

from .. import runtime as rt
from ..analysis.shapes import PY, SCALAR, is_array, is_elementwise, like_of
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

    def __init__(self, ans, ans_name, elementwise, primal_of, avail, scalars=()):
        self.ans_value, self.ans_name = ans, ans_name
        self.scalars = frozenset(scalars)  # tokens known to be 0-d (a checked output's)
        self.ans = pattern_of(ans) if elementwise else None
        self.elementwise = elementwise
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
        if fn is rt.unbroadcast and self.elementwise:
            return self._unbroadcast(looks, arg, b)
        if fn in (np.divide, np.multiply) and len(looks) == 2 and \
                all(self._python_number(looks[i], arg(i)) for i in (0, 1)):
            op = operator.truediv if fn is np.divide else operator.mul  # 1.0 / d.size: a
            return b.call(op, [arg(0), arg(1)], hint="d")  # float, no np.float64 (dtype)
        if registry.has(fn, "scaling"):
            return self._uniform(fn, looks, arg, b)
        if registry.has(fn, "negation") and len(looks) == 1 and looks[0] is None:
            plan = _sum_plan(arg(0))  # -sum_vjp(s, x, ...) -> sum_vjp(-s, x, ...)
            if plan is not None:
                o = arg(0).owner
                return b.call(rt.sum_vjp, [b.call(fn, [o.args[0]], hint="d")] + o.args[1:],
                              hint=arg(0).hint)
        if fn is rt.count and len(looks) == 2 and const_of(arg(1))[0]:
            return self._count(looks[0], const_of(arg(1))[1], b)
        if registry.has(fn, "product_vjp_left") or registry.has(fn, "product_vjp_right"):
            nd = [len(p) if is_array(p) else None for p in map(self.of, looks[1:3])]
            return _product(registry.has(fn, "product_vjp_left"), nd, arg, b)
        return None

    def _unbroadcast(self, looks, arg, b):
        plan = None if self.ans is None else unbroadcast_axes(self.ans, self.of(looks[1]))
        if plan is None:
            return arg(0) if self._alike(looks[1]) else None
        lead, keep = plan
        e = arg(0)
        if lead:
            axis = None if lead == len(self.ans) else 0 if lead == 1 else tuple(range(lead))
            e = _sum(b, e, axis, False)
        if keep:
            e = _sum(b, e, keep[0] if len(keep) == 1 else keep, True)
        return e

    def _python_number(self, primal, v):
        """Whether ``v`` is surely a Python number (a float constant, an int, a length)."""
        ok, c = const_of(v)
        if ok:
            return isinstance(c, (int, float)) and not isinstance(c, bool)
        p = self.of(primal)
        return p == PY or isinstance(p, tuple) and p[:1] == ("dim",)

    def _alike(self, x):
        """Whether ``x`` surely has the shape of the result (both ``Like`` the same)."""
        if x is None:
            return False
        mine, theirs = self.like(self.ans_value, self.ans), self.like(x, self.of(x))
        return mine is not None and mine == theirs

    def like(self, v, p):
        """``like_of`` without the tokens known to be 0-d."""
        t = like_of(v, p)
        return t if t is None or not self.scalars else t - self.scalars

    def _count(self, x, axis, b):
        """``rt.count(x, axis)`` -> ``y.size`` (``rt.count(y, axis)``) for ``x`` or an
        operand ``y`` of the same shape (``d`` for ``x = d * d``), one that the adjoint
        reads anyway."""
        px = self.of(x)
        if not is_array(px):
            return None
        o = x.owner
        if isinstance(o, Op) and o.kind == "call" and is_elementwise(o.attrs["fn"]):
            x = next((y for y in o.args if is_array(self.of(y))
                      and unbroadcast_axes(px, self.of(y)) == (0, ())), x)
        if axis is None:
            return b.call(rt.size, [self.avail(x)], hint="n")
        return b.call(rt.count, [self.avail(x), b.const(axis)], hint="n")

    def _uniform(self, fn, looks, arg, b):
        """``sum_vjp(s, x) * y`` -> ``s * y`` where the product broadcasts ``s`` over
        ``x``'s shape itself (``y`` has it, or has every summed axis of ``x``), with the
        summed axes put back where they are not leading (``np.expand_dims``); and
        ``sum_vjp(s, x) / count(x)`` -> ``sum_vjp(s / count(x), x)``: no array of copies
        of ``s`` is made. ``s`` of 1.0 is no factor."""
        for i in (0, 1):
            if looks[i] is not None:
                continue  # a primal operand is no cotangent
            u = arg(i)
            plan = _sum_plan(u)
            if plan is None:
                continue
            s, axes, keep = plan
            other = arg(1 - i)
            if i == 0 and fn in (operator.truediv, np.divide) and _is_count(other):
                return _divide_copies(u, other, b)
            ok, c = const_of(other)
            if ok and isinstance(c, (int, float)) and not isinstance(c, bool) and \
                    (i == 0 or fn in (operator.mul, np.multiply)):
                return _scale_copies(u, fn, other, b)  # copies of s * 2 are copies of 2s
            y_primal = looks[1 - i] if looks[1 - i] is not None else self.primal_of(other)
            s = self._spread(s, axes, keep, other, y_primal, u.owner.args[1], b)
            if s is None:
                continue
            if fn in (operator.mul, np.multiply) and const_of(s) == (True, 1.0):
                return other
            return b.call(fn, [s, other] if i == 0 else [other, s], hint="d")
        return None

    def _spread(self, s, axes, keep, y, y_primal, x, b):
        """``s`` (the sum's cotangent) shaped to broadcast like ``sum_vjp(s, x)`` in a
        product with ``y``, or None where that is not sure; nested sums unwrap."""
        full = axes is None
        if not (full and self._same_shape(y, y_primal, x)) and \
                not _covers(self.of(self.primal_of(x)), self.of(y_primal), axes):
            return None
        if not full and not keep and axes != tuple(range(len(axes))):
            return b.call(np.expand_dims, [s, b.const(axes)], hint="d")
        inner = _sum_plan(s)
        if inner is not None:  # s is copies of s2 itself: sum_vjp(s2, x2, ...)
            deeper = self._spread(*inner, y, y_primal, s.owner.args[1], b)
            if deeper is not None:
                return deeper
        return s

    def _same_shape(self, y, y_primal, x):
        """Whether ``y`` (in the adjoint sweep) surely has the shape of ``x``."""
        if y is x:
            return True
        o = y.owner
        if isinstance(o, Op) and o.kind == "call" and registry.has(o.attrs["fn"], "shape_of_second") \
                and len(o.args) > 1 and o.args[1] is x:
            return True
        if y_primal is None:
            return False
        px = self.primal_of(x)
        if px is not None and self.like(px, self.of(px)) is not None and \
                self.like(px, self.of(px)) == self.like(y_primal, self.of(y_primal)):
            return True  # d * d against d, with d's shape unknown
        return self.ans is not None and px is self.ans_value and \
            unbroadcast_axes(self.ans, self.of(y_primal)) == (0, ())


def _sum_plan(u):
    """``(s, axes, keepdims)`` if ``u`` is ``rt.sum_vjp(s, x, axis, keepdims)`` with
    constant ``axis`` (``axes``: None for all, else a sorted tuple of non-negative
    axes, which needs ``x``'s rank: given by the caller's patterns) and ``keepdims``."""
    o = u.owner
    if not (isinstance(o, Op) and o.kind == "call" and o.attrs["fn"] is rt.sum_vjp
            and len(o.args) == 4 and not o.attrs.get("kw")):
        return None
    (ok_a, axis), (ok_k, keep) = (const_of(a) for a in o.args[2:])
    if not (ok_a and ok_k and isinstance(keep, bool)):
        return None
    if axis is None:
        return (o.args[0], None, keep) if not keep else None
    axis = axis if isinstance(axis, tuple) else (axis,)
    if not all(isinstance(a, int) and not isinstance(a, bool) and a >= 0 for a in axis):
        return None  # negative axes: numbered from x's end, left to the helper
    return o.args[0], tuple(sorted(set(axis))), keep


def _covers(px, py, axes):
    """Whether an operand of pattern ``py`` has every summed axis of ``x`` (pattern
    ``px``, ``axes`` None: all) that is not of size 1, right-aligned: then the product
    has ``x``'s length there (NumPy raised otherwise), as with the copies."""
    if not (is_array(px) and is_array(py)) or len(py) < len(px):
        return False
    summed = range(len(px)) if axes is None else axes
    if any(a >= len(px) for a in summed):
        return False
    for a in summed:
        j = len(py) - len(px) + a
        if px[a] is None or px[a] == 0 and (j < 0 or py[j] != 0):
            return False
    return True


def _is_count(v):
    """An element count, an integer: ``rt.count(x, axis)`` or ``y.size``."""
    o = v.owner
    return isinstance(o, Op) and o.kind == "call" and o.attrs["fn"] in (rt.size, rt.count)


def _scale_copies(u, fn, c, b):
    """``u * c`` (``u / c``) for ``u`` copies of ``s`` and a number ``c``: copies of ``s * c``."""
    o = u.owner
    (ok, s), (_, cv) = const_of(o.args[0]), const_of(c)
    if ok and isinstance(s, (int, float)) and not isinstance(s, bool):
        total = b.const(float(s * cv if fn in (operator.mul, np.multiply) else s / cv))
    else:
        total = b.call(fn, [o.args[0], c], hint="d")
    return b.call(rt.sum_vjp, [total] + o.args[1:], hint=u.hint)


def _divide_copies(u, n, b):
    """``u / n`` for ``u`` copies of ``s`` (``rt.sum_vjp``, nested ones too) and a
    count ``n``: the copies of ``s / n``."""
    o = u.owner
    s = o.args[0]
    s = _divide_copies(s, n, b) if _sum_plan(s) is not None else \
        b.call(operator.truediv, [s, n], hint="d")
    return b.call(rt.sum_vjp, [s] + o.args[1:], hint=u.hint)


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
