"""Facts on the IR values (ir/facts.py, analysis/infer.py; docs/architecture.md "Facts"):
the inference pass fills each value's ``facts`` slot (kind and shape pattern), clears what
an earlier inference left, ``clone_block`` keeps them, the transforms read them from the
values (no side table on the transform) and only on their own copy of the primal (the
cached lowered IR is never written), and the derivative is what it was."""
import numpy as np

import tangentlike as tl
from tangentlike.analysis.infer import infer
from tangentlike.analysis.shapes import PY
from tangentlike.frontend.source import spec_of
from tangentlike.ir.builder import clone_block
from tangentlike.ir.facts import Facts, is_shaped, kind_of, pattern_of
from tangentlike.ir.nodes import Func, Value, values
from tangentlike.transforms.reverse import Reverser, clone_func
from tangentlike.transforms.unit import Unit, lower_cached


def f(x, k):
    s = np.sum(x * k)
    for i in range(3):
        s = s + np.sin(x[i])
    return s * 2.0


def _inferred(patterns=((0,), PY)):
    func = clone_func(lower_cached(spec_of(f)))
    return infer(func, ["num", "scalar"], patterns)


def _named(func):
    return {v.hint: v for v in values(func)}


def test_infer_fills_every_values_facts():
    func = _inferred()
    assert all(isinstance(v.facts, Facts) for v in values(func))
    x, k = func.params
    assert (kind_of(x), pattern_of(x)) == ("num", (0,))
    assert (kind_of(k), pattern_of(k)) == ("scalar", PY)
    out = func.body.ops[-1].args[0]
    assert kind_of(out) in ("num", "scalar") and pattern_of(out) == () and is_shaped(out)
    loop = next(op for op in func.body.ops if op.kind == "for")
    i = loop.regions[0].params[0]
    assert kind_of(i) == "scalar" and pattern_of(i) == ("dim", None)


def test_without_patterns_only_kinds_and_stale_facts_are_cleared():
    func = _inferred()
    infer(func, ["num", "scalar"], None)
    assert all(v.facts is None or (pattern_of(v) is None and not is_shaped(v))
               for v in values(func))
    assert kind_of(func.params[0]) == "num"


def test_a_value_without_facts_reads_the_defaults():
    v = Value("t")
    assert v.facts is None and kind_of(v) is None and kind_of(v, "unk") == "unk"
    assert pattern_of(v) is None and not is_shaped(v)


def test_clone_block_keeps_facts():
    func = _inferred()
    vmap = {}
    body = clone_block(func.body, vmap)
    copy = Func("g", list(body.params), body)
    old, new = list(values(func)), list(values(copy))
    assert len(old) == len(new) and all(vmap[a] is b for a, b in zip(old, new))
    assert all(a is not b and a.facts is b.facts for a, b in zip(old, new))


def test_the_transform_reads_facts_from_its_own_copy_only():
    spec = spec_of(f)
    primal = lower_cached(spec)
    rev = Reverser(primal, [True, False], ["num", "scalar"], Unit(True),
                   patterns=[(0,), PY])
    assert not hasattr(rev, "kinds") and not hasattr(rev, "shapes")  # no side tables
    assert all(v.facts is not None for v in values(rev.P))
    rev.run()
    assert all(v.facts is None for v in values(primal))  # the cached IR is not written


def test_output_unchanged_and_right():
    g = tl.grad(f)
    x = np.linspace(0.1, 0.9, 4)
    got = g(x, 1.5)
    eps, fd = 1e-6, np.zeros(4)
    for j in range(4):
        e = np.zeros(4)
        e[j] = eps
        fd[j] = (f(x + e, 1.5) - f(x - e, 1.5)) / (2 * eps)
    np.testing.assert_allclose(got, fd, rtol=1e-6)
    first = g.source
    for _ in range(3):  # the same text however often it is compiled
        assert tl.source(tl.grad(f).compiled([x, 1.5])) == tl.source(g.compiled([x, 1.5]))
    assert "sin" in first
