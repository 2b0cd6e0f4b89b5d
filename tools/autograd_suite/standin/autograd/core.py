"""``autograd.core`` for the stand-in: here ``make_vjp``/``make_jvp`` are the unary
forms (a function of one argument and the point), as in autograd's core."""
import tangentlike as tl

from .extend import primitive, vspace  # noqa: F401

primitive_vjps = {}


def make_vjp(fun, x):
    ans, pullback = tl.vjp(fun, x)
    return (lambda g: pullback(g)[0]), ans


def make_jvp(fun, x):
    def jvp(v):
        return tl.jvp(fun, (x,), (v,))
    return jvp
