"""The four problems under autograd, PyTorch eager and JAX (eager and jit).

The NumPy objectives of ``gmm``, ``lstm``, ``ba`` and ``ht`` use only the module name
``np``; ``rebind(module, name, lib)`` copies a module's functions with ``np`` bound to
``autograd.numpy``, ``jax.numpy`` or a small torch namespace, so every peer runs the same
source. Where a peer needs another spelling it is written here and says so: PyTorch's
GMM (``torch.logsumexp``), JAX-jit's LSTM (``lax.scan`` over the steps: unrolling 1024
steps would take minutes to compile), and the two branches on a traced value under
``jit`` (``jnp.where``). Each ``*_grad(lib, inp)`` returns a zero-argument callable
computing the gradient (or Jacobian) as that tool's users would.
"""
from __future__ import annotations

import types

import numpy as np


def rebind(module, name, lib, **overrides):
    """``module.name`` with the global ``np`` (and every sibling function) rebound."""
    g = dict(module.__dict__)
    g["np"] = lib
    for k, v in list(g.items()):
        if isinstance(v, types.FunctionType) and v.__module__ == module.__name__:
            g[k] = types.FunctionType(v.__code__, g, v.__name__, v.__defaults__)
    g.update(overrides)
    return g[name]


def torch_np():
    import torch
    f64 = torch.float64
    return types.SimpleNamespace(
        exp=torch.exp, log=torch.log, tanh=torch.tanh, sqrt=torch.sqrt, sin=torch.sin,
        cos=torch.cos, concatenate=torch.cat, dot=torch.dot,
        sum=lambda x, axis=None: torch.sum(x) if axis is None else torch.sum(x, dim=axis),
        cross=lambda a, b: torch.linalg.cross(a, b), zeros=lambda s: torch.zeros(s, dtype=f64))


def jax_block(x):
    import jax
    return jax.block_until_ready(x)


# --- GMM ----------------------------------------------------------------------------

PEERS = ("autograd", "torch", "jax", "jax-jit")
GMM_KEYS = ("alpha", "mu", "q", "l", "x", "gamma", "m", "idx")


def gmm_torch_objective(alpha, mu, q, l, x, gamma, m, idx, const):
    import torch
    n = x.shape[0]
    K = alpha.shape[0]
    Qdiag = torch.exp(q)
    L = torch.cat([torch.zeros((K, 1), dtype=torch.float64), l], 1)[:, idx]
    xc = x[None, :, :] - mu[:, None, :]
    z = Qdiag[:, None, :] * xc + torch.matmul(xc, L.transpose(1, 2))
    beta = alpha[:, None] + q.sum(1)[:, None] - 0.5 * (z * z).sum(2)
    lik = torch.logsumexp(beta, 0).sum() - n * torch.logsumexp(alpha, 0)
    return const + lik - 0.5 * gamma * gamma * ((Qdiag * Qdiag).sum() + (l * l).sum()) \
        + m * q.sum()


def gmm_grad(peer, inp, loops=False):
    import gmm
    args = [inp[k] for k in GMM_KEYS[:7 if loops else 8]]
    name = "objective_loops" if loops else "objective"
    if peer == "autograd":
        import autograd
        import autograd.numpy as anp
        g = autograd.grad(rebind(gmm, name, anp), (0, 1, 2, 3))
        return lambda: g(*args)
    if peer == "torch":
        import torch
        t = [torch.from_numpy(a) if isinstance(a, np.ndarray) else a for a in args]
        n, d = inp["x"].shape
        const = gmm.constant(n, d, inp["alpha"].shape[0], inp["gamma"], inp["m"])

        def call():
            leaves = [a.detach().requires_grad_() for a in t[:4]]
            out = gmm_torch_objective(*leaves, *t[4:], const)
            return torch.autograd.grad(out, leaves)
        return call
    import jax
    import jax.numpy as jnp
    f = rebind(gmm, name, jnp)
    g = jax.grad(f, (0, 1, 2, 3))
    j = [jnp.asarray(a) for a in args[:5]]
    if peer == "jax-jit":
        g = jax.jit(g, static_argnums=(5, 6))
    rest = args[5:]
    return lambda: jax_block(g(*j, *rest))


# --- LSTM ---------------------------------------------------------------------------

LSTM_KEYS = ("main_params", "extra_params", "state", "sequence")


def lstm_grad(peer, inp):
    import lstm
    args = [inp[k] for k in LSTM_KEYS]
    if peer == "autograd":
        import autograd
        import autograd.numpy as anp
        g = autograd.grad(rebind(lstm, "objective", anp), (0, 1))
        return lambda: g(*args)
    if peer == "torch":
        import torch
        f = rebind(lstm, "objective", torch_np())
        t = [torch.from_numpy(a) for a in args]

        def call():
            leaves = [a.detach().requires_grad_() for a in t[:2]]
            return torch.autograd.grad(f(*leaves, *t[2:]), leaves)
        return call
    import jax
    import jax.numpy as jnp
    j = [jnp.asarray(a) for a in args]
    if peer == "jax":
        g = jax.grad(rebind(lstm, "objective", jnp), (0, 1))
        return lambda: jax_block(g(*j))
    predict = rebind(lstm, "predict", jnp)

    def scanned(main, extra, state, seq):
        def step(s, xs):
            x, ygold = xs
            ypred, s2 = predict(main, extra, [s[i] for i in range(s.shape[0])], x)
            return jnp.stack(s2), jnp.sum(ygold * (ypred - jnp.log(jnp.sum(jnp.exp(ypred)) + 2.0)))
        _, tot = jax.lax.scan(step, state, (seq[:-1], seq[1:]))
        return -jnp.sum(tot) / ((seq.shape[0] - 1) * seq.shape[1])
    g = jax.jit(jax.grad(scanned, (0, 1)))
    return lambda: jax_block(g(*j))


# --- BA -----------------------------------------------------------------------------

def _rodrigues_where(rot, X):
    import jax.numpy as jnp
    sq = jnp.sum(rot * rot)
    theta = jnp.sqrt(jnp.where(sq != 0.0, sq, 1.0))
    w = rot / theta
    c, s = jnp.cos(theta), jnp.sin(theta)
    big = X * c + jnp.cross(w, X) * s + w * (jnp.dot(w, X) * (1.0 - c))
    return jnp.where(sq != 0.0, big, X + jnp.cross(rot, X))


def ba_block_fn(lib, **over):
    """``f(params15, feat) -> (2,)``: the residual of one observation of the packed
    camera (11), point (3) and weight (1), as autograd/torch users take its Jacobian."""
    import ba
    err = rebind(ba, "reproj_error", lib, **over)
    return lambda p, feat: err(p[0:11], p[11:14], p[14], feat)


def ba_per_obs(peer, inp, count):
    """A callable computing the Jacobian blocks of the first ``count`` observations one
    by one."""
    c, X, w, f, o = (inp[k] for k in ("cams", "X", "w", "feats", "obs"))
    packed = [np.concatenate((c[o[j, 0]], X[o[j, 1]], [w[j]])) for j in range(count)]
    if peer == "autograd":
        import autograd
        import autograd.numpy as anp
        J = autograd.jacobian(ba_block_fn(anp))
        return lambda: [J(packed[j], f[j]) for j in range(count)]
    if peer == "torch":
        import torch
        from torch.autograd.functional import jacobian
        fn = ba_block_fn(torch_np())
        tp = [torch.from_numpy(p) for p in packed]
        tf = [torch.from_numpy(f[j]) for j in range(count)]
        return lambda: [jacobian(lambda p: fn(p, tf[j]), tp[j]) for j in range(count)]
    import jax
    import jax.numpy as jnp
    J = jax.jacrev(ba_block_fn(jnp))
    if peer == "jax-jit":
        J = jax.jit(jax.jacrev(ba_block_fn(jnp, rodrigues_rotate=_rodrigues_where)))
    jp = [jnp.asarray(p) for p in packed]
    jf = [jnp.asarray(f[j]) for j in range(count)]
    return lambda: [jax_block(J(jp[j], jf[j])) for j in range(count)]


def ba_batched_jax(inp):
    """JAX-jit's batched Jacobian blocks: ``vmap`` of ``jacrev`` of one observation."""
    import jax
    import jax.numpy as jnp
    c, X, w, f, o = (inp[k] for k in ("cams", "X", "w", "feats", "obs"))
    packed = jnp.asarray(np.concatenate((c[o[:, 0]], X[o[:, 1]], w[:, None]), axis=1))
    J = jax.jit(jax.vmap(jax.jacrev(ba_block_fn(jnp, rodrigues_rotate=_rodrigues_where))))
    jf = jnp.asarray(f)
    return lambda: jax_block(J(packed, jf))


# --- HT -----------------------------------------------------------------------------

HT_KEYS = ("theta", "parents", "base_relatives", "inverse_base_absolutes",
           "base_positions", "weights", "correspondences", "points")


def _angle_axis_where(angle_axis):
    import jax.numpy as jnp
    n2 = jnp.sum(angle_axis * angle_axis)
    small = n2 < 1e-8
    n = jnp.sqrt(jnp.where(small, 1.0, n2))
    x, y, z = angle_axis[0] / n, angle_axis[1] / n, angle_axis[2] / n
    s, c = jnp.sin(n), jnp.cos(n)
    R = jnp.array([[x * x + (1 - x * x) * c, x * y * (1 - c) - z * s, x * z * (1 - c) + y * s],
                   [x * y * (1 - c) + z * s, y * y + (1 - y * y) * c, y * z * (1 - c) - x * s],
                   [x * z * (1 - c) - y * s, z * y * (1 - c) + x * s, z * z + (1 - z * z) * c]])
    return jnp.where(small, jnp.eye(3), R)


def ht_jac(peer, inp):
    import ht
    args = [inp[k] for k in HT_KEYS]
    if peer == "autograd":
        import autograd
        import autograd.numpy as anp
        f = rebind(ht, "objective", anp)
        jvp = autograd.make_jvp(lambda th: f(th, *args[1:]))
        eye = np.eye(26)

        def call():
            push = jvp(args[0])
            return np.stack([push(eye[k])[1] for k in range(26)], axis=-1)
        return call
    import jax
    import jax.numpy as jnp
    if peer == "jax":
        f = rebind(ht, "objective", jnp)
        J = jax.jacfwd(lambda th: f(th, *args[1:]))
    else:
        f = rebind(ht, "objective", jnp, angle_axis_to_rotation_matrix=_angle_axis_where)
        J = jax.jit(jax.jacfwd(lambda th: f(th, *args[1:])))
    th = jnp.asarray(args[0])
    return lambda: jax_block(J(th))
