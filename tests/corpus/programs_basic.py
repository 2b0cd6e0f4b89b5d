"""Straight-line code, operators, conditionals, helpers, literals, constants."""
import numpy as np

from . import Case, helpers, normal, uniform_away as away
from .helpers import softplus, scaled_square

SCALE = 0.75
OFFSET = np.array([0.5, -1.0, 2.0])


def poly_arith(x, y):
    a = x * y + 3.0 * x - y / 2.0
    b = a ** 2 - x ** 3 / (1.0 + y * y)
    c = -b + a * 0.5
    return c - (x - y) / (2.0 + x * x)


def unary_and_powers(x, y):
    a = -x ** 2.5 + (-y) ** 2
    b = - -x * y + x ** y
    return a - b + 2.0 ** x


def swap_and_unpack(x, y):
    a, b = x, y
    a, b = b, a
    a, b = a * 2.0 + b, a - b
    c = a * b
    return c + a / (1.0 + b * b)


def sincos(v):
    return np.sin(v), np.cos(v)


def helper_tuple_unpack(x, y):
    s, c = sincos(x)
    t, u = sincos(s * y)
    return s * c - 2.0 * c + t * u + s


def aug_assign_scalar(x, y):
    s = 0.0
    s += x * x
    s -= y * x
    s *= 1.5
    s /= 2.0 + y * y
    s **= 2
    s += -y
    return s


def matmul_quadratic(A, x):
    q = x @ A @ x
    r = A @ A @ x
    return q + np.sum(r) - x @ x


def cond_expr(x, y):
    a = x * x if x > y else y * y
    b = np.sin(x) if (x > 0.0 and y > 0.0) else np.cos(y)
    c = a + b if not (x < -1.0 or y < -1.0) else a - b
    return c * (x if x != 0.0 else 1.0)


def branch_vars(x, y):
    if x > 0.5:
        a = x * y
        b = y
    elif x > -0.5:
        a = np.sin(x)
        c = y * y
        b = c + a
    else:
        b = np.exp(x) * y
        a = b - 1.0
    return a * b + x


def nested_if(x, y):
    r = x
    if x > 0.0:
        if y > 0.0:
            r = x * y
        else:
            r = x - y * y
    else:
        if y > x:
            r = r * np.exp(y)
        elif y > 2.0 * x:
            r = r + y
        else:
            r = -r * y
    return r * r + y


def if_no_else(x, y):
    z = x * 2.0
    if y > 0.0:
        z = z * y
    if x < 0.0 and y < 0.0:
        z += y ** 2
    if not x < 1.0:
        z = z - np.log(x)
    return z + x


def bool_conditions(x, y):
    s = 0.0
    if x > 0.0 and not y > 1.0:
        s = s + x * y
    if x < -0.5 or y > 0.5:
        s = s + y ** 3
    if not (x > 0.0) and (y < 0.0 or y > 1.0):
        s = s - x * np.tanh(y)
    if x >= 0.2 and y <= 0.8 and x <= 1.5:
        s = s * x
    return s + 0.1 * x


def chained_compare(x):
    if -1.0 < x < 1.0:
        return x * x * x
    if 1.0 <= x < 2.0:
        return np.sqrt(x)
    return -x


def scale_shift(v, scale=3.0, shift=0.0):
    return v * scale + shift


def kwargs_defaults(x, y):
    a = scale_shift(x, shift=y)
    b = scale_shift(y, 2.0)
    c = scale_shift(x * y, scale=0.5, shift=1.0)
    d = scale_shift(shift=x, v=y, scale=y)
    return a * b + c - d


def inner_h(v):
    return v * v + 1.0


def mid_h(v, w=2.0):
    return inner_h(v) * w + np.sin(v)


def helpers_chain(x, y):
    return mid_h(x) + mid_h(y, w=x) * mid_h(x * y, 0.5)


def cross_module(x, W):
    h = helpers.sigmoid(W @ x)
    z = helpers.affine(W, h, x[:3])
    m, e = helpers.mean_and_energy(z)
    return np.sum(softplus(h)) + scaled_square(x[0]) + m * e


def module_constants(x, c):
    y = x * SCALE + OFFSET
    return np.sum(y * y) * c + SCALE * c ** 2


def dict_weights(x):
    d = {"w": 1.5, "b": -0.3, "v": np.array([1.0, 2.0, 3.0])}
    z = d["w"] * x + d["b"]
    return np.sum(d["v"] * np.tanh(z))


def dict_params(x, y):
    params = {"a": x, "b": y * 2.0}
    params["c"] = params["a"] * params["b"]
    return params["c"] + params["a"] ** 2 - params["b"]


def tuple_list_literals(x, y):
    t = (x, y, x * y)
    u = [t[2], t[0] - t[1]]
    u[0] = u[0] + t[1]
    return t[0] * u[0] + u[1] ** 2 + t[-1]


def keyword_defaults_top(x, w, alpha=0.3, beta=2.0):
    z = w * x - beta
    return np.sum(alpha * z * z + np.exp(-z * z))


def reuse_variable(x):
    y = x
    y = y * y
    y = y + x
    z = y
    y = np.sin(y)
    return y * z + x


def float_int_mix(x, n):
    k = n * 2 + 1
    a = x * k
    b = x / n + n
    return a * b + x ** n


def _two_floats(lo=-2.0, hi=2.0):
    return lambda r: (r.uniform(lo, hi), r.uniform(lo, hi))


def _cond_expr_inputs(r):
    y = away(r, -2.0, 2.0, avoid=(-1.0, 0.0))
    return away(r, -2.0, 2.0, avoid=(-1.0, 0.0, y)), y


def _nested_if_inputs(r):
    x = away(r, -2.0, 2.0, avoid=(0.0,), margin=0.1)
    y = away(r, -2.0, 2.0, avoid=(0.0, x, 2.0 * x), margin=0.1)
    return x, y


def _bool_inputs(r):
    x = away(r, -1.5, 2.0, avoid=(-0.5, 0.0, 0.2, 1.5))
    return x, away(r, -1.5, 2.0, avoid=(0.0, 0.5, 0.8, 1.0))


CASES = [
    Case(poly_arith, _two_floats(), wrt=(0, 1)),
    Case(unary_and_powers, lambda r: (r.uniform(0.5, 2.0), r.uniform(-1.5, 1.5)),
         wrt=(0, 1)),
    Case(swap_and_unpack, _two_floats(), wrt=(0, 1)),
    Case(helper_tuple_unpack, _two_floats(), wrt=(0, 1)),
    Case(aug_assign_scalar, _two_floats(), wrt=(0, 1)),
    Case(matmul_quadratic, lambda r: (normal(r, 3, 3, scale=0.5), normal(r, 3)),
         wrt=(0, 1)),
    Case(cond_expr, _cond_expr_inputs, wrt=(0, 1)),
    Case(branch_vars, lambda r: (r.uniform(0.6, 1.5), r.uniform(-1, 1)),
         wrt=(0, 1), name="branch_vars_if"),
    Case(branch_vars, lambda r: (r.uniform(-0.4, 0.4), r.uniform(-1, 1)),
         wrt=(0, 1), name="branch_vars_elif"),
    Case(branch_vars, lambda r: (r.uniform(-1.5, -0.6), r.uniform(-1, 1)),
         wrt=(0, 1), name="branch_vars_else"),
    Case(nested_if, _nested_if_inputs, wrt=(0, 1)),
    Case(nested_if, lambda r: (r.uniform(-1.5, -0.5), r.uniform(-0.3, 0.3)),
         wrt=(0, 1), name="nested_if_inner_true"),
    Case(nested_if, lambda r: (x := r.uniform(-1.5, -0.8), 1.5 * x),
         wrt=(0, 1), name="nested_if_inner_elif"),
    Case(nested_if, lambda r: (x := r.uniform(-1.5, -0.8), 2.5 * x),
         wrt=(0, 1), name="nested_if_inner_else"),
    Case(if_no_else, lambda r: (away(r, -2.0, 2.0, avoid=(0.0, 1.0)),
                                away(r, -2.0, 2.0, avoid=(0.0,))), wrt=(0, 1)),
    Case(if_no_else, lambda r: (r.uniform(-2.0, -0.1), r.uniform(-2.0, -0.1)),
         wrt=(0, 1), name="if_no_else_both_negative"),
    Case(bool_conditions, _bool_inputs, wrt=(0, 1)),
    Case(bool_conditions, lambda r: (r.uniform(-1.5, -0.6), r.uniform(1.1, 1.8)),
         wrt=(0, 1), name="bool_conditions_negative_x"),
    Case(chained_compare, lambda r: (r.uniform(-0.9, 0.9),)),
    Case(chained_compare, lambda r: (r.uniform(1.1, 1.9),),
         name="chained_compare_second"),
    Case(kwargs_defaults, _two_floats(), wrt=(0, 1)),
    Case(helpers_chain, _two_floats(-1.5, 1.5), wrt=(0, 1)),
    Case(cross_module, lambda r: (normal(r, 3), normal(r, 3, 3, scale=0.5)),
         wrt=(0, 1)),
    Case(module_constants, lambda r: (normal(r, 3), r.uniform(0.5, 1.5)),
         wrt=(0, 1)),
    Case(dict_weights, lambda r: (normal(r, 3),)),
    Case(dict_params, _two_floats(), wrt=(0, 1)),
    Case(tuple_list_literals, _two_floats(), wrt=(0, 1)),
    Case(keyword_defaults_top, lambda r: (normal(r, 4), r.uniform(0.5, 1.5)),
         wrt=("x", "w")),
    Case(reuse_variable, lambda r: (r.uniform(-1.5, 1.5),)),
    Case(float_int_mix, lambda r: (r.uniform(0.5, 1.5), 3)),
]
