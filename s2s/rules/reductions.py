"""Rules of reductions and scans, both modes.

The shares are computed by runtime helpers that know, at Numba typing time, whether ``axis``
is ``None`` or an integer and what the shapes are. A reduction whose share is ``g`` spread
back over the reduced axis times weights has the tangent ``sum(weights * dx, axis)``:
the weights are the share of ``g = 1``.
"""

from .registry import defjvp, defvjp

defvjp("np.sum", "x, axis=None", x="_s2s.sum_adjoint(g, x, axis)")
# the builtin sum(x, start) of a 1-D array (one argument: np.sum's rule)
defvjp("sum", "x, start=0", x="_s2s.sum_adjoint(g, x, None)", start="g")
# x.item(): the one entry of a one-entry array, a sum of one term
defvjp("_s2s.item", "x", x="_s2s.sum_adjoint(g, x, None)")
defvjp("np.mean", "x, axis=None", x="_s2s.mean_adjoint(g, x, axis)")
# the product of the other entries, without dividing y by an entry that may be zero
defvjp(
    "np.prod", "x, axis=None", x="_s2s.sum_adjoint(g, x, axis) * _s2s.exclusive_products(x, axis)"
)
defvjp(
    ["np.max", "np.amax", "np.min", "np.amin"],
    "x, axis=None",
    x="_s2s.extremum_adjoint(g, x, y, axis)",
)
defvjp("np.cumsum", "x, axis=None", x="_s2s.cumsum_adjoint(g, x, axis)")
defvjp("np.cumprod", "x, axis=None", x="_s2s.cumprod_adjoint(g, x, axis)")
defvjp("np.var", "x, axis=None, ddof=0", x="_s2s.var_adjoint(g, x, axis, ddof)")
defvjp("np.std", "x, axis=None, ddof=0", x="_s2s.var_adjoint(_s2s.half_over(g, y), x, axis, ddof)")
defvjp("np.full", "shape, fill_value", fill_value="_s2s.unbroadcast(g, fill_value)")

defjvp("np.sum", "x, axis=None", tangent="_s2s.sum_along(dx, axis)")
defjvp("_s2s.item", "x", tangent="_s2s.item(dx)")
defjvp("sum", "x, start=0", x="np.sum(dx)", start="dstart")
defjvp("np.mean", "x, axis=None", tangent="_s2s.mean_along(dx, axis)")
defjvp(
    "np.prod",
    "x, axis=None",
    tangent="_s2s.sum_along(_s2s.exclusive_products(x, axis) * dx, axis)",
)
defjvp(
    ["np.max", "np.amax", "np.min", "np.amin"],
    "x, axis=None",
    tangent="_s2s.sum_along(_s2s.extremum_adjoint(_s2s.ones_like(y), x, y, axis) * dx, axis)",
)
defjvp("np.cumsum", "x, axis=None", tangent="_s2s.cumsum_along(dx, axis)")
defjvp("np.cumprod", "x, axis=None", tangent="_s2s.cumprod_tangent(dx, x, axis)")
# (the real part: the variance of complex values is real, and so is its tangent)
defjvp(
    "np.var",
    "x, axis=None, ddof=0",
    tangent="np.real(_s2s.sum_along(_s2s.var_adjoint(_s2s.ones_like(y), x, axis, ddof) * dx,"
    " axis))",
)
defjvp(
    "np.std",
    "x, axis=None, ddof=0",
    tangent="np.real(_s2s.sum_along(_s2s.var_adjoint(0.5 / y, x, axis, ddof) * dx, axis))",
)
defjvp("np.full", "shape, fill_value", tangent="np.full(shape, dfill_value)")

# Order statistics (whole arrays, one q or an array of them): weights fixed by the order, see
# runtime/statistics.py; the slope along q is the gap weights' sum with the entries.
QUANTILES = {  # name, signature -> the quantile as a fraction, its derivative in q, NaNs skipped
    ("np.quantile", "a, q, axis=None"): ("q", "1.0", False),
    ("np.percentile", "a, q, axis=None"): ("q / 100.0", "0.01", False),
    ("np.nanquantile", "a, q, axis=None"): ("q", "1.0", True),
    ("np.nanpercentile", "a, q, axis=None"): ("q / 100.0", "0.01", True),
}
for (_name, _signature), (_fraction, _scale, _skip) in QUANTILES.items():
    _at = f"a, {_fraction}, axis" + (", True" if _skip else "")  # the helpers' skip_nan
    _slope = f"_s2s.quantile_gap_tangent(a, {_at}) * {_scale}"
    defvjp(_name, _signature, a=f"_s2s.quantile_share(g, {_at})", q=f"g * {_slope}")
    defjvp(_name, _signature, a=f"_s2s.quantile_tangent(da, {_at})", q=f"dq * {_slope}")
for _name, _at in (("np.median", "a, 0.5, axis"), ("np.nanmedian", "a, 0.5, axis, True")):
    defvjp(_name, "a, axis=None", a=f"_s2s.quantile_share(g, {_at})")
    defjvp(_name, "a, axis=None", a=f"_s2s.quantile_tangent(da, {_at})")
defvjp(
    "np.average",
    "a, axis=None, weights=None",
    a="g * _s2s.weights_or_ones(a, weights) / np.sum(_s2s.weights_or_ones(a, weights))",
    weights="g * (a - y) / np.sum(weights)",
)
defjvp(
    "np.average",
    "a, axis=None, weights=None",
    a="np.sum(_s2s.weights_or_ones(a, weights) * da) / np.sum(_s2s.weights_or_ones(a, weights))",
    weights="np.sum((a - y) * dweights) / np.sum(weights)",
)
defvjp(
    "np.ptp",
    "a",
    a="_s2s.extremum_adjoint(g, a, np.max(a), None) - _s2s.extremum_adjoint(g, a, np.min(a), None)",
)
defjvp(
    "np.ptp",
    "a",
    a="np.sum((_s2s.extremum_adjoint(1.0, a, np.max(a), None)"
    " - _s2s.extremum_adjoint(1.0, a, np.min(a), None)) * da)",
)
# NaNs are left out: they take no share.
defvjp("np.nansum", "a", a="_s2s.where(np.isnan(a), 0.0, g)")
defjvp("np.nansum", "a", a="np.sum(_s2s.where(np.isnan(a), 0.0, da))")
defvjp("np.nanmean", "a", a="_s2s.where(np.isnan(a), 0.0, g) / np.sum(~np.isnan(a))")
defjvp("np.nanmean", "a", a="np.sum(_s2s.where(np.isnan(a), 0.0, da)) / np.sum(~np.isnan(a))")
defvjp(["np.nanmax", "np.nanmin"], "a", a="_s2s.extremum_adjoint(g, a, y, None)")
# Products and running totals skip NaNs as if they were 1 (products) or 0 (sums).
_WITHOUT_NAN = "_s2s.where(np.isnan(a), 1.0, a)"
defvjp(
    "np.nanprod",
    "a",
    a=f"_s2s.where(np.isnan(a), 0.0, g * _s2s.exclusive_products({_WITHOUT_NAN}, None))",
)
defjvp(
    "np.nanprod",
    "a",
    a=f"np.sum(_s2s.where(np.isnan(a), 0.0, da) * _s2s.exclusive_products({_WITHOUT_NAN}, None))",
)
defvjp("np.nancumsum", "a", a="_s2s.where(np.isnan(a), 0.0, _s2s.cumsum_adjoint(g, a, None))")
defjvp("np.nancumsum", "a", a="_s2s.cumsum_along(_s2s.where(np.isnan(a), 0.0, da), None)")
defvjp(
    "np.nancumprod",
    "a",
    a=f"_s2s.where(np.isnan(a), 0.0, _s2s.cumprod_adjoint(g, {_WITHOUT_NAN}, None))",
)
defjvp(
    "np.nancumprod",
    "a",
    a=f"_s2s.cumprod_tangent(_s2s.where(np.isnan(a), 0.0, da), {_WITHOUT_NAN}, None)",
)
defvjp("np.nanvar", "a", a="_s2s.nanvar_adjoint(g, a, a)")
defvjp("np.nanstd", "a", a="_s2s.nanvar_adjoint(_s2s.half_over(g, y), a, a)")
defjvp("np.nanvar", "a", a="np.sum(_s2s.nanvar_adjoint(1.0, a, a) * da)")
defjvp("np.nanstd", "a", a="np.sum(_s2s.nanvar_adjoint(0.5 / y, a, a) * da)")
defjvp(["np.nanmax", "np.nanmin"], "a", a="np.sum(_s2s.extremum_adjoint(1.0, a, y, None) * da)")
# Counts, and the bin edges, which move with a's extremes (see runtime/reductions.py), with
# the range (low, high) where one is given, or are the bins given.
defvjp(
    "np.histogram",
    "a, bins=10, range=None",
    size="1",  # each entry of the range is one number
    a="_s2s.histogram_share(g[1], a, bins, range)",
    bins="_s2s.histogram_bins_share(g[1], bins)",
    range="_s2s.histogram_range_share(g[1], bins, k)",
)
# (one expression: terms of a tuple-valued function would be joined by `+`, as tuples)
defjvp(
    "np.histogram",
    "a, bins=10, range=None",
    tangent="(_s2s.zeros_like(y[0]), _s2s.histogram_edges_tangent(da, a, bins, range) + dbins"
    " + _s2s.histogram_range_tangent(drange, bins))",
)
# The trapezoidal rule along the last axis: linear in the values (NumPy's y, which names the
# output here), and in x's differences or in the step (NumPy's dx, which names x's tangent),
# which counts only where x is None (trapezoid_unit and trapezoid_step_share are zero where x
# is given).
for _name in ("np.trapezoid", "np.trapz"):
    defvjp(
        _name,
        "values, x=None, spacing=1.0",
        keywords={"y": "values", "dx": "spacing"},
        values="_s2s.trapezoid_share(g, values, x, spacing)",
        x="_s2s.trapezoid_points_share(g, values, x)",
        spacing="np.sum(g * _s2s.trapezoid_unit(values, x))",
    )
    defjvp(
        _name,
        "values, x=None, spacing=1.0",
        keywords={"y": "values", "dx": "spacing"},
        values=f"{_name}(dvalues, x, spacing)",
        x=f"{_name}(values, dx)",
        spacing="dspacing * _s2s.trapezoid_unit(values, x)",
    )

# The covariance s Xc Xc^T of the inputs stacked as variables by observations and centred
# (runtime/covariance.py); NumPy's y is ``other`` here, since y names the output. The
# correlations divide it by the deviations.
_COV_CENTERED = "_s2s.cov_centered(m, other, rowvar)"
defvjp(
    "np.cov",
    "m, other=None, rowvar=True, bias=False, ddof=None",
    keywords={"y": "other"},
    m=f"_s2s.cov_share(g, {_COV_CENTERED}, m, rowvar, bias, ddof)",
    other=f"_s2s.cov_share_other(g, {_COV_CENTERED}, m, other, rowvar, bias, ddof)",
)
defjvp(
    "np.cov",
    "m, other=None, rowvar=True, bias=False, ddof=None",
    keywords={"y": "other"},
    m=f"_s2s.cov_product(_s2s.cov_embed(dm, m, other, rowvar, 0), {_COV_CENTERED}, bias, ddof,"
    " m, other)",
    other=f"_s2s.cov_product(_s2s.cov_embed(dother, m, other, rowvar, 1), {_COV_CENTERED}, bias,"
    " ddof, m, other)",
)
_CORR_COV = "np.cov(m, other, rowvar)"
defvjp(
    "np.corrcoef",
    "m, other=None, rowvar=True",
    keywords={"x": "m", "y": "other"},
    m=f"_s2s.cov_share(_s2s.corrcoef_adjoint(g, {_CORR_COV}), {_COV_CENTERED}, m, rowvar, False,"
    " None)",
    other=f"_s2s.cov_share_other(_s2s.corrcoef_adjoint(g, {_CORR_COV}), {_COV_CENTERED}, m,"
    " other, rowvar, False, None)",
)
defjvp(
    "np.corrcoef",
    "m, other=None, rowvar=True",
    keywords={"x": "m", "y": "other"},
    m=f"_s2s.corrcoef_tangent({_CORR_COV}, _s2s.cov_product(_s2s.cov_embed(dm, m, other, rowvar,"
    f" 0), {_COV_CENTERED}, False, None, m, other), m, other)",
    other=f"_s2s.corrcoef_tangent({_CORR_COV}, _s2s.cov_product(_s2s.cov_embed(dother, m, other,"
    f" rowvar, 1), {_COV_CENTERED}, False, None, m, other), m, other)",
)
