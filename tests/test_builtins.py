"""Builtins on numbers, lists and arrays inside differentiated functions (issue 15):
sum, min, max, abs, len, enumerate, zip, sorted, reversed, range in all its forms,
isinstance, the constructors tuple/list/dict, print and assert; derivatives in both
modes against finite differences (tolerances: tests/usercode_check.py).

PYTEST_DONT_REWRITE: pytest's assertion rewriting would change the code of the
differentiated functions that hold asserts, and tangentlike's source check (the code
that runs must be the code in the file) rightly refuses such functions."""
import sys
from pathlib import Path

import numpy as np
import pytest

import tangentlike as tl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from usercode_check import check_grad  # noqa: E402

X = np.array([0.7, -1.3, 0.4, 1.1])
A = np.array([[2.0, 0.3, -0.1], [0.3, 1.5, 0.2], [-0.1, 0.2, 0.9]])


def sum_list(x):
    return sum([x[0] * x[1], np.sin(x[2]), x[3]], 1.5)


def sum_rows(m):
    return np.sum(sum(m) ** 2)  # sum over the rows of a 2-d array


def min_max_numbers(x):
    return max(x[0], x[1] * 2.0, x[2]) * min(x[3], 0.2) + max(x)


def abs_len(x):
    return abs(x[1]) * len(x) + np.sum(abs(x))


def enumerate_start(x):
    s = 0.0
    for i, v in enumerate(x, 1):
        s = s + i * v * v
    for pair in enumerate(x):
        s = s + pair[0] * pair[1]
    return s


def zip_three(x):
    s = 0.0
    for a, b, c in zip(x, x[1:], x[2:]):
        s = s + a * b * c
    return s


def sorted_items(x):
    s = 0.0
    for k, v in enumerate(sorted(x)):
        s = s + (k + 1.0) * v
    top = sorted([x[0], x[2]], reverse=True)
    return s + top[0] * 3.0


def reversed_seq(x):
    s = 0.0
    for v in reversed(x):
        s = s * 0.5 + v
    for i in reversed(range(2)):
        s = s + x[i] * i
    return s


def ranges(x):
    s = 0.0
    for i in range(len(x)):
        s = s + x[i]
    for i in range(1, 3):
        s = s + x[i] * x[i]
    for i in range(3, 0, -1):
        s = s * x[i]
    for i in range(0, len(x), 2):
        s = s + np.sin(x[i])
    return s + sum(x[i] for i in list(range(2)))


def branch_on_type(x):
    if isinstance(x, float):
        return x * x
    return np.sum(x * x * x)


def tuple_of_eigh(m):
    a = 0.5 * (m + m.T)  # eigh reads one triangle: symmetrise, so that FD sees all of m
    w, v = tuple(np.linalg.eigh(a))
    return np.sum(w * w) + v[0, 0] ** 2


def constructors(x):
    p = dict(a=x[0], b=x[1] * x[2])
    q = dict(p)
    t = tuple(x)
    lst = list(x[1:])
    lst.append(p["b"])
    return q["a"] * t[3] + lst[-1] * lst[0] + len(dict())


def prints_and_asserts(x):
    print("x =", x)
    assert np.all(np.isfinite(x)), "x must be finite"
    y = x * 2.0
    assert len(y) == 4
    return np.sum(y * y)


@pytest.mark.parametrize("fn, arg", [
    (sum_list, X), (sum_rows, A), (min_max_numbers, X), (abs_len, X), (enumerate_start, X),
    (zip_three, X), (sorted_items, X), (reversed_seq, X), (ranges, X), (branch_on_type, X),
    (tuple_of_eigh, A), (constructors, X), (prints_and_asserts, X),
], ids=lambda v: getattr(v, "__name__", ""))
def test_gradient_matches_finite_differences(fn, arg):
    check_grad(fn, arg, second=fn in (sum_list, enumerate_start, zip_three, sorted_items,
                                       reversed_seq, ranges))


def test_isinstance_on_a_float():
    assert tl.grad(branch_on_type)(1.5) == pytest.approx(3.0)
    assert tl.grad(branch_on_type, mode="forward")(1.5) == pytest.approx(3.0)


def test_values_are_pythons():
    for fn, arg in [(min_max_numbers, X), (sorted_items, X), (ranges, X), (constructors, X),
                    (sum_list, X)]:
        value, _ = tl.value_and_grad(fn)(arg.copy())
        assert value == pytest.approx(fn(arg.copy()), rel=1e-12), fn.__name__


def test_max_keeps_the_first_of_equal_items():
    def first(a, b):
        return max(a, b)
    assert tl.grad(first, wrt=(0, 1))(2.0, 2.0) == (1.0, 0.0)  # Python returns a


def test_print_runs_in_the_primal_of_both_modes(capsys):
    for mode in ("reverse", "forward"):
        tl.grad(prints_and_asserts, mode=mode)(X.copy())
        assert "x = [" in capsys.readouterr().out, mode


def test_a_failing_assert_raises_with_its_message():
    for mode in ("reverse", "forward"):
        with pytest.raises(AssertionError, match="x must be finite"):
            tl.grad(prints_and_asserts, mode=mode)(np.array([1.0, np.nan, 0.0, 1.0]))


def test_dict_with_keywords_is_not_a_missing_rule():
    g = tl.grad(constructors)(X.copy())
    assert g.shape == X.shape


@pytest.mark.parametrize("src, what", [
    ("max(x, default=0.0)", "default="),
    ("sorted(x, cmp=abs)[0]", "cmp="),
    ("dict(zip(x, x), a=1.0)['a']", "dict()"),
])
def test_unsupported_arguments_are_located_errors(tmp_path, src, what):
    path = tmp_path / "mod_builtin_args.py"
    path.write_text(f"import numpy as np\n\n\ndef f(x):\n    return {src}\n")
    sys.path.insert(0, str(tmp_path))
    try:
        import importlib
        mod = importlib.import_module("mod_builtin_args")
        with pytest.raises(tl.UnsupportedSyntaxError, match=what.replace("(", r"\(")
                           .replace(")", r"\)")) as info:
            tl.grad(mod.f)(X.copy())
        assert info.value.lineno == 5
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("mod_builtin_args", None)


def test_generated_code_is_plain_python():
    src = tl.source(tl.grad(zip_three))
    code = "\n".join(ln for ln in src.split('"""', 2)[-1].splitlines()
                     if not ln.strip().startswith("#"))
    assert "zip(" not in code and "min(len(x), len(seq), len(seq_2))" in code, src
    assert "#" not in code and "@" not in code, src  # no names of desugared temporaries


def enumerate_of_zip(xs, ws):
    s = 0.0
    for i, (a, b) in enumerate(zip(xs, ws)):
        s = s + i * a * np.sin(b)
    return s


def test_enumerate_of_zip_with_a_nested_target():
    check_grad(enumerate_of_zip, X, X[::-1].copy(), second=True)
    check_grad(enumerate_of_zip, X, X[::-1].copy(), wrt=1)


def tuple_of_svd(m):
    u, s, vt = tuple(np.linalg.svd(m))
    parts = list(np.linalg.svd(m, full_matrices=False))
    return np.sum(s * s) + np.sum(parts[1]) + u[0, 0] * vt[0, 0] * 0.0


def test_tuple_and_list_of_an_svd():
    m = np.array([[2.0, 0.3, -0.1], [0.4, 1.5, 0.2], [-0.3, 0.2, 0.9]])
    check_grad(tuple_of_svd, m)


def by_key(x):
    pairs = [(x[0], 3.0), (x[1], 1.0), (x[2], 2.0)]
    first = sorted(pairs, key=lambda p: p[1])[0][0]  # x[1]
    big = max(x, key=abs)  # x[1] = -1.3
    small = min(x[0] * x[3], x[2], key=lambda t: t * t)  # x[2]
    return first * 2.0 + big * big + small * 5.0


def test_key_functions():
    got = check_grad(by_key, X, second=True)
    np.testing.assert_allclose(got, [0.0, 2.0 + 2 * X[1], 5.0, 0.0], rtol=1e-12)


def writes_into_what_enumerate_views(x):
    w = x * 1.0
    for i, v in enumerate(w[1:]):
        w[i] = v * 2.0  # Python's loop sees these writes through the view
    return np.sum(w)


def test_writing_into_the_array_a_builtin_iterates_over_is_a_located_error():
    with pytest.raises(tl.UnsupportedSyntaxError, match="iterating over 'w'"):
        tl.grad(writes_into_what_enumerate_views)(X.copy())


def writes_into_rows_of_a_list(m):
    m = m * 1.0
    rows = list(m)
    m[0, 0] = 5.0  # rows[0] is a view of m: Python sees 5.0 there
    return rows[0][0] * 2.0


def test_a_write_into_an_array_whose_rows_a_list_holds_is_a_located_error():
    with pytest.raises(tl.UnsupportedSyntaxError, match="'rows' may refer to the same data"):
        tl.grad(writes_into_rows_of_a_list)(A.copy())


def asserts_in_a_loop_and_a_helper(x):
    s = 0.0
    for v in x:
        assert v < 10.0, "too large"
        s = s + _checked_square(v)
    return s


def _checked_square(v):
    assert v == v
    print("v", v)
    return v * v


def test_asserts_in_a_loop_and_in_a_helper(capsys):
    check_grad(asserts_in_a_loop_and_a_helper, X, second=True)
    for mode in ("reverse", "forward"):
        with pytest.raises(AssertionError, match="too large"):
            tl.grad(asserts_in_a_loop_and_a_helper, mode=mode)(np.array([1.0, 20.0]))
    assert "v 0.7" in capsys.readouterr().out


def uses_map(x):
    a = sum(map(lambda v: v * v, x))
    b = list(map(np.sin, x))
    c = sum(map(lambda u, w: u * w, x, x[::-1]))
    s = 0.0
    for t in map(abs, x):
        s = s + t
    return a + b[1] * c + s


def zip_bound_to_a_name(x):
    z = zip(x, x)
    return sum(a * b for a, b in z) + len(list(z))  # Python: z is spent after the sum


def test_map_consumed_where_it_stands():
    check_grad(uses_map, X, second=True)


def test_an_iterator_bound_to_a_name_is_a_located_error():
    with pytest.raises(tl.UnsupportedSyntaxError, match=r"zip\(\.\.\.\) used as a value"):
        tl.grad(zip_bound_to_a_name)(X.copy())
