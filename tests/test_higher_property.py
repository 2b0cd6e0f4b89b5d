"""The closure property, second order (issue 16), on a sample that keeps the suite fast.

Every first derivative the backend emits for a sample of the corpus and of fuzz
programs is differentiated again forward over reverse, reverse over reverse,
forward over forward and reverse over forward, and H·v is compared with central
differences of the gradient (tolerances: tests/higher/second_order.py). The
whole corpus and a larger fuzz sample: ``python tools/higher_order.py``.
"""
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import corpus  # noqa: E402
from fuzz.harness import workspace  # noqa: E402
from higher import second_order as so  # noqa: E402

_CORPUS = list(so.corpus_targets(corpus.grad_cases()))
SAMPLE = [t for n, t in enumerate(_CORPUS) if n % 5 == 0 or t[0] in (
    "nested_loops", "triangular_loops", "inner_break", "inplace_recurrence", "prefix_sums",
    "aug_subscript", "row_writes", "elementwise_writes", "append_and_sum", "list_indexing")]


def _check(target):
    name, fn, args, i, v = target
    out = so.check(fn, args, i, v)
    failed = {w: o.message for w, o in out.items() if o.status == "failed"}
    assert not failed, f"{name}: {failed}"
    return out


@pytest.mark.parametrize("target", SAMPLE, ids=[t[0] for t in SAMPLE])
def test_corpus_second_order(target):
    _check(target)


def test_fuzz_second_order():
    targets = list(so.fuzz_targets(so.fuzz_programs(8, seed=16), workspace()))
    assert len(targets) >= 8  # most programs are far from a tie: both x and v are checked
    checked = sum("all" not in _check(t) for t in targets)
    assert checked >= len(targets) // 2


def test_the_check_catches_a_wrong_second_derivative():
    import numpy as np

    def f(x):
        return np.sum(np.sin(x) * x)
    x, v = np.array([0.3, 0.9]), np.array([1.0, -0.5])
    ref = so._fd(__import__("tangentlike").grad(f), (x,), 0, v, so.STEP)
    good = so._compare(lambda: ref * (1 + 1e-9), None, (x,), 0, v, ref, ref)
    bad = so._compare(lambda: ref * 1.01, __import__("tangentlike").grad(f), (x,), 0, v,
                      ref, ref)
    assert good.status == "ok" and bad.status == "failed"
