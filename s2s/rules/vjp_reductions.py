"""Reverse-mode rules of reductions and scans.

The shares are computed by runtime helpers that know, at Numba typing time, whether ``axis``
is ``None`` or an integer and what the shapes are.
"""

from .registry import defvjp

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
