"""Control flow: branches, for/while loops, break/continue, nesting, early exits."""

import math

import numba
import numpy as np
from numba import prange
from numba.typed import List

from .registry import array, case, integer, scalar


@case(scalar(-1.5, 1.5), tags={"if", "data_dependent", "piecewise"})
def if_elif_else(x):
    if x < -0.5:
        y = -x - 0.25
    elif x < 0.5:
        y = x * x
    else:
        y = x - 0.25
    return 2.0 * y


@case(scalar(), scalar(), tags={"if", "data_dependent", "piecewise"})
def if_without_else(x, y):
    r = x * y
    if x > y:
        r = r + (x - y) ** 2
    return r


@case(scalar(), integer(6), tags={"if", "int_arg"})
def if_on_int(x, n):
    if n % 2 == 0:
        r = x * n
    else:
        r = x / n
    if n > 10:
        r = r * r
    return r + math.sin(x)


@case(scalar(), integer(7), tags={"loop", "int_arg"})
def for_range_n(x, n):
    s = 0.0
    for i in range(n):
        s += x**i / (i + 1)
    return s


@case(array(9), tags={"loop", "index"})
def for_range_start_stop_step(a):
    s = 0.0
    for i in range(1, a.shape[0], 2):
        s += a[i] * a[i - 1]
    return s


@case(array(7), tags={"loop", "index"})
def for_negative_step(a):
    acc = 0.0
    for i in range(a.shape[0] - 1, -1, -1):
        acc = 0.5 * acc + a[i]
    return acc * acc


@case(array(10), integer(2), tags={"loop", "index", "int_arg"})
def for_runtime_bounds(a, k):
    n = a.shape[0]
    s = 0.0
    for i in range(n // 3, n - k, k):
        s += a[i] * a[i + 1] + a[i - 1]
    return s


@case(array(10), integer(3), tags={"loop", "index", "int_arg"})
def for_negative_runtime_step(a, k):
    s = 0.0
    for i in range(len(a) - 1, k - 1, -k):
        s = s * a[i] + math.cos(a[i - 1])
    return s


@case(array(6), tags={"loop"})
def for_over_array(a):
    s = 0.0
    for v in a:
        s += math.sin(v) * v
    return s


@case(array(4, 3), tags={"loop"})
def for_over_rows(m):
    s = 0.0
    for row in m:
        s += np.sum(row * row) ** 0.5
    return s


@case(array(5), output="array", tags={"loop", "index", "inplace"})
def for_len_range(a):
    out = np.zeros(len(a))
    for i in range(len(a)):
        out[i] = a[i] * (i + 1)
    return out


@case(array(4), tags={"loop", "if"})
def messages_in_f_strings(a):
    total = np.sum(a * a)
    note = f"total {total} over {a.shape[0]} entries"
    for i in range(a.shape[0]):
        if a[i] > 1e6:
            print(f"entry {i} is large: {a[i]}")
    if total > 1e12:
        raise ValueError(f"diverged: {total}")
    assert total >= 0.0, f"negative total {total}"
    if total < 0.0:
        print(note)
    return total * a[0]


@case(scalar(0.5, 2.0), tags={"while", "data_dependent"})
def while_newton_sqrt(a):
    x = a
    it = 0
    while abs(x * x - a) > 1e-14 * a and it < 60:
        x = 0.5 * (x + a / x)
        it += 1
    return x


@case(scalar(-2.0, 2.0), tags={"while", "data_dependent", "math"})
def while_series_exp(x):
    s = 0.0
    term = 1.0
    k = 1
    while abs(term) > 1e-17 * abs(s) + 1e-300:
        s += term
        term *= x / k
        k += 1
    return s


@case(scalar(0.5, 4.0), tags={"while", "data_dependent", "piecewise"})
def while_halving(x):
    y = x
    n = 0
    while y > 1.0:
        y = 0.5 * y
        n += 1
    return 2.0 * y + n


@case(scalar(), tags={"while", "break"})
def while_true_break(x):
    i = 0
    s = 0.0
    while True:
        s += x / (i + 1) ** 2
        i += 1
        if i >= 10:
            break
    return s * x


@case(array(8), tags={"while", "index"})
def while_countdown(a):
    i = a.shape[0] - 1
    s = 0.0
    while i >= 0:
        s = s * 0.7 + a[i] * a[i]
        i -= 2
    return s


@case(array(8, low=0.0, high=1.0), tags={"loop", "break", "if", "data_dependent", "piecewise"})
def for_break_on_value(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * a[i]
        if s > 1.5:
            break
    return s


@case(array(8), integer(5), tags={"loop", "break", "if", "int_arg"})
def for_break_on_index(a, k):
    s = 0.0
    for i in range(a.shape[0]):
        if i == k:
            break
        s += math.exp(a[i])
    return s


@case(array(8), tags={"loop", "continue", "if"})
def for_continue_on_index(a):
    s = 0.0
    for i in range(a.shape[0]):
        if i % 2 == 1:
            continue
        s += a[i] * a[i]
    return s


@case(array(8), tags={"loop", "continue", "if", "data_dependent", "piecewise"})
def for_continue_on_value(a):
    s = 0.0
    for v in a:
        if v < 0.0:
            continue
        s += v**3
    return s


@case(array(3, 4), tags={"loop", "nested", "index"})
def nested_loops(m):
    s = 0.0
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            s += m[i, j] * (i - j) + m[i, j] ** 2
    return s


@case(array(6), tags={"loop", "nested", "index"})
def nested_triangular(a):
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(i):
            s += a[i] * a[j] / (1.0 + i - j)
    return s


@case(
    array(8, low=0.0, high=1.0), tags={"loop", "early_return", "if", "data_dependent", "piecewise"}
)
def loop_return_on_value(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * a[i]
        if s > 1.5:
            return 2.0 * s
    return s


@case(array(6), integer(3), tags={"loop", "early_return", "if", "int_arg"})
def loop_return_on_index(a, k):
    s = 1.0
    for i in range(a.shape[0]):
        if i == k:
            return s
        s = s * math.cos(a[i]) + a[i]
    return -s


@case(array(8), tags={"loop", "if", "data_dependent", "piecewise"})
def loop_with_branch(a):
    s = 0.0
    for v in a:
        if v > 0.0:
            s += v * v
        else:
            s -= 0.5 * v * v
    return s


@case(array(4), tags={"while", "loop", "nested", "index"})
def while_around_for(a):
    s = 0.0
    k = 0
    while k < 3:
        for i in range(a.shape[0]):
            s = math.tanh(s + a[i] * (k + 1))
        k += 1
    return s


@case(scalar(), scalar(), integer(6), tags={"loop", "tuple", "math", "int_arg"})
def loop_carried_tuple(x, y, n):
    c = math.cos(0.3)
    s = math.sin(0.3)
    for _ in range(n):
        x, y = c * x - s * y, s * x + c * y + 0.1 * x * y
    return x * x + y


@case(array(5), output="array", tags={"loop", "if", "data_dependent", "piecewise"})
def loop_branch_array_out(a):
    out = np.empty_like(a)
    for i in range(a.shape[0]):
        if a[i] > 0.0:
            out[i] = a[i] * a[i]
        else:
            out[i] = 0.0
    return out


@case(array(6), output="tuple", tags={"loop", "tuple"})
def loop_tuple_output(a):
    s = 0.0
    p = 1.0
    for v in a:
        s += v
        p *= 1.0 + 0.5 * v
    return s, p, s * p


# Nested loops whose values the reverse sweep keeps: rectangular nests fill one preallocated
# tape at each iteration's place; other nests whose lengths can be counted ahead (triangles),
# arrays at a running place; the rest (bounds that change in the nest), lists.
@case(array(3, 4), tags={"loop", "nested", "index", "inplace", "recurrence", "math"})
def nested_state_update(a):
    h = np.zeros(a.shape[1])
    s = 0.0
    for t in range(a.shape[0]):
        for j in range(a.shape[1]):
            h[j] = math.tanh(h[j] + a[t, j])
            s += h[j] * h[j]
    return s


@case(array(6), tags={"loop", "nested", "index", "math"})
def nested_growing_bound(a):
    s = 0.0
    n = 1
    for _round in range(3):
        for j in range(n):
            s = math.sin(s + a[j])
        n += 1
    return s


@case(array(5), tags={"loop", "nested", "index", "while", "data_dependent", "math"})
def while_around_a_triangle(a):
    s = 0.5
    while s < 2.0:
        for i in range(a.shape[0]):
            for j in range(i):
                s += 0.1 * math.exp(a[i] * a[j] * s) / (1.0 + s)
    return s


@case(array(5), tags={"loop", "nested", "index", "math"})
def nested_triangular_state(a):
    s = 0.1
    for i in range(a.shape[0]):
        for j in range(i):
            s = s * 0.9 + math.cos(s * a[j])
    return s


@case(array(6), tags={"loop", "nested", "index", "if", "data_dependent", "math"})
def triangular_with_a_branch(a):
    """Values kept in one branch of a triangular nest: only the pairs that take it keep one."""
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(i + 1, a.shape[0]):
            d = a[i] - a[j]
            if d > 0.0:
                s += math.exp(-d) * a[j] * a[i]
            else:
                s -= d * d * a[j]
    return s


@case(array(7), tags={"loop", "nested", "index", "math"})
def ragged_inner_loops(a):
    """Inner loops whose lengths are computed from the outer index (``i % 3 + 1``), one of
    them inside a rectangular loop, the other after it."""
    s = 0.0
    for i in range(a.shape[0]):
        m = i % 3 + 1
        for r in range(2):
            for k in range(m):
                s = s * 0.5 + math.sin(s + a[(i + k) % a.shape[0]] * (r + 1))
        for k in range(i % 2, m):
            s += math.cos(a[k] * s)
    return s


@case(array(4, 3, low=0.5, high=2.0), tags={"loop", "nested", "index"})
def triangular_with_fixed_inner(X):
    """A loop of fixed bounds inside a triangular one: its trip count is the same on every
    iteration, so the reverse sweep needs no tape of it (the value it sums still has one)."""
    e = 0.0
    for i in range(X.shape[0]):
        for j in range(i + 1, X.shape[0]):
            r2 = 1.0
            for d in range(3):
                t = X[i, d] - X[j, d]
                r2 += t * t
            inv = 1.0 / (r2 * r2)
            e += inv * inv - inv
    return e


@case(array(3, 5), tags={"loop", "nested", "index", "math"})
def nested_three_deep(m):
    s = 0.0
    for r in range(2):
        for i in range(1, m.shape[0]):
            for j in range(0, m.shape[1], 2):
                s = math.sin(s) + m[i, j] * m[i - 1, j] * (r + 1)
    return s


@case(array(3, 3), tags={"loop", "shape", "method"})
def loop_view_adjoints(m):
    acc = m * 1.0
    s = 0.0
    for _step in range(3):
        y = (acc + m).T
        acc = y * 0.5 + y * y
        s += np.sum(y[0])
    return s + np.sum(acc)


@case(array(4, 4), array(4), tags={"loop", "linalg", "blas"})
def loop_matrix_vector_recurrence(w, x):
    h = x * 1.0
    s = 0.0
    for _step in range(3):
        h = np.tanh(w @ h + x)
        s += np.dot(h, h) + np.sum(h @ w)
    return s


@case(array(3), tags={"ufunc"})
def redefined_after_use(m):
    x = m * 2.0
    s = np.sum(x * x)
    x = np.sin(m) + m  # the share of `np.sin(m)` is the adjoint of `x` itself
    return s + np.sum(x * m)


# `s = s + s * a` on arrays: the share of `s * a` is the adjoint of `s` itself, which reversing
# `s * a` adds into before it reads that share: it must be a copy.
@case(array(3), array(3), tags=set())
def running_update_reads_itself(s0, a):
    s = s0 * 1.0
    s = s + s * a
    return np.sum(s)


@case(array(3), array(3), tags={"loop"})
def loop_running_update_reads_itself(s0, a):
    s = s0 * 1.0
    for _step in range(3):
        s = s + s * a
    return np.sum(s)


# A value the same along some loops of a rectangular nest (``h[j]`` along ``for i``) is kept
# once per iteration of the others; anything that writes into its array inside the loop, by
# any name or call, keeps it once per iteration of the whole nest.
@case(array(3, 3), array(4, 2), tags={"loop", "nested", "index", "inplace", "recurrence", "math"})
def matvec_recurrence(w, xs):
    n = w.shape[0]
    h = np.zeros(n)
    hnew = np.zeros(n)
    loss = 0.0
    for t in range(xs.shape[0]):
        for i in range(n):
            s = 0.1 * xs[t, i % 2]
            for j in range(n):
                s += w[i, j] * h[j] * xs[t, 1]
            hnew[i] = math.tanh(s)
        for i in range(n):
            h[i] = hnew[i]
            loss += h[i] * h[i]
    return loss


# `s` starts afresh in each iteration and nothing after the loop reads it: the reverse
# iterations may run in any order (forwards), each with its own `y[i]` and a zero adjoint.
@case(array(3, 2), array(2), tags={"loop", "nested", "index", "inplace", "math"})
def scratch_per_iteration(w, x):
    n = w.shape[0]
    y = np.zeros(n)
    total = 0.0
    for i in range(n - 1, -1, -1):
        s = 0.5 * x[0]
        for j in range(x.shape[0]):
            s += w[i, j] * x[j]
        y[i] = math.tanh(s)
        total += s * y[i]
    return total + np.sum(y * y)


# Read after the loop, the last iteration's `s` has an adjoint of its own: the reverse
# iterations must run backwards, the first of them taking it.
@case(array(3, 2), array(2), tags={"loop", "nested", "index", "math"})
def scratch_read_after_the_loop(w, x):
    total = 0.0
    s = 0.0
    for i in range(w.shape[0]):
        s = 0.5 * x[0]
        for j in range(x.shape[0]):
            s += w[i, j] * x[j]
        total += math.sin(s)
    return total * s


# Each iteration resets `y[i]` but reads its neighbour: elements pass between iterations.
@case(array(4), tags={"loop", "index", "inplace"})
def element_reset_read_by_the_next_iteration(x):
    n = x.shape[0]
    y = x * 1.0
    total = 0.0
    for i in range(n):
        y[i] = math.sin(y[i])
        total += y[i] * y[(i + 1) % n]
    return total


@case(array(3, 3), tags={"loop", "nested", "index", "inplace", "recurrence"})
def matvec_written_through_other_name(w):
    n = w.shape[0]
    h = np.ones(n)
    g = h
    s = 0.0
    for i in range(n):
        for j in range(n):
            s += w[i, j] * h[j]
        g[i] = 2.0 + i
    return s


@case(array(3, 3), tags={"loop", "nested", "index", "inplace", "method"})
def matvec_filled_in_loop(w):
    n = w.shape[0]
    h = np.ones(n)
    s = 0.0
    for i in range(n):
        for j in range(n):
            s += w[i, j] * h[j]
        h.fill(i + 2.0)
    return s


@case(array(3), array(2, 3), tags={"loop", "nested", "index", "inplace", "math"})
def same_along_outer_loop(a, b):
    w = a * a
    s = 0.0
    for t in range(b.shape[0]):
        for j in range(a.shape[0]):
            s += math.sin(w[j] * b[t, j])
    w[0] = 0.0
    return s + w[1]


# `math.exp(-logsigma[j])` is the same for every point `i`: the gradient computes it on the
# first point only and reads it back from its tape (which the reverse sweep reads anyway).
@case(array(3), array(3), array(4), tags={"loop", "nested", "index", "inplace", "math"})
def mixture_loops(mu, logsigma, x):
    logp = np.empty(mu.shape[0])
    total = 0.0
    for i in range(x.shape[0]):
        for j in range(mu.shape[0]):
            d = (x[i] - mu[j]) * math.exp(-logsigma[j])
            logp[j] = -(0.5 * d * d + logsigma[j])
        top = np.max(logp)
        total += top + math.log(np.sum(np.exp(logp - top)))
    return -total


# Costly values the same along the inner loop (`math.tanh(-(c[t] * scale))`), along both loops
# (`math.log(scale)`), and one whose operand the reverse sweep reads too (`math.sin(u)`, `u`
# used once more); loops that do not start at zero count their own iterations.
@case(array(3), array(3, 4), scalar(0.5, 2.0), tags={"loop", "nested", "index", "math"})
def costly_along_loops(c, b, scale):
    s = 0.0
    for t in range(1, c.shape[0]):
        for j in range(2, b.shape[1]):
            e = math.tanh(-(c[t] * scale))
            u = c[t - 1] + scale
            s += e * b[t, j] + math.log(scale) * math.sin(u) * u
    return s


# `a` is `s` or an element of `y`: writes into `y` change neither `s` nor what `a` holds.
@case(array(4), scalar(), tags={"if", "loop", "index", "inplace", "recurrence"})
def element_or_argument(x, s):
    y = x * 1.0
    if s > 0.0:
        a = s
    else:
        a = y[0]
    for i in range(1, x.shape[0]):
        y[i] = y[i - 1] * 0.7 + s
    return a * 0.3 + np.sum(y * y)


# `s` is rebound, after the writes into `y`, to what may be an element of `y`: the caller's `s`
# is not written into.
@case(array(4), scalar(), tags={"if", "loop", "index", "inplace", "recurrence", "tuple"})
def argument_rebound_to_an_element(x, s):
    y = x * s
    for i in range(1, x.shape[0]):
        y[i] = y[i - 1] * 0.7 + s
    if s + 0.5 > 0.0:
        a = y[0]
    else:
        a = s + s
    s, a = a, s * 0.5
    return s * 0.3 + a * 0.3 + np.sum(y * y)


@case(array(3, 2), tags={"loop", "nested", "index", "inplace"})
def rows_and_indices_taped_in_a_nest(w):
    # Values read in the innermost loop from arrays the outer loops change, taped on tapes
    # allocated before that loop: rows (a list tape), integers (an int tape), an inner
    # range that does not start at 0.
    h = np.ones((3, 2))
    order = np.zeros(3, dtype=np.int64)
    s = 0.0
    for _ in range(2):
        for i in range(1, 3):
            for j in range(1, 3):
                row = h[j]
                k = order[j]
                s += np.sum(row * w[i]) * w[k, 1]
            order[i] = (order[i] + 1) % 3
        for i in range(3):
            h[i, 0] = h[i, 0] + s * 0.1
    return s


@case(array(8), array(8), tags={"loop", "index", "reduction"})
def prange_reduction(x, w):
    total = 0.0
    for i in numba.prange(x.shape[0]):
        total += w[i] * math.tanh(x[i]) ** 2
    return total


@case(array(6, 3), tags={"loop", "index", "inplace", "nested"})
def prange_rows(m):
    out = np.empty(m.shape[0])
    for i in prange(m.shape[0]):
        acc = 0.0
        for j in range(m.shape[1]):
            acc += math.sin(m[i, j]) * m[i, j]
        out[i] = acc
    return np.sum(out * out)


@case(array(6), tags={"tuple", "index", "inplace"})
def nested_and_subscripted_unpacking(x):
    y = x.copy()
    (a, b), c = (y[0], y[1] * 2.0), y[2]
    y[0], y[1] = y[1], y[0]
    y[2], (p, q) = a * b, (c, y[3])
    return np.sum(y * y) + p * q + c


@case(array(6), array(6), tags={"loop", "tuple"})
def enumerate_zip_unpacked(x, w):
    total = 0.0
    for i, (a, b) in enumerate(zip(x, w), 1):
        total += i * a * math.sin(b)
    return total


@case(array(4, 2), tags={"loop", "tuple"})
def rows_unpacked(m):
    total = 0.0
    for a, b in m:
        total += a * math.cos(b)
    return total


@case(array(6), scalar(-0.5, 0.5), tags={"loop", "break", "if", "data_dependent", "piecewise"})
def for_else_search(x, t):
    found = 0.0
    for v in x:
        if v > t:
            found = v * v
            break
    else:
        found = np.sum(x) * 0.1
    return found + x[0] * t


@case(array(6), tags={"while", "break", "if", "data_dependent", "piecewise"})
def while_else(x):
    k = 0
    t = 0.0
    while k < x.shape[0]:
        t = t * 0.5 + x[k]
        if t > 1.5:
            break
        k += 1
    else:
        t = t + 1.0
    return t * t


@case(array(6), tags={"loop", "index", "fancy_index"})
def comprehensions_of_indices(x):
    picks = [i for i in range(x.shape[0]) if i % 2 == 0]
    weights = np.array([1.0 / (k + 1) for k in picks])
    total = 0.0
    for j, k in enumerate(picks):
        total += weights[j] * x[k] ** 2
    return total + np.sum(x[np.array([k + 1 for k in picks])])


@case(array(7), tags={"loop", "if", "data_dependent", "piecewise", "math"})
def comprehension_of_active_values(x):
    return np.sum(np.array([math.sin(v) * v for v in x if v > 0.0]))


@case(array(6), tags={"loop", "index", "recurrence", "math"})
def list_recurrence(x):
    xs = [x[0]]
    for i in range(1, x.shape[0]):
        xs.append(0.5 * xs[-1] + math.sin(x[i]) * xs[i - 1])
    total = 0.0
    for v in xs:
        total += v * v
    return xs[-1] * xs[0] + total + len(xs)


@case(array(5), scalar(), tags={"loop", "nested", "math"})
def comprehension_in_a_loop(x, w):
    total = 0.0
    for t in range(3):
        h = np.array([math.tanh(w * x[j] + t) for j in range(x.shape[0])])
        total += np.sum(h * h) * (t + 1)
    return total


@case(array(6), tags={"while", "index", "inplace", "data_dependent", "piecewise"})
def while_reads_in_its_condition(x):
    # `vals[k - 1]` is read only to be compared, in a branch of the loop's condition: it
    # needs no adjoint (one declared there left Numba a variable it could not type).
    vals = np.zeros(x.shape[0])
    k = 0
    while k < x.shape[0] and (k == 0 or vals[k - 1] < 5.0):
        vals[k] = math.exp(x[k]) * (k + 1)
        k += 1
    return np.sum(vals)


@case(array(5), scalar(), tags={"loop", "math"})
def sums_of_lists(x, w):
    total = 0.0
    for k in range(3):
        parts = [math.sin(w * v + k) for v in x]
        parts.append(x[0] * k)
        total += sum(parts) * (k + 1)
    return total + sum([v * v for v in x])


@case(array(3, 4), tags={"loop", "index", "nested"})
def ndindex_over_a_matrix(m):
    total = 0.0
    for idx in np.ndindex(m.shape):
        total += math.sin(m[idx]) * (idx[0] + 1) - idx[1] * m[idx] ** 2
    return total


@case(array(2, 3), output="array", tags={"loop", "index", "inplace", "tuple"})
def ndenumerate_unpacked(m):
    out = np.zeros_like(m)
    for (r, c), v in np.ndenumerate(m):
        out[r, c] = v * v * (r + 2 * c + 1)
    for i, j in np.ndindex(2, 3):
        out[i, j] += m[1 - i, 2 - j] * 0.5
    return out


@case(array(6), tags={"loop", "slice", "math"})
def typed_list_of_rows(x):
    rows = List()
    for i in range(3):
        rows.append(x[2 * i : 2 * i + 2] * (i + 1.0))
    total = 0.0
    for r in rows:
        total += np.sum(np.sin(r) * r)
    return total


@case(array(6), tags={"loop", "index", "math", "piecewise"})
def sorted_list_of_values(x):
    ordered = sorted([math.sin(v) + 0.7 * k for k, v in enumerate(x)])
    total = 0.0
    for k in range(len(ordered)):
        total += ordered[k] * (k + 1)
    return total + sorted(x)[0] ** 2


@case(array(7), tags={"loop", "slice", "index"})
def list_of_slices_of_different_lengths(x):
    parts = [x[0:3], x[3:5], x[5:7]]
    total = 0.0
    for k in range(len(parts)):
        total += np.sum(np.sin(parts[k]) * parts[k]) * (k + 1)
    return total
