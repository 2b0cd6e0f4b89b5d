"""Backpropagation through time: train a small RNN with generated gradients.

The network reads a noisy sine wave one value at a time,
hₜ = tanh(W_h hₜ₋₁ + W_x xₜ + b), and predicts the next value, ŷₜ = w_y·hₜ; the
loss is the mean squared error over the sequence. Its reverse-mode gradient
is backpropagation through time: the primal loop pushes what each step's
adjoint needs on a tape (``tape.append``), and the reversed loop pops it
(``tape.pop``), step T first. The script trains by plain gradient descent and
prints the tape operations of the generated gradient.

Memory grows with T (one tape entry per step). Checkpointing trades it for
recomputation (Griewank & Walther, ch. 12): with
``checkpoint=tl.Periodic(every=k)`` the primal loop stores only the state at
every k-th step, and the adjoint reruns each k-step segment forward (keeping
its tape) just before reversing it. The script checks that this gives the
same gradient and prints its tape operations too.

Run: python examples/rnn_bptt.py
"""
import numpy as np

import tangentlike as tl


def rnn_loss(params, xs, ys):
    h = np.zeros(params["W_h"].shape[0])
    total = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(params["W_h"] @ h + params["W_x"] * xs[t] + params["b"])
        err = params["w_y"] @ h - ys[t]
        total = total + err * err
    return total / xs.shape[0]


def init_params(rng, hidden=8):
    return {"W_h": 0.3 * rng.standard_normal((hidden, hidden)),
            "W_x": rng.standard_normal(hidden),
            "b": np.zeros(hidden),
            "w_y": 0.3 * rng.standard_normal(hidden)}


def main(steps=150, lr=0.1):
    rng = np.random.default_rng(1)
    wave = np.sin(np.linspace(0.0, 6 * np.pi, 41)) + 0.02 * rng.standard_normal(41)
    xs, ys = wave[:-1], wave[1:]  # predict the next value
    params = init_params(rng)
    loss_and_grad = tl.value_and_grad(rnn_loss)
    losses = []
    for step in range(steps + 1):
        loss, grads = loss_and_grad(params, xs, ys)
        losses.append(float(loss))
        if step % 30 == 0:
            print(f"step {step:4d}: loss {loss:.5f}")
        params = {k: params[k] - lr * grads[k] for k in params}
    print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f} over {steps} steps "
          f"of gradient descent through {xs.shape[0]} time steps")

    source = tl.source(loss_and_grad)
    tape_lines = [line.strip() for line in source.splitlines()
                  if "tape.append" in line or "tape.pop" in line]
    print("\nthe tape operations of the generated gradient (one push per step in the primal "
          "loop, one pop per step in the reversed loop):")
    for line in tape_lines:
        print("   ", line)

    checkpointed = tl.value_and_grad(rnn_loss, checkpoint=tl.Periodic(every=8))
    plain_grads = loss_and_grad(params, xs, ys)[1]
    ck_grads = checkpointed(params, xs, ys)[1]
    ck_difference = max(float(np.max(np.abs(plain_grads[k] - ck_grads[k]))) for k in params)
    ck_lines = [line.strip() for line in tl.source(checkpointed).splitlines()
                if "tape.append" in line or "tape.pop" in line]
    print(f"\nwith checkpoint=tl.Periodic(every=8): max |difference of gradients| = "
          f"{ck_difference:.1e}; the tape operations (snapshots of the carried state "
          "every 8 steps, then one segment's tape at a time):")
    for line in ck_lines:
        print("   ", line)
    return dict(losses=losses, tape_lines=tape_lines, source=source,
                ck_difference=ck_difference, ck_lines=ck_lines)


if __name__ == "__main__":
    results = main()
    assert results["losses"][-1] < results["losses"][0] / 4
    assert results["ck_difference"] < 1e-12
