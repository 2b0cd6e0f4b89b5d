"""One record per primitive (rules/registry.py ``Primitive``): its rules and every
fact the passes ask for, declared in one place (rules/facts.py). No pass keeps a
table of functions of its own: the test walks the compiler's modules and fails on a
module-level tuple, set or dict of NumPy / operator / runtime functions."""
import ast
import operator
import pathlib

import numpy as np
import pytest

import tangentlike
from tangentlike import runtime as rt
from tangentlike.rules import registry

PKG = pathlib.Path(tangentlike.__file__).resolve().parent
# Tables of syntax, not of primitives: which function a Python operator / method /
# attribute lowers to (frontend), which function desugared code names (frontend/sugar.py:
# ``@len``, ``@sort_order``) and how the IR printer names operators (below rules).
SYNTAX_TABLES = {("frontend/lower_expr.py", n) for n in
                 ("BINOPS", "UNOPS", "CMPOPS", "METHODS", "ATTRIBUTES")} | \
    {("ir/printer.py", "_OPNAMES"), ("frontend/sugar.py", "REFS")}


def _function_refs(node):
    return [n for n in ast.walk(node) if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name) and n.value.id in ("np", "operator", "rt")]


def test_no_pass_keeps_its_own_table_of_primitives():
    found = []
    for sub in ("analysis", "frontend", "transforms", "backend", "ir"):
        for path in sorted((PKG / sub).glob("*.py")):
            rel = f"{sub}/{path.name}"
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if not isinstance(node, ast.Assign) or len(node.targets) != 1:
                    continue
                name = getattr(node.targets[0], "id", None)
                if isinstance(node.value, (ast.Tuple, ast.Set, ast.Dict, ast.List)) \
                        and _function_refs(node.value) and (rel, name) not in SYNTAX_TABLES:
                    found.append(f"{rel}: {name}")
    assert found == []


def test_every_fact_is_declared_and_asked_for():
    used = {}
    for path in PKG.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for fact in registry.FACTS:
            if path.name != "facts.py" and f'"{fact}"' in text:
                used.setdefault(fact, path.name)
    declared = {f for r in registry._PRIMS.values() for f in r.facts}
    assert set(registry.FACTS) == declared
    assert set(registry.FACTS) == set(used), set(registry.FACTS) - set(used)


def test_the_record_answers_what_the_passes_ask():
    assert registry.has(np.sum, "reduction") and registry.has(np.prod, "reduction")
    assert registry.has(operator.add, "elementwise") and registry.has(operator.add, "addition")
    assert not registry.has(np.sum, "elementwise")
    assert registry.has_effects(rt.add_at) and registry.lookup(rt.add_at) is not None
    assert registry.has_effects(np.random.normal) and not registry.is_nondiff(np.random.normal)
    assert registry.is_nondiff(np.shape) and registry.lookup(np.shape) is None
    assert registry.result_size(np.linalg.qr) == 2
    assert registry.spelling(operator.mul, "python") == ("binary", ast.Mult)
    rec = registry.primitive(np.sin)
    assert rec.vjp is not None and set(rec.jvps) == {0} and rec.name == "np.sin"


def test_declaring_an_unknown_fact_is_an_error():
    with pytest.raises(ValueError, match="unknown primitive facts"):
        registry.declare("elementwize", np.sin)
    assert not registry.has(np.sin, "elementwize")


def _leaves(x):
    if isinstance(x, np.ndarray):
        yield x
    elif isinstance(x, (list, tuple)):
        for y in x:
            yield from _leaves(y)


def test_every_numpy_function_that_can_return_a_view_says_so():
    """The alias check (frontend/aliases.py) rejects a write that another name would see
    only if it knows the other name may be a view: ``u = np.flip(w); w[0] = 5.0`` gave a
    silently wrong gradient while np.flip lacked the fact. Each rule case is run, and a
    result sharing memory with an argument must come from a function marked ``view``."""
    import sys
    import warnings
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "rules"))
    from test_vjp_rules import ALL_CASES
    missing = set()
    for p in ALL_CASES:
        case = p.values[0]
        rec = registry.primitive(case.fn)
        if rec is None or not rec.name.startswith("np."):
            continue  # runtime helpers run in generated code, which owns its buffers
        args, kwargs, _ = case.draw()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = case.fn(*args, **kwargs)
        ins = [a for v in list(args) + list(kwargs.values()) for a in _leaves(v)]
        if any(np.shares_memory(o, i) for o in _leaves(out) for i in ins) \
                and not registry.has(case.fn, "view"):
            missing.add(rec.name)
    assert sorted(missing) == []


def test_a_write_seen_through_np_flip_is_rejected():
    def f(w):
        w = w * 1.0
        u = np.flip(w)
        w[0] = 5.0
        return np.sum(u * u)
    with pytest.raises(tangentlike.UnsupportedSyntaxError, match="may refer to the same data"):
        tangentlike.grad(f)(np.array([1.0, 2.0, 3.0]))
