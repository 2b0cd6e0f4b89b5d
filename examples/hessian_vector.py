"""Pearlmutter's fast exact Hessian-vector product.

H·v is the directional derivative of the gradient along v, so one forward-mode
sweep over the generated reverse-mode gradient gives it exactly, at a small
multiple of the cost of one gradient (Pearlmutter, "Fast exact multiplication
by the Hessian", Neural Computation 1994): ``tl.hvp(f, primals, v)``. The dense
Hessian (``tl.hessian`` = ``jacfwd(grad(f))``) needs one such sweep per
parameter, n in all, and n² numbers of memory. Here n = 50; the function is a
logistic-regression loss with an L2 penalty, whose Hessian is known in closed
form, Aᵀ diag(σ(1 − σ)) A / N + λ I.

Run: python examples/hessian_vector.py
"""
import time

import numpy as np

import tangentlike as tl

PENALTY = 0.1


def logistic_loss(w, A, labels):
    z = A @ w
    return np.mean(np.logaddexp(0.0, z) - labels * z) + 0.5 * PENALTY * np.sum(w * w)


def best_time(fn, repeat=3):
    fn()  # compile (cached) and warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(n=50, samples=200):
    rng = np.random.default_rng(0)
    A = rng.standard_normal((samples, n))
    labels = (rng.random(samples) < 0.5).astype(float)
    w = 0.1 * rng.standard_normal(n)
    v = rng.standard_normal(n)

    Hv = tl.hvp(logistic_loss, (w, A, labels), v)
    H = tl.hessian(logistic_loss)(w, A, labels)
    s = 1.0 / (1.0 + np.exp(-(A @ w)))
    H_exact = A.T @ (A * (s * (1 - s))[:, None]) / samples + PENALTY * np.eye(n)

    diff_dense = float(np.max(np.abs(Hv - H @ v)))
    diff_exact = float(np.max(np.abs(H - H_exact)))
    t_hvp = best_time(lambda: tl.hvp(logistic_loss, (w, A, labels), v))
    t_dense = best_time(lambda: tl.hessian(logistic_loss)(w, A, labels) @ v)
    t_grad = best_time(lambda: tl.grad(logistic_loss)(w, A, labels))
    print(f"{n} parameters, {samples} samples")
    print(f"max |hvp(f, w, v) - hessian(f)(w) @ v| = {diff_dense:.1e}")
    print(f"max |hessian(f)(w) - closed form|      = {diff_exact:.1e}")
    print(f"time: dense Hessian then multiply / hvp = {t_dense / t_hvp:.1f}  "
          f"(hvp / one gradient = {t_hvp / t_grad:.1f})")
    return dict(Hv=Hv, H=H, v=v, diff_dense=diff_dense, diff_exact=diff_exact,
                speedup=t_dense / t_hvp)


if __name__ == "__main__":
    results = main()
    assert results["diff_dense"] < 1e-12 and results["diff_exact"] < 1e-12
