"""Where a generated gradient loses time against the hand-written one.

    python benchmarks/analyse.py helpers
    python benchmarks/analyse.py NAME [--source] [--profile] [--lines] [--ablate]
                                      [--instructions] [--show-all] [--quick]

``--source`` prints the generated module; ``--profile`` a cProfile of repeated
calls (the generated function's own time vs ``rt`` helpers vs NumPy); ``--lines``
a line profile of the generated functions (needs ``line_profiler``);
``--ablate`` rewrites one construct at a time (``ablate.REWRITES``), keeps the
sites where the gradient is unchanged, and times every variant interleaved with
the original and the hand-written gradient: the time a rewrite saves is the
measured cost of that construct. ``--instructions`` counts the instructions per
call of the same variants under callgrind (``instructions``): unlike times, the
counts do not move with the load of a shared machine. ``--show-all`` prints the
code with every rewrite applied. ``helpers``: per-call cost of each runtime
helper next to the NumPy expression it could be. Without flags: ``--profile
--ablate``.
"""
from __future__ import annotations

import argparse
import ast
import cProfile
import io
import os
import pstats
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.environ.setdefault("TANGENTLIKE_CACHE_DIR", tempfile.mkdtemp(prefix="tl-analyse-"))
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

import ablate  # noqa: E402
import instructions  # noqa: E402
import timing  # noqa: E402
from workloads import LOG_2PI, WORKLOADS  # noqa: E402

import tangentlike as tl  # noqa: E402


def gmm_loss_stopmax(mu, logw, sigma, x):
    """``workloads.gmm_loss`` with the shift of each log-sum-exp behind stop_gradient
    (as jax.nn.logsumexp does): the same value, no derivative through ``np.max``."""
    m0 = tl.stop_gradient(np.max(logw))
    lw = logw - (m0 + np.log(np.sum(np.exp(logw - m0))))
    c = lw - np.log(sigma) - 0.5 * LOG_2PI
    total = 0.0
    for i in range(x.shape[0]):
        z = (x[i] - mu) / sigma
        lp = c - 0.5 * z * z
        m = tl.stop_gradient(np.max(lp))
        total = total + m + np.log(np.sum(np.exp(lp - m)))
    return total


SOURCE_VARIANTS = {"gmm": ("primal: stop_gradient on the log-sum-exp shift", gmm_loss_stopmax)}


def _other_args(args):
    """A second input set (to reject a rewrite that is right by coincidence)."""
    rng = np.random.default_rng(7)
    out = []
    for a in args:
        if isinstance(a, np.ndarray):
            out.append(a + 0.01 * rng.standard_normal(a.shape))
        elif isinstance(a, float):
            out.append(a * 1.01)
        else:
            out.append(a)
    return tuple(out)


class Generated:
    """The generated module of a workload's gradient, and variants of it."""

    def __init__(self, w, args):
        self.w, self.args, self.args2 = w, args, _other_args(args)
        self.g = tl.grad(w.primal, wrt=w.wrt)
        self.compiled = self.g.compiled(list(args))
        self.entry = self.compiled.fn.__name__
        self.tree = ast.parse(self.compiled.source)
        self.want = (self.compiled.fn(*args), self.compiled.fn(*self.args2))

    def load(self, tree):
        """The entry function of ``tree`` run in a copy of the generated module's globals."""
        ns = dict(self.compiled.module.__dict__)
        exec(compile(tree, self.compiled.module.__file__ + ":variant", "exec"), ns)  # noqa: S102
        return ns[self.entry]

    def same(self, tree) -> bool:
        try:
            fn = self.load(tree)
            got = (fn(*self.args), fn(*self.args2))
        except Exception:  # noqa: BLE001 - a rewrite that breaks the code is rejected
            return False
        return all(ablate.equal_outputs(a, b) for a, b in zip(got, self.want))

    def variants(self) -> dict:
        """name -> (tree, note); the last one, ``all``, applies every rewrite in turn."""
        out = {}
        cleaned = ast.fix_missing_locations(ablate.cleanup(ast.parse(self.compiled.source)))
        if ast.dump(cleaned) != ast.dump(self.tree) and self.same(cleaned):
            out["cleanup"] = (cleaned, "dead assignments, unread tape slots")
        acc = self.tree
        for name, rewrite in ablate.REWRITES.items():
            tree, n_ok, n_sites = ablate.search(self.tree, rewrite, self.same)
            if n_ok:
                out[name] = (tree, f"{n_ok}/{n_sites} sites")
            acc, _, _ = ablate.search(acc, rewrite, self.same)
        out["all"] = (acc, "every rewrite above, applied in turn")
        return out


def profile(gen, calls=2000):
    fn, args = gen.compiled.fn, gen.args
    calls = max(1, int(calls * 1e-3 / max(timing.once(lambda: fn(*args)), 1e-6)))
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        fn(*args)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).sort_stats("tottime")
    stats.print_stats(14)
    print(f"cProfile of {calls} calls of {gen.entry} (tottime = own time):")
    print("\n".join(ln for ln in out.getvalue().splitlines()[4:] if ln.strip()))


def line_profile(gen, calls=300):
    try:
        from line_profiler import LineProfiler
    except ImportError:
        print("--lines needs line_profiler (pip install line_profiler)")
        return
    lp = LineProfiler()
    for v in gen.compiled.module.__dict__.values():
        if callable(v) and getattr(v, "__module__", "").startswith("tangentlike_generated"):
            lp.add_function(v)
    fn = lp(gen.compiled.fn)
    for _ in range(calls):
        fn(*gen.args)
    lp.print_stats(output_unit=1e-6, stripzeros=True)


def ablation_table(gen, variants, rounds, target_ms):
    w, args = gen.w, gen.args
    impls = {"hand": lambda: w.hand(*args), "generated": lambda: gen.compiled.fn(*args),
             "tl.grad(f)(...)": lambda: gen.g(*args)}
    for name, (tree, _) in variants.items():
        fn = gen.load(tree)
        impls[name] = (lambda f: lambda: f(*args))(fn)
    extra = SOURCE_VARIANTS.get(w.name)
    if extra:
        g2 = tl.grad(extra[1], wrt=w.wrt)
        assert ablate.equal_outputs(g2(*args), gen.want[0])
        fn2 = g2.compiled(list(args)).fn
        impls[extra[0]] = lambda: fn2(*args)
    t = timing.interleaved(impls, rounds, target_ms / 1e3)
    hand, base = t.median("hand"), t.ratio("generated", "hand")
    print(f"\n{w.name}: hand {hand * 1e6:.1f} µs, generated {t.median('generated') * 1e6:.1f} "
          f"µs ({base:.2f}× hand); savings are paired: (generated - variant) / hand, per round")
    print("| variant | note | time | × hand | saved per call | saved, % of hand |")
    print("|---|---|---|---|---|---|")
    notes = {k: v[1] for k, v in variants.items()}
    notes["tl.grad(f)(...)"] = "the Derivative wrapper around the generated function"
    for name in impls:
        if name in ("hand", "generated"):
            continue
        saved = base - t.ratio(name, "hand")
        print(f"| {name} | {notes.get(name, '')} | {t.median(name) * 1e6:.1f} µs | "
              f"{t.ratio(name, 'hand'):.2f}× | {saved * hand * 1e6:+.1f} µs | "
              f"{100 * saved:+.0f}% |")


def helper_costs():
    """Per-call µs of the runtime helpers generated code calls, next to the NumPy
    expression a shape-aware compiler would emit instead (best of 5 timeit repeats)."""
    import timeit
    rt = tl.runtime
    g, h, w, b = np.ones((4, 32)), np.ones((4, 32)), np.ones((32, 32)), np.ones(32)
    g3, m = np.ones(3), np.float64(1.0)
    pairs = [
        ("rt.unbroadcast(g, h), same shape", lambda: rt.unbroadcast(g, h), "g", lambda: g),
        ("rt.unbroadcast(g, b), sums the batch", lambda: rt.unbroadcast(g, b),
         "g.sum(axis=0)", lambda: g.sum(axis=0)),
        ("rt.unbroadcast(g3, m), to a scalar", lambda: rt.unbroadcast(g3, m),
         "g3.sum()", lambda: g3.sum()),
        ("rt.matmul_vjp_left(g, h, W)", lambda: rt.matmul_vjp_left(g, h, w),
         "g @ W.T", lambda: g @ w.T),
        ("rt.matmul_vjp_right(g, h, W)", lambda: rt.matmul_vjp_right(g, h, w),
         "h.T @ g", lambda: h.T @ g),
        ("rt.sum_vjp(1.0, h, None, False) * h", lambda: rt.sum_vjp(1.0, h, None, False) * h,
         "1.0 * h", lambda: 1.0 * h),
        ("rt.extremum_share(m, g3, None, False)", lambda: rt.extremum_share(m, g3, None, False),
         "g3 == m", lambda: g3 == m),
        ("rt.check_scalar(np.sum(h * h), 'f')", lambda: rt.check_scalar(np.sum(h * h), "f"),
         "(nothing)", lambda: None),
        ("rt.zeros_like(W)", lambda: rt.zeros_like(w), "np.zeros(W.shape)",
         lambda: np.zeros(w.shape)),
    ]
    print("| helper call | µs | instead | µs |\n|---|---|---|---|")
    for name, f, alt, f2 in pairs:
        t1, t2 = (min(timeit.repeat(fn, number=20000, repeat=5)) / 20000 for fn in (f, f2))
        print(f"| `{name}` | {t1 * 1e6:.2f} | `{alt}` | {t2 * 1e6:.2f} |")


def instruction_table(gen, variants, quick):
    if not instructions.available():
        print("--instructions needs valgrind, gcc and valgrind/callgrind.h")
        return
    sources = {name: ast.unparse(tree) for name, (tree, _) in variants.items()}
    extra = SOURCE_VARIANTS.get(gen.w.name)
    primals = {extra[0]: f"analyse:{extra[1].__name__}"} if extra else None
    per_call = instructions.count(gen.w.name, sources, calls=3 if quick else 5, quick=quick,
                                  primals=primals)
    hand, base = per_call["hand"], per_call["generated"]
    print(f"\n{gen.w.name}: instructions per call (callgrind): hand {hand / 1e3:.0f} k, "
          f"generated {base / 1e3:.0f} k ({base / hand:.2f}× hand)")
    print("| variant | instructions per call | × hand | saved, % of hand |")
    print("|---|---|---|---|")
    for name, n in per_call.items():
        if name not in ("hand", "generated"):
            print(f"| {name} | {n / 1e3:.0f} k | {n / hand:.2f}× | "
                  f"{100 * (base - n) / hand:+.0f}% |")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("name", choices=list(WORKLOADS) + ["helpers"],
                   help="a workload, or 'helpers' for per-call costs of runtime helpers")
    for flag in ("source", "profile", "lines", "ablate", "instructions", "show-all", "quick"):
        p.add_argument(f"--{flag}", action="store_true")
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--target-ms", type=float, default=30.0, help="length of one timed loop")
    o = p.parse_args(argv)
    if not (o.source or o.profile or o.lines or o.ablate or o.instructions or o.show_all):
        o.profile = o.ablate = True
    if o.name == "helpers":
        helper_costs()
        return
    w = WORKLOADS[o.name]
    gen = Generated(w, w.make_args(o.quick))
    if o.source:
        print(gen.compiled.source)
    if o.profile:
        profile(gen)
    if o.lines:
        line_profile(gen)
    variants = gen.variants() if (o.ablate or o.show_all or o.instructions) else None
    if o.ablate:
        ablation_table(gen, variants, 1 if o.quick else o.rounds,
                       10.0 if o.quick else o.target_ms)
    if o.instructions:
        instruction_table(gen, variants, o.quick)
    if o.show_all:
        print(ast.unparse(variants["all"][0]))


if __name__ == "__main__":
    main()
