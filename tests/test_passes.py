"""The pass pipeline (transforms/passes.py): every stage can be shown, each pass does
what its name says on a program made for it (IR before -> IR after), the pass list is
the one place that orders them, and ``optimize=False`` runs none of the optional ones."""
import sys
import pathlib

import numpy as np
import pytest

import tangentlike as tl
from tangentlike.transforms import passes

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import corpus  # noqa: E402


def helper(a):
    return a * a


def program(x):
    a = np.sin(x)
    b = np.sin(x)
    unused = np.cos(x)  # noqa: F841
    m = np.max(x)
    k = 2.0 * 3.0
    return m + np.log(np.sum(np.exp(x - m))) + k * np.sum(helper(a + b)) - (-x[0])


def _ops(text):
    return [line.split("#")[0].strip() for line in text.splitlines()[1:-1]]


def _calls(text, name):
    return sum(f"call {name}(" in line for line in _ops(text))


def test_stage_names_are_unique_and_cover_every_pass():
    names = [p.name for p in passes.PRIMAL + passes.PREPARE + passes.CLEANUP]
    assert len(set(passes.STAGES)) == len(passes.STAGES)
    assert set(names) <= set(passes.STAGES)
    assert passes.STAGES[0] == "lowered" and passes.STAGES[-1] == "optimized"


@pytest.mark.parametrize("stage", [s for s in passes.STAGES if s != "forward"])
def test_every_stage_can_be_shown(stage):
    text = tl.ir(tl.grad(program), after=stage)
    assert text.startswith("func ")


def test_forward_stage_of_a_forward_derivative():
    text = tl.ir(tl.grad(program, mode="forward"), after="forward")
    assert text.startswith("func ") and "jvp" in text or "grad" in text
    with pytest.raises(tl.ArgumentError, match="does not run"):
        tl.ir(tl.grad(program, mode="forward"), after="prepare.inline_calls")


def test_unknown_stage_lists_the_stages():
    with pytest.raises(tl.ArgumentError, match="primal.cse"):
        tl.ir(program, after="cse")


def test_lowered_is_the_raw_lowering():
    text = tl.ir(program)
    assert _calls(text, "np.sin") == 2 and _calls(text, "np.cos") == 1


def test_primal_cse_merges_equal_pure_calls():
    before, after = tl.ir(program), tl.ir(program, after="primal.cse")
    assert _calls(before, "np.sin") == 2 and _calls(after, "np.sin") == 1
    assert "call add(%a, %a)" in after


def test_primal_dce_drops_unused_pure_calls():
    assert _calls(tl.ir(program, after="primal.cse"), "np.cos") == 1
    assert _calls(tl.ir(program, after="primal.dce"), "np.cos") == 0


def test_prepare_inline_calls_splices_the_helper():
    g = tl.grad(program)
    assert _calls(tl.ir(g, after="primal.signs"), "helper") == 1
    text = tl.ir(g, after="prepare.inline_calls")
    assert _calls(text, "helper") == 0 and "call mul(%t.2, %t.2)" in text


def test_prepare_fold_constants_folds_python_arithmetic():
    g = tl.grad(program)
    assert "%k = call mul(%c, %c.1)" in tl.ir(g, after="prepare.inline_calls")
    assert "%k = const 6.0" in tl.ir(g, after="prepare.fold_constants")


def test_prepare_cut_shifts_stops_the_log_sum_exp_shift():
    g = tl.grad(program)
    assert _calls(tl.ir(g, after="prepare.cse"), "rt.stop_gradient") == 0
    assert _calls(tl.ir(g, after="prepare.cut_shifts"), "rt.stop_gradient") == 1


def squares(m):
    z = np.tanh(m)
    return np.sum(np.sum(z * z, axis=0) * np.cos(m[0]))


def test_cleanup_sum_views_spreads_the_cotangent_by_broadcasting():
    """``rt.sum_vjp(g, z * z, 0) * z`` -> ``rt.sum_expand(g, z * z, 0) * z`` (a view of
    ``g`` with the summed axis back) and the spread ``sum_vjp`` is dropped; the outer
    sum's ``rt.sum_vjp(1.0, s * cos) * cos`` stays (``s`` and ``cos`` have one shape
    here, but nothing says so for any arguments)."""
    g = tl.grad(squares)
    before = tl.ir(g, after="cleanup.cse")
    assert _calls(before, "rt.sum_vjp") == 2 and _calls(before, "rt.sum_expand") == 0
    after = tl.ir(g, after="cleanup.dce")
    assert _calls(after, "rt.sum_vjp") == 1 and _calls(after, "rt.sum_expand") == 1
    m = np.array([[0.3, -0.7, 1.1], [0.5, 0.2, -0.4]])
    z = np.tanh(m)
    want = 2 * z * (1 - z * z) * np.cos(m[0])
    want[0] -= np.sum(z * z, axis=0) * np.sin(m[0])
    np.testing.assert_allclose(g(m), want, rtol=1e-13)


def test_cleanup_passes_only_shrink_the_transform():
    g = tl.grad(program)
    sizes = [len(_ops(tl.ir(g, after=s))) for s in
             ("reverse", "cleanup.selects", "cleanup.cse", "cleanup.sum_views", "cleanup.dce",
              "cleanup.signs")]
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] < sizes[0]
    assert tl.ir(g, after="cleanup.signs") == tl.ir(g, after="optimized")


def test_the_trace_records_whether_each_pass_changed_the_ir():
    from tangentlike.frontend.lower import lower
    from tangentlike.frontend.source import spec_of
    with passes.tracing() as trace:
        passes.run(passes.PRIMAL, lower(spec_of(program)))
    changed = {stage: c for stage, _, c in trace.records}
    assert changed == {"primal.selects": False, "primal.cse": True, "primal.dce": True,
                       "primal.signs": False}


def test_optimize_false_runs_no_optional_pass():
    g = tl.grad(program, optimize=False)
    x = np.array([0.3, -0.2, 0.8])
    src = "\n".join(ln for ln in tl.source(g).splitlines() if not ln.lstrip().startswith("#"))
    assert src.count("np.sin(") == 2 and "np.cos(" in src and "stop_gradient" not in src
    np.testing.assert_allclose(g(x), tl.grad(program)(x), rtol=1e-12)


@pytest.mark.parametrize("case", corpus.grad_cases()[::7], ids=lambda c: c.name)
def test_optimize_false_gives_the_same_gradient(case):
    """The raw transform is the same function: only cheaper code differs (rounding aside)."""
    raw = tl.grad(case.fn, wrt=tuple(case.wrt), optimize=False)(*case.make_args())
    opt = tl.grad(case.fn, wrt=tuple(case.wrt))(*case.make_args())
    for a, b in zip(raw if isinstance(raw, tuple) else (raw,), opt if isinstance(opt, tuple) else (opt,)):
        np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=1e-10, atol=1e-12)


def squared_rows(a, b):
    z = a * b
    return np.sum(np.exp(np.sum(z * z, axis=1)))


def test_cleanup_sum_views_doubles_the_small_operand():
    """``p + p`` with ``p = rt.sum_expand(s, ...) * z`` (``z * z``'s two equal parts) is
    ``(s + s) * z``: the doubling on the reduced cotangent, one full-size op fewer."""
    import re
    rng = np.random.default_rng(0)
    a, b = 0.3 * rng.standard_normal((4, 3)), 0.3 * rng.standard_normal((4, 3))
    g = tl.grad(squared_rows, wrt=(0, 1))
    got = g(a, b)
    z = a * b
    w = np.exp(np.sum(z * z, axis=1))[:, None] * 2 * z  # the closed form, to rounding
    np.testing.assert_allclose(got[0], w * b, rtol=1e-12)
    np.testing.assert_allclose(got[1], w * a, rtol=1e-12)
    text = tl.ir(squared_rows, after="cleanup.sum_views")  # the code for any shapes
    doubled = re.search(r"(%\S+) = call add\((%\S+), \2\)\s.*\n.* = call mul\(\1, %z\)", text)
    assert doubled and "rt.sum_expand" in text.split(doubled.group(2) + " = ")[1].split("\n")[0], text
