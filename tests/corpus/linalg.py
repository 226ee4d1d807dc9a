"""Matrix products, np.linalg, shape manipulation and broadcasting."""

import math

import numpy as np

from .registry import array, case, spd

LA = {"linalg", "blas"}


@case(array(5), array(5), tags=LA)
def dot_vectors(x, y):
    return np.dot(x, y) + np.dot(x, x) * 0.5


@case(array(3, 4), array(4), output="array", tags=LA)
def matvec_operator(a, x):
    return a @ x + np.dot(a, x * x)


@case(array(3, 4), array(4, 2), output="array", tags=LA)
def matmul_matrices(a, b):
    return a @ b - 0.5 * np.dot(a, b)


@case(array(3, 4), array(3), tags=LA | {"method"})
def dot_method_and_transpose(a, y):
    return np.sum(a.T @ y) + y @ a.dot(np.ones(4))


@case(array(3, 3), array(3), tags=LA)
def quadratic_form(a, x):
    return x @ (a @ x) + np.dot(x, a.T @ x)


@case(array(3), array(4), output="array", tags={"linalg"})
def outer_product(x, y):
    return np.outer(x, y) + np.outer(x * x, y[::-1]) * 2.0


@case(array(4, 4), tags={"linalg", "reduction"})
def trace_op(a):
    return np.trace(a) + np.trace(a * a) + np.trace(np.outer(a[0], a[1]))


@case(spd(3), array(3), output="array", tags=LA)
def solve_vector(s, b):
    return np.linalg.solve(s, b)


@case(spd(3), array(3), tags=LA)
def solve_quadratic(s, b):
    return np.sum(np.linalg.solve(s, b) * b)


@case(spd(3), array(3, 2), output="array", tags=LA)
def solve_matrix(s, b):
    return np.linalg.solve(s, b)


@case(spd(3), output="array", tags=LA)
def inverse(s):
    return np.linalg.inv(s)


@case(spd(3), array(3), tags=LA)
def inverse_quadratic(s, x):
    return x @ np.linalg.inv(s) @ x + np.sum(np.linalg.inv(s))


@case(spd(3), tags=LA)
def determinant(s):
    return np.linalg.det(s) / 50.0


@case(spd(4), tags=LA | {"tuple"})
def slogdet_op(s):
    sign, logdet = np.linalg.slogdet(s)
    return sign * logdet


@case(spd(3), output="tuple", tags=LA | {"tuple"})
def slogdet_tuple(s):
    return np.linalg.slogdet(s)


@case(array(5), tags=LA)
def norm_vector(x):
    return np.linalg.norm(x) + np.linalg.norm(x * x, 2)


@case(array(3, 4), tags=LA)
def norm_matrix(a):
    return np.linalg.norm(a)


@case(spd(4), tags=LA | {"loop", "index", "math"})
def cholesky_logdet(s):
    ell = np.linalg.cholesky(s)
    r = 0.0
    for i in range(ell.shape[0]):
        r += 2.0 * math.log(ell[i, i])
    return r


@case(spd(3), output="array", tags=LA)
def cholesky_factor(s):
    return np.linalg.cholesky(s)


@case(array(3, 3, low=-0.5, high=0.5), array(3), tags=LA | {"loop"})
def matrix_power_loop(a, x):
    v = x.copy()
    for _ in range(4):
        v = a @ v + x
    return np.sum(v * v)


@case(array(6), output="array", tags={"shape", "method"})
def reshape_transpose(x):
    return np.transpose(x.reshape((2, 3))) + np.reshape(x, (3, 2))


@case(array(2, 3), array(4), output="array", tags={"shape"})
def ravel_concatenate(m, x):
    return np.concatenate((np.ravel(m), x, m.ravel()[:2]))


@case(array(2, 3), output="array", tags={"shape"})
def concatenate_axis(m):
    return np.concatenate((m, 2.0 * m), axis=1) + np.concatenate((m, m * m), axis=1)


@case(array(4), array(4), output="array", tags={"shape"})
def stack_ops(x, y):
    return np.stack((x, y)) + np.vstack((x * y, y)) + np.stack((y, x), axis=1).T


@case(array(3), array(2), output="array", tags={"shape"})
def hstack_op(x, y):
    return np.hstack((x, y, x * x))


@case(array(4), output="array", tags={"shape", "broadcast"})
def expand_dims_op(x):
    return np.expand_dims(x, 0) * np.expand_dims(x, axis=1)


@case(array(3), array(4, 3), tags={"shape", "broadcast", "reduction"})
def broadcast_to_op(x, m):
    return np.sum(np.broadcast_to(x, (4, 3)) * m)


@case(array(3), array(4), output="array", tags={"broadcast", "shape"})
def newaxis_outer(x, y):
    return x[:, np.newaxis] * y[np.newaxis, :] + x[:, None] - y[None, :]


@case(array(3), array(2, 3), output="array", tags={"broadcast"})
def broadcast_row(x, m):
    return m * x + x - m / (2.0 + x)


@case(array(2), array(2, 3), output="array", tags={"broadcast", "shape"})
def broadcast_column(x, m):
    return m * x.reshape((2, 1)) + np.sin(m - x.reshape((2, 1)))


@case(array(3), array(2, 3), tags={"broadcast", "reduction"})
def broadcast_to_scalar(x, m):
    return np.sum((m - x) ** 2) + np.sum(m * 2.0 + x * 3.0)


@case(array(3), array(3, 3), array(3, 3), tags={"linalg", "blas", "loop"})
def list_of_layers(x, a, b):
    layers = [a, b * 2.0]
    h = x
    for w in layers:
        h = np.tanh(w @ h)
    return np.sum(h)
