"""Rules of s2s's own runtime helpers, so that derivative code can be differentiated again.

The reverse sweep that ``grad`` generates calls these helpers; forward mode over it
(``hessian``, ``jvp`` of ``grad``) needs their tangents. Almost all are linear in the adjoint
they receive, ``g``.
"""

from .registry import definto, defjvp, deflinear, defvjp, first_order_only, nondifferentiable

nondifferentiable(
    "_s2s.zeros_or_none",
    "_s2s.stacked_depth",
    "_s2s.stacked_cols",
    "_s2s.zeros_like",
    "_s2s.cleared",
    "_s2s.cleared_like",
    "_s2s.updated_alone",
    "_s2s.require_real",
    "_s2s.require_length",
    "_s2s.ones_like",
    "_s2s.grad_seed",
    "_s2s.real_rows",
    "_s2s.real_columns",
    "_s2s.in_range",
    "_s2s.extent",
    "_s2s.rows",
    "_s2s.cols",
    "_s2s.size",
    "_s2s.basis",
    "_s2s.group_seed",
    "_s2s.shape_of",
    "_s2s.batch_empty",
    "_s2s.element_like",
    "_s2s.unit_tangent",
    "_s2s.sign",
    "_s2s.from_end",
    "_s2s.shape_size",
    "_s2s.index_of",
    "_s2s.unique_firsts",
    "_s2s.split_count",
    "_s2s.split_bound",
    "_s2s.dtype_zero",
)

# Writes into arrays, for their effect: the tangent is the same write into the tangents.
# name -> (position of the array written, positions of the arguments it is linear in)
IN_PLACE = {
    "_s2s.scatter_add": (0, (2,)),
    "_s2s.scatter_add_part": (0, (3,)),
    "_s2s.set_column": (0, (2,)),
    "_s2s.set_row": (0, (2,)),
    "_s2s.set_group": (0, (2,)),
    "_s2s.tape_put": (0, (2,)),
    "_s2s.stack_add": (0, (1,)),
    "_s2s.stack_spread": (0, (1,)),
}
# Helpers that write into their first argument (and return it, or nothing): code that
# never reads that array again can drop them.
WRITES_FIRST = frozenset(
    {
        "_s2s.accumulate_into",
        "_s2s.subtract_into",
        "_s2s.cleared",
        "_s2s.add_matmul_adjoint_a",
        "_s2s.add_matmul_adjoint_b",
        "_s2s.add_extremum_adjoint",
        *IN_PLACE,
    }
)
# Helpers known to write into none of their arguments. Code that drops what nothing reads
# (transforms/unused.py) takes any other helper to write into its first argument.
READ_ONLY = frozenset(
    "_s2s." + name
    for name in """zeros_like ones_like unbroadcast cast_like save size basis group_seed
    jacobian_like jacobian_result tape_alloc element_like grad_seed real_rows real_columns
    require_real require_length
    unit_tangent
    accumulate
    spread sum_adjoint mean_adjoint extremum_adjoint matmul_adjoint_a matmul_adjoint_b
    inner_adjoint_a inner_adjoint_b flip log_adjoint cholesky_adjoint
    cholesky_adjoint_tangent log_or_zero where sign exp tanh sum sum_along stored_share
    kept_by dtype_zero item
    mean_along shape_of in_range extent rows cols arange_start_share arange_start_tangent
    sinc_derivative roll roll_back diff diff_adjoint sort_adjoint sort_tangent
    quantile_share quantile_gap_share quantile_tangent quantile_gap_tangent weights_or_ones
    correlate_share_a
    correlate_share_v digamma_derivative eigh_adjoint eigh_tangent eigvalsh_adjoint
    eigvalsh_tangent interp_slope interp_weight_share interp_gap_share histogram_share
    histogram_edges_tangent cast_share cast_tangent imag_share shape_size index_of unique_firsts
    abs_tangent abs_slope abs_slope_tangent angle_slope eigvals_adjoint eigvals_tangent
    split_count split_bound histogram_bins_share
    histogram_range_share histogram_range_tangent repeat repeat_adjoint take take_adjoint
    append_head append_tail lstsq_share_a lstsq_share_b lstsq_tangent
    pinv_adjoint pinv_tangent matrix_power_adjoint matrix_power_tangent nanvar_adjoint
    vander_derivative column_stack_part stacked_cols dstack_part stacked_depth exclusive_products
    exclusive_products_tangent cumprod_adjoint cumprod_adjoint_tangent cumprod_tangent
    kron_share_a kron_share_b svd_share svd_tangent qr_share qr_tangent diagflat_share
    trapezoid_share trapezoid_step_share trapezoid_points_share trapezoid_unit
    resize_adjoint extract_adjoint ediff1d_share ediff1d_end_share ediff1d_begin_share
    zeros_or_none cond_adjoint array_of from_end list_total
    cov_centered cov_center cov_embed cov_product cov_share cov_share_other
    corrcoef_adjoint corrcoef_tangent
    select_share select_default_share""".split()
)
# Helpers that read one argument (at this position) for its shape and type alone, never its
# values: derivative code passes them whichever value of a name is at hand, a view of an
# array written since included, and a write into that array changes nothing they read.
SHAPE_ONLY = {
    "_s2s.zeros_like": 0,
    "_s2s.unbroadcast": 1,
    "_s2s.cast_like": 1,
    "_s2s.reshape_like": 1,
    "_s2s.diff_adjoint": 1,
    "_s2s.correlate_share_a": 1,
    "_s2s.correlate_share_v": 2,
    "_s2s.kron_share_a": 1,
    "_s2s.kron_share_b": 2,
    "_s2s.repeat_adjoint": 1,
    "_s2s.take_adjoint": 1,
    "_s2s.append_head": 1,
    "_s2s.diagflat_share": 1,
    "_s2s.sum_adjoint": 1,
    "_s2s.mean_adjoint": 1,
    "_s2s.fitted": 1,
    "_s2s.cleared_like": 1,
    "_s2s.kept_by": 0,
    "_s2s.tape_alloc": 0,  # (its values' type: an array of numbers, or a list of arrays)
}
# A tape of known length: its tangent is another tape of the same kind.
defjvp("_s2s.tape_alloc", "like, n", tangent="_s2s.tape_alloc(like, n)")
# A fresh zero Jacobian (2-D view, full array): its tangent is another one.
defjvp("_s2s.jacobian_like", "out, x", tangent="_s2s.jacobian_like(out, x)")

# An adjoint refitted to a variable's shape: as it is, or zeros; its tangent likewise.
defjvp("_s2s.fitted", "x, like", tangent="_s2s.fitted(dx, like)")
deflinear(["_s2s.save", "_s2s.lower_triangle_adjoint"], "x")
deflinear("_s2s.unbroadcast", "g, x")
deflinear("_s2s.spread", "t, other")
deflinear("_s2s.cast_like", "g, x")
deflinear("_s2s.imag_share", "g, val")
deflinear("_s2s.stored_share", "g, index")
deflinear("_s2s.kept_by", "a, g", linear="g")
deflinear("_s2s.abs_tangent", "t, x")  # (the slope is constant where it is defined)
defjvp("_s2s.abs_slope", "x", x="_s2s.abs_slope_tangent(dx, x)")
first_order_only(
    "s2s differentiates np.abs three times only on real values",
    "_s2s.abs_slope_tangent",
)
# angle_slope(z) is -1j / z (zero at zero), whose derivative is 1j / z**2
defjvp("_s2s.angle_slope", "z", z="-1j * _s2s.angle_slope(z) ** 2 * dz")
deflinear("_s2s.array_adjoint", "g, x")
deflinear("_s2s.array_of", "items")
deflinear("_s2s.list_total", "items, n")
defvjp("_s2s.array_of", "items", items="_s2s.array_adjoint(g, items)")
deflinear("_s2s.cast_share", "g, dtype")
deflinear("_s2s.cast_tangent", "t, dtype")
deflinear("_s2s.accumulate", "total, share", linear="total, share")
deflinear(["_s2s.sum_adjoint", "_s2s.mean_adjoint", "_s2s.cumsum_adjoint"], "g, x, axis")
deflinear("_s2s.sum_along", "x, axis")
deflinear("_s2s.mean_along", "x, axis")
deflinear("_s2s.extremum_adjoint", "g, x, y, axis")
deflinear("_s2s.reshape_like", "g, x")
deflinear("_s2s.arange_start_share", "g, stop")
deflinear("_s2s.arange_start_tangent", "dstart, stop, y")
deflinear("_s2s.transpose_adjoint", "g, axes")
deflinear("_s2s.flip", "x, axis")
deflinear(["_s2s.roll", "_s2s.roll_back"], "x, shift, axis")
deflinear("_s2s.diff", "x, n, axis")
deflinear("_s2s.diff_adjoint", "g, x, n, axis")
deflinear("_s2s.weights_or_ones", "x, weights", linear="weights")
deflinear("_s2s.histogram_share", "g, a, bins, range")
deflinear("_s2s.histogram_edges_tangent", "t, a, bins, range")
# linear in g and in x; a gives only where the NaNs are
defjvp(
    "_s2s.nanvar_adjoint",
    "g, a, x",
    g="_s2s.nanvar_adjoint(dg, a, x)",
    x="_s2s.nanvar_adjoint(g, a, dx)",
)
defjvp(
    "_s2s.vander_derivative",
    "x, n, increasing, order",
    x="_s2s.vander_derivative(x, n, increasing, order + 1) * np.expand_dims(dx, 1)",
)
deflinear("_s2s.column_stack_part", "g, start, stop, x")
deflinear("_s2s.dstack_part", "g, start, stop, x")
deflinear("_s2s.diagflat_share", "g, v, k")
deflinear("_s2s.select_share", "g, condlist, k")
deflinear("_s2s.select_default_share", "g, condlist")
deflinear("_s2s.histogram_bins_share", "g, bins")
deflinear("_s2s.histogram_range_share", "g, bins, k")
deflinear("_s2s.histogram_range_tangent", "drange, bins")
first_order_only(
    "s2s has no second derivatives of np.linalg.eigh and np.linalg.eigvalsh",
    "_s2s.eigh_adjoint",
    "_s2s.eigh_tangent",
    "_s2s.eigvalsh_adjoint",
    "_s2s.eigvalsh_tangent",
)
first_order_only(
    "s2s has no second derivatives of np.linalg.eigvals",
    "_s2s.eigvals_adjoint",
    "_s2s.eigvals_tangent",
)
first_order_only(
    "s2s has no second derivatives of np.linalg.lstsq",
    "_s2s.lstsq_share_a",
    "_s2s.lstsq_share_b",
    "_s2s.lstsq_tangent",
)
defjvp("_s2s.exclusive_products", "x, axis", x="_s2s.exclusive_products_tangent(x, dx, axis)")
defjvp(
    "_s2s.cumprod_adjoint",
    "g, x, axis",
    g="_s2s.cumprod_adjoint(dg, x, axis)",
    x="_s2s.cumprod_adjoint_tangent(g, x, dx, axis)",
)
first_order_only(
    "s2s differentiates np.prod and np.cumprod twice only as hessian does (forward over reverse)",
    "_s2s.exclusive_products_tangent",
    "_s2s.cumprod_adjoint_tangent",
    "_s2s.cumprod_tangent",
)
first_order_only(
    "s2s has no second derivatives of np.linalg.svd", "_s2s.svd_share", "_s2s.svd_tangent"
)
first_order_only(
    "s2s has no second derivatives of np.linalg.qr", "_s2s.qr_share", "_s2s.qr_tangent"
)
first_order_only(
    "s2s has no second derivatives of np.linalg.pinv",
    "_s2s.pinv_adjoint",
    "_s2s.pinv_tangent",
)
first_order_only(
    "s2s has no second derivatives of np.linalg.matrix_power",
    "_s2s.matrix_power_adjoint",
    "_s2s.matrix_power_tangent",
)
# The weights 1 - f and f of a quantile move with q by the gap weights; neither moves with x.
defjvp(
    "_s2s.quantile_share",
    "g, x, q, axis, skip_nan=False",
    g="_s2s.quantile_share(dg, x, q, axis, skip_nan)",
    q="_s2s.quantile_gap_share(g * dq, x, q, axis, skip_nan)",
)
defjvp(
    "_s2s.quantile_gap_share",
    "g, x, q, axis, skip_nan=False",
    g="_s2s.quantile_gap_share(dg, x, q, axis, skip_nan)",
)
defjvp(
    "_s2s.quantile_tangent",
    "d, x, q, axis, skip_nan=False",
    d="_s2s.quantile_tangent(dd, x, q, axis, skip_nan)",
    q="dq * _s2s.quantile_gap_tangent(d, x, q, axis, skip_nan)",
)
defjvp(
    "_s2s.quantile_gap_tangent",
    "d, x, q, axis, skip_nan=False",
    d="_s2s.quantile_gap_tangent(dd, x, q, axis, skip_nan)",
)
defjvp(
    "_s2s.kron_share_a", "g, a, b", g="_s2s.kron_share_a(dg, a, b)", b="_s2s.kron_share_a(g, a, db)"
)
defjvp(
    "_s2s.kron_share_b", "g, a, b", g="_s2s.kron_share_b(dg, a, b)", a="_s2s.kron_share_b(g, da, b)"
)
# Bilinear: in g and the other operand (the one they are the share of gives its length).
defjvp(
    "_s2s.correlate_share_a",
    "g, a, v",
    g="_s2s.correlate_share_a(dg, a, v)",
    v="_s2s.correlate_share_a(g, a, dv)",
)
defjvp(
    "_s2s.correlate_share_v",
    "g, a, v",
    g="_s2s.correlate_share_v(dg, a, v)",
    a="_s2s.correlate_share_v(g, da, v)",
)
deflinear(["_s2s.sort_adjoint", "_s2s.sort_tangent"], "g, x, axis")
deflinear(["_s2s.repeat", "_s2s.take"], "x, indices, axis")
deflinear(["_s2s.repeat_adjoint", "_s2s.take_adjoint"], "g, x, indices, axis")
deflinear("_s2s.append_head", "g, arr, axis")
deflinear("_s2s.append_tail", "g, arr, values, axis")
deflinear("_s2s.diag_adjoint", "g, x")
deflinear("_s2s.slice_along", "g, axis, start, stop")
deflinear("_s2s.take_along", "g, axis, k")
deflinear(["_s2s.vstack_part", "_s2s.hstack_part"], "g, start, stop, item")
deflinear("_s2s.clip_adjoint", "g, a, lo, hi, part=0")
deflinear("_s2s.where", "cond, a, b", linear="a, b")
defjvp(
    "_s2s.var_adjoint",
    "g, x, axis, ddof",
    g="_s2s.var_adjoint(dg, x, axis, ddof)",
    x="_s2s.var_adjoint(g, dx, axis, ddof)",
)
defjvp("_s2s.half_over", "g, y", g="_s2s.half_over(dg, y)", y="-_s2s.half_over(g, y) * dy / y")
defjvp(
    "_s2s.matmul_adjoint_a",
    "g, a, b",
    g="_s2s.matmul_adjoint_a(dg, a, b)",
    b="_s2s.matmul_adjoint_a(g, a, db)",
)
defjvp(
    "_s2s.matmul_adjoint_b",
    "g, a, b",
    g="_s2s.matmul_adjoint_b(dg, a, b)",
    a="_s2s.matmul_adjoint_b(g, da, b)",
)
# Products' shares added straight into an adjoint (a rank-one update, no outer product).
definto("_s2s.matmul_adjoint_a", "_s2s.add_matmul_adjoint_a")
definto("_s2s.matmul_adjoint_b", "_s2s.add_matmul_adjoint_b")
# The extremum's share added where the ties are, without a mask the size of ``x``.
definto("_s2s.extremum_adjoint", "_s2s.add_extremum_adjoint")
defjvp(
    "_s2s.add_extremum_adjoint",
    "total, g, x, y, axis",
    total="dtotal",
    g="_s2s.extremum_adjoint(dg, x, y, axis)",
)
defjvp(
    "_s2s.add_matmul_adjoint_a",
    "total, g, a, b",
    total="dtotal",
    g="_s2s.matmul_adjoint_a(dg, a, b)",
    b="_s2s.matmul_adjoint_a(g, a, db)",
)
defjvp(
    "_s2s.add_matmul_adjoint_b",
    "total, g, a, b",
    total="dtotal",
    g="_s2s.matmul_adjoint_b(dg, a, b)",
    a="_s2s.matmul_adjoint_b(g, da, b)",
)
defjvp(
    "_s2s.inner_adjoint_a",
    "g, a, b",
    g="_s2s.inner_adjoint_a(dg, a, b)",
    b="_s2s.inner_adjoint_a(g, a, db)",
)
defjvp(
    "_s2s.inner_adjoint_b",
    "g, a, b",
    g="_s2s.inner_adjoint_b(dg, a, b)",
    a="_s2s.inner_adjoint_b(g, da, b)",
)
defjvp(
    "_s2s.solve_adjoint_a",
    "g, a, y",
    g="_s2s.solve_adjoint_a(dg, a, y)",
    y="_s2s.solve_adjoint_a(g, a, dy)",
    a="_s2s.solve_adjoint_a(-np.dot(da.T, np.linalg.solve(a.T, g)), a, y)",
)
defjvp("_s2s.log_or_zero", "x", x="_s2s.where(x > 0.0, dx / x, 0.0)")
defjvp("_s2s.sinc_derivative", "x, n", x="_s2s.sinc_derivative(x, n + 1) * dx")
defjvp("_s2s.digamma_derivative", "x, n", x="_s2s.digamma_derivative(x, n + 1) * dx")
# np.interp's helpers: the slope is linear in fp and moves with xp as 1 / h does; the
# weights 1 - t and t move with t, which moves with x (by dx / h) and xp (by -interp(dxp) / h);
# the gap weights -1/h and 1/h move with xp as 1 / h does. Nothing moves with x otherwise.
defjvp(
    "_s2s.interp_slope",
    "x, xp, fp",
    xp="-_s2s.interp_slope(x, xp, fp) * _s2s.interp_slope(x, xp, dxp)",
    fp="_s2s.interp_slope(x, xp, dfp)",
)
defjvp(
    "_s2s.interp_weight_share",
    "g, x, xp",
    g="_s2s.interp_weight_share(dg, x, xp)",
    x="_s2s.interp_gap_share(g * dx, x, xp)",
    xp="_s2s.interp_gap_share(-g * np.interp(x, xp, dxp), x, xp)",
)
defjvp(
    "_s2s.interp_gap_share",
    "c, x, xp",
    c="_s2s.interp_gap_share(dc, x, xp)",
    xp="_s2s.interp_gap_share(-c * _s2s.interp_slope(x, xp, dxp), x, xp)",
)
# S = L^{-T} phi(L^T g) L^{-1}, symmetrised: linear in g; along L, see the helper.
defjvp(
    "_s2s.cholesky_adjoint",
    "g, L",
    g="_s2s.cholesky_adjoint(dg, L)",
    L="_s2s.cholesky_adjoint_tangent(g, L, dL)",
)
defjvp(
    "_s2s.log_adjoint",
    "g, x, base",
    g="_s2s.log_adjoint(dg, x, base)",
    x="-_s2s.log_adjoint(g, x, base) * dx / x",
    base="-_s2s.log_adjoint(g, x, base) * dbase / (base * math.log(base))",
)
defjvp(
    "_s2s.norm_adjoint",
    "g, x, y, ord",
    g="_s2s.norm_adjoint(dg, x, y, ord)",
    x="_s2s.norm_adjoint_tangent(g, x, dx, y, ord)",
    # The adjoint is homogeneous in x and y together, of degree 0: its tangent along y is
    # norm_adjoint_tangent(g, x, x, y, ord) * -dy / y (g * x / y of the 2-norm moves with y;
    # the 1-norm's g * sign(x) does not).
    y="-_s2s.norm_adjoint_tangent(g, x, x, y, ord) * dy / y",
)
deflinear("_s2s.cumsum_along", "x, axis")
deflinear("_s2s.element", "x, b, axis")
deflinear("_s2s.move_axis", "x, axis")
deflinear("_s2s.jacobian_result", "full")
# In place into an adjoint the code owns; its tangent is a fresh sum.
defjvp("_s2s.accumulate_into", "total, share", tangent="_s2s.accumulate(dtotal, dshare)")
defjvp("_s2s.subtract_into", "total, share", tangent="_s2s.accumulate(dtotal, -dshare)")

# np.trapezoid's shares: linear in g; the values' in the step or x's differences, x's in the
# values.
defjvp(
    "_s2s.trapezoid_share",
    "g, values, x, spacing",
    g="_s2s.trapezoid_share(dg, values, x, spacing)",
    x="_s2s.trapezoid_share(g, values, dx, spacing)",
    spacing="dspacing * _s2s.trapezoid_step_share(g, values, x)",
)
defjvp(
    "_s2s.trapezoid_step_share",
    "g, values, x",
    g="_s2s.trapezoid_step_share(dg, values, x)",
)
defjvp(
    "_s2s.trapezoid_points_share",
    "g, values, x",
    g="_s2s.trapezoid_points_share(dg, values, x)",
    values="_s2s.trapezoid_points_share(g, dvalues, x)",
)
defjvp("_s2s.trapezoid_unit", "values, x", values="_s2s.trapezoid_unit(dvalues, x)")

# np.cov's helpers, each linear in what moves (the covariance is s Xc Xc^T): right to every
# order. np.corrcoef's own two are first-order.
defjvp(
    "_s2s.cov_centered",
    "m, other, rowvar",
    m="_s2s.cov_center(_s2s.cov_embed(dm, m, other, rowvar, 0))",
    other="_s2s.cov_center(_s2s.cov_embed(dother, m, other, rowvar, 1))",
)
defjvp("_s2s.cov_center", "x", x="_s2s.cov_center(dx)")
defjvp(
    "_s2s.cov_embed",
    "d, m, other, rowvar, which",
    d="_s2s.cov_embed(dd, m, other, rowvar, which)",
)
defjvp(
    "_s2s.cov_product",
    "a, b, bias, ddof, m, other",
    a="_s2s.cov_product(da, b, bias, ddof, m, other)",
    b="_s2s.cov_product(a, db, bias, ddof, m, other)",
)
defjvp(
    "_s2s.cov_share",
    "g, b, m, rowvar, bias, ddof",
    g="_s2s.cov_share(dg, b, m, rowvar, bias, ddof)",
    b="_s2s.cov_share(g, db, m, rowvar, bias, ddof)",
)
defjvp(
    "_s2s.cov_share_other",
    "g, b, m, other, rowvar, bias, ddof",
    g="_s2s.cov_share_other(dg, b, m, other, rowvar, bias, ddof)",
    b="_s2s.cov_share_other(g, db, m, other, rowvar, bias, ddof)",
)
first_order_only(
    "s2s has no second derivatives of np.corrcoef",
    "_s2s.corrcoef_adjoint",
    "_s2s.corrcoef_tangent",
)
defjvp("_s2s.resize_adjoint", "g, a", g="_s2s.resize_adjoint(dg, a)")
defjvp("_s2s.extract_adjoint", "g, condition, arr", g="_s2s.extract_adjoint(dg, condition, arr)")
defjvp("_s2s.ediff1d_share", "g, ary, to_begin", g="_s2s.ediff1d_share(dg, ary, to_begin)")
defjvp("_s2s.ediff1d_end_share", "g, to_end", g="_s2s.ediff1d_end_share(dg, to_end)")
defjvp("_s2s.ediff1d_begin_share", "g, to_begin", g="_s2s.ediff1d_begin_share(dg, to_begin)")
first_order_only("s2s has no second derivatives of np.linalg.cond", "_s2s.cond_adjoint")
