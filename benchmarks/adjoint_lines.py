"""Lines of the generated adjoint against a hand-written gradient, per example (issue 17).

    python benchmarks/adjoint_lines.py [--markdown]

For each example with a golden emitted module (tests/golden/examples, the module
``tangentlike grad examples/X.py:f`` writes for any arguments): the statements of
its ``grad_f`` and of the hand-written gradient in ``hand_examples.py`` (both
without comments, blank lines and docstrings; the generated one also without the
``try:``/``except``/``rt.source_note``/``raise`` wrapper that adds the error note).
Each hand-written gradient is first checked against tangentlike's gradient.
Target: generated <= 1.5x hand-written.
"""
from __future__ import annotations

import argparse
import ast
import importlib.util
import inspect
import io
import os
import pathlib
import sys
import tokenize
from contextlib import redirect_stdout

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import hand_examples  # noqa: E402
import tangentlike as tl  # noqa: E402
from test_example_goldens import CASES, GOLDEN, _function  # noqa: E402

R = np.random.default_rng(0)
ARGS = {  # arguments inside each function's domain (examples' own where they have one)
    "square": (1.7,), "rosenbrock": (np.array([-0.5, 0.8]),),
    "determinant": (R.standard_normal((4, 4)),), "log_abs_det": (R.standard_normal((3, 3)),),
    "f": (0.7,), "logistic_loss": (R.standard_normal(5), R.standard_normal((20, 5)),
                                   (R.random(20) < 0.5).astype(float)),
    "lagrangian": (np.array([0.6, -0.7, 0.4]),),
    "loss": (0.3 * R.standard_normal((4, 4)), R.standard_normal((6, 4))),
    "e": (1.3, -0.4), "energy": (R.standard_normal(3), R.standard_normal((4, 3))),
    "logistic": (0.3,),
}


def statements(src: str, name: str, wrapper: bool) -> int:
    """Lines of ``def name`` in ``src`` holding code (no comments, blanks, docstrings)."""
    tree = ast.parse(src)
    fn = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name)
    body = fn.body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if wrapper and len(body) == 1 and isinstance(body[0], ast.Try):
        body = body[0].body
    lines = src.split("\n")
    code = set()
    for stmt in body:
        for ln in range(stmt.lineno, stmt.end_lineno + 1):
            code.add(ln)
    comments = {t.start[0] for t in tokenize.generate_tokens(io.StringIO(src).readline)
                if t.type == tokenize.COMMENT and lines[t.start[0] - 1].strip().startswith("#")}
    return len([ln for ln in code if ln not in comments and lines[ln - 1].strip()])


def _check(example, name, wrt, hand):
    with redirect_stdout(io.StringIO()):
        fn = _function(example, name)
    args = ARGS[name]
    want = tl.grad(fn, wrt=wrt)(*args)
    got = hand(*args)
    want = want if isinstance(want, tuple) else (want,)
    got = got if isinstance(got, tuple) else (got,)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


def rows():
    out = []
    for example, name, wrt in CASES:
        hand = getattr(hand_examples, name)
        _check(example, name, wrt, hand)
        src = (GOLDEN / f"{example}.{name}.py").read_text()
        gen = statements(src, f"grad_{name}", True)
        mine = statements(inspect.getsource(hand_examples), name, False)
        out.append((f"{example}.{name}", gen, mine, gen / mine))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.parse_args(argv)
    print("| example | generated adjoint (lines) | hand-written (lines) | ratio (<= 1.5) |")
    print("|---|---:|---:|---:|")
    ok = True
    for label, gen, mine, ratio in rows():
        ok &= ratio <= 1.5
        print(f"| {label} | {gen} | {mine} | {ratio:.2f}{'' if ratio <= 1.5 else ' MISSED'} |")
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("TANGENTLIKE_CACHE_DIR", "/tmp/tl-lines-cache")
    sys.exit(main())
