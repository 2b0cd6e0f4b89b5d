"""The IR verifier (tangentlike.ir.verifier).

It must accept everything the frontend produces (the function of every
end-to-end corpus case and, transitively, the user functions and nested defs
it calls, before and after the clean-up passes) and reject hand-built IR with one defect each. Each broken
function is built from a valid one by a single change, and the valid one is
checked to pass first, so a rejection is due to that change alone.
"""
import pathlib
import sys

import pytest

from tangentlike.errors import Loc
from tangentlike.frontend.lower import lower
from tangentlike.frontend.lower_expr import LocalFunc, is_user_function
from tangentlike.frontend.source import spec_of
from tangentlike.ir.builder import Builder
from tangentlike.ir.nodes import Block, Func, walk_ops
from tangentlike.ir.verifier import VerifyError, verify
from tangentlike.transforms.unit import lower_cached

TESTS = pathlib.Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))
import corpus  # noqa: E402


def corpus_functions():
    """The function of every corpus case (grad and vjp), by case name."""
    return {c.name: c.fn for c in corpus.grad_cases() + corpus.vjp_cases()}


FUNCS = corpus_functions()


def _callee_specs(func):
    """Specs of the user functions (module-level or nested defs) ``func`` calls."""
    out = []
    for op in walk_ops(func.body):
        fn = op.attrs.get("fn") if op.kind == "call" else None
        if is_user_function(fn):
            out.append(fn.spec if isinstance(fn, LocalFunc) else spec_of(fn))
    return out


def test_corpus_is_collected():
    assert len(FUNCS) >= 60


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_verifier_accepts_lowered_corpus_function(name):
    todo, seen = [spec_of(FUNCS[name])], set()
    while todo:
        spec = todo.pop()
        if spec.key in seen:
            continue
        seen.add(spec.key)
        raw = lower(spec)
        assert verify(raw) is raw
        cleaned = lower_cached(spec)  # after the clean-up passes
        assert verify(cleaned) is cleaned
        todo += _callee_specs(raw)


# ---------------------------------------------------------------- hand-built IR

LOC = Loc("<hand-built>", 1, 0, "", "f")


def new_func(nparams=1):
    body = Block()
    params = [body.add_param(f"x{i}") for i in range(nparams)]
    return Func("f", params, body, LOC, [p.hint for p in params]), Builder(body, LOC)


def straight(defect=None):
    """f(x) = (x + 1) * x, with ``defect`` in ("twice", "before")."""
    f, b = new_func()
    (x,) = f.params
    one = b.const(1.0)
    add = b.op("call", [x, one], ["a"], {"fn": "add", "kw": ()})
    mul = b.op("call", [add.result, x], ["m"], {"fn": "mul", "kw": ()})
    if defect == "twice":  # the result of ``add`` is also the result of ``mul``
        mul.results[0] = add.result
    if defect == "before":  # ``add`` is moved after its use
        ops = f.body.ops
        ops[1], ops[2] = ops[2], ops[1]
    b.op("return", [mul.results[0]])
    return f


def branch(defect=None):
    """f(x, c) = (x * 2 if c else x); defects: "escape", "yields"."""
    f, b = new_func(2)
    x, c = f.params
    then, other = Block(), Block()
    tb = Builder(then, LOC)
    two = tb.const(2.0)
    dbl = tb.op("call", [x, two], ["d"], {"fn": "mul", "kw": ()}).result
    tb.yield_([dbl, two] if defect == "yields" else [dbl])
    Builder(other, LOC).yield_([x])
    res = b.op("if", [c], ["y"], regions=(then, other)).result
    # "escape": the branch's inner value is used after the if, not its result
    b.op("return", [dbl if defect == "escape" else res])
    return f


def loop(defect=None):
    """f(x) = sum of x * i for i in range(3), as a for with one carry; defects:
    "params" (body lacks its carry parameter), "inits" (an extra initial value),
    "yield" (body yields no carry)."""
    f, b = new_func()
    (x,) = f.params
    rng = b.op("call", [b.const(3)], ["rng"], {"fn": range, "kw": ()}).result
    zero = b.const(0.0)
    body = Block()
    i = body.add_param("i")
    s = body.add_param("s") if defect != "params" else None
    bb = Builder(body, LOC)
    xi = bb.op("call", [x, i], ["xi"], {"fn": "mul", "kw": ()}).result
    new = bb.op("call", [s or zero, xi], ["s"], {"fn": "add", "kw": ()}).result
    bb.yield_([] if defect == "yield" else [new])
    inits = [rng, zero] + ([zero] if defect == "inits" else [])
    out = b.op("for", inits, ["s"], regions=(body,)).result
    b.op("return", [out])
    return f


@pytest.mark.parametrize("make", [straight, branch, loop])
def test_valid_hand_built_ir_passes(make):
    verify(make())


@pytest.mark.parametrize("make, defect, message", [
    (straight, "twice", r"defined twice"),
    (straight, "before", r"before its definition"),
    (branch, "escape", r"before its definition"),
    (branch, "yields", r"branch yields 2, expected 1"),
    (loop, "params", r"carries do not match"),
    (loop, "inits", r"carries do not match"),
    (loop, "yield", r"carries do not match"),
])
def test_verifier_rejects_broken_ir(make, defect, message):
    with pytest.raises(VerifyError, match=message):
        verify(make(defect))


def test_verifier_rejects_missing_terminator():
    f = straight()
    f.body.ops.pop()
    with pytest.raises(VerifyError, match="must end with return"):
        verify(f)
