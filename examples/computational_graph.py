"""Draw the computational graph of a function and of its derivative.

The function is the classic first picture of backpropagation (C. Olah,
"Calculus on computational graphs"): e = (a + b)(b + 1). At a = 2, b = 1,
∂e/∂a = b + 1 = 2 and ∂e/∂b = (b + 1) + (a + b) = 5: the two paths from b to e
add up.

``tangentlike graph FILE:FUNC`` prints the dataflow graph of the function's
SSA IR as DOT (Graphviz's language): one node per operation, one edge per
value used; ``--grad`` adds the generated gradient as a second cluster: its
forward sweep recomputes e's operations, then the adjoint sweep combines
their values; dotted edges link each gradient to its parameter (∂e/∂a is the
node d = b + 1, ∂e/∂b the sum of c and d); ``tl.graph(e, grad=True)`` is the same.
The script runs the command line on its own ``e`` into a temporary directory
and prints the DOT text; it also draws an SVG if Graphviz's ``dot`` is
installed (``dot -Tsvg graph.dot -o graph.svg`` does the same by hand).

Run: python examples/computational_graph.py
"""
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import tangentlike as tl


def e(a, b):
    c = a + b
    d = b + 1.0
    return c * d


def tangentlike_cli(*args):
    """Run ``tangentlike ARGS...`` (as ``python -m tangentlike``); return its stdout."""
    done = subprocess.run([sys.executable, "-m", "tangentlike", *args],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"tangentlike {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def main():
    de_da, de_db = tl.grad(e, wrt=("a", "b"))(2.0, 1.0)
    print(f"e(2, 1) = {e(2.0, 1.0)}; de/da = {de_da}, de/db = {de_db}")
    target = f"{Path(__file__).resolve()}:e"
    with tempfile.TemporaryDirectory() as tmp:
        function_dot, gradient_dot = Path(tmp, "e.dot"), Path(tmp, "grad_e.dot")
        tangentlike_cli("graph", target, "-o", str(function_dot))
        tangentlike_cli("graph", target, "--grad", "--wrt", "a,b", "-o", str(gradient_dot))
        dots = {"e": function_dot.read_text(), "e and grad_e": gradient_dot.read_text()}
        svg = None
        if shutil.which("dot"):
            svg_path = Path(tmp, "grad_e.svg")
            tangentlike_cli("graph", target, "--grad", "--wrt", "a,b", "-o", str(svg_path))
            svg = svg_path.read_text()
    print(f"$ tangentlike graph {Path(__file__).name}:e -o e.dot")
    print(dots["e"])
    print(f"$ tangentlike graph {Path(__file__).name}:e --grad --wrt a,b -o grad_e.dot")
    print(dots["e and grad_e"])
    print("SVG drawn by Graphviz: " + (f"{len(svg)} characters" if svg else
                                       "no (Graphviz's dot program is not installed)"))
    return dict(dots=dots, svg=svg, de_da=de_da, de_db=de_db)


if __name__ == "__main__":  # the command line imports this file to find e: no work on import
    results = main()
    assert (results["de_da"], results["de_db"]) == (2.0, 5.0)
    assert results["dots"]["e"].startswith('digraph e {')
    assert 'label="grad_e"' in results["dots"]["e and grad_e"]
