"""Small realistic programs: integrators, recurrent nets, likelihoods, solvers."""

import math

import numpy as np

from .registry import array, case, fixed, integer, scalar, spd

LABELS = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 0.0])
ONE_HOT = np.array(
    [
        [1.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 1.0],
        [0.0, 1.0, 0.0, 0.0, 0.0],
    ]
)


def _oscillator_rhs(y, p):
    out = np.empty(2)
    out[0] = y[1]
    out[1] = -p[0] * y[0] - p[1] * y[1]
    return out


@case(array(8), scalar(0.05, 0.2), integer(4), tags={"program", "loop", "slice", "inplace"})
def leapfrog_wave(u0, c, steps):
    """The 1-D wave equation, three time levels rotated by name: each step writes into the
    array it has just made, which the names of the other levels never hold at that point."""
    u = u0.copy()
    up = u0.copy()
    for _ in range(steps):
        un = 2.0 * u - up
        un[1:-1] += c * (u[2:] - 2.0 * u[1:-1] + u[:-2])
        up = u
        u = un
    return np.sum(u * u)


@case(array(8), scalar(0.05, 0.3), tags={"program", "loop", "index", "inplace"})
def heat_double_buffer(u0, k):
    """Explicit diffusion into a second buffer, the two swapped by name after each step, as
    stencil code for Numba is written: the writes go into the array the other name left."""
    u = u0.copy()
    v = np.empty_like(u)
    n = u.shape[0]
    for _ in range(5):
        v[0] = u[0]
        v[n - 1] = u[n - 1]
        for i in range(1, n - 1):
            v[i] = u[i] + k * (u[i - 1] - 2.0 * u[i] + u[i + 1])
        u, v = v, u
    return np.sum(u * u)


@case(array(6), tags={"program", "loop", "index", "inplace", "math"})
def relaxation_swap_through_a_name(u0):
    """A nonlinear relaxation whose buffers trade places through a third name."""
    u = u0 * 1.0
    v = np.zeros(u.shape[0])
    for _ in range(4):
        for i in range(1, u.shape[0] - 1):
            v[i] = 0.5 * (u[i - 1] + u[i + 1]) + 0.1 * math.sin(u[i])
        t = u
        u = v
        v = t
    return np.sum(u * u) + u[2]


@case(scalar(), scalar(0.5, 1.5), integer(50), tags={"program", "loop", "math", "int_arg"})
def euler_scalar_ode(y0, k, n):
    dt = 1.0 / n
    y = y0
    t = 0.0
    for _ in range(n):
        y = y + dt * (-k * y + math.sin(3.0 * t))
        t += dt
    return y


@case(
    array(2, low=0.5, high=1.5),
    array(4, low=0.5, high=1.0),
    output="array",
    tags={"program", "loop", "inplace", "index"},
)
def euler_lotka_volterra(x0, theta):
    x = x0.copy()
    dt = 0.05
    for _ in range(40):
        dx = theta[0] * x[0] - theta[1] * x[0] * x[1]
        dy = theta[3] * x[0] * x[1] - theta[2] * x[1]
        x[0] = x[0] + dt * dx
        x[1] = x[1] + dt * dy
    return x


@case(scalar(0.1, 0.9), scalar(0.5, 2.0), tags={"program", "loop"})
def rk4_logistic(y0, a):
    h = 0.1
    y = y0
    for _ in range(20):
        k1 = a * y * (1.0 - y)
        y2 = y + 0.5 * h * k1
        k2 = a * y2 * (1.0 - y2)
        y3 = y + 0.5 * h * k2
        k3 = a * y3 * (1.0 - y3)
        y4 = y + h * k3
        k4 = a * y4 * (1.0 - y4)
        y = y + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return y


@case(
    array(2),
    array(2, low=0.5, high=1.5),
    output="array",
    tags={"program", "loop", "helper", "inplace", "index"},
)
def rk4_oscillator(y0, p):
    h = 0.1
    y = y0.copy()
    for _ in range(15):
        k1 = _oscillator_rhs(y, p)
        k2 = _oscillator_rhs(y + 0.5 * h * k1, p)
        k3 = _oscillator_rhs(y + 0.5 * h * k2, p)
        k4 = _oscillator_rhs(y + h * k3, p)
        y = y + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return y


@case(
    array(4, 4, low=-0.5, high=0.5),
    array(4, 3, low=-0.5, high=0.5),
    array(6, 3),
    array(4),
    tags={"program", "loop", "linalg", "blas", "ufunc"},
)
def rnn_loss(w, u, xs, h0):
    h = h0.copy()
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(w @ h + u @ xs[t])
        loss += np.sum(h * h) / (t + 1)
    return loss


@case(
    array(8),
    array(3),
    array(3, low=-0.5, high=0.5),
    array(3),
    tags={"program", "loop", "nested", "math", "index"},
)
def gmm_nll_loops(x, mu, log_sigma, logit_w):
    k = mu.shape[0]
    m = np.max(logit_w)
    log_norm = m + math.log(np.sum(np.exp(logit_w - m)))
    nll = 0.0
    for i in range(x.shape[0]):
        z = np.empty(k)
        for j in range(k):
            d = (x[i] - mu[j]) / math.exp(log_sigma[j])
            z[j] = logit_w[j] - log_norm - 0.5 * d * d - log_sigma[j] - 0.5 * math.log(2 * math.pi)
        zmax = np.max(z)
        nll -= zmax + math.log(np.sum(np.exp(z - zmax)))
    return nll


@case(
    array(8),
    array(3),
    array(3, low=-0.5, high=0.5),
    array(3),
    tags={"program", "broadcast", "reduction", "ufunc"},
)
def gmm_nll_vectorised(x, mu, log_sigma, logit_w):
    m = np.max(logit_w)
    log_w = logit_w - m - np.log(np.sum(np.exp(logit_w - m)))
    d = (x[:, None] - mu[None, :]) / np.exp(log_sigma)[None, :]
    z = log_w[None, :] - 0.5 * d * d - log_sigma[None, :] - 0.5 * np.log(2 * np.pi)
    zmax = np.max(z)
    return -np.sum(zmax + np.log(np.sum(np.exp(z - zmax), axis=1)))


SOFTENING = 0.01


@case(
    array(5, 2, low=-2.0, high=2.0),
    array(5, low=0.5, high=1.5),
    tags={"program", "loop", "nested", "index", "global", "math"},
)
def pair_energy(X, m):
    """A softened pair potential, as Numba users write it: coordinates read through rows."""
    e = 0.0
    for i in range(X.shape[0]):
        for j in range(i + 1, X.shape[0]):
            dx = X[i][0] - X[j][0]
            dy = X[i][1] - X[j][1]
            e -= m[i] * m[j] / math.sqrt(dx * dx + dy * dy + SOFTENING)
    return e


@case(array(3), array(6, 3), fixed(LABELS), tags={"program", "linalg", "blas", "ufunc"})
def logistic_regression_loss(w, x, y):
    z = x @ w
    return np.sum(np.log1p(np.exp(z)) - y * z) / y.shape[0] + 0.01 * np.sum(w * w)


@case(
    array(4, 5, low=-2.0, high=2.0),
    fixed(ONE_HOT),
    tags={"program", "loop", "reduction", "ufunc", "index"},
)
def softmax_cross_entropy(logits, labels):
    loss = 0.0
    for i in range(logits.shape[0]):
        row = logits[i]
        m = np.max(row)
        lse = m + np.log(np.sum(np.exp(row - m)))
        loss += lse - np.sum(labels[i] * row)
    return loss / logits.shape[0]


@case(array(5, low=-1.5, high=1.5), tags={"program", "loop", "index"})
def rosenbrock(x):
    s = 0.0
    for i in range(x.shape[0] - 1):
        s += 100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2
    return s


@case(array(5, low=-1.5, high=1.5), tags={"program", "slice", "reduction"})
def rosenbrock_vectorised(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


@case(scalar(-2.0, 2.0), tags={"program", "while", "data_dependent"})
def newton_cubic_root(c):
    z = 0.0
    step = 1.0
    it = 0
    while abs(step) > 1e-13 and it < 50:
        step = (z**3 + z - c) / (3.0 * z * z + 1.0)
        z = z - step
        it += 1
    return z


@case(
    array(4, 3),
    array(4),
    array(2, 4),
    array(2),
    array(5, 3),
    array(5, 2),
    tags={"program", "linalg", "blas", "broadcast", "ufunc"},
)
def mlp_loss(w1, b1, w2, b2, x, y):
    h = np.tanh(x @ w1.T + b1)
    out = h @ w2.T + b2
    return 0.5 * np.sum((out - y) ** 2) / x.shape[0]


@case(array(6), scalar(), tags={"program", "loop", "index"})
def horner(coeffs, x):
    r = 0.0
    for i in range(coeffs.shape[0] - 1, -1, -1):
        r = r * x + coeffs[i]
    return r


@case(array(5), array(7), output="array", tags={"program", "loop", "index"})
def horner_vectorised(coeffs, x):
    r = np.zeros_like(x)
    for c in coeffs[::-1]:
        r = r * x + c
    return r


@case(
    array(8),
    scalar(-0.9, 0.9),
    output="array",
    tags={"program", "loop", "inplace", "recurrence", "index"},
)
def ar1_filter(x, a):
    y = np.zeros_like(x)
    y[0] = x[0]
    for i in range(1, x.shape[0]):
        y[i] = a * y[i - 1] + x[i]
    return y


@case(
    array(8),
    scalar(0.5, 0.99),
    output="array",
    tags={"program", "loop", "inplace", "recurrence", "index"},
)
def discounted_returns(rewards, gamma):
    g = np.zeros_like(rewards)
    acc = 0.0
    for t in range(rewards.shape[0] - 1, -1, -1):
        acc = rewards[t] + gamma * acc
        g[t] = acc
    return g


@case(
    array(8),
    scalar(0.1, 0.3),
    output="array",
    tags={"program", "loop", "nested", "inplace", "recurrence", "index"},
)
def heat_equation(u0, alpha):
    u = u0.copy()
    for _ in range(10):
        new = u.copy()
        for i in range(1, u.shape[0] - 1):
            new[i] = u[i] + alpha * (u[i - 1] - 2.0 * u[i] + u[i + 1])
        u = new
    return u


@case(spd(3), tags={"program", "loop", "linalg", "blas"})
def power_iteration(s):
    v = np.ones(s.shape[0])
    for _ in range(30):
        w = s @ v
        v = w / np.linalg.norm(w)
    return v @ (s @ v)


@case(array(3), spd(3), tags={"program", "loop", "linalg", "blas"})
def gradient_descent_quadratic(x0, a):
    x = x0.copy()
    lr = 0.05
    for _ in range(10):
        g = a @ x - 1.0
        x = x - lr * g
    return 0.5 * x @ (a @ x) - np.sum(x)


@case(scalar(), scalar(), scalar(0.5, 1.5), tags={"program", "loop", "tuple"})
def leapfrog(q0, p0, k):
    q, p = q0, p0
    dt = 0.1
    for _ in range(20):
        p = p - 0.5 * dt * k * q
        q = q + dt * p
        p = p - 0.5 * dt * k * q
    return 0.5 * p * p + 0.5 * k * q * q + q


@case(array(5), array(5), tags={"program", "loop", "index", "inplace"})
def anharmonic_verlet(x0, v0):
    """Velocity Verlet for uncoupled anharmonic oscillators, positions and velocities updated
    in place: the force reads ``x[i]`` three times, all one value, before ``x`` is written."""
    x = x0.copy()
    v = v0.copy()
    f = np.zeros(x.shape[0])
    dt = 0.05
    for _ in range(6):
        for i in range(x.shape[0]):
            f[i] = -x[i] - 0.1 * x[i] * x[i] * x[i]
        for i in range(x.shape[0]):
            v[i] += 0.5 * dt * f[i]
            x[i] += dt * v[i]
        for i in range(x.shape[0]):
            v[i] += 0.5 * dt * (-x[i] - 0.1 * x[i] * x[i] * x[i])
    return np.sum(x * x) + np.sum(v * v)


@case(scalar(), scalar(), scalar(0.5, 1.5), output="tuple", tags={"program", "loop", "tuple"})
def leapfrog_state(q0, p0, k):
    q, p = q0, p0
    for _ in range(20):
        p, q = p - 0.05 * k * q, q + 0.1 * (p - 0.05 * k * q)
        p = p - 0.05 * k * q
    return q, p


@case(
    array(3),
    array(3),
    spd(3),
    tags={"program", "loop", "nested", "linalg", "blas", "inplace", "index", "math"},
)
def gaussian_logpdf_cholesky(x, mu, s):
    ell = np.linalg.cholesky(s)
    n = x.shape[0]
    z = np.zeros(n)
    for i in range(n):
        acc = x[i] - mu[i]
        for j in range(i):
            acc -= ell[i, j] * z[j]
        z[i] = acc / ell[i, i]
    logdet = 0.0
    for i in range(n):
        logdet += math.log(ell[i, i])
    return -0.5 * np.sum(z * z) - logdet - 0.5 * n * math.log(2.0 * math.pi)


@case(
    scalar(0.0, 1.0),
    scalar(-0.5, 0.5),
    array(6, low=0.0, high=6.0),
    tags={"program", "loop", "math", "index"},
)
def negative_binomial_nll(log_r, logit_p, counts):
    r = math.exp(log_r)
    log_p = -math.log1p(math.exp(-logit_p))
    log_q = -math.log1p(math.exp(logit_p))
    nll = 0.0
    for i in range(counts.shape[0]):
        k = counts[i]
        nll -= math.lgamma(k + r) - math.lgamma(r) - math.lgamma(k + 1.0) + r * log_p + k * log_q
    return nll


@case(array(7), tags={"program", "reduction", "piecewise"})
def median_absolute_deviation(x):
    return np.median(np.abs(x - np.median(x)))


@case(array(8), array(3, low=0.1, high=1.0), tags={"program", "reduction"})
def smoothed_roughness(signal, kernel):
    smooth = np.convolve(signal, kernel / np.sum(kernel))
    return np.sum(np.diff(smooth) ** 2)


@case(array(4, 3), array(4, 3), tags={"program", "linalg", "reduction"})
def total_torque(r, f):
    return np.sum(np.cross(r, f) ** 2)


@case(array(6), tags={"program", "reduction", "piecewise"})
def trimmed_weights(x):
    ordered = np.sort(x)
    return np.sum(ordered * np.linspace(0.0, 1.0, x.shape[0]))


@case(array(8), scalar(0.1, 0.4), output="array", tags={"program", "loop", "ufunc"})
def periodic_diffusion(u, nu):
    for _ in range(3):
        u = u + nu * (np.roll(u, 1) - 2.0 * u + np.roll(u, -1))
    return u


@case(array(8), scalar(0.1, 0.4), output="array", tags={"program", "loop", "inplace", "index"})
def heat_with_fixed_ends(u, nu):
    for _ in range(3):
        u = u + nu * (np.roll(u, 1) - 2.0 * u + np.roll(u, -1))
        u[0] = 0.0  # the ends held: a write into the new array, never into the argument
        u[-1] = 0.5 * u[-2]
    return u


@case(array(7), scalar(0.5, 2.0), tags={"program", "reduction", "loop"})
def work_along_a_path(x, stiffness):
    """The work of a nonlinear spring's force along sampled positions, by the trapezoidal rule,
    and the time-averaged energy on a uniform step."""
    positions = np.cumsum(np.abs(x)) * 0.2
    force = -stiffness * positions - 0.1 * positions**3
    work = np.trapezoid(force, positions)
    energy = np.trapezoid(0.5 * stiffness * positions**2, dx=0.1)
    return work + energy


@case(array(3, 8), array(3, low=0.2, high=1.0), tags={"program", "reduction", "linalg"})
def portfolio_risk(returns, weights):
    """A portfolio's variance from its assets' sample covariance, less a tenth of the first
    asset's (its own return's variance, a 0-d array)."""
    w = weights / np.sum(weights)
    return w @ np.cov(returns) @ w - 0.1 * np.cov(returns[0])


@case(array(5), array(5), scalar(0.05, 0.1), tags={"program", "loop", "if", "inplace"})
def reflecting_walls(x0, v0, dt):
    """Particles between walls at 0 and 1, reflected in place: a value the reverse sweep
    needs, read in a branch that only some iterations take."""
    x = x0.copy()
    v = v0.copy()
    for _ in range(8):
        for i in range(x.shape[0]):
            x[i] += dt * v[i]
            if x[i] > 1.0:
                x[i] = 2.0 - x[i]
                v[i] = -v[i]
            elif x[i] < 0.0:
                x[i] = -x[i]
                v[i] = -v[i]
    return np.sum(x * v)


@case(spd(4), array(4), tags={"program", "loop", "if", "inplace", "linalg"})
def gauss_seidel_sweeps(A, b):
    """Gauss-Seidel sweeps for ``A x = b``, skipping the diagonal by a branch."""
    n = b.shape[0]
    x = np.zeros(n)
    for _ in range(6):
        for i in range(n):
            s = b[i]
            for j in range(n):
                if j != i:
                    s -= A[i, j] * x[j]
            x[i] = s / A[i, i]
    return np.sum(x * x)


@case(spd(5), array(5), tags={"program", "loop", "nested", "index", "math", "inplace", "linalg"})
def cholesky_solve_by_loops(A, b):
    """A Cholesky factorisation and a forward substitution written out: triangular nests,
    one loop after other statements of its parent's body, entries of ``L`` read as it fills."""
    n = A.shape[0]
    L = np.zeros((n, n))
    for j in range(n):
        s = A[j, j]
        for k in range(j):
            s -= L[j, k] * L[j, k]
        L[j, j] = math.sqrt(s)
        for i in range(j + 1, n):
            t = A[i, j]
            for k in range(j):
                t -= L[i, k] * L[j, k]
            L[i, j] = t / L[j, j]
    y = np.zeros(n)
    for i in range(n):
        t = b[i]
        for k in range(i):
            t -= L[i, k] * y[k]
        y[i] = t / L[i, i]
    return np.dot(y, y)


@case(
    array(5, 5), scalar(0.2, 0.8), tags={"program", "loop", "nested", "index", "inplace", "tuple"}
)
def jacobi_2d_swapped(u0, w):
    """Weighted Jacobi sweeps of a grid into a second buffer, the two swapped by name: the sum
    of each cell's neighbours is kept, read from an array the next sweep writes into."""
    u = u0.copy()
    new = u0.copy()
    n, m = u.shape
    for _ in range(3):
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                around = u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1]
                new[i, j] = (1 - w) * u[i, j] + w * 0.25 * around
        u, new = new, u
    return np.sum(u**2)
