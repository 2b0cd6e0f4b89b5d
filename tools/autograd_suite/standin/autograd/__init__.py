"""A stand-in for autograd's public API over tangentlike, to run autograd's own test
suite with its test bodies unchanged (tools/autograd_suite/run.py puts this folder
first on sys.path, in the test subprocess only). ``autograd.numpy`` is NumPy itself:
tangentlike differentiates NumPy code directly."""
import sys

import numpy as _np

sys.modules.setdefault("autograd.numpy", _np)
for _sub in ("linalg", "random", "fft"):
    sys.modules.setdefault(f"autograd.numpy.{_sub}", getattr(_np, _sub))
numpy = _np

from builtins import dict, isinstance, list, tuple, type  # noqa: E402,F401,A004

from .operators import (checkpoint, deriv, elementwise_grad, grad, grad_and_aux,  # noqa: E402,F401
                        grad_named, hessian, hessian_tensor_product, hessian_vector_product,
                        holomorphic_grad, jacobian, make_ggnvp, make_hvp, make_jvp, make_vjp,
                        multigrad_dict, tensor_jacobian_product, value_and_grad,
                        vector_jacobian_product)
from .extend import primitive  # noqa: E402,F401
