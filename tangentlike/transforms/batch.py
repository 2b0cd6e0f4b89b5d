"""Batched tangents in forward mode: ``k`` JVPs in one sweep (vectorised Jacobians).

Input: the tangent ops ``transforms/forward.py`` has just emitted after one primal op
(a straight-line run at the end of a block). Output: the same run made to carry
batched tangents (``runtime/batching.py``: a leading batch axis of size ``k``), in
place. This is the batching ("vmap") of straight-line code: a value is batched when
an operand of the op that made it is; the primal never is (it does not depend on a
tangent). Each call with a batched operand is made as its primitive's ``defbatch``
record says (``rules/facts.py``): an elementwise function gets ``rt.lift`` on the
batched operands whose primal rank may be below another operand's (NumPy broadcasts
from the right, so the batch axis would meet a primal axis); a function with a
batched helper for that set of batched positions calls the helper; any other function
with a derivative rule and no effects is called once per member (``rt.per_member``);
an indexed write
(``x[i] = v``) shifts its index past the batch axis.
Anything else raises ``NotBatchedError``: the caller then takes the Jacobian one
column per sweep instead (decided at compile time, never a guess).
"""
from __future__ import annotations

from .. import runtime as rt
from ..errors import NotBatchedError
from ..ir.builder import Builder
from ..ir.facts import kind_of
from ..rules import registry

_STRUCTURE = ("tuple", "list", "dict", "append", "listpop", "unpack", "push", "pop")


class Batcher:
    """The batched values of one function, and the rewriting of its tangent runs.
    ``scalar`` holds values whose primal is known to be a number (no ``lift``), besides
    those whose inferred kind (``ir.facts``) says so."""

    def __init__(self):
        self.batched, self.scalar, self.containers = set(), set(), set()
        self.k, self.same = None, False

    def is_batched(self, v) -> bool:
        return v in self.batched

    def is_scalar(self, v) -> bool:
        return v in self.scalar or kind_of(v) == "scalar"

    def mark(self, v, scalar=False):
        self.batched.add(v)
        if scalar:
            self.scalar.add(v)
        return v

    def rewrite(self, block, start):
        """Batch the ops ``block.ops[start:]`` (a straight-line run, appended in order)."""
        run = block.ops[start:]
        del block.ops[start:]
        for op in run:
            self.op(op, block)

    def op(self, op, block):
        b = Builder(block, op.loc, mark=op.attrs.get("adjoint", "tangent"))
        fn = op.attrs.get("fn") if op.kind == "call" else None
        self.same = op.attrs.pop("batch_same", False)
        hit = [i for i, a in enumerate(op.args) if a in self.batched]
        how = registry.batch_rule(fn) if fn is not None else None
        if how in ("source", "size"):  # makes a batched tangent / reads the batch size
            if how == "source":
                self.mark(op.result)
            return self._put(op, block)
        if not hit or op.regions:
            self._scalar_result(op)
            return self._put(op, block)
        if op.kind == "call":
            self._call(op, hit, b)
        elif op.kind == "setitem":
            self._indexed(op, b)
        elif op.kind in _STRUCTURE:
            self._structure(op, hit)
        else:
            raise NotBatchedError(f"'{op.kind}' of a batched tangent", op.loc)
        for r in op.results:
            self.batched.add(r)
        self._put(op, block)

    def _put(self, op, block):
        op.block = block
        block.ops.append(op)

    def _scalar_result(self, op):
        if op.kind == "const" and isinstance(op.attrs.get("value"), (int, float)) \
                and not isinstance(op.attrs.get("value"), bool):
            self.scalar.add(op.result)
        elif op.kind == "call" and op.results and op.args and all(
                self.is_scalar(a) for a in op.args) and _elementwise(op.attrs["fn"]):
            self.scalar.add(op.result)

    def _structure(self, op, hit):
        if op.kind == "unpack" and op.args[0] not in self.containers:
            raise NotBatchedError("unpacking a batched array", op.loc)
        if op.kind in ("tuple", "list", "dict") and len(hit) != len(op.args):
            raise NotBatchedError("a container of batched and unbatched values", op.loc)
        if op.kind in ("tuple", "list", "dict"):
            self.containers.add(op.result)

    def _call(self, op, hit, b):
        fn = op.attrs["fn"]
        how = registry.batch_rule(fn)
        if how == "elementwise" and not op.attrs.get("kw"):
            return self._elementwise(op, hit, b)
        if how == "loop":
            kw = op.attrs.get("kw", ())
            npos = len(op.args) - len(kw)
            where = tuple(i if i < npos else kw[i - npos] for i in hit)
            op.args = [b.const(fn, "fn"), b.const(where, "batched")] + op.args
            op.attrs["fn"] = rt.per_member
            return
        if isinstance(how, dict) and tuple(hit) in how:
            helper = how[tuple(hit)]
            if helper != "same":
                op.attrs["fn"] = helper
            if fn is rt.add:
                self.containers.update(r for r in op.results
                                       if any(a in self.containers for a in op.args))
            return
        raise NotBatchedError(registry.display_name(fn), op.loc)

    def _elementwise(self, op, hit, b):
        args = list(op.args)
        if all(self.is_scalar(a) for a in args):
            for r in op.results:
                self.scalar.add(r)
            return
        same = self.same
        for i in hit:
            others = [a for j, a in enumerate(args) if j != i and not self.is_scalar(a)]
            plain = [a for a in others if a not in self.batched]
            mates = [a for a in others if a in self.batched and not same]
            d = args[i]
            if mates:
                d = self.mark(b.call(rt.lift_b, [d] + mates, hint=d.hint))
            if plain:
                d = self.mark(b.call(rt.lift, [d] + plain, hint=d.hint))
            op.args[i] = d

    def _indexed(self, op, b):
        """``target[index] = value`` on a batched target."""
        target, idx, value = op.args
        if target not in self.batched:
            raise NotBatchedError("writing a batched value into an unbatched buffer", op.loc)
        idx2 = b.call(rt.batch_index, [target, idx], hint="bidx")
        if value in self.batched:
            value = self.mark(b.call(rt.lift_item, [value, target, idx2], hint=value.hint))
        op.args[1], op.args[2] = idx2, value


def _elementwise(fn) -> bool:
    return registry.batch_rule(fn) == "elementwise"
