"""autograd's differential operators, each in terms of tangentlike's API. Where the
result may be differentiated again (``grad(grad(f))``, ``grad(elementwise_grad(f))``)
it is a ``tl.grad``/``tl.jacrev`` object or a generated wrapper tangentlike can read."""
import inspect

import numpy as np
import tangentlike as tl

from . import _gen, _space


def _argnums(argnum):
    return (argnum,) if isinstance(argnum, int) else tuple(argnum)


def _one(cts, argnum):
    return cts[0] if isinstance(argnum, int) else tuple(cts)


# tl.grad(fun, wrt) takes the argument number second, as autograd's grad does, and
# being tl.grad itself, ``grad(f)(x)`` inside a differentiated function is evaluated
# when that function is compiled, as tangentlike does for its own spelling.
grad = tl.grad
value_and_grad = tl.value_and_grad


def grad_and_aux(fun, argnum=0):
    return tl.grad(fun, wrt=argnum, has_aux=True)


def grad_named(fun, argname):
    return tl.grad(fun, wrt=argname)


def holomorphic_grad(fun, argnum=0):
    return tl.grad(fun, wrt=argnum)


def _params(fun):
    """Source of ``fun``'s positional parameters (with defaults as globals ``D_<name>``)
    and the call passing them on."""
    try:
        if isinstance(fun, np.ufunc):  # x, /, out=None, *, where=True, ...: the inputs only
            raise ValueError
        sig = inspect.signature(fun)
        names = [p.name for p in sig.parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        defaults = {p.name: p.default for p in sig.parameters.values()
                    if p.name in names and p.default is not p.empty}
    except (TypeError, ValueError):
        names, defaults = [f"a{i}" for i in range(getattr(fun, "nin", 1))], {}
    params = [f"{n}=D_{n}" if n in defaults else n for n in names]
    env = {f"D_{n}": v for n, v in defaults.items()}
    return ", ".join(params), ", ".join(names), env


def elementwise_grad(fun, argnum=0):
    """The VJP with a cotangent of ones: the gradient of ``np.sum(fun(...))``."""
    params, call, env = _params(fun)
    env["FUN"] = fun
    src = f"def summed({params}):\n    return np.sum(FUN({call}))\n"
    return tl.grad(_gen.module(src, env).summed, wrt=argnum)


def deriv(fun, argnum=0):
    def d(*args, **kwargs):
        f, xs = _gen.restrict(fun, args, kwargs, _argnums(argnum))
        return tl.jvp(f, tuple(xs), tuple(_space.ones_like(x) for x in xs))[1]
    return d


def jacobian(fun, argnum=0):
    return tl.jacrev(fun, wrt=argnum)


def hessian(fun, argnum=0):
    return tl.hessian(fun, wrt=argnum)


def make_vjp(fun, argnum=0):
    def at(*args, **kwargs):
        f, xs = _gen.restrict(fun, args, kwargs, _argnums(argnum))
        ans, pullback = tl.vjp(f, *xs)

        def vjp(g):
            cts = pullback(g)
            cts = [cts] if len(xs) == 1 and not isinstance(cts, tuple) else list(cts)
            return _one(cts, argnum)
        return vjp, ans
    return at


def make_jvp(fun, argnum=0):
    def at(*args, **kwargs):
        f, xs = _gen.restrict(fun, args, kwargs, _argnums(argnum))

        def jvp(v):
            vs = (v,) if isinstance(argnum, int) else tuple(v)
            return tl.jvp(f, tuple(xs), vs)
        return jvp
    return at


def make_hvp(fun, argnum=0):
    def at(*args, **kwargs):
        return make_vjp(tl.grad(fun, wrt=argnum), argnum)(*args, **kwargs)
    return at


def hessian_tensor_product(fun, argnum=0):
    def htp(*args, **kwargs):
        args, v = args[:-1], args[-1]
        f, xs = _gen.restrict(fun, args, kwargs, (argnum,))
        return tl.hvp(f, xs, v)
    return htp


hessian_vector_product = hessian_tensor_product


def tensor_jacobian_product(fun, argnum=0):
    def tjp(*args, **kwargs):
        args, v = args[:-1], args[-1]
        f, xs = _gen.restrict(fun, args, kwargs, (argnum,))
        return np.tensordot(v, tl.jacrev(f)(*xs), axes=np.ndim(v))
    return tjp


vector_jacobian_product = tensor_jacobian_product

_HALF_SQ = _gen.module("def half_sq(x):\n    return 1.0 / 2 * np.sum(x ** 2, axis=-1)\n", {})


def make_ggnvp(f, g=_HALF_SQ.half_sq, f_argnum=0):
    """The generalised Gauss-Newton product J^T H_g J v of ``g(f(x))``."""
    def at(*args, **kwargs):
        fr, xs = _gen.restrict(f, args, kwargs, (f_argnum,))
        fx, pullback = tl.vjp(fr, *xs)

        def ggnvp(v):
            jv = tl.jvp(fr, tuple(xs), (v,))[1]
            return pullback(tl.hvp(g, (fx,), jv))
        return ggnvp
    return at


def checkpoint(fun):
    return tl.checkpoint(fun)


def multigrad_dict(fun):
    raise NotImplementedError("multigrad_dict is not part of the stand-in")
