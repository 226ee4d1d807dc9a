"""Reverse-mode rules of linear algebra (matrix calculus, as in Giles' collection)."""

from .registry import defvjp

defvjp(
    ["@", "np.dot", "np.matmul"],
    "a, b",
    a="_s2s.matmul_adjoint_a(g, a, b)",
    b="_s2s.matmul_adjoint_b(g, a, b)",
)
defvjp("np.inner", "a, b", a="g * b", b="g * a")
defvjp("np.vdot", "a, b", a="g * b", b="g * a")
defvjp("np.outer", "a, b", a="np.dot(g, b)", b="np.dot(g.T, a)")
defvjp("np.trace", "x", x="g * np.eye(x.shape[0], x.shape[1])")
defvjp("np.linalg.solve", "a, b", a="_s2s.solve_adjoint_a(g, a, y)", b="np.linalg.solve(a.T, g)")
defvjp("np.linalg.inv", "a", a="-np.dot(np.dot(y.T, g), y.T)")
defvjp("np.linalg.det", "a", a="g * y * np.linalg.inv(a).T")
defvjp("np.linalg.norm", "x, ord=None", x="_s2s.norm_adjoint(g, x, y, ord)")
# numpy reads only the lower triangle of `a`: the symmetric adjoint, folded onto it.
defvjp("np.linalg.cholesky", "a", a="_s2s.lower_triangle_adjoint(_s2s.cholesky_adjoint(g, y))")
defvjp("np.linalg.slogdet", "a", a="g[1] * np.linalg.inv(a).T")
