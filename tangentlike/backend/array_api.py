"""Spelling generated code for the array API back end (``backend="array_api"``).

Promise. In an array-API module every function begins with
``xp = rt.array_namespace(<its parameters>)`` (the namespace of its array arguments,
``array_api_compat.array_namespace``), and every NumPy function the NumPy back end
would write as ``np.NAME`` is written as the standard's ``xp.NAME`` (``np.power`` as
``xp.pow``, ``np.concatenate`` as ``xp.concat``, ``np.outer`` as ``xp.linalg.outer``,
...). ``np.shape(x)``, ``np.ndim(x)`` and ``np.size(x)`` become the attributes
``x.shape``, ``x.ndim``, ``x.size``, and ``np.add``/``subtract``/``multiply``/``divide``
the operators, so that Python numbers stay plain scalar arithmetic; ``np.transpose``
and ``np.where`` (wider in NumPy than in the standard) call ``rt.xp_transpose`` and
``rt.xp_where``, and ``len`` (a ``for`` over an array) ``rt.length``. A NumPy function
with no array-API spelling is an ``EmitError`` naming it and the line that needs it:
never a silent fall back to NumPy, which would take the arrays out of their library.
"""
from __future__ import annotations

import ast


from ..errors import EmitError
from ..rules import registry

NAME = "array_api"
NAMESPACE = "xp"

_STANDARD = set("""
abs acos acosh add asin asinh atan atan2 atanh bitwise_and bitwise_invert bitwise_left_shift
bitwise_or bitwise_right_shift bitwise_xor ceil clip conj copysign cos cosh divide equal exp
expm1 floor floor_divide greater greater_equal hypot imag isfinite isinf isnan less less_equal
log log1p log2 log10 logaddexp logical_and logical_not logical_or logical_xor maximum minimum
multiply negative nextafter not_equal positive pow real reciprocal remainder round sign signbit
sin sinh square sqrt subtract tan tanh trunc
arange asarray empty empty_like eye full full_like linspace meshgrid ones ones_like tril triu
zeros zeros_like
broadcast_arrays broadcast_to concat expand_dims flip moveaxis permute_dims repeat reshape roll
squeeze stack tile unstack
argmax argmin count_nonzero nonzero searchsorted where take take_along_axis
argsort sort cumulative_sum cumulative_prod max mean min prod std sum var all any diff
matmul matrix_transpose tensordot vecdot astype can_cast finfo iinfo isdtype result_type
float32 float64 complex64 complex128 int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool
e inf nan pi newaxis
""".split())
_LINALG = set("""
cholesky cross det diagonal eigh eigvalsh inv matmul matrix_norm matrix_power matrix_rank
matrix_transpose outer pinv qr slogdet solve svd svdvals tensordot trace vecdot vector_norm
""".split())
_RENAMED = {"power": "pow", "concatenate": "concat", "arccos": "acos", "arcsin": "asin",
            "arctan": "atan", "arctan2": "atan2", "arccosh": "acosh", "arcsinh": "asinh",
            "arctanh": "atanh", "absolute": "abs", "outer": "linalg.outer",
            "bool_": "bool", "amax": "max", "amin": "min"}
LENGTH = "rt.length"  # len(x): x.shape[0] for an array
_RUNTIME = {"transpose": "rt.xp_transpose", "where": "rt.xp_where"}  # wider than the standard's


def spelling(path: str) -> str:
    """The array-API path for the NumPy path ``np.NAME`` / ``np.linalg.NAME``; raises
    ``EmitError`` for a function the standard does not have."""
    parts = path.split(".")
    if parts[:2] == ["np", "linalg"] and len(parts) == 3:
        if parts[2] in _LINALG:
            return f"{NAMESPACE}.linalg.{parts[2]}"
    elif parts[0] == "np" and len(parts) == 2:
        if parts[1] in _RUNTIME:
            return _RUNTIME[parts[1]]
        name = _RENAMED.get(parts[1], parts[1])
        if name in _STANDARD or name.startswith("linalg."):
            return f"{NAMESPACE}.{name}"
    raise EmitError(f"the array API back end has no spelling for {path} (it is not in the "
                    "array API standard); use a standard function, or backend='numpy'")


def call(fn, pos, kws):
    """The array-API expression for ``fn(*pos, **kws)`` when it is an attribute or an
    operator there (``x.shape``, ``a / b``); None otherwise."""
    form, how = registry.spelling(fn, NAME) or (None, None)
    if kws or form is None:
        return None
    if form == "attribute" and len(pos) == 1:
        return ast.Attribute(pos[0], how, ast.Load())
    if form == "binary" and len(pos) == 2:
        return ast.BinOp(pos[0], how(), pos[1])
    return None


def prologue(param_names) -> ast.Assign:
    """``xp = rt.array_namespace(a, b, ...)``: the namespace of the function's arguments."""
    fn = ast.Attribute(ast.Name("rt", ast.Load()), "array_namespace", ast.Load())
    args = [ast.Name(n, ast.Load()) for n in param_names]
    return ast.Assign([ast.Name(NAMESPACE, ast.Store())], ast.Call(fn, args, []))


def located(err: EmitError, op, func) -> EmitError:
    """``err`` naming the line of the user's source that needs it."""
    loc = op.loc if op.loc is not None and op.loc.lineno else func.loc
    if loc is None or not loc.lineno:
        return err
    return EmitError(f"{loc.filename}, line {loc.lineno}: {err}" + loc.caret())
