"""Building namedtuples and dataclasses inside a differentiated function (a mixin of
``ExprLowering``).

Promise: ``P(a, b=b)``, where ``P`` is a namedtuple or dataclass type, lowers to
``rt.as_record(P, (a, b))`` with the fields bound as ``P``'s signature binds them
(defaults filled in); a call that does not bind is a located error.
"""
from __future__ import annotations

import inspect

from .. import runtime as rt
from ..errors import LocatedError
from ..ir.nodes import Value


class RecordCalls:
    def record_call(self, cls, node):
        """``P(a, b=b)`` of a namedtuple or dataclass type: ``rt.as_record(P, (a, b))``."""
        args = [self.expr(a) for a in node.args]
        kws = {k.arg: self.expr(k.value) for k in node.keywords}
        try:
            bound = inspect.signature(cls).bind(*args, **kws)
        except TypeError as e:
            raise LocatedError(f"bad call to {cls.__name__}: {e}", self.spec.loc(node)) from None
        bound.apply_defaults()
        items = [v if isinstance(v, Value) else self.b.const(v) for v in bound.arguments.values()]
        tup = self.b.op("tuple", items, ("fields",)).result
        return self.b.call(rt.as_record, [self.b.const(cls), tup], hint=cls.__name__.lower())
