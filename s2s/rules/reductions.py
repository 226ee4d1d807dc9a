"""Rules of reductions and scans, both modes.

The shares are computed by runtime helpers that know, at Numba typing time, whether ``axis``
is ``None`` or an integer and what the shapes are. A reduction whose share is ``g`` spread
back over the reduced axis times weights has the tangent ``sum(weights * dx, axis)``:
the weights are the share of ``g = 1``.
"""

from .registry import defjvp, defvjp

defvjp(["np.sum", "sum"], "x, axis=None", x="_s2s.sum_adjoint(g, x, axis)")
defvjp("np.mean", "x, axis=None", x="_s2s.mean_adjoint(g, x, axis)")
defvjp("np.prod", "x, axis=None", x="_s2s.sum_adjoint(g * y, x, axis) / x")
defvjp(
    ["np.max", "np.amax", "np.min", "np.amin"],
    "x, axis=None",
    x="_s2s.extremum_adjoint(g, x, y, axis)",
)
defvjp("np.cumsum", "x, axis=None", x="_s2s.cumsum_adjoint(g, x, axis)")
defvjp("np.cumprod", "x, axis=None", x="_s2s.cumsum_adjoint(g * y, x, axis) / x")
defvjp("np.var", "x, axis=None, ddof=0", x="_s2s.var_adjoint(g, x, axis, ddof)")
defvjp("np.std", "x, axis=None, ddof=0", x="_s2s.var_adjoint(_s2s.half_over(g, y), x, axis, ddof)")
defvjp("np.full", "shape, fill_value", fill_value="_s2s.unbroadcast(g, fill_value)")

defjvp(["np.sum", "sum"], "x, axis=None", tangent="_s2s.sum_along(dx, axis)")
defjvp("np.mean", "x, axis=None", tangent="_s2s.mean_along(dx, axis)")
defjvp(
    "np.prod", "x, axis=None", tangent="_s2s.sum_along(_s2s.sum_adjoint(y, x, axis) / x * dx, axis)"
)
defjvp(
    ["np.max", "np.amax", "np.min", "np.amin"],
    "x, axis=None",
    tangent="_s2s.sum_along(_s2s.extremum_adjoint(_s2s.ones_like(y), x, y, axis) * dx, axis)",
)
defjvp("np.cumsum", "x, axis=None", tangent="_s2s.cumsum_along(dx, axis)")
defjvp("np.cumprod", "x, axis=None", tangent="y * _s2s.cumsum_along(dx / x, axis)")
defjvp(
    "np.var",
    "x, axis=None, ddof=0",
    tangent="_s2s.sum_along(_s2s.var_adjoint(_s2s.ones_like(y), x, axis, ddof) * dx, axis)",
)
defjvp(
    "np.std",
    "x, axis=None, ddof=0",
    tangent="_s2s.sum_along(_s2s.var_adjoint(0.5 / y, x, axis, ddof) * dx, axis)",
)
defjvp("np.full", "shape, fill_value", tangent="np.full(shape, dfill_value)")
