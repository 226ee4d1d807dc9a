"""One small function per derivative rule of reverse mode (test data for
``test_rules_property.py``).

s2s reads the source of what it differentiates, so each function is a module-level ``def``.
Most return the rule's output as it is (an array or a scalar): the tests check them with
``check_grads``, whose random cotangent weights every entry of the output. The ``w_*``
functions reduce to a scalar with a weight array ``w`` instead, for ``s2s.grad``.
Arguments that are not differentiated (axes, shapes, permutations, conditions) are passed in.
"""

import math

import numpy as np

# -- elementwise, unary ------------------------------------------------------------------------


def f_sin(x):
    return np.sin(x)


def f_cos(x):
    return np.cos(x)


def f_tan(x):
    return np.tan(x)


def f_arcsin(x):
    return np.arcsin(x)


def f_arccos(x):
    return np.arccos(x)


def f_arctan(x):
    return np.arctan(x)


def f_sinh(x):
    return np.sinh(x)


def f_cosh(x):
    return np.cosh(x)


def f_tanh(x):
    return np.tanh(x)


def f_arcsinh(x):
    return np.arcsinh(x)


def f_arccosh(x):
    return np.arccosh(x)


def f_arctanh(x):
    return np.arctanh(x)


def f_exp(x):
    return np.exp(x)


def f_expm1(x):
    return np.expm1(x)


def f_exp2(x):
    return np.exp2(x)


def f_log(x):
    return np.log(x)


def f_log1p(x):
    return np.log1p(x)


def f_log2(x):
    return np.log2(x)


def f_log10(x):
    return np.log10(x)


def f_sqrt(x):
    return np.sqrt(x)


def f_cbrt(x):
    return np.cbrt(x)


def f_square(x):
    return np.square(x)


def f_absolute(x):
    return np.absolute(x)


def f_np_abs(x):
    return np.abs(x)


def f_builtin_abs(x):
    return abs(x)


def f_negative(x):
    return np.negative(x)


def f_positive(x):
    return np.positive(x)


def f_neg_operator(x):
    return -x


def f_pos_operator(x):
    return +x


def f_reciprocal(x):
    return np.reciprocal(x)


def f_deg2rad(x):
    return np.deg2rad(x)


def f_rad2deg(x):
    return np.rad2deg(x)


def f_radians(x):
    return np.radians(x)


def f_degrees(x):
    return np.degrees(x)


def f_asarray(x):
    return np.asarray(x) * 2.0


def f_copy(x):
    return np.copy(x) * 2.0


def f_copy_method(x):
    return x.copy() * 2.0


def f_array(x):
    return np.array(x) * 2.0


def f_array_of_scalars(a, b):
    return np.array([a, b, a * b])


# -- elementwise, binary (broadcasting) --------------------------------------------------------


def f_add(a, b):
    return a + b


def f_np_add(a, b):
    return np.add(a, b)


def f_subtract(a, b):
    return a - b


def f_np_subtract(a, b):
    return np.subtract(a, b)


def f_multiply(a, b):
    return a * b


def f_np_multiply(a, b):
    return np.multiply(a, b)


def f_divide(a, b):
    return a / b


def f_np_divide(a, b):
    return np.divide(a, b)


def f_true_divide(a, b):
    return np.true_divide(a, b)


def f_power_operator(a, b):
    return a**b


def f_np_power(a, b):
    return np.power(a, b)


def f_square_operator(x):
    return x**2


def f_cube_negative_base(x):
    return (x - 3.0) ** 3


def f_real_exponent(x):
    return x**2.5


def f_exponential_base(x):
    return 2.0**x


def f_mod_operator(a, b):
    return a % b


def f_np_mod(a, b):
    return np.mod(a, b)


def f_np_remainder(a, b):
    return np.remainder(a, b)


def f_np_fmod(a, b):
    return np.fmod(a, b)


def f_maximum(a, b):
    return np.maximum(a, b)


def f_minimum(a, b):
    return np.minimum(a, b)


def f_fmax(a, b):
    return np.fmax(a, b)


def f_fmin(a, b):
    return np.fmin(a, b)


def f_hypot(a, b):
    return np.hypot(a, b)


def f_arctan2(a, b):
    return np.arctan2(a, b)


def f_logaddexp(a, b):
    return np.logaddexp(a, b)


def f_scalar_left(x):
    return 3.0 - 2.0 * x


def f_scalar_right(x):
    return x / 4.0 + 1.0


def f_where(condition, a, b):
    return np.where(condition, a, b)


def f_where_scalar_branch(condition, a):
    return np.where(condition, a, 0.5)


def f_clip(a, lo, hi):
    return np.clip(a, lo, hi)


def f_clip_method(a, lo, hi):
    return a.clip(lo, hi)


def f_astype_float32(x):
    return x.astype(np.float32) * 2.0


def f_astype_int(x):
    return x.astype(np.int64) * x  # the integer part has no derivative


def f_asarray_dtype(x):
    return np.asarray(x, np.float64) * x


def f_ldexp(x):
    return np.ldexp(x, 3)


def m_ldexp(x):
    return math.ldexp(x, -2)


def f_nextafter(x):
    return np.nextafter(x, 10.0)


def f_comparisons(x):
    # masks from comparisons, closeness and sign bits carry no derivative
    return x * (np.greater(x, 0.3) + np.less_equal(x, -0.2) + np.isclose(x, 1.0) + np.signbit(x))


def f_fabs(x):
    return np.fabs(x)


def f_sinc(x):
    return np.sinc(x)


def f_nan_to_num(x):
    return np.nan_to_num(x * x)


def f_logaddexp2(x1, x2):
    return np.logaddexp2(x1, x2)


def f_float_power(x1, x2):
    return np.float_power(x1, x2)


def f_copysign(x1, x2):
    return np.copysign(x1, x2) * x2


def f_select(x, y):
    return np.select([x > 0.5, x < -0.5], [x * y, y * y], 0.3)


def f_select_default(x, d):
    return np.select([x > 0.5, x < -0.5], [x * 2.0, x * x], d)


def f_interp(x, xp, fp):
    return np.interp(x, xp, fp)


def m_divmod(x1, x2):
    q, r = divmod(x1, x2)
    return q * 0.5 + r * r


def f_divmod(x1, x2):
    q, r = np.divmod(x1, x2)
    return q * 0.5 + r * r


def m_lgamma(x):
    return math.lgamma(x)


def m_gamma(x):
    return math.gamma(x)


def m_copysign(x1, x2):
    return math.copysign(x1, x2) * x2


# -- zero gradient -----------------------------------------------------------------------------


def f_sign(x):
    return np.sign(x) * x


def f_floor(x):
    return np.floor(x) + x


def f_ceil(x):
    return np.ceil(x) * x


def f_round(x):
    return np.round(x) + x


def f_round_method(x):
    return x.round() + x


def f_rint(x):
    return np.rint(x) * x


def f_trunc(x):
    return np.trunc(x) + x


def f_floor_divide(a, b):
    return a // b + a


def f_only_floor(x):
    return np.floor(x)


# -- reductions and scans ----------------------------------------------------------------------


def f_sum(x):
    return np.sum(x)


def f_sum_axis(x, axis):
    return np.sum(x, axis=axis)


def f_sum_axis_positional(x, axis):
    return np.sum(x, axis)


def f_sum_method(x, axis):
    return x.sum(axis=axis)


def f_mean(x):
    return np.mean(x)


def f_mean_axis(x, axis):
    return np.mean(x, axis=axis)


def f_prod(x):
    return np.prod(x)


def f_prod_axis(x, axis):
    return np.prod(x, axis=axis)


def f_max(x):
    return np.max(x)


def f_max_axis(x, axis):
    return np.max(x, axis=axis)


def f_amax(x):
    return np.amax(x)


def f_max_method(x, axis):
    return x.max(axis=axis)


def f_min(x):
    return np.min(x)


def f_min_axis(x, axis):
    return np.min(x, axis=axis)


def f_amin(x):
    return np.amin(x)


def f_cumsum(x):
    return np.cumsum(x)


def f_cumsum_axis(x, axis):
    return np.cumsum(x, axis=axis)


def f_cumprod(x):
    return np.cumprod(x)


def f_cumprod_axis(x, axis):
    return np.cumprod(x, axis=axis)


def f_var(x):
    return np.var(x)


def f_var_axis(x, axis):
    return np.var(x, axis=axis)


def f_var_ddof(x, axis):
    return np.var(x, axis=axis, ddof=1)


def f_std(x):
    return np.std(x)


def f_std_axis(x, axis):
    return np.std(x, axis=axis)


def f_std_ddof(x, axis):
    return np.std(x, axis=axis, ddof=1)


def f_full(value, shape):
    return np.full(shape, value) * 2.0


# -- arrays made from numbers -------------------------------------------------------------------


def f_full_like(x, value):
    return np.full_like(x, value) * x


def f_heaviside(x1, x2):
    return np.heaviside(x1, x2)


def f_arange(start, step):
    # 4.5 steps from the start: five entries however the differences move either
    return np.arange(start, start + 4.5 * step, step)


def f_arange_stop(stop):
    return np.arange(stop) * stop


def f_linspace(start, stop):
    return np.linspace(start, stop, 5)


def f_logspace(start, stop):
    return np.logspace(start, stop, 4)


def f_geomspace(start, stop):
    return np.geomspace(start, stop, 4)


def f_bincount(weights):
    return np.bincount(np.array([2, 0, 2, 1])[: weights.shape[0]], weights, 4)


def f_random_normal(loc, scale):
    np.random.seed(7)
    return np.random.normal(loc, scale, 4)


def f_random_normal_arrays(loc, scale):
    np.random.seed(7)
    return np.random.normal(loc, scale)


def f_random_uniform(low, high):
    np.random.seed(7)
    return np.random.uniform(low, high, 3)


def f_random_exponential(scale):
    np.random.seed(7)
    return np.random.exponential(scale, 3)


def f_histogram_edges(x):
    counts, edges = np.histogram(x, 4)
    return edges * 2.0 + np.sum(counts)


def f_histogram_binned_mean(x):
    counts, edges = np.histogram(x, 3)
    return np.sum(counts * 0.5 * (edges[1:] + edges[:-1])) / np.sum(counts)


def f_histogram_given_edges(x, bins):
    counts, edges = np.histogram(x, bins)
    return edges * x[0] + counts[0]


def f_histogram_range(x, low, high):
    counts, edges = np.histogram(x, 4, (low, high))
    return edges * 2.0 + counts[0]


def f_builtin_sum(x):
    return sum(x * x)


def f_builtin_sum_start(x, start):
    return sum(x, start) * start


def f_builtin_sum_of_numbers(a, b):
    return sum([a * b, a, b * b])


def f_nanvar(x):
    return np.nanvar(x)


def f_nanstd(x):
    return np.nanstd(x)


def f_vander(x):
    return np.vander(x)


def f_vander_increasing(x):
    return np.vander(x, 3, True)


def f_quantile(x, q):
    return np.quantile(x, q)


def f_percentile(x, q):
    return np.percentile(x, q)


def f_interquartile_range(x):
    quartiles = np.percentile(x, np.array([25.0, 75.0]))
    return quartiles[1] - quartiles[0]


def f_median_axis(x):
    return np.sum(np.median(x, axis=0))


def f_median(x):
    return np.median(x)


def f_average(x):
    return np.average(x)


def f_average_weights(x, w):
    return np.average(x, weights=w)


def f_ptp(x):
    return np.ptp(x)


def f_cov(m):
    return np.cov(m)


def f_cov_columns(m, y):
    return np.cov(m, y, rowvar=False)


def f_cov_bias(m):
    return np.cov(m, bias=True)


def f_cov_ddof(m, y):
    return np.cov(m, y=y, ddof=2)


def f_corrcoef(x):
    return np.corrcoef(x)


def f_corrcoef_pair(x, y):
    return np.corrcoef(x, y)


def f_trapezoid(y):
    return np.trapezoid(y)


def f_trapezoid_step(y, h):
    return np.trapezoid(y, dx=h)


def f_trapezoid_points(y, x):
    return np.trapezoid(y, x)


def f_trapezoid_keywords(y, x, h):
    return np.trapezoid(y=y, x=x, dx=h)  # the step counts only without points


def f_nansum(x):
    return np.nansum(x)


def f_nanmean(x):
    return np.nanmean(x)


def f_nanprod(x):
    return np.nanprod(x)


def f_nancumsum(x):
    return np.nancumsum(x)


def f_nancumprod(x):
    return np.nancumprod(x)


def f_nanmedian(x):
    return np.nanmedian(x)


def f_nanquantile(x, q):
    return np.nanquantile(x, q)


def f_nanpercentile(x, q):
    return np.nanpercentile(x, q)


def f_ediff1d(x):
    return np.ediff1d(x)


def f_ediff1d_ends(x, end, begin):
    return np.ediff1d(x, to_end=end, to_begin=begin)


def f_resize(x):
    return np.resize(x, 7)


def f_resize_matrix(x):
    return np.resize(x, (2, 3))


def f_extract(x):
    return np.extract(x > 0.2, x * x)


def f_real(x):
    return np.real(x) * 2.0


def f_unique(x):
    return np.unique(x) * 2.0


def f_union1d(x):
    return np.union1d(x, x[:2] + 10.0) ** 2


def f_angle(x):
    return np.angle(x * (1.0 + 0.5j) + 1j) * x


def f_imag(x):
    return np.imag(x) + x


def f_real_imag_attributes(x):
    return x.real * x + x.imag


def f_conj(x):
    return np.conj(x) * x + np.conjugate(x)


def f_conj_method(x):
    return x.conj() * x + x.conjugate()


def f_cond(a):
    return np.linalg.cond(a)


def f_cond_order(a, p):
    return np.linalg.cond(a, p)


def f_matrix_rank(x):
    return np.sum(x) * np.linalg.matrix_rank(np.diag(x))


def f_nanmax(x):
    return np.nanmax(x)


def f_nanmin(x):
    return np.nanmin(x)


# -- linear algebra ----------------------------------------------------------------------------


def f_dot(a, b):
    return np.dot(a, b)


def f_matmul_operator(a, b):
    return a @ b


def f_matmul(a, b):
    return np.matmul(a, b)


def f_dot_method(a, b):
    return a.dot(b)


def f_outer(a, b):
    return np.outer(a, b)


def f_inner(a, b):
    return np.inner(a, b)


def f_vdot(a, b):
    return np.vdot(a, b)


def f_trace(x):
    return np.trace(x)


def f_trace_offset(x):
    return np.trace(x, 1) + np.trace(x, offset=-1)


def f_trace_method(x):
    return x.trace()


def f_solve(a, b):
    return np.linalg.solve(a, b)


def f_inv(a):
    return np.linalg.inv(a)


def f_det(a):
    return np.linalg.det(a)


def f_slogdet(a):
    sign, logdet = np.linalg.slogdet(a)
    return sign * logdet


def f_logabsdet(a):
    return np.linalg.slogdet(a)[1]


def f_norm(x):
    return np.linalg.norm(x)


def f_norm_fro(x):
    return np.linalg.norm(x, "fro")


def f_norm_2(x):
    return np.linalg.norm(x, 2)


def f_norm_1(x):
    return np.linalg.norm(x, 1)


def f_norm_minus_1(x):
    return np.linalg.norm(x, -1)


def f_norm_inf(x):
    return np.linalg.norm(x, np.inf)


def f_norm_minus_inf(x):
    return np.linalg.norm(x, -np.inf)


def f_norm_minus_2(x):
    return np.linalg.norm(x, -2)


def f_norm_3(x):
    return np.linalg.norm(x, 3)


def f_norm_half(x):
    return np.linalg.norm(x, 0.5)


def f_norm_0(x):
    return np.linalg.norm(x, 0) * x


def f_cholesky(a):
    return np.linalg.cholesky(a)


def f_cross(a, b):
    return np.cross(a, b)


def f_kron(a, b):
    return np.kron(a, b)


def f_convolve(a, v):
    return np.convolve(a, v)


def f_correlate(a, v):
    return np.correlate(a, v)


def f_eigh(a):
    w, v = np.linalg.eigh(a)
    return w * 2.0 + (v * v)[0]  # an eigenvector's sign is arbitrary: its squares are not


def f_eigh_values(a):
    w, v = np.linalg.eigh(a)
    return w


def f_eigvalsh(a):
    return np.linalg.eigvalsh(a)


def f_eigvals(a):
    return np.linalg.eigvals(a) * np.arange(1.0, a.shape[0] + 1.0)


def f_svd_values(a):
    u, s, vt = np.linalg.svd(a)
    return s


def f_svd_vectors(a):
    u, s, vt = np.linalg.svd(a, False)
    return (u * u)[0] + (vt * vt)[:, 0] + u[0] * vt[:, 0]  # signs cancel


def f_svd_extra_vectors(a):
    u, s, vt = np.linalg.svd(a)
    return u * u


def f_qr(a):
    q, r = np.linalg.qr(a)
    return q * q * (1.0 + np.sum(r * r))  # a column's sign flips in q and r together


def f_qr_factor(a):
    q, r = np.linalg.qr(a)
    return q * r[0, 0]


def f_pinv(a):
    return np.linalg.pinv(a)


def f_matrix_power(a, n):
    return np.linalg.matrix_power(a, n)


def f_lstsq(a, b):
    x, residuals, rank, s = np.linalg.lstsq(a, b)
    return x


def f_lstsq_residuals_and_values(a, b):
    fit = np.linalg.lstsq(a, b)
    return np.sum(fit[1]) * 2.0 + fit[3]


# -- shapes ------------------------------------------------------------------------------------


def f_reshape_flat(x):
    return np.reshape(x, (-1,))


def f_reshape_row(x):
    return np.reshape(x, (1, x.size))


def f_reshape_method(x):
    return x.reshape(x.size, 1)


def f_reshape_shape(x, shape):
    return np.reshape(x, shape)


def f_transpose(x):
    return np.transpose(x)


def f_transpose_axes(x, axes):
    return np.transpose(x, axes)


def f_transpose_attribute(x):
    return x.T


def f_transpose_method(x):
    return x.transpose()


def f_ravel(x):
    return np.ravel(x)


def f_ravel_method(x):
    return x.ravel()


def f_flatten(x):
    return x.flatten()


def f_atleast_1d(x):
    return np.atleast_1d(x)


def f_atleast_2d(x):
    return np.atleast_2d(x)


def f_concatenate(a, b, axis):
    return np.concatenate((a, b), axis=axis)


def f_concatenate_three(a, b, axis):
    return np.concatenate((a, b, a), axis=axis)


def f_concatenate_list(a, b):
    return np.concatenate([a, b])


def f_stack(a, b, axis):
    return np.stack((a, b), axis=axis)


def f_vstack(a, b):
    return np.vstack((a, b))


def f_hstack(a, b):
    return np.hstack((a, b))


def f_expand_dims(x, axis):
    return np.expand_dims(x, axis)


def f_squeeze(x):
    return np.squeeze(x)


def f_squeeze_axis(x, axis):
    return np.squeeze(x, axis=axis)


def f_broadcast_to(x, shape):
    return np.broadcast_to(x, shape) * 1.0


def f_diag(x):
    return np.diag(x)


def f_flip(x):
    return np.flip(x)


def f_flip_axis(x, axis):
    return np.flip(x, axis)


def f_fliplr(x):
    return np.fliplr(x)


def f_flipud(x):
    return np.flipud(x)


def f_swapaxes(x):
    return np.swapaxes(x, 0, -1)


def f_tril(x):
    return np.tril(x)


def f_triu_k(x, k):
    return np.triu(x, k)


def f_roll(x, shift):
    return np.roll(x, shift)


def f_roll_axis(x, shift, axis):
    return np.roll(x, shift, axis)


def f_diff(x):
    return np.diff(x)


def f_diff_n(x, n, axis):
    return np.diff(x, n, axis)


def f_repeat(x):
    return np.repeat(x, 2)


def f_repeat_counts(x, counts):
    return np.repeat(x, counts)


def f_repeat_axis(x, axis):
    return np.repeat(x, 2, axis)


def f_take(x, indices):
    return np.take(x, indices)


def f_take_method(x, indices):
    return x.take(indices)


def f_repeat_method(x):
    return x.repeat(2) * x.repeat(2)


def f_take_axis(x, indices, axis):
    return np.take(x, indices, axis)


def f_append(x, v):
    return np.append(x, v)


def f_append_axis(x, v, axis):
    return np.append(x, v, axis)


def f_rot90(x, k):
    return np.rot90(x, k)


def f_column_stack(a, b):
    return np.column_stack((a, b))


def f_dstack(a, b):
    return np.dstack((a, b))


def f_diagflat(x, k):
    return np.diagflat(x, k)


def f_atleast_3d(x):
    return np.atleast_3d(x)


def f_asfortranarray(x):
    return np.asfortranarray(x) * 2.0


def f_partition(x):
    return np.partition(x, 1)


def f_sort(x):
    return np.sort(x)


def f_sort_axis(x, axis):
    return np.sort(x, axis)


# -- math.* on scalars -------------------------------------------------------------------------


def m_sin(x):
    return math.sin(x)


def m_cos(x):
    return math.cos(x)


def m_tan(x):
    return math.tan(x)


def m_asin(x):
    return math.asin(x)


def m_acos(x):
    return math.acos(x)


def m_atan(x):
    return math.atan(x)


def m_sinh(x):
    return math.sinh(x)


def m_cosh(x):
    return math.cosh(x)


def m_tanh(x):
    return math.tanh(x)


def m_asinh(x):
    return math.asinh(x)


def m_acosh(x):
    return math.acosh(x)


def m_atanh(x):
    return math.atanh(x)


def m_exp(x):
    return math.exp(x)


def m_expm1(x):
    return math.expm1(x)


def m_log(x):
    return math.log(x)


def m_log_base(x):
    return math.log(x, 3.0)


def m_log_any_base(x, base):
    return math.log(x, base)


def m_log1p(x):
    return math.log1p(x)


def m_log2(x):
    return math.log2(x)


def m_log10(x):
    return math.log10(x)


def m_sqrt(x):
    return math.sqrt(x)


def m_fabs(x):
    return math.fabs(x)


def m_degrees(x):
    return math.degrees(x)


def m_radians(x):
    return math.radians(x)


def m_erf(x):
    return math.erf(x)


def m_erfc(x):
    return math.erfc(x)


def m_pow(a, b):
    return math.pow(a, b)


def m_builtin_pow(a, b):
    return pow(a, b)


def m_hypot(a, b):
    return math.hypot(a, b)


def m_atan2(a, b):
    return math.atan2(a, b)


def m_fmod(a, b):
    return math.fmod(a, b)


def m_builtin_max(a, b):
    return max(a, b)


def m_builtin_min(a, b):
    return min(a, b)


def m_float(x):
    return float(x) * 2.0


def m_floor(x):
    return math.floor(x) * x


def m_ceil(x):
    return math.ceil(x) + x


def m_trunc(x):
    return math.trunc(x) * x


def m_builtin_round(x):
    return round(x) + x


# -- scalar outputs for s2s.grad: the rule's output weighted by `w` -------------------------


def w_sin(x, w):
    return np.sum(np.sin(x) * w)


def w_exp_log(x, w):
    return np.sum(np.log(np.exp(x) + 1.0) * w)


def w_multiply(a, b, w):
    return np.sum(a * b * w)


def w_divide(a, b, w):
    return np.sum(a / b * w)


def w_sum_axis(x, w):
    return np.sum(np.sum(x, axis=0) * w)


def w_max_axis(x, w):
    return np.sum(np.max(x, axis=-1) * w)


def w_matmul(a, b, w):
    return np.sum((a @ b) * w)


def w_solve(a, b, w):
    return np.sum(np.linalg.solve(a, b) * w)


def w_concatenate(a, b, w):
    return np.sum(np.concatenate((a, b), axis=0) * w)


def w_where(condition, a, b, w):
    return np.sum(np.where(condition, a, b) * w)


def w_math(x, y):
    return math.sin(x) * math.exp(y) + math.hypot(x, y) + math.atan2(x, y)


# -- second order: a smooth scalar of a rule's output, for Hessians ----------------------------
def sine_sum_of(fn, count):
    """A function of ``count`` arguments: ``sum(sin(fn(...)))``, whose Hessian needs the rule
    of ``fn`` and the rules of the runtime helpers in its adjoint, in forward mode."""
    if count == 1:

        def sine_sum1(a):
            return np.sum(np.sin(fn(a)))

        return sine_sum1
    if count == 2:

        def sine_sum2(a, b):
            return np.sum(np.sin(fn(a, b)))

        return sine_sum2
    if count == 3:

        def sine_sum3(a, b, c):
            return np.sum(np.sin(fn(a, b, c)))

        return sine_sum3

    def sine_sum4(a, b, c, d):
        return np.sum(np.sin(fn(a, b, c, d)))

    return sine_sum4
