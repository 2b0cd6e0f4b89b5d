"""Pictures of a function and its gradient: ``tl.graph`` and ``graphs.dot_source``.

The DOT text of every example's function and gradient is a golden file
(``tests/golden/graphs/``, regenerate with ``TANGENTLIKE_UPDATE_GOLDEN=1``); those tests
need no Graphviz. The drawing tests run Graphviz's ``dot`` where it is installed.
"""
import os
import pathlib
import re
import shutil

import pytest

import tangentlike as tl
from tangentlike.graphs import GraphError, dot_source, render_file

from test_example_goldens import CASES, _function

ROOT = pathlib.Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "graphs"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot program is not installed")


def e(a, b):
    c = a + b
    d = b + 1.0
    return c * d


def parse(text):
    """``(nodes, edges)``: node id -> (label, cluster path), and (src, dst, attrs) with the
    brace depth each edge was written at."""
    nodes, edges, clusters = {}, [], []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("subgraph "):
            clusters.append(s.split()[1])
        elif s == "}":
            clusters = clusters[:-1]
        elif m := re.fullmatch(r'(n\d+) \[label="((?:[^"\\]|\\.)*)".*\];', s):
            nodes[m.group(1)] = (m.group(2), tuple(clusters))
        elif m := re.fullmatch(r"(n\d+) -> (n\d+)(?: \[(.*)\])?;", s):
            edges.append((m.group(1), m.group(2), m.group(3) or "", len(clusters)))
    return nodes, edges


@pytest.mark.parametrize("example, name, wrt", CASES, ids=[f"{x}.{n}" for x, n, _ in CASES])
def test_dot_of_each_example_matches_golden(example, name, wrt, capsys):
    text = dot_source(_function(example, name), grad=True, wrt=wrt)
    capsys.readouterr()
    path = GOLDEN / f"{example}.{name}.dot"
    if os.environ.get("TANGENTLIKE_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with TANGENTLIKE_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.name} changed: review the diff, then regenerate with "
        "TANGENTLIKE_UPDATE_GOLDEN=1 python -m pytest tests/test_graph.py")
    assert text == dot_source(_function(example, name), grad=True, wrt=wrt)  # deterministic
    _, edges = parse(text)
    assert edges and all(depth == 0 for *_, depth in edges)  # no edge inside a cluster


def test_loop_body_holds_only_what_it_defines(capsys):
    """rnn_loss's gradient: W, xs, the tape and the for op itself are outside the body."""
    nodes, edges = parse(dot_source(_function("rnn_loss", "loss"), grad=True, wrt="W"))
    capsys.readouterr()
    for label in ("W", "xs", "tape", "for", "h = for"):
        for nid, (lab, path) in nodes.items():
            if lab == label:
                assert len(path) == 1, f"{label} is drawn inside {path}"
    bodies = {nid for nid, (_, path) in nodes.items() if len(path) == 2}
    assert any(nodes[n][0] == "pop" for n in bodies) and any(nodes[n][0] == "push" for n in bodies)


def test_e_and_its_gradient_can_be_read_off_the_picture():
    nodes, edges = parse(dot_source(e, grad=True, wrt=(0, 1)))
    labels = [lab for lab, _ in nodes.values()]
    assert "c = add" in labels and "d = add" in labels and "db = add" in labels
    assert not any("unbroadcast" in lab or "check_scalar" in lab for lab in labels)
    assert len(labels) == 15  # was 23: 5 identity unbroadcasts, a check, its constant, e
    links = {re.search(r'label="([^"]*)"', a).group(1): (s, d) for s, d, a, _ in edges
             if "dotted" in a}
    assert set(links) == {"∂e/∂a", "∂e/∂b"}
    for var, (src, dst) in (("a", links["∂e/∂a"]), ("b", links["∂e/∂b"])):
        assert nodes[dst] == (var, ("cluster_0",))  # the primal parameter, in e's box
        assert nodes[src][1] == ("cluster_1",)  # an adjoint node of grad_e
    # de/da = b + 1: the linked node adds b and 1.0; de/db = c + d: it adds those two nodes
    feeds = lambda n: sorted(nodes[s][0] for s, d, a, _ in edges if d == n and not a)
    assert nodes[links["∂e/∂a"][0]][0] == "d = add" and feeds(links["∂e/∂a"][0]) == ["1.0", "b"]
    assert feeds(links["∂e/∂b"][0]) == ["c = add", "d = add"]
    assert tl.grad(e, wrt=(0, 1))(2.0, 1.0) == (2.0, 5.0)


def test_example_arguments_give_the_specialised_gradient():
    general = dot_source(e, grad=True, wrt=(0, 1))
    floats = dot_source(e, 2.0, 1.0, grad=True, wrt=(0, 1))
    assert floats != general and 'label="db = float"' in floats
    g = tl.grad(e, wrt=(0, 1))
    g(2.0, 1.0)
    assert "float(d)" in tl.source(g)  # the code the picture shows is the code that runs


def test_a_derivative_draws_with_its_own_wrt():
    assert dot_source(tl.grad(e, wrt="b"), grad=True) == dot_source(e, grad=True, wrt="b")
    assert "∂e/∂b" in dot_source(tl.grad(e, wrt="b"), grad=True)


def test_graph_is_a_graphviz_digraph_with_the_same_text():
    graphviz = pytest.importorskip("graphviz")
    g = tl.graph(e, grad=True)
    assert isinstance(g, graphviz.Digraph)
    assert g.source == dot_source(e, grad=True)
    assert tl.graph(e).source.startswith("digraph e {\n")


def test_graph_without_dot_shows_its_text_in_a_notebook(monkeypatch, tmp_path):
    pytest.importorskip("graphviz")
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot here
    bundle = tl.graph(e)._repr_mimebundle_()
    assert bundle == {"text/plain": dot_source(e)}


@needs_dot
def test_graph_renders_inline_and_to_files(tmp_path):
    pytest.importorskip("graphviz")
    g = tl.graph(e, grad=True)
    svg = g._repr_mimebundle_()["image/svg+xml"]
    assert "<svg" in svg and "grad_e" in svg
    out = g.render(tmp_path / "e", format="png")
    assert pathlib.Path(out).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_dot
def test_render_file_picks_the_format_from_the_suffix(tmp_path):
    text = dot_source(e, grad=True)
    render_file(text, tmp_path / "e.jpg")
    assert (tmp_path / "e.jpg").read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG, not DOT text
    render_file(text, tmp_path / "e.svg")
    assert "<svg" in (tmp_path / "e.svg").read_text()


def test_render_file_rejects_unknown_formats(tmp_path):
    with pytest.raises(GraphError, match="unknown output format '.txt'"):
        render_file("digraph e {}\n", tmp_path / "e.txt")
    assert not (tmp_path / "e.txt").exists()
    render_file("digraph e {}\n", tmp_path / "e.gv")
    assert (tmp_path / "e.gv").read_text() == "digraph e {}\n"


def test_graph_of_a_non_function_is_an_argument_error():
    with pytest.raises(tl.ArgumentTypeError, match="tl.graph expects a function"):
        tl.graph(3)
