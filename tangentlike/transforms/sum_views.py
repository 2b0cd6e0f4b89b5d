"""Pass ``sum_views``: no array of copies for the cotangent of a sum that is multiplied
(or divided) at once by an array of the summed array's shape.

``rt.sum_vjp(g, x, axis, keepdims) * y`` spreads ``g`` over ``x``'s shape (a new array)
and then multiplies. When ``y`` has ``x``'s shape for certain, ``rt.sum_expand(g, x,
axis, keepdims) * y`` is the same product: ``g`` with the summed axes put back as size-1
axes (a view; ``g`` itself for a sum of everything), spread by the multiplication's
broadcasting. Certain means: ``y`` is
``x``; or ``x`` is an elementwise product, sum, ... whose only array operand is ``y``
(``x = z * z`` in ``np.sum(z * z)``); or ``y`` is computed by a helper whose result has
the shape of its second argument and that argument is ``x`` (``rt.extremum_share(ans, x,
...)`` of ``np.max``). GMM's gradient spreads (K, n) cotangents over (K, n, d) this way
(issue 20). The ``sum_vjp`` left unused is dropped by ``dce``.

Then ``p + p`` (two equal contributions to one cotangent, as ``z * z`` gives once
``cse`` merged them) where ``p = s * y`` and ``s`` is such a ``sum_expand`` view becomes
``(s + s) * y``: the doubling is done on the small operand, and one operation on the
large shape is saved. Doubling is exact, so ``(s + s) * y`` is ``s * y + s * y``
bit for bit (away from overflow and subnormals, where both round alike too).
"""
from __future__ import annotations

from .. import runtime as rt
from ..analysis.shapes import is_elementwise
from ..ir.nodes import Op, Value, walk_ops
from ..rules import registry


def sum_views(func) -> bool:
    changed = False
    for op in list(walk_ops(func.body)):
        if op.kind != "call" or not registry.has(op.attrs["fn"], "scaling") \
                or op.attrs.get("kw") or len(op.args) != 2:
            continue
        for i in (0, 1):
            s = op.args[i].owner
            if _spread(s) and _same_shape(s.args[1], op.args[1 - i]):
                op.args[i] = _insert_before(op, s)
                changed = True
                break
    return _double_small(func) or changed


def _double_small(func) -> bool:
    """``r = p + p`` with ``p = s * y``, ``s`` a ``sum_expand``, used only there: ``p`` becomes
    ``s + s`` and ``r`` becomes ``p * y`` (the same order of ops, so every operand is
    still defined before it is read)."""
    uses = {}
    for op in walk_ops(func.body):
        for a in op.args:
            uses[a] = uses.get(a, 0) + 1
    changed = False
    for op in list(walk_ops(func.body)):
        if op.kind != "call" or op.attrs.get("kw") or len(op.args) != 2 \
                or not registry.has(op.attrs["fn"], "addition") or op.args[0] is not op.args[1]:
            continue
        p = op.args[0].owner
        if not (isinstance(p, Op) and p.kind == "call" and registry.has(p.attrs["fn"], "multiplication")
                and not p.attrs.get("kw") and len(p.args) == 2 and len(p.results) == 1
                and uses.get(p.result) == 2 and p.args[0] is not p.args[1]):
            continue
        for i in (0, 1):
            s = p.args[i].owner
            if isinstance(s, Op) and s.kind == "call" and s.attrs["fn"] is rt.sum_expand:
                y = p.args[1 - i]
                small = p.args[i]
                product, addition = p.attrs["fn"], op.attrs["fn"]
                p.attrs = dict(p.attrs, fn=addition)
                p.args = [small, small]
                op.attrs = dict(op.attrs, fn=product)
                op.args = [p.result, y] if i == 0 else [y, p.result]
                changed = True
                break
    return changed



def _spread(s) -> bool:
    return isinstance(s, Op) and s.kind == "call" and s.attrs["fn"] is rt.sum_vjp \
        and not s.attrs.get("kw") and len(s.args) == 4


def _is_const(v) -> bool:
    return isinstance(v.owner, Op) and v.owner.kind == "const"


def _same_shape(x, y) -> bool:
    """``y`` has the shape of ``x`` whatever the arguments are."""
    if x is y:
        return True
    o = x.owner
    if isinstance(o, Op) and o.kind == "call" and is_elementwise(o.attrs["fn"]) \
            and not o.attrs.get("kw"):
        arrays = [a for a in o.args if not _is_const(a)]
        if arrays and all(a is y for a in arrays):
            return True
    p = y.owner
    return isinstance(p, Op) and p.kind == "call" and not p.attrs.get("kw") \
        and registry.has(p.attrs["fn"], "shape_of_second") and len(p.args) >= 2 \
        and p.args[1] is x


def _insert_before(op, s) -> Value:
    axis = s.args[2].owner
    if isinstance(axis, Op) and axis.kind == "const" and axis.attrs["value"] is None:
        return s.args[0]  # a sum of everything: g is a scalar (or all size-1 axes)
    new = Op("call", list(s.args), [], {"fn": rt.sum_expand, "kw": ()}, loc=s.loc,
             block=op.block)
    v = new.add_result(s.result.hint)
    ops = op.block.ops
    ops.insert(ops.index(op), new)
    return v
