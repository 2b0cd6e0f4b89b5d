"""The rule table as a whole: coverage by cases, VJP/JVP pairing, rule bodies inside
the subset the compiler inlines, closure under differentiation, and parameter
names that follow NumPy's signatures (keyword arguments bind by name)."""
import ast
import inspect
import os
import sys
import textwrap

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))  # also under --import-mode=importlib
from test_vjp_rules import ALL_CASES  # noqa: E402

from tangentlike import runtime as rt  # noqa: E402
from tangentlike.rules import registry  # noqa: E402


def library_rules():
    """The rules tangentlike registers (tests may register custom rules of their own)."""
    return [r for r in registry.all_rules()
            if (getattr(r.vjp, "__module__", "") or "").startswith("tangentlike.rules")]


def test_every_rule_has_a_case():
    covered = {id(p.values[0].fn) for p in ALL_CASES}
    jvp_covered = {id(p.values[0].fn) for p in ALL_CASES if p.values[0].jvp}
    assert [r.name for r in library_rules() if id(r.fn) not in covered] == []
    assert [r.name for r in library_rules() if r.jvps and id(r.fn) not in jvp_covered] == []
    assert len(library_rules()) >= 160


def test_every_vjp_rule_has_jvp_rules_for_its_differentiable_arguments():
    missing = [(r.name, sorted(set(r.vjp_argnums) - set(r.jvps))) for r in library_rules()
               if set(r.vjp_argnums) - set(r.jvps)]
    assert missing == []
    extra = [r.name for r in library_rules() if set(r.jvps) - set(r.vjp_argnums)]
    assert extra == []


def test_at_least_110_numpy_functions_have_both_rules():
    numpy_fns = [r for r in library_rules() if r.name.startswith("np.") and r.vjp and r.jvps]
    assert len(numpy_fns) >= 110, len(numpy_fns)


def _bodies():
    for r in library_rules():
        yield pytest.param(r, r.vjp, id=r.name + ":vjp")
        for i, j in sorted(r.jvps.items()):
            yield pytest.param(r, j, id=f"{r.name}:jvp{i}")


BODIES = list(_bodies())
SUBSET_NODES = (ast.FunctionDef, ast.arguments, ast.arg, ast.Return, ast.Assign, ast.Name,
                ast.Load, ast.Store, ast.Constant, ast.Call, ast.keyword, ast.Attribute,
                ast.BinOp, ast.UnaryOp, ast.USub, ast.Add, ast.Sub, ast.Mult, ast.Div,
                ast.Pow, ast.MatMult, ast.Subscript, ast.Tuple, ast.Expr, ast.Slice)
MODULES = {"np": np, "rt": rt, "np.linalg": np.linalg}


def _fdef(fn):
    fdef = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0]
    fdef.decorator_list = []
    return fdef


def _callee(node):
    """(module path, attribute) of a call ``np.f(...)``, ``np.linalg.f(...)``, ``rt.f(...)``."""
    f = node.func
    assert isinstance(f, ast.Attribute), ast.unparse(f)
    base = ast.unparse(f.value)
    assert base in MODULES, f"call of {ast.unparse(f)}: rules call only np.*, np.linalg.*, rt.*"
    return base, f.attr


@pytest.mark.parametrize("rule, fn", BODIES)
def test_rule_body_is_in_the_subset(rule, fn):
    fdef = _fdef(fn)
    assert not fdef.args.vararg and not fdef.args.kwarg and not fdef.args.kwonlyargs
    for node in ast.walk(fdef):
        assert isinstance(node, SUBSET_NODES), f"{type(node).__name__} in {rule.name}'s rule"
        if isinstance(node, ast.Call):
            _callee(node)
        elif isinstance(node, ast.Attribute):
            assert node.attr in ("T", "shape") or ast.unparse(node.value) in MODULES \
                or ast.unparse(node) in MODULES, ast.unparse(node)
        elif isinstance(node, ast.keyword):
            assert node.arg is not None, "**kwargs in a rule"
    assert 1 <= len(fdef.body) <= 3


@pytest.mark.parametrize("rule, fn", BODIES)
def test_rule_bodies_call_only_registered_functions(rule, fn):
    """Closure: derivative code built from a rule can be differentiated again."""
    for node in ast.walk(ast.Module(body=_fdef(fn).body, type_ignores=[])):
        if isinstance(node, ast.Call):
            base, attr = _callee(node)
            callee = getattr(MODULES[base], attr)
            assert registry.lookup(callee) or registry.is_nondiff(callee), ast.unparse(node.func)
            r = registry.lookup(callee)
            assert r is None or (r.vjp and r.jvps), f"{ast.unparse(node.func)} lacks a VJP or JVP"


@pytest.mark.parametrize("rule, fn", BODIES)
def test_jvp_rules_share_the_vjp_rule_parameters(rule, fn):
    assert list(inspect.signature(fn).parameters)[2:] == list(rule.params)


def _params(fn):
    try:
        return inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return None


@pytest.mark.parametrize("rule", [pytest.param(r, id=r.name) for r in library_rules()])
def test_rule_parameters_follow_the_primal_signature(rule):
    """Names bind keyword arguments, so they must be NumPy's. Exceptions: a variadic
    primal (``np.einsum(subscripts, *operands)``) names its operands in the rule,
    and one with ``**kwargs`` (``np.pad``'s ``constant_values``) its keywords."""
    params = _params(rule.fn)
    if params is None and rule.name in ("math.log", "math.hypot"):
        pytest.skip("no signature; documented as log(x[, base]) and hypot(*coordinates)")
    if isinstance(rule.fn, type) and issubclass(rule.fn, np.generic):
        pytest.skip("a NumPy scalar type (np.float64): its value is passed positionally")
    if rule.fn is getattr:  # no signature; the frontend calls it positionally (x.name)
        assert params is None and rule.params == ("obj", "name")
        return
    assert params is not None, f"no signature for {rule.name}"
    kinds = {p.kind for p in params.values()}
    names = [p for p in params if params[p].kind not in (inspect.Parameter.VAR_POSITIONAL,
                                                          inspect.Parameter.VAR_KEYWORD)]
    if inspect.Parameter.VAR_POSITIONAL in kinds:
        return
    own = [p for p in rule.params if p in names]
    if inspect.Parameter.VAR_KEYWORD not in kinds:
        assert own == list(rule.params), f"{set(rule.params) - set(names)} not in the signature"
    assert [p for p in names if p in own] == own


def test_tuple_results_are_declared():
    """Functions returning a tuple of arrays say so (``registry.tuple_result``), so that
    kind inference treats their results as containers."""
    for p in ALL_CASES:
        case = p.values[0]
        if not case.rule.name.startswith("np."):
            continue
        args, kwargs, _ = case.draw()
        ans = case.fn(*args, **kwargs)
        size = len(ans) if isinstance(ans, tuple) else None
        assert registry.result_size(case.fn) == size, case.rule.name
