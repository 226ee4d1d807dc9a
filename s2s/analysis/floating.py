"""Which names surely hold floating-point (or complex) values, arrays or numbers.

A value written into an array takes the array's dtype: into integers or booleans it is
truncated, and its derivative is zero. Derivative code passes a written value's share or
tangent through ``_s2s.kept_by(a, ...)``, which Numba resolves by ``a``'s dtype, except where
this analysis proves that ``a`` holds floating-point values: then the share passes as it is,
and the generated code says nothing about dtypes.

A name counts where each of its bindings is surely floating (the differentiated arguments,
which s2s checks are floats; allocations without a dtype or with a floating one; copies, views
and arithmetic of floating values; functions that always give floats). The names are found as
a greatest fixed point, so a loop that rebinds ``u = u_new`` keeps both floating.
"""

from __future__ import annotations

import gast

from ..gastutil import attr_path
from ..rules import ZERO_GRADIENT
from .activity import _ALLOCATIONS, _LIKE, _dtype, call_name, name_bindings

_FLOATING_DTYPES = frozenset(
    ["float", "complex", "np.float64", "np.float32", "np.double", "np.single"]
    + ["np.complex128", "np.complex64", "np.cdouble", "np.csingle", "np.float_", "np.complex_"]
)
_FLOATING_CONSTANTS = frozenset(["math.pi", "math.e", "math.inf", "math.nan", "math.tau"])
_FLOATING_CONSTANTS |= frozenset(["np.pi", "np.e", "np.inf", "np.nan"])
# Allocations whose default dtype is float64.
_FLOAT_BY_DEFAULT = frozenset({"np.zeros", "np.empty", "np.ones", "np.eye", "np.identity"})
# Functions whose result is floating whatever they are given.
_ALWAYS_FLOATING = frozenset(
    """np.exp np.expm1 np.exp2 np.log np.log1p np.log2 np.log10 np.sqrt np.cbrt np.sin np.cos
    np.tan np.arcsin np.arccos np.arctan np.arctan2 np.sinh np.cosh np.tanh np.arcsinh np.arccosh
    np.arctanh np.hypot np.true_divide np.divide np.mean np.average np.var np.std np.median
    np.linspace np.logspace np.deg2rad np.rad2deg np.radians np.degrees np.sinc np.interp
    np.random.rand np.random.randn np.random.random np.random.normal np.random.uniform
    np.random.standard_normal np.linalg.norm np.linalg.inv np.linalg.solve np.linalg.det
    float complex _s2s.zeros_like _s2s.ones_like""".split()
    + [f"math.{f}" for f in "exp log sqrt sin cos tan tanh sinh cosh atan2 pow fabs".split()]
)
# Functions whose result has the promoted dtype of their arguments: floating where one is.
# (Not the builtins max and min: Python's max(3, 2.5) is 3.)
_PROMOTING = frozenset(
    """np.abs np.absolute np.negative np.positive np.square np.add np.subtract np.multiply
    np.power np.maximum np.minimum np.fmax np.fmin np.where np.clip np.dot np.matmul np.vdot
    np.inner np.outer np.kron np.sum np.prod np.cumsum np.cumprod np.max np.min np.amax np.amin
    np.transpose np.reshape np.ravel np.squeeze np.expand_dims np.flip np.fliplr np.flipud
    np.roll np.diag np.diagonal np.trace np.tril np.triu np.atleast_1d np.atleast_2d np.real
    np.imag np.conj np.conjugate np.copy np.asarray np.array np.ascontiguousarray np.sort
    np.floor np.ceil np.round np.rint np.trunc np.sign np.copysign np.diff np.convolve
    np.concatenate np.stack np.hstack np.vstack np.column_stack np.append abs sum""".split()
)


def floating_names(tree: gast.FunctionDef, wrt: list[str]) -> set[str]:
    """The names all of whose bindings surely hold floating-point or complex values."""
    bindings = name_bindings(tree)
    for name in wrt:  # the parameter's own binding, first: a float
        bindings[name][0] = gast.Constant(0.0, None)
    floating = set(bindings)
    while True:
        kept = {n for n in floating if all(_floating(v, floating) for v in bindings[n])}
        if kept == floating:
            return floating
        floating = kept


def _floating(value: gast.AST | None, floating: set[str]) -> bool:
    """Whether ``value`` surely holds floating values, if the names ``floating`` do."""
    if value is None:
        return False
    if isinstance(value, gast.Name):
        return value.id in floating
    if isinstance(value, gast.Constant):
        return isinstance(value.value, (float, complex))
    if isinstance(value, gast.Attribute):  # (`.T`, `.real` are NumPy calls by now)
        return attr_path(value) in _FLOATING_CONSTANTS
    if isinstance(value, gast.Subscript):
        return _floating(value.value, floating)
    if isinstance(value, gast.UnaryOp):
        return isinstance(value.op, (gast.USub, gast.UAdd)) and _floating(value.operand, floating)
    if isinstance(value, gast.BinOp):
        if isinstance(value.op, gast.Div):
            return True
        if isinstance(value.op, (gast.BitAnd, gast.BitOr, gast.BitXor, gast.LShift, gast.RShift)):
            return False
        return _floating(value.left, floating) or _floating(value.right, floating)
    if isinstance(value, gast.List) and not value.elts:
        return True  # what `append` adds decides
    if isinstance(value, (gast.List, gast.Tuple)):  # (an element of a tuple may be read)
        return bool(value.elts) and all(_floating(e, floating) for e in value.elts)
    if isinstance(value, gast.IfExp):
        return _floating(value.body, floating) and _floating(value.orelse, floating)
    if isinstance(value, gast.Call):
        return _floating_call(value, floating)
    return False


def _floating_call(value: gast.Call, floating: set[str]) -> bool:
    function = call_name(value)
    dtype = _dtype(value)
    if dtype is not None and (function in _ALLOCATIONS or function in _PROMOTING):
        return _floating_dtype(dtype)
    if function in _FLOAT_BY_DEFAULT or function in _ALWAYS_FLOATING:
        return True
    if function == "np.full":
        return len(value.args) > 1 and _floating(value.args[1], floating)
    arguments = list(value.args)
    if function in _LIKE:
        return bool(arguments) and _floating(arguments[0], floating)
    # the runtime's helpers compute derivatives in their arguments' dtype, but for those with
    # no derivative, which give indices and extents
    helper = function.startswith("_s2s.") and function not in ZERO_GRADIENT
    if function in _PROMOTING or helper:
        return any(_promotes(a, floating) for a in arguments)
    return False  # (methods are NumPy calls by now: `x.astype(t)` is `np.asarray(x, t)`)


def _promotes(argument: gast.AST, floating: set[str]) -> bool:
    """Whether ``argument`` makes a promoting function's result floating (``np.concatenate``
    of a tuple: where one of its items is)."""
    if isinstance(argument, (gast.Tuple, gast.List)):
        return any(_floating(e, floating) for e in argument.elts)
    return _floating(argument, floating)


def _floating_dtype(dtype: gast.AST) -> bool:
    if isinstance(dtype, gast.Constant) and isinstance(dtype.value, str):
        return dtype.value.startswith(("float", "complex", "f", "c"))
    return attr_path(dtype) in _FLOATING_DTYPES
