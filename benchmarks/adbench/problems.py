"""The benchmark cases: per problem and size, the implementations to time (zero-argument
callables) and the check each must pass first."""
from __future__ import annotations

import numpy as np

import tangentlike as tl

import ba
import gmm
import ht
import lstm
import ad_peers as P

GMM_SIZES = [(d, K) for d in (2, 10, 20, 64) for K in (5, 25, 50, 100)]
LSTM_SIZES = [(2, 1024), (2, 4096), (4, 1024), (4, 4096)]
HT_POINTS = (100, 800, 6400)
BA_PER_OBS = 500  # observations whose blocks the per-observation loop computes


ROUNDS = {"gmm-loops": 3, "lstm": 3, "ht": 3}  # the slow ones (autograd: seconds a call)


class Case:
    def __init__(self, problem, title, impls, check, traced=(), compile_first=(), note=""):
        self.problem, self.title, self.impls, self._check = problem, title, impls, check
        self.rounds = ROUNDS.get(problem)
        self.traced, self.compile_first, self.note = set(traced), set(compile_first), note

    def check(self):
        self._check(self.impls)


def close(a, b, rtol, what):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    err = np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)
    if not err <= rtol:
        raise AssertionError(f"{what}: relative difference {err:.3g} > {rtol}")


def _check_grads(reference, tol_hand=1e-10, tol_peer=1e-8):
    def check(impls):
        want = impls["tangentlike"]()
        for name, fn in impls.items():
            if name in ("objective", "tangentlike"):
                continue
            got = fn()
            got = got[1] if name == "hand" else got
            tol = tol_hand if name == "hand" else tol_peer
            for g, w in zip(reference(got), reference(want)):
                close(g, w, tol, name)
    return check


def _peer_impls(impls, peers, make, skip=()):
    for peer in P.PEERS:
        if peer in peers and peer not in skip:
            impls[peer] = make(peer)


def gmm_cases(peers, quick, loops=False):
    if loops:
        sizes = [(2, 5, 200), (10, 5, 100)] if not quick else [(2, 5, 50)]
    else:
        sizes = [(d, K, 1000) for d, K in GMM_SIZES] if not quick else [(2, 5, 200), (10, 25, 200)]
    for d, K, n in sizes:
        inp = gmm.make_input(d, K, n)
        args = [inp[k] for k in P.GMM_KEYS]
        impls = {}
        if loops:
            impls["objective"] = lambda a=args: gmm.objective_loops(*a[:7])
            g = tl.grad(gmm.objective_loops, argnums=(0, 1, 2, 3))
            impls["tangentlike"] = lambda a=args, g=g: g(*a[:7])
            hand = lambda a=args: gmm.gradient(*a)  # noqa: E731 - only checks
            _peer_impls(impls, peers, lambda p, i=inp: P.gmm_grad(p, i, loops=True),
                        skip=("torch", "jax", "jax-jit"))
            title = f"GMM loops d={d} K={K} n={n}"
        else:
            impls["objective"] = lambda a=args: gmm.objective(*a)
            impls["hand"] = hand = lambda a=args: gmm.gradient(*a)
            g = tl.grad(gmm.objective, argnums=(0, 1, 2, 3))
            impls["tangentlike"] = lambda a=args, g=g: g(*a)
            _peer_impls(impls, peers, lambda p, i=inp: P.gmm_grad(p, i))
            title = f"GMM d={d} K={K} n={n}"

        def check(impls, hand=hand):
            close(hand()[0], impls["objective"](), 1e-12, "objective vs hand value")
            _check_grads(lambda g: g)(dict(impls, hand=hand))
        yield Case("gmm-loops" if loops else "gmm", title, impls, check,
                   traced=("objective", "hand", "tangentlike", "autograd"),
                   compile_first=("jax-jit",))


def lstm_cases(peers, quick):
    sizes = LSTM_SIZES if not quick else [(2, 64)]
    for l, c in sizes:
        inp = lstm.make_input(l, c)
        args = [inp[k] for k in P.LSTM_KEYS]
        g = tl.grad(lstm.objective, argnums=(0, 1))
        impls = {"objective": lambda a=args: lstm.objective(*a),
                 "hand": lambda a=args: lstm.gradient(*a),
                 "tangentlike": lambda a=args, g=g: g(*a)}
        skip = ("jax",) if c > 1024 else ()
        _peer_impls(impls, peers, lambda p, i=inp: P.lstm_grad(p, i), skip=skip)
        yield Case("lstm", f"LSTM l={l} c={c}", impls, _check_grads(lambda g: g),
                   traced=("objective", "hand", "tangentlike", "autograd"),
                   compile_first=("jax-jit",),
                   note="JAX eager not run at c=4096 (minutes per gradient)" if skip else "")


def ba_cases(peers, quick):
    count = BA_PER_OBS if not quick else 20
    inp = ba.make_input(*ba.SIZES["ba1"]) if not quick else ba.make_input(5, 50, 200)
    c, X, w, f, o = (inp[k] for k in ("cams", "X", "w", "feats", "obs"))
    obs = [(c[o[j, 0]], X[o[j, 1]], w[j], f[j]) for j in range(count)]
    J = tl.jacrev(ba.reproj_error, argnums=(0, 1, 2))
    impls = {"objective": lambda: [ba.reproj_error(*a) for a in obs],
             "tangentlike": lambda: [J(*a) for a in obs]}
    _peer_impls(impls, peers, lambda p: P.ba_per_obs(p, inp, count))

    def packed(blocks):  # tangentlike's (cam, X, w) blocks as autograd's (2, 15)
        return [np.concatenate((b[0], b[1], np.reshape(b[2], (2, 1))), axis=1)
                if isinstance(b, tuple) else np.asarray(b) for b in blocks]
    yield Case("ba", f"BA per observation ({count} of ba1's)", impls,
               _check_grads(packed), traced=("objective", "tangentlike", "autograd"),
               compile_first=("jax-jit",))
    for name, size in (ba.SIZES.items() if not quick else [("small", (5, 50, 200))]):
        inp = ba.make_input(*size)
        yield _ba_batched(name, size, inp, peers)


def _ba_batched(name, size, inp, peers):
    c, X, w, f, o = (inp[k] for k in ("cams", "X", "w", "feats", "obs"))
    co, Xo = c[o[:, 0]], X[o[:, 1]]
    p = o.shape[0]
    rows = [np.tile(e, (p, 1)) for e in np.eye(2)]

    def tl_blocks():
        _, pull = tl.vjp(ba.reproj_batch, co, Xo, w, f)
        out = [pull(r)[:3] for r in rows]  # d r_k / d (cam, point, weight), all rows
        return np.stack([np.concatenate((dc, dx, dw[:, None]), axis=1)
                         for dc, dx, dw in out], axis=1)        # (p, 2, 15)
    impls = {"objective": lambda: ba.objective(c, X, w, f, o),
             "tangentlike": tl_blocks}
    if "jax-jit" in peers:
        impls["jax-jit"] = P.ba_batched_jax(inp)
    return Case("ba-batched", f"BA batched {name} (n={size[0]} m={size[1]} p={size[2]})", impls,
                _check_grads(lambda g: [g]), traced=("objective", "tangentlike"),
                compile_first=("jax-jit",))


def ht_cases(peers, quick):
    for npts in (HT_POINTS if not quick else (100,)):
        inp = ht.make_input(npts)
        args = [inp[k] for k in P.HT_KEYS]
        J = tl.jacfwd(ht.objective)
        impls = {"objective": lambda a=args: ht.objective(*a),
                 "tangentlike": lambda a=args, J=J: J(*a)}
        _peer_impls(impls, peers, lambda p, i=inp: P.ht_jac(p, i), skip=("torch",))

        def check(impls, a=args):
            want = impls["tangentlike"]()
            for k in (0, 4, 9, 25):  # columns against central differences
                e = np.zeros(26)
                e[k] = 1e-6
                fd = (ht.objective(a[0] + e, *a[1:]) - ht.objective(a[0] - e, *a[1:])) / 2e-6
                close(want[..., k], fd, 1e-5, f"tangentlike column {k} vs differences")
            _check_grads(lambda g: [g])(impls)
        yield Case("ht", f"HT {npts} points", impls, check,
                   traced=("objective", "tangentlike", "autograd"), compile_first=("jax-jit",),
                   note="PyTorch not run (the objective is not written for torch)")


def cases(problem, peers, quick):
    if problem == "gmm":
        return gmm_cases(peers, quick)
    if problem == "gmm-loops":
        return gmm_cases(peers, quick, loops=True)
    return {"lstm": lstm_cases, "ba": ba_cases, "ht": ht_cases}[problem](peers, quick)
