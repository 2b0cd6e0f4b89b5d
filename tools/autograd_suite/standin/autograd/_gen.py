"""Generated wrapper modules: autograd's operators take a function and an argument
number, tangentlike differentiates functions it can read. Each wrapper (the function
restricted to the differentiated arguments, the scalarisation that turns a VJP into
a gradient, the JVP as a function of point and tangent) is written as Python source
into a file of its own, with the objects it refers to as the module's globals, and
imported, so that tangentlike reads it like any user module and can differentiate it
again (second order). One file per wrapper: its globals never change after import.
"""
import importlib.util
import itertools
import os
import sys
import tempfile

_DIR = tempfile.mkdtemp(prefix="autograd_standin_")
_COUNT = itertools.count()


def module(src, env):
    """Import ``src`` as a new module whose globals start as ``env``."""
    name = f"_ag_wrap_{next(_COUNT)}"
    path = os.path.join(_DIR, name + ".py")
    with open(path, "w") as f:
        f.write("import numpy as np\nimport tangentlike as tl\n\n" + src)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    mod.__dict__.update(env)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def restrict(fun, args, kwargs, argnums):
    """``(f, xs)``: ``f(*xs)`` is ``fun(*args, **kwargs)`` with the arguments at
    ``argnums`` replaced by ``f``'s parameters; the others are constants."""
    env = {"FUN": fun}
    params, call = [], []
    for i, a in enumerate(args):
        if i in argnums:
            params.append(f"x{i}")
            call.append(f"x{i}")
        else:
            env[f"A{i}"] = a
            call.append(f"A{i}")
    for k, v in kwargs.items():
        env[f"K_{k}"] = v
        call.append(f"{k}=K_{k}")
    order = sorted(argnums)
    params = [f"x{i}" for i in order]
    src = f"def restricted({', '.join(params)}):\n    return FUN({', '.join(call)})\n"
    return module(src, env).restricted, [args[i] for i in order]


def inner_expr(a, b, value):
    """Source of the inner product of ``a`` and ``b``, two values with the structure
    of ``value``."""
    if isinstance(value, (list, tuple)):
        parts = [inner_expr(f"{a}[{i}]", f"{b}[{i}]", v) for i, v in enumerate(value)]
    elif isinstance(value, dict):
        parts = [inner_expr(f"{a}[{k!r}]", f"{b}[{k!r}]", v) for k, v in value.items()]
    else:
        return f"np.sum({a} * {b})"
    return " + ".join(parts) if parts else "0.0"


def vjp_function(f, n, out):
    """``g(x_1..x_n, v)``: the VJP of ``f`` at ``x`` applied to ``v`` (a function
    tangentlike can differentiate: the gradient of <f(x), v>)."""
    xs = ", ".join(f"x{i}" for i in range(n))
    wrt = "(" + "".join(f"{i}, " for i in range(n)) + ")" if n > 1 else "0"
    src = (f"def scalar({xs}, v):\n    out = F({xs})\n    return {inner_expr('out', 'v', out)}\n\n"
           f"def vjp_f({xs}, v):\n    return tl.grad(scalar, wrt={wrt})({xs}, v)\n")
    return module(src, {"F": f}).vjp_f


def jvp_function(f, n):
    """``g(x_1..x_n, u_1..u_n)``: the JVP of ``f`` at ``x`` along ``u``."""
    xs = ", ".join(f"x{i}" for i in range(n))
    us = ", ".join(f"u{i}" for i in range(n))
    src = (f"def jvp_f({xs}, {us}):\n"
           f"    return tl.jvp(F, ({xs},), ({us},))[1]\n")
    return module(src, {"F": f}).jvp_f


def unary(fun, args, kwargs, argnum):
    """``fun`` as a function of the argument(s) at ``argnum`` only (a tuple of them for
    a tuple ``argnum``), the others fixed: autograd's ``unary_to_nary`` wrapper."""
    env = {"FUN": fun}
    call = []
    where = {i: k for k, i in enumerate(argnum)} if isinstance(argnum, (tuple, list)) else None
    for i, a in enumerate(args):
        if (where is None and i == argnum) or (where is not None and i in where):
            call.append("x" if where is None else f"x[{where[i]}]")
        else:
            env[f"A{i}"] = a
            call.append(f"A{i}")
    for k, v in kwargs.items():
        env[f"K_{k}"] = v
        call.append(f"{k}=K_{k}")
    src = f"def unary_f(x):\n    return FUN({', '.join(call)})\n"
    return module(src, env).unary_f
