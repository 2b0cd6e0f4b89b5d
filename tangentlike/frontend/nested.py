"""``tl.jvp(f, (x, ...), (dx, ...))`` inside a function being differentiated.

Promise: the call is lowered, when the outer function is compiled, to a call of
f's compiled JVP function, ``jvp_f(x, ..., dx, ...)`` (one tangent per primal
whose tangent is not the literal ``None``), which returns ``(out, out_tangent)``
like ``tl.jvp``. That function is tangentlike's own output, so the outer
transform differentiates its code (reverse over forward, forward over forward),
as it does for ``tl.grad`` written inside a function. ``f`` must be a function
known when compiling and the primals and tangents literal tuples, so that which
arguments carry a tangent is known then.
"""
from __future__ import annotations

import gast

from ..errors import UnsupportedSyntaxError
from ..ir.callees import DerivativeBase, compiled_jvp, is_jvp  # noqa: F401 (is_jvp re-exported)


def lower_jvp(lowerer, node):
    """The call ``node`` (``tl.jvp(...)``) as a call of the compiled JVP function."""
    loc = lowerer.spec.loc(node)
    args = node.args
    if len(args) != 3 or node.keywords or \
            not all(isinstance(a, (gast.Tuple, gast.List)) for a in args[1:]):
        raise UnsupportedSyntaxError(
            "tl.jvp inside a differentiated function other than tl.jvp(f, (x, ...), (dx, ...))",
            loc, "pass the function by name and the primals and tangents as tuple literals")
    ok, fn = lowerer.static(args[0])
    primals, tangents = args[1].elts, args[2].elts
    if not ok or len(tangents) != len(primals):
        raise UnsupportedSyntaxError("tl.jvp of a function not known when compiling, or with "
                                     "as many tangents as primals", loc,
                                     "pass a module-level function and one tangent per primal")
    if isinstance(fn, DerivativeBase):
        raise UnsupportedSyntaxError("tl.jvp of a derivative inside a differentiated function",
                                     loc, "call tl.jvp on the plain function")
    mask = [not (isinstance(t, gast.Constant) and t.value is None) for t in tangents]
    jvp_fn = compiled_jvp(fn, mask)
    call = gast.Call(args[0], list(primals) + [t for t, m in zip(tangents, mask) if m], [])
    gast.copy_location(call, node)
    return lowerer.call_user(jvp_fn, call)
