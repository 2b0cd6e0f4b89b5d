"""The function followed through the pipeline in docs/how-it-works.md."""
import numpy as np


def f(x, w):
    y = x
    for i in range(3):
        y = np.sin(w * y)
    return y * x
