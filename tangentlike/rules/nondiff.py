"""Functions whose outputs carry no derivative: they need no rule.

Promises: each function listed here returns shapes, sizes, indices, booleans,
integers, fresh constants, or a piecewise-constant function of its inputs
(``floor``, ``sign``, ...; derivative zero almost everywhere), so the compiler
may treat its output as a constant. The ``rt`` entries are the masks, counts
and axes that VJP rules compute from primal values.

``reversed`` is listed for its use in ``reversed(range(n))``; it passes
elements through, so reversing a sequence of differentiated values is a
frontend concern (lower it to indexing) rather than this table's.
"""
import builtins
import operator

import numpy as np

from .. import runtime as rt
from .registry import nondiff

nondiff(
    # shapes, sizes and type tests
    np.shape, np.ndim, np.size, builtins.len, builtins.range, builtins.reversed,
    builtins.int, builtins.bool, builtins.isinstance,
    np.result_type, np.broadcast_shapes, np.iscomplexobj, np.isscalar,
    # comparisons and logic
    operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne,
    operator.not_, operator.is_, operator.is_not, operator.truth, operator.contains,
    np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
    np.logical_and, np.logical_or, np.logical_not, np.logical_xor, np.all, np.any,
    np.isnan, np.isfinite, np.isinf, np.isclose, np.allclose, np.array_equal,
    # constructors of constants
    np.zeros, np.ones, np.zeros_like, np.ones_like, np.empty, np.empty_like,
    np.full, np.full_like, np.arange, np.eye, np.identity,
    # indices
    np.argmax, np.argmin, np.argsort, np.argwhere, np.nonzero, np.count_nonzero,
    np.searchsorted,
    # piecewise-constant functions
    np.floor, np.ceil, np.round, np.around, np.rint, np.trunc, np.fix, np.sign,
    np.heaviside, np.floor_divide, operator.floordiv,
    # runtime helpers that compute masks, counts and axes from primal values
    rt.zeros_like, rt.float_dtype, rt.count, rt.size, rt.extremum_share, rt.tie_split, rt.inverse_axes,
)

nondiff(
    # more tests, integer and boolean operations, index arithmetic
    np.isreal, np.iscomplex, np.isneginf, np.isposinf, np.signbit, np.isin, np.array_equiv,
    np.issubdtype, np.can_cast,
    operator.and_, operator.or_, operator.xor, operator.invert, operator.lshift, operator.rshift,
    np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.invert, np.left_shift, np.right_shift,
    np.gcd, np.lcm,
    np.argpartition, np.lexsort, np.digitize, np.flatnonzero, np.unravel_index,
    np.ravel_multi_index, np.indices, np.tril_indices, np.triu_indices, np.diag_indices,
    # runtime helpers of the wider surface: subscripts, exponents, masks, indices
    rt.tensordot_subscripts, rt.inner_subscripts, rt.kron_subscripts,
    rt.norm_p, rt.norm_share, rt.clip_share, rt.repeat_index, rt.dtype_passes,
)

nondiff(rt.stop_gradient)
nondiff(rt.basis)
nondiff(rt.dict_keys)  # keys: no derivative
nondiff(np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
        np.intp, np.bool_)  # conversions to integers and booleans
nondiff(rt.dtype_of)
nondiff(rt.fstring, str.format)  # text

# Random number generation: no derivative, but effects (the global generator's
# state), so calls must be neither dropped nor merged (see ``registry``).
nondiff(*(getattr(np.random, name) for name in (
    "seed", "rand", "randn", "randint", "random", "random_sample", "ranf", "sample", "normal",
    "uniform", "standard_normal", "choice", "permutation", "shuffle", "binomial", "poisson",
    "exponential", "beta", "gamma", "laplace", "logistic", "lognormal", "multinomial",
    "multivariate_normal", "dirichlet", "geometric", "gumbel", "chisquare", "standard_t",
    "standard_cauchy", "standard_exponential", "standard_gamma", "triangular", "vonmises",
    "wald", "weibull", "zipf", "rayleigh", "pareto", "power", "hypergeometric",
    "negative_binomial", "noncentral_chisquare", "noncentral_f", "f", "logseries", "bytes",
    "get_state", "set_state", "default_rng") if hasattr(np.random, name)), effects=True)

# numpy.random.Generator methods, called on a generator (``rng.normal(size=3)``): the
# lowering calls the unbound method, ``np.random.Generator.normal(rng, size=3)``.
GENERATOR_METHODS = tuple(name for name in (
    "random", "integers", "choice", "bytes", "shuffle", "permutation", "permuted", "normal",
    "standard_normal", "uniform", "exponential", "standard_exponential", "gamma",
    "standard_gamma", "beta", "binomial", "poisson", "multinomial", "multivariate_normal",
    "dirichlet", "geometric", "gumbel", "laplace", "logistic", "lognormal", "chisquare",
    "standard_t", "standard_cauchy", "triangular", "vonmises", "wald", "weibull", "zipf",
    "rayleigh", "pareto", "power", "hypergeometric", "negative_binomial", "logseries",
    "noncentral_chisquare", "noncentral_f", "f", "spawn") if hasattr(np.random.Generator, name))
nondiff(*(getattr(np.random.Generator, name) for name in GENERATOR_METHODS), effects=True)
