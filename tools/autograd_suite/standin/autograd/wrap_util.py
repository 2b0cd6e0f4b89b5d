"""``autograd.wrap_util.unary_to_nary``: an operator on functions of one argument made
an operator on functions of many, taking ``argnum`` (an int or a tuple). The function
of one argument is generated source (``_gen.unary``) so that tangentlike can read it."""
import functools

from . import _gen


def unary_to_nary(unary_operator):
    @functools.wraps(unary_operator)
    def nary_operator(fun, argnum=0, *op_args, **op_kwargs):
        def nary_f(*args, **kwargs):
            unary_f = _gen.unary(fun, args, kwargs, argnum)
            x = args[argnum] if isinstance(argnum, int) else tuple(args[i] for i in argnum)
            return unary_operator(unary_f, x, *op_args, **op_kwargs)
        return nary_f
    return nary_operator
