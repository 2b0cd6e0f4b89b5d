"""Every script in examples/ runs and computes what it says it does.

Each is run with ``runpy.run_path`` as ``__main__`` (as ``python examples/x.py``
would), its output captured; the test checks values the script leaves in its
globals and lines it prints.
"""
import runpy
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path / "cache"))


def run(name, capsys):
    env = runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    return env, capsys.readouterr().out


def test_every_example_is_tested():
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == [
        # logsumexp_custom_rule.py is run by tests/test_custom_rules.py,
        # dask_logistic.py by tests/test_dask.py
        "autograd_tutorial.py", "computational_graph.py", "dask_logistic.py", "determinant.py",
        "forward_vs_reverse.py", "gradient_descent.py", "hessian_vector.py", "lagrange.py",
        "logsumexp_custom_rule.py", "matrix_calculus.py", "quickstart.py", "rnn_bptt.py",
        "rnn_loss.py", "three_ways.py", "train_mlp.py"]


def test_quickstart(capsys):
    env, out = run("quickstart.py", capsys)
    assert env["slope"] == 4.0 and env["curvature"] == 12.0
    assert "d/dx x**2 at x = 2: 4.0" in out
    assert "d2/dx2 x**3 at x = 2: 12.0" in out
    assert "def grad_square(x):" in out and "def grad_grad_cube(x):" in out


def test_rnn_loss(capsys):
    env, out = run("rnn_loss.py", capsys)
    W, xs, dW = env["W"], env["xs"], env["dW"]
    assert W.shape == (4, 4) and xs.shape == (6, 4) and dW.shape == (4, 4)
    assert env["max_error"] < 1e-6
    np.testing.assert_allclose(dW, env["finite_differences"](env["loss"].primal, W, xs),
                               rtol=1e-5, atol=1e-7)
    assert "def grad_loss(W, xs):" in out  # tl.source
    assert "func loss(%W, %xs) {" in out  # tl.ir
    assert "max |dW - finite differences|" in out


def test_determinant(capsys):
    env, out = run("determinant.py", capsys)
    A = env["A"]
    assert env["value"] == pytest.approx(np.linalg.det(A), abs=1e-12)
    np.testing.assert_allclose(env["grad"], np.linalg.det(A) * np.linalg.inv(A).T,
                               rtol=1e-9, atol=1e-12)
    assert "d det(A) / dA:" in out


def test_gradient_descent(capsys):
    env, out = run("gradient_descent.py", capsys)
    assert env["x_min"] == pytest.approx(3 * 0.8 ** 100, rel=1e-9)
    assert np.linalg.norm(env["p_min"] - 1.0) < 0.05
    assert env["rosenbrock"](env["p_min"]) < 1e-3
    assert "def grad_rosenbrock(p):" in out


def test_train_mlp(capsys):
    env, out = run("train_mlp.py", capsys)
    losses = [loss for _, loss in env["history"]]
    assert env["final_loss"] < env["initial_loss"] / 4
    assert losses[-1] < losses[0] and env["max_fd_error"] < 1e-6
    assert sorted(env["params"]) == ["W1", "W2", "b1", "b2"]
    assert env["params"]["W1"].shape == (5, 10) and env["params"]["W2"].shape == (10, 1)
    assert out.count("epoch") >= 5


def test_autograd_tutorial(capsys):
    env, out = run("autograd_tutorial.py", capsys)
    assert env["df_at_1_5"] == 5.25
    assert (env["dd_da"], env["dd_db"]) == (2 * env["a"] + env["b"], env["a"])
    np.testing.assert_array_equal(env["dout"], np.full((2, 2), 4.5))
    k = env["doublings"]
    np.testing.assert_allclose(env["x_grad"], 2.0 ** k * np.array([0.1, 1.0, 0.0001]))
    assert np.linalg.norm(env["y"]) >= 1000.0 > np.linalg.norm(env["y"] / 2)


def test_matrix_calculus(capsys):
    env, out = run("matrix_calculus.py", capsys)
    A, x = env["A"], env["x"]
    dlogdet = env["tl"].grad(env["log_abs_det"])
    np.testing.assert_allclose(dlogdet(A), np.linalg.inv(A).T, atol=1e-12)
    np.testing.assert_allclose(env["tl"].grad(env["quadratic"])(x, A), (A + A.T) @ x,
                               atol=1e-12)
    assert len(env["errors"]) == 4 and max(env["errors"].values()) < 1e-12
    assert out.count(" ok") == 4


def test_lagrange(capsys):
    env, out = run("lagrange.py", capsys)
    r = 1 / np.sqrt(2)
    np.testing.assert_allclose(env["found"]["maximum"], [r, r, -r], atol=1e-12)
    np.testing.assert_allclose(env["found"]["minimum"], [-r, -r, r], atol=1e-12)
    H = env["hess_L"](env["found"]["maximum"])
    np.testing.assert_allclose(H, [[-2 * r, 0, 2 * r], [0, -2 * r, 2 * r], [2 * r, 2 * r, 0]],
                               atol=1e-12)


def test_three_ways(capsys):
    env, out = run("three_ways.py", capsys)
    res = env["results"]
    assert res["symbolic"] == pytest.approx(res["exact"], abs=1e-12)
    assert res["fd_errors"][7][0] < 1e-4 < res["fd_errors"][1][0]
    sizes = [res["swell"][n] for n in sorted(res["swell"])]
    assert all(d > f for f, d in sizes) and sizes[-1][1] / sizes[-1][0] > sizes[0][1] / sizes[0][0]
    assert res["check"].returncode == 0 and "1 of 1 passed" in out
    assert res["hand_error"] > 1.0 and res["ad_error"] < 1e-8


def test_forward_vs_reverse(capsys):
    env, out = run("forward_vs_reverse.py", capsys)
    for r in env["results"]:
        np.testing.assert_allclose(r["J_fwd"], r["J_rev"], atol=1e-12)
        expected = (r["n"],) if r["name"] == "energy" else (r["m"], r["n"])
        assert r["J_fwd"].shape == expected
    assert "jacfwd / jacrev" in out


def test_rnn_bptt(capsys):
    env, out = run("rnn_bptt.py", capsys)
    res = env["results"]
    assert res["losses"][-1] < res["losses"][0] / 4
    assert any("tape.append" in line for line in res["tape_lines"])
    assert any("tape.pop()" in line for line in res["tape_lines"])
    assert res["ck_difference"] < 1e-12  # checkpoint=tl.Periodic(every=8): the same gradient
    assert sum("tape.append" in line for line in res["ck_lines"]) >= 2


def test_hessian_vector(capsys):
    env, out = run("hessian_vector.py", capsys)
    res = env["results"]
    assert res["H"].shape == (50, 50)
    np.testing.assert_allclose(res["Hv"], res["H"] @ res["v"], atol=1e-12)
    assert res["diff_exact"] < 1e-12
    assert "max |hvp(f, w, v) - hessian(f)(w) @ v|" in out


def test_computational_graph(capsys):
    env, out = run("computational_graph.py", capsys)
    res = env["results"]
    assert (res["de_da"], res["de_db"]) == (2.0, 5.0)
    assert res["dots"]["e"].startswith('digraph e {') and 'label="mul"' in res["dots"]["e"]
    assert 'label="grad_e"' in res["dots"]["e and grad_e"]
    assert 'digraph e {' in out


def test_how_it_works_doc():
    """docs/how-it-works.md follows docs/how_it_works.py:f; the value it quotes holds."""
    import tangentlike as tl
    docs = EXAMPLES.parent / "docs"
    env = runpy.run_path(str(docs / "how_it_works.py"))
    text = (docs / "how-it-works.md").read_text(encoding="utf-8")
    value = tl.grad(env["f"])(0.5, 1.5)
    assert value == pytest.approx(1.1425238686828996, rel=1e-12)
    assert "returns `1.1425238686828996`" in text
    for command in ("tl.ir(f)", "--stage reverse", "tangentlike grad docs/how_it_works.py:f",
                    "tangentlike graph docs/how_it_works.py:f"):
        assert command in text
