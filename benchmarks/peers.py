"""The same workload programs under autograd, JAX and PyTorch eager (each optional).

A primal in ``workloads`` uses only the module-level name ``np``. ``rebind``
copies the module's functions with ``np`` bound to another array library
(autograd.numpy, jax.numpy, or a small torch shim), so every peer runs the
very same source, helper calls included. ``available()`` imports each peer
inside try/except; none is required. Each peer's ``prepare(workload, args)``
returns ``(grad_call, primal_call)``: zero-argument callables on inputs
converted once, outside any timing, to the peer's float64 arrays.
"""
from __future__ import annotations

import types

import numpy as np

import workloads


def rebind(fn, lib):
    """``fn`` with the module global ``np`` (and every sibling function) rebound to ``lib``."""
    g = dict(workloads.__dict__)
    g["np"] = lib
    for name, v in list(g.items()):
        if isinstance(v, types.FunctionType) and v.__module__ == workloads.__name__:
            g[name] = types.FunctionType(v.__code__, g, v.__name__, v.__defaults__)
    return g[fn.__name__]


def _convert(args, to_array):
    """Arrays converted with ``to_array``; Python numbers and ints stay as they are."""
    return tuple(to_array(a) if isinstance(a, np.ndarray) else a for a in args)


# --- autograd ----------------------------------------------------------------------

def _autograd_prepare(w, args):
    import autograd
    import autograd.numpy as anp
    f = rebind(w.primal, anp)
    g = autograd.grad(f, w.wrt)
    return (lambda: g(*args)), (lambda: f(*args))


# --- JAX (float64) -----------------------------------------------------------------

def _jax_args(w, args):
    import jax.numpy as jnp
    return _convert(args, lambda a: jnp.asarray(a, dtype=jnp.float64)), \
        tuple(i for i, a in enumerate(args) if isinstance(a, int))


def _block(x):
    import jax
    return jax.block_until_ready(x)


def _jax_eager_prepare(w, args):
    import jax
    import jax.numpy as jnp
    f = rebind(w.primal, jnp)
    jargs, _ = _jax_args(w, args)
    g = jax.grad(f, argnums=w.wrt)
    return (lambda: _block(g(*jargs))), (lambda: _block(f(*jargs)))


def jax_jit_prepare(w, args):
    """``(grad_call, primal_call, first_call)``: ``first_call`` traces and compiles."""
    import jax
    import jax.numpy as jnp
    f = rebind(w.primal, jnp)
    jargs, static = _jax_args(w, args)
    g = jax.jit(jax.grad(f, argnums=w.wrt), static_argnums=static)
    fj = jax.jit(f, static_argnums=static)
    return (lambda: _block(g(*jargs))), (lambda: _block(fj(*jargs))), \
        (lambda: _block(g(*jargs)))


def _jax_jit_prepare(w, args):
    grad_call, primal_call, first = jax_jit_prepare(w, args)
    first()
    primal_call()
    return grad_call, primal_call


# --- PyTorch eager (float64) ---------------------------------------------------------

def torch_shim():
    """The NumPy names the workloads use, spelled in torch."""
    import torch
    f64 = torch.float64
    return types.SimpleNamespace(
        sin=torch.sin, cos=torch.cos, tanh=torch.tanh, exp=torch.exp, log=torch.log,
        sqrt=torch.sqrt, sum=torch.sum, mean=torch.mean, max=torch.max,
        zeros=lambda shape: torch.zeros(shape, dtype=f64),
        zeros_like=torch.zeros_like)


def _torch_prepare(w, args):
    import torch
    f = rebind(w.primal, torch_shim())
    targs = list(_convert(args, torch.from_numpy))
    for i in w.wrt:  # scalars become 0-d tensors so they can carry a gradient
        if not isinstance(targs[i], torch.Tensor):
            targs[i] = torch.tensor(float(targs[i]), dtype=torch.float64)

    def grad_call():
        leaves = [targs[i].detach().requires_grad_() for i in w.wrt]
        call = list(targs)
        for i, leaf in zip(w.wrt, leaves):
            call[i] = leaf
        return torch.autograd.grad(f(*call), leaves)

    def primal_call():
        with torch.no_grad():
            return f(*targs)

    return grad_call, primal_call


def _as_numpy(x):
    if hasattr(x, "detach"):
        return x.detach().numpy()
    return np.asarray(x)


def to_numpy(grads):
    return tuple(_as_numpy(g) for g in grads)


PREPARE = {"autograd": _autograd_prepare, "jax": _jax_eager_prepare,
           "jax-jit": _jax_jit_prepare, "torch": _torch_prepare}
_MODULES = {"autograd": "autograd", "jax": "jax", "jax-jit": "jax", "torch": "torch"}


def available(skip=(), threads=None) -> dict:
    """``{peer: version}`` for the peers that import (JAX in float64 mode; torch with
    ``threads`` intra-op threads when given)."""
    from importlib import metadata
    out = {}
    for peer, mod in _MODULES.items():
        if peer in skip:
            continue
        try:
            m = __import__(mod)
        except Exception:  # noqa: BLE001 - a broken optional peer is just absent
            continue
        if mod == "jax":
            m.config.update("jax_enable_x64", True)
        if mod == "torch" and threads:
            m.set_num_threads(threads)
        try:
            out[peer] = metadata.version(mod)
        except metadata.PackageNotFoundError:
            out[peer] = getattr(m, "__version__", "?")
    return out
