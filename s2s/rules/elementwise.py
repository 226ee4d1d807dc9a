"""Rules of elementwise functions and operators: one line each, for both modes.

``g`` is the output adjoint, ``y`` the output; the other names are the parameters. The
forward-mode tangent of each line follows from it (``g`` replaced by the tangent ``dx``).
"""

from .registry import (
    defjvp,
    deflinear,
    defvjp,
    elementwise,
    nondifferentiable,
    nondifferentiable_for_real,
)


def _both(name: str) -> list[str]:
    """``np.name`` and the ``math`` spelling(s) of the same function."""
    math_names = {
        "arcsin": "asin",
        "arccos": "acos",
        "arctan": "atan",
        "arcsinh": "asinh",
        "arccosh": "acosh",
        "arctanh": "atanh",
    }
    names = [f"np.{name}", f"math.{math_names.get(name, name)}"]
    return names


# -- unary: y = f(x) ---------------------------------------------------------------------------
UNARY = {
    "sin": "g * np.cos(x)",
    "cos": "-g * np.sin(x)",
    "tan": "g * (1.0 + y * y)",
    "arcsin": "g / np.sqrt(1.0 - x * x)",
    "arccos": "-g / np.sqrt(1.0 - x * x)",
    "arctan": "g / (1.0 + x * x)",
    "sinh": "g * np.cosh(x)",
    "cosh": "g * np.sinh(x)",
    "tanh": "g * (1.0 - y * y)",
    "arcsinh": "g / np.sqrt(x * x + 1.0)",
    "arccosh": "g / np.sqrt(x * x - 1.0)",
    "arctanh": "g / (1.0 - x * x)",
    "exp": "g * y",
    "expm1": "g * (y + 1.0)",
    "exp2": "g * y * 0.6931471805599453",
    "log": "g / x",
    "log1p": "g / (1.0 + x)",
    "log2": "g / (x * 0.6931471805599453)",
    "log10": "g / (x * 2.302585092994046)",
    "sqrt": "g * 0.5 / y",
    "cbrt": "g / (3.0 * y * y)",
    "square": "g * 2.0 * x",
    "negative": "-g",
    "positive": "g",
    "reciprocal": "-g * y * y",
    "deg2rad": "g * 0.017453292519943295",
    "rad2deg": "g * 57.29577951308232",
    "radians": "g * 0.017453292519943295",
    "degrees": "g * 57.29577951308232",
}
for _name, _share in UNARY.items():
    elementwise(_both(_name), "x", x=_share)
elementwise(["np.fabs", "math.fabs"], "x", x="g * np.sign(x)")  # of real numbers only
# |x| is real for complex x too: its tangent is Re(conj(sign(x)) * dx), not sign(x) * dx
defvjp(["np.abs", "np.absolute", "abs"], "x", x="g * _s2s.abs_slope(x)")
defjvp(["np.abs", "np.absolute", "abs"], "x", x="_s2s.abs_tangent(dx, x)")
# the angle's tangent is Re(a * dz), a = -1j * conj(z) / |z|**2: zero along the real line
defvjp("np.angle", "z", z="g * _s2s.angle_slope(z)")
defjvp("np.angle", "z", z="np.real(_s2s.angle_slope(z) * dz)")
elementwise("np.sinc", "x", x="g * _s2s.sinc_derivative(x, 1)")
elementwise("np.nan_to_num", "x", x="_s2s.where(np.isfinite(x), g, 0.0)")
# Each choice takes the adjoint where its condition is the first one true; the default where
# none is.
defvjp(
    "np.select",
    "condlist, choicelist, default=0",
    size="1",
    choicelist="_s2s.unbroadcast(_s2s.select_share(g, condlist, k), item)",
    default="_s2s.unbroadcast(_s2s.select_default_share(g, condlist), default)",
)
defjvp(
    "np.select",
    "condlist, choicelist, default=0",
    tangent="np.select(condlist, dchoicelist, ddefault)",
)
# Piecewise linear in x, linear in fp; see the helpers in runtime/elementwise.py.
defvjp(
    "np.interp",
    "x, xp, fp",
    x="g * _s2s.interp_slope(x, xp, fp)",
    xp="-_s2s.interp_weight_share(g * _s2s.interp_slope(x, xp, fp), x, xp)",
    fp="_s2s.interp_weight_share(g, x, xp)",
)
defjvp(
    "np.interp",
    "x, xp, fp",
    x="_s2s.interp_slope(x, xp, fp) * dx",
    xp="-_s2s.interp_slope(x, xp, fp) * np.interp(x, xp, dxp)",
    fp="np.interp(x, xp, dfp)",
)
# The powers of x, column by column (see the helper, whose derivatives go to every order).
defvjp(
    "np.vander",
    "x, N=None, increasing=False",
    x="np.sum(g * _s2s.vander_derivative(x, N, increasing, 1), axis=1)",
)
defjvp(
    "np.vander",
    "x, N=None, increasing=False",
    x="_s2s.vander_derivative(x, N, increasing, 1) * np.expand_dims(dx, 1)",
)
# d lgamma(x) = digamma(x) dx, the polygamma function of order 0
elementwise("math.lgamma", "x", x="g * _s2s.digamma_derivative(x, 0)")
elementwise("math.gamma", "x", x="g * y * _s2s.digamma_derivative(x, 0)")
elementwise("math.erf", "x", x="g * 1.1283791670955126 * math.exp(-x * x)")
elementwise("math.erfc", "x", x="-g * 1.1283791670955126 * math.exp(-x * x)")
_COPIES = [
    "float",
    "np.float64",
    "np.float32",
    "np.ascontiguousarray",
    "np.asfortranarray",
    "np.copy",
]
defvjp(_COPIES, "x", x="g")
deflinear(_COPIES, "x")
# Casts (`x.astype(dtype)` is np.asarray(x, dtype)): to an integer type, no derivative.
defvjp("np.asarray", "x, dtype=None", x="_s2s.cast_share(g, dtype)")
defjvp("np.asarray", "x, dtype=None", tangent="_s2s.cast_tangent(dx, dtype)")
defvjp("np.array", "x, dtype=None", x="_s2s.cast_share(_s2s.array_adjoint(g, x), dtype)")
# (one tangent: x may be a list of values, np.array([a, b]), whose tangents it gathers)
defjvp("np.array", "x, dtype=None", tangent="_s2s.cast_tangent(np.array(dx), dtype)")

# -- binary, broadcasting: y = f(x1, x2) -----------------------------------------------------
BINARY = {
    "+ np.add": ("g", "g"),
    "- np.subtract": ("g", "-g"),
    "* np.multiply": ("g * x2", "g * x1"),
    "/ np.divide np.true_divide": ("g / x2", "-g * y / x2"),
    "** np.power pow math.pow": ("g * x2 * x1 ** (x2 - 1)", "g * y * _s2s.log_or_zero(x1)"),
    "% np.mod np.remainder": ("g", "-g * np.floor(x1 / x2)"),
    "math.fmod np.fmod": ("g", "-g * np.trunc(x1 / x2)"),  # fmod rounds the quotient to zero
    "np.maximum np.fmax max": ("_s2s.where(x1 >= x2, g, 0.0)", "_s2s.where(x1 >= x2, 0.0, g)"),
    "np.minimum np.fmin min": ("_s2s.where(x1 <= x2, g, 0.0)", "_s2s.where(x1 <= x2, 0.0, g)"),
    "np.hypot math.hypot": ("g * x1 / y", "g * x2 / y"),
    "np.arctan2 math.atan2": ("g * x2 / (x1 * x1 + x2 * x2)", "-g * x1 / (x1 * x1 + x2 * x2)"),
    "np.logaddexp": ("g * np.exp(x1 - y)", "g * np.exp(x2 - y)"),
    "np.logaddexp2": ("g * np.exp2(x1 - y)", "g * np.exp2(x2 - y)"),
    # x1 * 2**x2 for an integer x2; the next float after x1, towards x2
    "np.ldexp math.ldexp": ("g * np.ldexp(1.0, x2)", None),
    "np.nextafter": ("g", None),
    "np.float_power": ("g * x2 * np.float_power(x1, x2 - 1.0)", "g * y * _s2s.log_or_zero(x1)"),
    # |x1| with the sign of x2: the sign of y is x2's, wherever x1 is not zero
    "np.copysign math.copysign": ("g * np.sign(x1) * np.sign(y)", None),
}
for _names, (_share1, _share2) in BINARY.items():
    _shares = {"x1": _share1, "x2": _share2} if _share2 else {"x1": _share1}
    elementwise(_names.split(), "x1, x2", broadcast=True, **_shares)
elementwise("neg", "x", x="-g")
elementwise("pos", "x", x="g")
elementwise(  # y = log(x) / log(base); base 0.0 stands for e
    "math.log",
    "x, base=0.0",
    x="_s2s.log_adjoint(g, x, base)",
    base="-g * y / (base * math.log(base))",
)
# heaviside(x1, x2) is x2 where x1 is zero, and 0 or 1 elsewhere.
elementwise("np.heaviside", "x1, x2", broadcast=True, x2="_s2s.where(x1 == 0.0, g, 0.0)")
defvjp(
    "np.where",
    "condition, x1, x2",
    broadcast=True,
    x1="_s2s.where(condition, g, 0.0)",
    x2="_s2s.where(condition, 0.0, g)",
)
defjvp("np.where", "condition, x1, x2", tangent="_s2s.where(condition, dx1, dx2)")
# The output is `a`, `a_min` or `a_max`, entry by entry: each takes the adjoint where it is.
defvjp(
    "np.clip",
    "a, a_min, a_max",
    a="_s2s.unbroadcast(_s2s.clip_adjoint(g, a, a_min, a_max), a)",
    a_min="_s2s.unbroadcast(_s2s.clip_adjoint(g, a, a_min, a_max, 1), a_min)",
    a_max="_s2s.unbroadcast(_s2s.clip_adjoint(g, a, a_min, a_max, 2), a_max)",
)
defjvp(
    "np.clip",
    "a, a_min, a_max",
    a="_s2s.clip_adjoint(da, a, a_min, a_max)",
    a_min="_s2s.clip_adjoint(da_min, a, a_min, a_max, 1)",
    a_max="_s2s.clip_adjoint(da_max, a, a_min, a_max, 2)",
)

# divmod: the floored quotient, whose derivative is zero, and the remainder, as `%`'s.
defvjp(["divmod", "np.divmod"], "x1, x2", broadcast=True, x1="g[1]", x2="-g[1] * np.floor(x1 / x2)")
defjvp(
    ["divmod", "np.divmod"],
    "x1, x2",
    tangent="(_s2s.zeros_like(y[0]), dx1 - dx2 * np.floor(x1 / x2))",
)

# The real and imaginary parts and the conjugate are linear (of real numbers, they are the
# numbers and zero).
defvjp("np.real", "val", val="g")
defvjp("np.imag", "val", val="_s2s.imag_share(g, val)")
defvjp(["np.conj", "np.conjugate"], "x", x="np.conj(g)")
deflinear(["np.real", "np.imag"], "val")
deflinear(["np.conj", "np.conjugate"], "x")

# -- zero gradient ------------------------------------------------------------------------------
# The sign is constant where it is defined on the real line; of a complex z it is z / |z|.
nondifferentiable_for_real("np.sign")
nondifferentiable(
    "//",
    "np.floor_divide",
    "np.floor",
    "np.ceil",
    "np.round",
    "np.around",
    "np.rint",
    "np.trunc",
    "np.fix",
    "math.floor",
    "math.ceil",
    "math.trunc",
    "round",
    "int",
    "bool",
    "len",
    "range",
    "np.isnan",
    "np.isinf",
    "np.isfinite",
    "math.isnan",
    "math.isinf",
    "math.isfinite",
    "np.argmax",
    "np.argmin",
    "np.nanargmax",
    "np.nanargmin",
    "np.argsort",
    "np.zeros",
    "np.ones",
    "np.empty",
    "np.zeros_like",
    "np.ones_like",
    "np.empty_like",
    "np.eye",
    "np.identity",
    "np.shape",
    "np.ndim",
    "np.size",
    "np.any",
    "np.all",
    "np.logical_and",
    "np.logical_or",
    "np.logical_not",
    "np.logical_xor",
    "np.count_nonzero",
    "np.nonzero",
    "np.int64",
    "np.int32",
    "np.bool_",
    "print",
    "np.sort_indices",
    "np.searchsorted",
    "np.digitize",
    "np.isclose",
    "np.allclose",
    "np.array_equal",
    "np.signbit",
    "np.greater",
    "np.greater_equal",
    "np.less",
    "np.less_equal",
    "np.equal",
    "np.not_equal",
    "np.isreal",
    "np.iscomplex",
    "np.isin",
    "np.argwhere",
    "np.flatnonzero",
    "np.argpartition",
    "np.triu_indices",
    "np.tril_indices",
    "np.triu_indices_from",
    "np.tril_indices_from",
    "np.tri",
    "np.spacing",
    "np.random.rand",
    "np.random.randn",
    "np.random.seed",
)
