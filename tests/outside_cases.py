"""One function per row of the README's table of what stays outside the subset
(tests/test_readme_outside.py): each uses exactly that construct."""
import numpy as np


def _helper(a, b=1.0):
    return a + b


def h(b):
    b[0] = 1.0
    return b


async def uses_async_def(x):
    return x


def iterator_bound(x):
    pairs = zip([x], [x])
    return x


def lambda_as_value(x):
    fs = [lambda v: v]
    return x


def computed_call(x):
    fns = [np.sin, np.cos]
    total = 0.0
    for f in fns:
        total = total + f(x)
    return total


def local_method(x):
    m = np.random.default_rng(0)
    return m.loss(x)


def set_literal(x):
    s = {x, 2.0}
    return x


def max_default(x):
    return max([x, 2.0], default=0.0)


def uses_raise(x):
    if x > 100.0:
        raise ValueError("too big")
    return x


def walrus(x):
    if (y := x * 2.0) > 1.0:
        return y
    return x


def fstring_computed_spec(x):
    w = 5
    print(f"{x:{w}}")
    return x


def match_stmt(x):
    match 1:
        case 1:
            return x
    return x


def for_else(x):
    for i in range(3):
        x = x * 2.0
    else:
        x = x + 1.0
    return x


def star_of_unknown_length(x):
    return _helper(*np.shape(x))


def double_star_call(x):
    kw = {"b": 2.0}
    return _helper(x, **kw)


def star_params(*xs):
    return xs[0]


def keyword_only(x, *, k=1.0):
    return x * k


def nested_decorator(x):
    @staticmethod
    def inner(v):
        return v
    return x


def attribute_assignment(x):
    x.value = 2.0
    return x


def nested_subscript(x):
    m = np.zeros((2, 2))
    m[0][1] = x
    return np.sum(m)


def aliased_write(x):
    u = x
    x[0] = 5.0
    return np.sum(u * x)


def callee_writes(x):
    return np.sum(h(x * 2.0))


def constructL(x):  # ADBench's hand-tracking code keeps a counter on its own function
    constructL.idx = 0

    def bump(v):
        constructL.idx += 1
        return v
    return bump(x)
