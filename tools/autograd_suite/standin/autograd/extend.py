"""``autograd.extend``: a primitive is a function tangentlike differentiates from its
source; autograd-style VJP makers (closures returning closures) have no counterpart
among tangentlike's rules (plain functions inlined into generated code)."""
from ._space import leaves as _leaves  # noqa: F401


def primitive(fun):
    return fun


def defvjp(fun, *vjpmakers, **kwargs):
    raise NotImplementedError("stand-in: autograd's VJP makers cannot be registered as "
                              "tangentlike rules (write the rule with tl.defvjp)")


def defjvp(fun, *jvpmakers, **kwargs):
    raise NotImplementedError("stand-in: autograd's JVP makers cannot be registered as "
                              "tangentlike rules (write the rule with tl.defjvp)")


def vspace(x):
    raise NotImplementedError("stand-in: autograd's vector spaces are not modelled")


defvjp_argnum = defvjp
