"""README.md holds exactly the table of supported functions that the registry gives
(``tools/rules_table.py``), between the markers; regenerate it with
``python tools/rules_table.py --write``."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location("rules_table", ROOT / "tools" / "rules_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_table_matches_the_registry():
    tool = _tool()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert tool.between_markers(readme) is not None, "README.md lacks the rules-table markers"
    assert tool.between_markers(readme) == tool.table(), \
        "README.md's table is stale: run python tools/rules_table.py --write"


def test_table_lists_every_rule_and_nondiff_function_once():
    tool = _tool()
    rows = tool.rows()
    names = [name for _, name, _, _ in rows]
    assert len(names) == len(set(names))
    for name in ("np.linalg.svd", "np.einsum", "operator.getitem", "rt.contract", "np.argmax",
                 "np.random.normal"):
        assert name in names, name
    assert all(v == j == "✓" for f, _, v, j in rows if f not in ("nondiff", "random"))


def test_replace_block_touches_only_the_marked_section():
    tool = _tool()
    text = f"# t\n\nintro\n{tool.START}\nold\n{tool.END}\n\nafter\n"
    expected = f"# t\n\nintro\n{tool.START}\nnew\n{tool.END}\n\nafter\n"
    assert tool.replace_block(text, "new") == expected
    added = tool.replace_block("# t\n", "new")
    assert added.startswith("# t\n") and tool.between_markers(added) == "new"
