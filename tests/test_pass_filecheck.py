"""IR in, IR out: each pass on a small function written in the IR's text form
(``ir/parser.py`` reads what ``ir/printer.py`` writes), the expected text after it,
and its changed flag. Plus the round trip print(parse(print(f))) == print(f) over the
golden programs and the corpus."""
import pathlib
import sys

import pytest

import tangentlike as tl
from tangentlike import runtime as rt
from tangentlike.ir.nodes import walk_ops
from tangentlike.ir.parser import IRSyntaxError, parse_func
from tangentlike.ir.printer import print_func
from tangentlike.transforms import passes

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "golden")]
import corpus  # noqa: E402
import programs  # noqa: E402

ENV = {"rt": rt}
PASSES = {p.name: p for p in passes.PRIMAL + passes.PREPARE + passes.CLEANUP}

INPUT = {
"primal.selects": """func f(%x, %k) {
  %c = const 0.0  # line 1
  %t = call gt(%k, %c)  # line 1
  %b = if(%t) {
    %b.1 = const True  # line 2
    yield(%b.1)  # line 2
  } else {
    %b.2 = const False  # line 3
    yield(%b.2)  # line 3
  }  # line 1
  return(%b)  # line 4
}
""",
"primal.cse": """func f(%x) {
  %a = call np.sin(%x)  # line 1
  %b = call np.sin(%x)  # line 2
  %t = call add(%a, %b)  # line 3
  return(%t)  # line 3
}
""",
"primal.dce": """func f(%x) {
  %a = call np.sin(%x)  # line 1
  %u = call np.cos(%x)  # line 2
  %s, %w = for(%rng, %x, %x) {
    ^(%i, %s.1, %w.1):
    %s.2 = call mul(%s.1, %a)  # line 4
    %w.2 = call mul(%w.1, %w.1)  # line 5
    yield(%s.2, %w.2)  # line 5
  }  # line 3
  return(%s)  # line 6
}
""",
"primal.signs": """func f(%x, %y) {
  %n = call neg(%x)  # line 1
  %m = call mul(%n, %y)  # line 2
  %t = call add(%y, %m)  # line 3
  return(%t)  # line 3
}
""",
"prepare.fold_constants": """func f(%x) {
  %c = const 2.0  # line 1
  %c.1 = const 3.0  # line 1
  %k = call mul(%c, %c.1)  # line 1
  %t = call mul(%k, %x)  # line 2
  return(%t)  # line 2
}
""",
"prepare.cut_shifts": """func f(%x) {
  %m = call np.max(%x)  # line 1
  %t = call sub(%x, %m)  # line 2
  %e = call np.exp(%t)  # line 2
  %s = call np.sum(%e)  # line 2
  %l = call np.log(%s)  # line 2
  %r = call add(%m, %l)  # line 2
  return(%r)  # line 2
}
""",
}

EXPECTED = {
    # an if that picks True/False by its condition is the condition (dce drops the if later)
    "primal.selects": INPUT["primal.selects"].replace("return(%b)", "return(%t)"),
    "primal.cse": """func f(%x) {
  %a = call np.sin(%x)  # line 1
  %t = call add(%a, %a)  # line 3
  return(%t)  # line 3
}
""",
    # the unused call and the loop carry that only feeds itself go
    "primal.dce": """func f(%x, %rng) {
  %a = call np.sin(%x)  # line 1
  %s = for(%rng, %x) {
    ^(%i, %s.1):
    %s.2 = call mul(%s.1, %a)  # line 4
    yield(%s.2)  # line 5
  }  # line 3
  return(%s)  # line 6
}
""",
    # y + (-x) * y is y - x * y: the negation is absorbed by the sum (adjoint code only)
    "primal.signs": """func f(%x, %y) {
  %m = call mul(%x, %y)  # line 2
  %t = call sub(%y, %m)  # line 3
  return(%t)  # line 3
}
""",
    "prepare.fold_constants": INPUT["prepare.fold_constants"].replace(
        "%k = call mul(%c, %c.1)", "%k = const 6.0"),
    # m + log(sum(exp(x - m))) does not depend on m: its derivative through m is cut
    "prepare.cut_shifts": """func f(%x) {
  %m = call np.max(%x)  # line 1
  %m.1 = call rt.stop_gradient(%m)  # line 1
  %t = call sub(%x, %m.1)  # line 2
  %e = call np.exp(%t)  # line 2
  %s = call np.sum(%e)  # line 2
  %l = call np.log(%s)  # line 2
  %r = call add(%m.1, %l)  # line 2
  return(%r)  # line 2
}
""",
}
INPUT["primal.dce"] = INPUT["primal.dce"].replace("func f(%x) {", "func f(%x, %rng) {")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_pass(name):
    func = parse_func(INPUT[name], ENV)
    assert print_func(func) == INPUT[name]
    if name == "primal.signs":  # the pass only rewrites adjoint code
        for op in walk_ops(func.body):
            op.attrs["adjoint"] = True
    assert PASSES[name].run(func, None) is True
    assert print_func(func) == EXPECTED[name]
    assert PASSES[name].run(func, None) is False  # a second run finds nothing to do


def test_every_primal_and_prepare_pass_but_inlining_has_a_case():
    names = {p.name for p in passes.PRIMAL + passes.PREPARE} - {"prepare.inline_calls", "prepare.cse"}
    assert names <= set(EXPECTED)


def _functions():
    out = [(c.name, c.fn) for c in corpus.grad_cases()]
    return out + [(name, v[0]) for name, v in sorted(programs.GOLDEN.items())]


def test_round_trip_over_the_corpus():
    """Every printed function parses back to one that prints the same, unless it holds
    something with no text form (an array constant, a local or generated function)."""
    done = 0
    for name, fn in _functions():
        for stage in ("lowered", "optimized"):
            try:
                text = tl.ir(fn if stage == "lowered" else tl.grad(fn), after=stage)
            except tl.TangentlikeError:
                continue
            first = "func " + text.split("\nfunc ")[0].removeprefix("func ")
            env = dict(ENV, **fn.__globals__)
            try:
                func = parse_func(first, env)
            except IRSyntaxError as e:
                assert "array(" in str(e) or "unknown name" in str(e), (name, e)
                continue
            assert print_func(func) == first, name
            done += 1
    assert done >= 150


def test_malformed_text_is_a_clear_error():
    with pytest.raises(IRSyntaxError, match="used before it is defined"):
        parse_func("func f(%x) {\n  %t = call add(%x, %y)  # line 1\n  return(%t)\n}\n")
    with pytest.raises(IRSyntaxError, match="defined twice"):
        parse_func("func f(%x) {\n  %x = const 1.0\n  return(%x)\n}\n")
