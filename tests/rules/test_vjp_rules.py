"""Every VJP rule against central finite differences, on inputs from its domain.

For ``ans = f(*args)`` and a random output cotangent ``g``, a rule's cotangent
for argument ``i`` must have the structure of ``args[i]`` and equal the gradient
of ``<g, f(*args)>`` in ``args[i]``. The cases are the tables of the
``cases_*`` modules (the harness is ``rulecheck``).
"""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))  # also under --import-mode=importlib
import cases_arrays  # noqa: E402
import cases_elementwise  # noqa: E402
import cases_more  # noqa: E402
import cases_products  # noqa: E402
import cases_runtime  # noqa: E402
from rulecheck import call_vjp, numeric_grad, rand_like, ravel, structure  # noqa: E402

ALL_CASES = (cases_elementwise.CASES + cases_arrays.CASES + cases_products.CASES
             + cases_runtime.CASES + cases_more.CASES)


@pytest.mark.parametrize("case", ALL_CASES)
def test_vjp_matches_finite_differences(case):
    args, kwargs, rng = case.draw()
    ans = case.fn(*args, **kwargs)
    g = rand_like(ans, rng)
    cts = call_vjp(case, g, ans, args, kwargs)
    f = case.fd_fn(args, kwargs)
    for i, ct in cts.items():
        x = case.get(args, kwargs, i)
        if x is None or (ct is None and not ravel(x).size):
            continue  # an absent operand, or one without float leaves (einsum's sublists)
        assert structure(ct) == structure(x), f"cotangent of argument {i}"
        if i in case.checked(args, kwargs, [i]):
            expected = numeric_grad(f, case, args, kwargs, i, g)
            np.testing.assert_allclose(ravel(ct), expected, rtol=case.tol[0], atol=case.tol[1],
                                       err_msg=f"cotangent of argument {i}")
