"""Rules of linear algebra, both modes (matrix calculus, as in Giles' collection)."""

from .registry import defjvp, deflinear, defvjp, nondifferentiable

defvjp(
    ["@", "np.dot", "np.matmul"],
    "a, b",
    a="_s2s.matmul_adjoint_a(g, a, b)",
    b="_s2s.matmul_adjoint_b(g, a, b)",
)
# np.inner contracts the last axes of arrays of any ndim; np.vdot flattens its operands.
defvjp(
    "np.inner",
    "a, b",
    a="_s2s.inner_adjoint_a(g, a, b)",
    b="_s2s.inner_adjoint_b(g, a, b)",
)
defvjp(  # sum(conj(a) * b): the first operand is conjugated
    "np.vdot",
    "a, b",
    a="_s2s.reshape_like(np.conj(g * b), a)",
    b="_s2s.reshape_like(g * np.conj(a), b)",
)
# np.outer flattens its operands (a number too, which Numba's np.ravel does not take): the
# shares are reshaped back to them.
defvjp(
    "np.outer",
    "a, b",
    a="_s2s.reshape_like(np.dot(g, np.ravel(np.asarray(b))), a)",
    b="_s2s.reshape_like(np.dot(g.T, np.ravel(np.asarray(a))), b)",
)
defvjp("np.trace", "x, offset=0", x="g * np.eye(x.shape[0], x.shape[1], offset)")
defvjp("np.linalg.solve", "a, b", a="_s2s.solve_adjoint_a(g, a, y)", b="np.linalg.solve(a.T, g)")
defvjp("np.linalg.inv", "a", a="-np.dot(np.dot(y.T, g), y.T)")
defvjp("np.linalg.det", "a", a="g * y * np.linalg.inv(a).T")
defvjp("np.linalg.norm", "x, ord=None", x="_s2s.norm_adjoint(g, x, y, ord)")
# numpy reads only the lower triangle of `a`: the symmetric adjoint, folded onto it.
defvjp("np.linalg.cholesky", "a", a="_s2s.lower_triangle_adjoint(_s2s.cholesky_adjoint(g, y))")
defvjp("np.linalg.slogdet", "a", a="g[1] * np.linalg.inv(a).T")
# Symmetric eigenproblems, distinct eigenvalues (numpy reads the lower triangle, as above).
defvjp("np.linalg.eigh", "a", a="_s2s.eigh_adjoint(g[0], g[1], y[0], y[1])")
defvjp("np.linalg.eigvalsh", "a", a="_s2s.eigvalsh_adjoint(g, a)")
defvjp("np.linalg.eigvals", "a", a="_s2s.eigvals_adjoint(g, a, y)")
defvjp("np.linalg.pinv", "a, rcond=1e-15", a="_s2s.pinv_adjoint(g, a, y)")
defvjp("np.linalg.svd", "a, full_matrices=True", a="_s2s.svd_share(g[0], g[1], g[2], a, y)")
defvjp("np.linalg.qr", "a", a="_s2s.qr_share(g[0], g[1], a, y)")
defvjp("np.linalg.matrix_power", "a, n", a="_s2s.matrix_power_adjoint(g, a, n)")
# Least squares, a of full column rank (see runtime/linalg.py): the solution, the residuals
# and the singular values; the rank has no derivative.
defvjp(
    "np.linalg.lstsq",
    "a, b, rcond=None",
    a="_s2s.lstsq_share_a(g[0], g[1], g[3], a, b, y)",
    b="_s2s.lstsq_share_b(g[0], g[1], a, b, y)",
)

# <g, a x b> = <a, b x g> = <b, g x a>; 3-vectors along the last axis, broadcasting.
defvjp("np.cross", "a, b", broadcast=True, a="np.cross(b, g)", b="np.cross(g, a)")
defvjp("np.kron", "a, b", a="_s2s.kron_share_a(g, a, b)", b="_s2s.kron_share_b(g, a, b)")
# A full convolution's shares are valid correlations with the adjoint.
defvjp("np.convolve", "a, v", a="np.correlate(g, v)", v="np.correlate(g, a)")
defvjp(
    "np.correlate",
    "a, v",
    a="_s2s.correlate_share_a(g, a, v)",
    v="_s2s.correlate_share_v(g, a, v)",
)

defjvp(["@", "np.dot", "np.matmul"], "a, b", a="np.dot(da, b)", b="np.dot(a, db)")
defjvp("np.cross", "a, b", broadcast=True, a="np.cross(da, b)", b="np.cross(a, db)")
defjvp("np.kron", "a, b", a="np.kron(da, b)", b="np.kron(a, db)")
defjvp("np.convolve", "a, v", a="np.convolve(da, v)", v="np.convolve(a, dv)")
defjvp("np.correlate", "a, v", a="np.correlate(da, v)", v="np.correlate(a, dv)")
defjvp("np.inner", "a, b", a="np.inner(da, b)", b="np.inner(a, db)")
defjvp("np.vdot", "a, b", a="np.vdot(da, b)", b="np.vdot(a, db)")
defjvp("np.outer", "a, b", a="np.outer(da, b)", b="np.outer(a, db)")
deflinear("np.trace", "x, offset=0")
defjvp(
    "np.linalg.solve", "a, b", a="-np.linalg.solve(a, np.dot(da, y))", b="np.linalg.solve(a, db)"
)
defjvp("np.linalg.inv", "a", a="-np.dot(np.dot(y, da), y)")
defjvp("np.linalg.det", "a", a="y * np.trace(np.linalg.solve(a, da))")
# (the real part: the norm of complex values is real, and so is its tangent)
defjvp(
    "np.linalg.norm",
    "x, ord=None",
    x="np.real(np.sum(_s2s.norm_adjoint(1.0, x, y, ord) * dx))",
)
defjvp("np.linalg.cholesky", "a", a="_s2s.cholesky_tangent(y, da)")
defjvp("np.linalg.slogdet", "a", a="(0.0, np.trace(np.linalg.solve(a, da)))")
defjvp("np.linalg.eigh", "a", a="_s2s.eigh_tangent(da, y[0], y[1])")
defjvp("np.linalg.eigvalsh", "a", a="_s2s.eigvalsh_tangent(da, a)")
defjvp("np.linalg.eigvals", "a", a="_s2s.eigvals_tangent(da, a, y)")
defjvp("np.linalg.lstsq", "a, b, rcond=None", tangent="_s2s.lstsq_tangent(da, db, a, b, y)")
defjvp("np.linalg.pinv", "a, rcond=1e-15", a="_s2s.pinv_tangent(da, a, y)")
defjvp("np.linalg.svd", "a, full_matrices=True", a="_s2s.svd_tangent(da, a, y)")
defjvp("np.linalg.qr", "a", a="_s2s.qr_tangent(da, a, y)")
defjvp("np.linalg.matrix_power", "a, n", a="_s2s.matrix_power_tangent(da, a, n)")

nondifferentiable("np.linalg.matrix_rank")  # an integer
defvjp("np.linalg.cond", "x, p=None", x="_s2s.cond_adjoint(g, x, p)")
defjvp("np.linalg.cond", "x, p=None", x="np.sum(_s2s.cond_adjoint(1.0, x, p) * dx)")
