"""The package's layers (docs/architecture.md, "Layers"), checked over every import
statement in the package, including imports inside functions:

    errors (with admissible, limits) <- ir <- runtime <- rules <- analysis <- frontend <- transforms <- backend
           <- pipeline (with cache, cachekey, progress, request) <- api (with inspection, jacobians,
           jacobian_nest, jacobian_sweeps, callables, options, outputs, pytrees, fdcheck,
           display, graphs, emission) <- cli (with targets)

A module may import its own layer or a lower one, never a higher one, and the
import graph between modules has no cycle.
"""
import ast
import pathlib

import tangentlike

PKG = pathlib.Path(tangentlike.__file__).resolve().parent
LAYERS = [("errors", "admissible", "limits"), ("ir",), ("runtime",), ("rules",), ("analysis",), ("frontend",),
          ("transforms",), ("backend",), ("pipeline", "cache", "cachekey", "progress", "request"),
          ("api", "inspection", "jacobians", "jacobian_nest", "jacobian_sweeps", "callables",
           "options", "outputs", "pytrees", "fdcheck", "display", "graphs", "emission",
           "pullbacks"),
          ("cli", "targets", "__main__")]
RANK = {name: i for i, names in enumerate(LAYERS) for name in names}


def _modules():
    out = {}
    for p in sorted(PKG.rglob("*.py")):
        parts = ("tangentlike",) + p.relative_to(PKG).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


def _imports(name, path, mods):
    pkg = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for t in targets:
            while t and t not in mods:
                t = t.rpartition(".")[0]
            # A submodule importing from its own package's __init__ is part of that package.
            if t and t != name and t != "tangentlike" and not name.startswith(t + "."):
                yield t, node.lineno


def _rank(module):
    parts = module.split(".")
    return RANK[parts[1]] if len(parts) > 1 else None


def test_every_module_has_a_layer():
    assert [m for m in _modules() if m != "tangentlike" and m.split(".")[1] not in RANK] == []


def test_no_module_imports_a_higher_layer():
    mods = _modules()
    up = [f"{m}:{line} imports {t}" for m, p in mods.items() if m != "tangentlike"
          for t, line in _imports(m, p, mods) if _rank(t) > _rank(m)]
    assert up == []


def test_no_import_cycles():
    mods = _modules()
    graph = {m: {t for t, _ in _imports(m, p, mods) if t != "tangentlike"}
             for m, p in mods.items() if m != "tangentlike"}
    state, cycles = {}, []

    def visit(m, stack):
        state[m] = "open"
        for t in sorted(graph.get(m, ())):
            if state.get(t) == "open":
                cycles.append(stack[stack.index(t):] + [t])
            elif t not in state:
                visit(t, stack + [t])
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert cycles == []
