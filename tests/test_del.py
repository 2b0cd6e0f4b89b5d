"""``del`` of names in a function's own body (supported: generated code frees its dead
locals with it, backend/liveness.py) and the liveness pass that writes it."""
import ast

import numpy as np
import pytest

import tangentlike as tl
from tangentlike.backend.liveness import free_dead


def freed_early(x):
    y = x * 2.0
    z = np.sin(y)
    del y
    return np.sum(z * x)


def read_after_del(x):
    y = x * 2.0
    del y
    return np.sum(y)


def test_del_of_a_name_is_differentiated():
    x = np.array([0.3, -1.2, 2.0])
    want = np.sin(2 * x) + 2 * x * np.cos(2 * x)
    np.testing.assert_allclose(tl.grad(freed_early)(x), want, rtol=1e-12)  # closed form


def test_a_read_after_del_is_an_error_as_in_python():
    with pytest.raises(tl.TangentlikeError, match="'y'"):
        tl.grad(read_after_del)(np.array([1.0]))


def _deleted(src, params=("x",)):
    body = ast.parse(src).body
    out = free_dead(body, list(params))
    return [(i, sorted(n.id for n in s.targets)) for i, s in enumerate(out)
            if isinstance(s, ast.Delete)]


def test_liveness_deletes_after_the_last_read_only_what_is_surely_bound():
    src = """
a = x * 2
b = a + 1
if x > 0:
    c = b
    d = c
s = a + b
for i in range(3):
    s = s + i
e = s
e += 1
return e + d
"""
    # a, b die at ``s = a + b``; i and s after the loop (i is bound there for certain only
    # if the loop ran: it is not deleted); c is bound in a branch only: never deleted; d
    # is read by the return; x is a parameter; nothing follows a return
    assert _deleted(src) == [(4, ["a", "b"]), (7, ["s"])]


def test_liveness_keeps_names_a_nested_scope_reads():
    src = """
a = x * 2
f = lambda t: a * t
b = f(1.0)
c = b + 1
return c
"""
    assert _deleted(src) == [(3, ["f"])]  # a: the lambda reads it; b: the return is next


def test_generated_gradient_frees_its_dead_locals():
    def spread(x):
        y = np.exp(x)
        z = y * x
        return np.sum(z * z)
    g = tl.grad(spread)
    x = np.array([0.1, 0.7])
    e = np.exp(2 * x)
    np.testing.assert_allclose(g(x), 2 * e * (x + x * x), rtol=1e-12)  # closed form
    assert "del z" in g.source  # read by no adjoint once dz = z + z is made
    gg = tl.grad(lambda x: tl.grad(spread)(x)[0])  # generated code, with its del, re-read
    np.testing.assert_allclose(gg(x), [2 * e[0] * (2 * x[0] ** 2 + 4 * x[0] + 1), 0.0],
                               rtol=1e-12)
