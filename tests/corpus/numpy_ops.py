"""NumPy ufuncs, reductions, selection functions and ndarray methods."""

import cmath

import numpy as np

from .registry import array, case, scalar


@case(array(6), tags={"ufunc", "reduction"})
def trig_ufuncs(x):
    return np.sum(np.sin(x) * np.cos(2.0 * x) + np.tan(0.5 * x))


@case(array(5, low=-0.9, high=0.9), output="array", tags={"ufunc"})
def inverse_trig_ufuncs(x):
    return np.arcsin(x) + np.arccos(0.5 * x) * np.arctan(3.0 * x)


@case(array(6), tags={"ufunc", "reduction"})
def hyperbolic_ufuncs(x):
    return np.sum(np.sinh(x) * np.cosh(0.5 * x) - np.tanh(2.0 * x))


@case(array(5, low=-0.9, high=0.9), output="array", tags={"ufunc"})
def inverse_hyperbolic_ufuncs(x):
    return np.arcsinh(2.0 * x) + np.arccosh(2.0 + x * x) * np.arctanh(x)


@case(array(6), tags={"ufunc", "reduction"})
def exp_family(x):
    return np.sum(np.exp(x) - np.expm1(0.5 * x) + np.exp2(x) * x)


@case(array(6, low=0.5, high=2.0), tags={"ufunc", "reduction"})
def log_family(x):
    return np.sum(np.log(x) * np.log1p(x) + np.log2(x) - np.log10(x + 1.0))


@case(array(5, low=0.5, high=2.0), output="array", tags={"ufunc"})
def roots_and_powers(x):
    return np.sqrt(x) + np.cbrt(x - 3.0) * np.square(x) + np.power(x, 1.5) - np.power(x, x)


@case(array(6), scalar(), output="array", tags={"ufunc"})
def power_scalar_exponent(x, p):
    return np.power(1.5 + x, p) + (2.0 + x) ** (0.5 * p)


@case(array(6), tags={"ufunc", "reduction", "piecewise"})
def abs_ufuncs(x):
    return np.sum(np.abs(x) * x + np.absolute(x - 0.3))


@case(array(5, low=0.5, high=1.5), array(5), tags={"ufunc", "reduction"})
def hypot_arctan2(x, y):
    return np.sum(np.hypot(x, y) * np.arctan2(y, x))


@case(array(5), array(5), output="array", tags={"ufunc", "piecewise"})
def maximum_minimum(x, y):
    return np.maximum(x, y) - np.minimum(x, 0.3 * y) + np.maximum(x, 0.1)


@case(array(2, 3), tags={"reduction", "piecewise"})
def reductions(m):
    return np.sum(m) + np.mean(m) * np.prod(m[0] + 2.0) + np.max(m) - np.min(m)


@case(array(3, 4), output="array", tags={"reduction"})
def sum_with_axis(m):
    return np.sum(m, axis=0) * np.sum(m * m, axis=1).sum() + np.sum(m, axis=-1).mean()


@case(array(6, low=0.5, high=1.5), tags={"reduction"})
def prod_reduction(x):
    return np.prod(x) + np.prod(x[1:] * x[:-1])


@case(array(5), output="array", tags={"reduction"})
def cumsum_cumprod(x):
    return np.cumsum(x) * np.cumprod(1.0 + 0.5 * x)


@case(array(3, 4), output="array", tags={"reduction"})
def cumsum_axis(m):
    return np.cumsum(m, axis=1) + np.cumsum(m * m, axis=0)


@case(array(7), tags={"reduction"})
def var_std(x):
    return np.var(x) + np.std(x) * np.mean(x) + x.var() - x.std()


@case(array(3, 4), output="array", tags={"reduction", "broadcast"})
def standardize_columns(m):
    n = m.shape[0]
    mu = np.sum(m, axis=0) / n
    d = m - mu
    sd = np.sqrt(np.sum(d * d, axis=0) / n + 1e-3)
    return d / sd


@case(array(6), tags={"ufunc", "reduction"})
def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


@case(array(6), output="array", tags={"ufunc"})
def softplus_sigmoid(x):
    return np.log1p(np.exp(x)) + 1.0 / (1.0 + np.exp(-x))


@case(array(6), tags={"ufunc", "reduction", "piecewise"})
def where_select(x):
    return np.sum(np.where(x > 0.0, x * x, 0.5 * x * x * x)) + np.sum(np.where(x > 0.2, x, 0.2))


@case(array(6), output="array", tags={"ufunc", "piecewise"})
def where_arrays(x):
    return np.where(x < 0.0, np.exp(x), 1.0 + x)


@case(array(6), tags={"ufunc", "reduction", "piecewise"})
def clip_op(x):
    return np.sum(np.clip(x, -0.5, 0.5) ** 2 + np.clip(2.0 * x, 0.0, 1.0))


@case(array(6), output="array", tags={"ufunc", "nondiff"})
def rounding(x):
    return np.sign(x) * x + np.floor(3.0 * x) + np.ceil(x) + np.round(2.0 * x)


@case(array(6), tags={"ufunc", "reduction", "nondiff"})
def quantize(x):
    return np.sum(np.round(x * 1e4) / 1e4 * x)


@case(scalar(), tags={"ufunc"})
def ufuncs_on_scalars(x):
    return np.exp(x) * np.sqrt(1.0 + x * x) + np.sin(x) * np.arctan(x)


@case(scalar(), array(2, 3), output="array", tags={"broadcast"})
def scalar_times_array(s, m):
    return s * m + s**2 - m / (2.0 + s)


@case(array(2, 3), tags={"method", "reduction", "shape"})
def array_methods(m):
    t = m.T
    r = m.reshape((m.size,))
    c = m.copy()
    c[0, 0] = 1.0
    return t[0, 1] * r[2] + c.sum() + m.shape[1] * m.mean() + m.max() - m.min()


@case(array(6), output="array", tags={"method", "shape"})
def reshape_methods(x):
    y = x.reshape((2, 3)).T.copy()
    z = x.reshape(3, 2)
    return y * z + x.reshape(-1)[:2].sum()


@case(array(3, 4), output="array", tags={"method", "shape", "reduction"})
def method_chain(m):
    return (m * m).sum(axis=0) + m.T.sum(axis=1) + m.ravel()[:4] + m.transpose()[0, 0]


@case(array(6), tags={"reduction", "piecewise"})
def max_minus_min(x):
    return np.max(x) - np.min(x) + np.sum(x) / x.shape[0]


@case(array(6), output="tuple", tags={"reduction", "tuple"})
def moments_tuple(x):
    return np.mean(x), np.std(x), np.cumsum(x * x)


@case(array(6), tags={"method", "reduction"})
def real_and_imag_parts(x):
    y = (x * x).real + 0.5 * x.real
    return np.sum(y * np.sin(x)) + np.sum(np.imag(x) * x) + np.sum(x.imag)


@case(array(6), tags={"method", "inplace", "index", "fancy_index"})
def sort_in_place_and_arg_methods(x):
    y = x * 1.5
    y.sort()
    weights = np.arange(y.shape[0]) + 1.0
    return np.sum(y * weights) + x[np.nanargmax(x)] * x[x.argsort()[0]] - x[np.nanargmin(x)]


@case(array(4, 4), tags={"index", "fancy_index"})
def triangle_indices_from(a):
    i, j = np.triu_indices_from(a, 1)
    k, m = np.tril_indices_from(a)
    return np.sum(a[i, j] ** 2) + np.sum(np.sin(a[k, m]))


@case(array(6), tags={"ufunc", "index", "inplace", "reduction"})
def through_complex_values(x):
    psi = np.zeros(3, dtype=np.complex128)
    for k in range(3):
        psi[k] = x[k] * np.exp(1j * x[k + 3])
    total = np.sum(psi)
    z = x[:3] + 1j * x[3:]
    return np.abs(total) ** 2 + np.sum((z * np.conj(z)).real) + np.sum(np.imag(z * z))


@case(array(4), tags={"ufunc", "reduction", "linalg"})
def norms_and_spread_of_complex_values(x):
    z = x * (1.0 + 2.0j) - 0.5j * x[::-1]
    vector = np.linalg.norm(z) + np.linalg.norm(z, 2)
    spread = np.var(z) + np.std(z * z)
    return vector + spread + np.sum(np.absolute(z + 0.3) ** 3)


@case(array(4), tags={"ufunc", "reduction", "linalg"})
def frobenius_norm_of_a_complex_matrix(x):
    z = x.reshape(2, 2) * (0.5 - 1.0j) + np.eye(2)
    return np.linalg.norm(z) ** 3 + np.linalg.norm(z[0] * z[1])


@case(array(4), array(2), tags={"linalg"})
def products_of_complex_matrices(x, v):
    a = x.reshape(2, 2) * (1.0 - 0.5j) + 1j * np.eye(2)
    u = a @ (v + 0.25j)
    b = a.T @ a + np.dot(a, a.conj().T)
    w = v + 0j
    return np.abs(np.dot(u, u)) + np.real(np.trace(b)) + np.imag(w @ b @ w)


@case(array(4), tags={"linalg", "shape", "method"})
def conjugating_products_and_reshapes(x):
    z = (x * (1.0 + 2.0j)).reshape(2, 2) + 1j
    w = x[::-1] * (0.5 - 1.0j)
    flat = z.reshape(4)
    spread = np.real(np.sum(flat * x))  # x's first share: the real part of a complex one
    spread += np.imag(np.sum(np.where(x > 0.5, flat * flat, w)))
    return np.real(np.vdot(flat, w)) + np.imag(np.vdot(w, flat * flat)) + spread


@case(array(5), tags={"loop", "math"})
def complex_scalar_recurrence(x):
    z = 0.0 + 0.0j
    for i in range(x.shape[0]):
        z = z * (0.9 + 0.1j) + x[i] * cmath.exp(1j * x[i])
    return z.real * z.imag + abs(z) + cmath.sqrt(x[0] - 2.0).imag
