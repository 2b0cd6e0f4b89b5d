"""VJP and JVP rules of ``np.einsum``: any number of operands (up to six, or three
in the sublist form), either calling form (``np.einsum("ij,jk", a, b)`` or
``np.einsum(a, [0, 1], b, [1, 2])``), ellipses, implicit outputs, repeated and
broadcast letters.

Promises: the parameters name the call's slots (``subscripts`` then ``op0`` ...
``op5``; in the sublist form operands sit in the even slots and sublists in the
odd ones); ``rt.einsum_plan`` reads which slots hold operands. The cotangent of
the operand in slot ``k`` is the product of ``g`` (with the output's subscripts)
and the other operands, written into that operand's shape: ``rt.einsum_into``
with the plan ``rt.plan_swap`` makes; a slot holding subscripts gets None. The
JVP in slot ``k`` is the product with slot ``k`` replaced by the tangent.
``rt.einsum_into`` is multilinear and its rules are the same two constructions,
so the table is closed under differentiation. ``optimize`` is accepted and
ignored (it changes the order of the products, not their value).
"""
import numpy as np

from .. import runtime as rt
from .registry import defjvp, defvjp, nondiff

nondiff(rt.einsum_plan, rt.plan_swap)


@defvjp(np.einsum, argnums=(0, 1, 2, 3, 4, 5, 6))
def einsum(g, ans, subscripts, op0=None, op1=None, op2=None, op3=None,
           op4=None, op5=None, optimize=False):
    p = rt.einsum_plan(subscripts, op0, op1, op2, op3, op4, op5)
    return (rt.einsum_into(rt.plan_swap(p, 0), subscripts, g, op0, op1, op2, op3, op4, op5),
            rt.einsum_into(rt.plan_swap(p, 1), op0, subscripts, g, op1, op2, op3, op4, op5),
            rt.einsum_into(rt.plan_swap(p, 2), op1, subscripts, op0, g, op2, op3, op4, op5),
            rt.einsum_into(rt.plan_swap(p, 3), op2, subscripts, op0, op1, g, op3, op4, op5),
            rt.einsum_into(rt.plan_swap(p, 4), op3, subscripts, op0, op1, op2, g, op4, op5),
            rt.einsum_into(rt.plan_swap(p, 5), op4, subscripts, op0, op1, op2, op3, g, op5),
            rt.einsum_into(rt.plan_swap(p, 6), op5, subscripts, op0, op1, op2, op3, op4, g))


@defjvp(np.einsum, argnum=0)
def einsum_jvp0(d, ans, subscripts, op0=None, op1=None, op2=None, op3=None,
                op4=None, op5=None, optimize=False):
    p = rt.einsum_plan(subscripts, op0, op1, op2, op3, op4, op5)
    return rt.einsum_into(p, ans, d, op0, op1, op2, op3, op4, op5)


@defjvp(np.einsum, argnum=1)
def einsum_jvp1(d, ans, subscripts, op0=None, op1=None, op2=None, op3=None,
                op4=None, op5=None, optimize=False):
    p = rt.einsum_plan(subscripts, op0, op1, op2, op3, op4, op5)
    return rt.einsum_into(p, ans, subscripts, d, op1, op2, op3, op4, op5)


@defjvp(np.einsum, argnum=2)
def einsum_jvp2(d, ans, subscripts, op0=None, op1=None, op2=None, op3=None,
                op4=None, op5=None, optimize=False):
    p = rt.einsum_plan(subscripts, op0, op1, op2, op3, op4, op5)
    return rt.einsum_into(p, ans, subscripts, op0, d, op2, op3, op4, op5)


@defjvp(np.einsum, argnum=3)
def einsum_jvp3(d, ans, subscripts, op0=None, op1=None, op2=None, op3=None,
                op4=None, op5=None, optimize=False):
    p = rt.einsum_plan(subscripts, op0, op1, op2, op3, op4, op5)
    return rt.einsum_into(p, ans, subscripts, op0, op1, d, op3, op4, op5)


@defjvp(np.einsum, argnum=4)
def einsum_jvp4(d, ans, subscripts, op0=None, op1=None, op2=None, op3=None,
                op4=None, op5=None, optimize=False):
    p = rt.einsum_plan(subscripts, op0, op1, op2, op3, op4, op5)
    return rt.einsum_into(p, ans, subscripts, op0, op1, op2, d, op4, op5)


@defjvp(np.einsum, argnum=5)
def einsum_jvp5(d, ans, subscripts, op0=None, op1=None, op2=None, op3=None,
                op4=None, op5=None, optimize=False):
    p = rt.einsum_plan(subscripts, op0, op1, op2, op3, op4, op5)
    return rt.einsum_into(p, ans, subscripts, op0, op1, op2, op3, d, op5)


@defjvp(np.einsum, argnum=6)
def einsum_jvp6(d, ans, subscripts, op0=None, op1=None, op2=None, op3=None,
                op4=None, op5=None, optimize=False):
    p = rt.einsum_plan(subscripts, op0, op1, op2, op3, op4, op5)
    return rt.einsum_into(p, ans, subscripts, op0, op1, op2, op3, op4, d)


# --- Rules of the runtime helper (multilinear in its slots) ---------------------------

@defvjp(rt.einsum_into, argnums=(2, 3, 4, 5, 6, 7, 8))
def einsum_into(ct, out, plan, t, a0=None, a1=None, a2=None, a3=None, a4=None,
                a5=None, a6=None):
    return (rt.einsum_into(rt.plan_swap(plan, 0), a0, ct, a1, a2, a3, a4, a5, a6),
            rt.einsum_into(rt.plan_swap(plan, 1), a1, a0, ct, a2, a3, a4, a5, a6),
            rt.einsum_into(rt.plan_swap(plan, 2), a2, a0, a1, ct, a3, a4, a5, a6),
            rt.einsum_into(rt.plan_swap(plan, 3), a3, a0, a1, a2, ct, a4, a5, a6),
            rt.einsum_into(rt.plan_swap(plan, 4), a4, a0, a1, a2, a3, ct, a5, a6),
            rt.einsum_into(rt.plan_swap(plan, 5), a5, a0, a1, a2, a3, a4, ct, a6),
            rt.einsum_into(rt.plan_swap(plan, 6), a6, a0, a1, a2, a3, a4, a5, ct))


@defjvp(rt.einsum_into, argnum=2)
def einsum_into_jvp0(d, out, plan, t, a0=None, a1=None, a2=None, a3=None, a4=None,
                     a5=None, a6=None):
    return rt.einsum_into(plan, t, d, a1, a2, a3, a4, a5, a6)


@defjvp(rt.einsum_into, argnum=3)
def einsum_into_jvp1(d, out, plan, t, a0=None, a1=None, a2=None, a3=None, a4=None,
                     a5=None, a6=None):
    return rt.einsum_into(plan, t, a0, d, a2, a3, a4, a5, a6)


@defjvp(rt.einsum_into, argnum=4)
def einsum_into_jvp2(d, out, plan, t, a0=None, a1=None, a2=None, a3=None, a4=None,
                     a5=None, a6=None):
    return rt.einsum_into(plan, t, a0, a1, d, a3, a4, a5, a6)


@defjvp(rt.einsum_into, argnum=5)
def einsum_into_jvp3(d, out, plan, t, a0=None, a1=None, a2=None, a3=None, a4=None,
                     a5=None, a6=None):
    return rt.einsum_into(plan, t, a0, a1, a2, d, a4, a5, a6)


@defjvp(rt.einsum_into, argnum=6)
def einsum_into_jvp4(d, out, plan, t, a0=None, a1=None, a2=None, a3=None, a4=None,
                     a5=None, a6=None):
    return rt.einsum_into(plan, t, a0, a1, a2, a3, d, a5, a6)


@defjvp(rt.einsum_into, argnum=7)
def einsum_into_jvp5(d, out, plan, t, a0=None, a1=None, a2=None, a3=None, a4=None,
                     a5=None, a6=None):
    return rt.einsum_into(plan, t, a0, a1, a2, a3, a4, d, a6)


@defjvp(rt.einsum_into, argnum=8)
def einsum_into_jvp6(d, out, plan, t, a0=None, a1=None, a2=None, a3=None, a4=None,
                     a5=None, a6=None):
    return rt.einsum_into(plan, t, a0, a1, a2, a3, a4, a5, d)
