"""Array indexing and in-place writes into arrays the function allocates."""

import math

import numpy as np

from .registry import array, case, integer, scalar


@case(array(6), tags={"index"})
def index_read(a):
    return a[0] * a[2] - a[-1] + a[-2] ** 2 + a[len(a) - 3]


@case(array(7), tags={"slice", "reduction"})
def slice_read(a):
    return np.sum(a[1:4] * a[:3]) + np.sum(a[::2]) - np.sum(a[-3:] ** 2) + a[2:5].sum()


@case(array(6), tags={"slice", "reduction"})
def slice_negative_step(a):
    b = a[::-1]
    return np.sum(b[:3] * a[:3]) + np.sum(a[4:0:-2])


@case(array(6), integer(2), tags={"index", "int_arg"})
def index_by_int_arg(a, k):
    return a[k] * a[k - 1] + a[-k] + np.sum(a[k:])


@case(array(3, 4), tags={"index"})
def index_2d(m):
    return m[0, 1] * m[1, 2] + m[-1, -1] - m[2, 0] ** 2


@case(array(3, 4), tags={"index", "slice", "reduction"})
def row_col_slices(m):
    return np.sum(m[1, :3] * m[:, 2]) + np.sum(m[0]) + np.sum(m[1:, 1:] ** 2)


@case(array(5), output="array", tags={"fancy_index"})
def fancy_index_read(a):
    idx = np.array([3, 0, 2, 2])
    return a[idx] * np.array([1.0, 2.0, 3.0, 4.0])


@case(array(5), output="array", tags={"tuple"})
def tuple_unpacked_for_an_array(a):
    # A local tuple is split into names for reverse mode (with the early return lowered);
    # jacrev also calls the function as written, whose statements that split leaves alone.
    scale = (a[0], 2.0)
    first, second = scale
    if a[1] > 1.5:
        return a * second
    return np.tanh(a[::-1] * first) * second + a * first


@case(array(4, 3), tags={"fancy_index", "reduction"})
def fancy_index_rows(m):
    rows = np.array([2, 0])
    return np.sum(m[rows, :] * m[:2, :])


@case(array(6), tags={"fancy_index", "reduction", "piecewise"})
def boolean_mask_sum(a):
    return np.sum(a[a > 0.0] ** 2) + np.sum(a)


@case(array(3), output="array", tags={"fancy_index", "inplace"})
def fancy_index_write(a):
    y = np.zeros(6)
    idx = np.array([0, 2, 5])
    y[idx] = a * a
    return y


@case(array(3), tags={"fancy_index", "inplace"})
def fancy_index_update_repeated(a):
    """``y[idx] += v`` with a position repeated in ``idx``: it is written once, with its
    last value, so the first value added there carries no derivative."""
    y = np.ones(6) * a[0]
    idx = np.array([0, 2, 2])
    y[idx] += a * a
    return np.sum(y * y)


@case(array(4), tags={"loop", "inplace"})
def part_subtracted_from(x):
    """``y[i] = e - y[i]``: no update in place, the part's adjoint changes sign."""
    y = x * 2.0
    for i in range(1, x.shape[0]):
        y[i] = x[i - 1] * x[i] - y[i]
    return np.sum(y * y)


@case(array(5), output="array", tags={"loop", "inplace"})
def zeros_fill_loop(x):
    y = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        y[i] = x[i] ** 2 + i
    return y


@case(array(5), tags={"loop", "inplace"})
def ones_like_augmented(x):
    y = np.ones_like(x)
    for i in range(x.shape[0]):
        y[i] += x[i]
        y[i] *= x[i]
        y[i] -= 0.5 * x[i]
    return np.sum(y)


@case(array(4), output="array", tags={"inplace", "slice"})
def empty_then_fill(x):
    y = np.empty(x.shape[0] + 1)
    y[0] = 1.0
    y[1:] = x * x
    return y


@case(array(6), tags={"inplace", "slice"})
def copy_slice_write(x):
    y = x.copy()
    y[1:] = x[:-1] * 2.0
    y[0] = 0.5
    return np.sum(y * x)


@case(array(5), tags={"loop", "inplace", "slice", "recurrence"})
def stencil_in_place(x):
    """A slice of ``y`` computed from views of ``y`` itself, written back, in a loop: the
    derivative code reads a view of ``y`` for its shape after the write."""
    y = x.copy()
    for k in range(3):
        y[1:] = y[1:] * 0.5 + y[:-1] * x[k]
    return np.sum(y * y)


@case(array(5), output="array", tags={"inplace", "slice"})
def slice_augmented_write(x):
    y = np.zeros(x.shape[0] + 1)
    y[1:] += x
    y[:-1] -= 0.5 * x
    y[2:4] *= 3.0
    return y


@case(array(6), tags={"inplace", "index"})
def copy_then_modify(x):
    y = x.copy()
    y[2] = 10.0 * y[2]
    y[-1] = y[0] * y[1]
    y[0] = 1.0
    return np.sum(y**2)


@case(array(3), tags={"loop", "inplace", "index"})
def chained_index_writes(x):
    t = np.zeros((2, 3, 3))
    for i in range(2):
        for j in range(3):
            t[i][j][j] = x[j] * (i + 1.0)  # t[i, j, j]
            t[1][j][0] += x[j] ** 2
        t[i][0][1:] = x[1:] * x[i]
    return np.sum(t * t)


@case(array(3), tags={"loop", "inplace", "index"})
def rows_named_then_written(x):
    a = np.zeros((3, 3))
    top = a[0]
    for i in range(3):
        row = a[i]
        for j in range(3):
            row[j] = x[i] * x[j]
        row[i] += np.sum(row)
    top *= x[1]
    for r in a:
        r[2] = r[0] * x[2]
    return np.sum(a * a)


@case(array(6), tags={"loop", "inplace", "slice"})
def parts_named_then_written(x):
    u = np.zeros(6)
    inner = u[1:-1]
    inner[:] = x[1:-1] * x[0]
    for _ in range(3):
        inner += 0.1 * (u[2:] - 2.0 * u[1:-1] + u[:-2])
    tail = u[2:]
    for i in range(3):
        tail[i + 1] = tail[i] * x[i]
    tail[-1] += x[5]
    a = np.zeros((4, 4))
    block = a[1:3, 1:]
    block[:, 0] = x[:2] * x[2:4]
    block[1, 1:] = inner[:2]
    a[2:][0][:2] += u[:2]  # a[2, :2]
    return np.sum(u * u) + np.sum(a * a) + np.sum(block)


@case(array(5), tags={"inplace", "slice"})
def parts_of_an_array_updated_in_place(x):
    u = np.zeros(5)
    head = u[:3]
    head[:] = x[:3] * x[3]
    u *= x[4]  # in place: `head` still sees it
    head[1] += u[0] + x[0]
    tail = u[3:]
    tail[0] = head[2] * x[1]
    return np.sum(u * u) + np.sum(head)


@case(array(2), array(3), tags={"index"})
def unpacked_parameters(p, q):
    x, y = p  # checked to hold two entries, as Python does
    a, b, c = q
    return x * a + y * b * c + math.sin(x * c)


@case(array(4, 3), array(3), tags={"index", "slice", "fancy_index", "loop", "nested"})
def chained_reads(X, w):
    """Reads through a part (``X[i][0]``), each one's share added into ``X``'s adjoint."""
    e = 0.0
    for i in range(X.shape[0]):
        for j in range(i + 1, X.shape[0]):
            d = X[i][0] - X[j][0]
            e += d * d * w[1] + X[i][1] * X[j][2]
    B = X * w
    for j in range(3):
        e += B[1:][j][j] * X[2][j] + B[2, :][j] ** 2  # a slice, then a row and a tuple part
    picked = np.array([3, 0, 3])
    e += np.sum(X[picked][1] * w) + X[picked][2][0]  # gathered copies; row 3 twice
    C = np.reshape(X, (2, 2, 3))
    return e + C[1][0][2] * C[0][1][1]


@case(array(4, 3), array(4), tags={"index", "loop", "nested", "if", "inplace"})
def rows_read_by_entry(X, w):
    """Rows named, then read entry by entry: in the loop inside, in a branch, after an index
    is rebound, before a write (each share into the adjoint where the entry came from)."""
    e = 0.0
    for i in range(X.shape[0]):
        xi = X[i]
        for j in range(i + 1, X.shape[0]):
            xj = X[j]
            d = xi[0] - xj[0]
            e += d * d * w[j] + xi[1] * xj[2]
            if w[i] > 0.0:
                e += xj[1] * xi[2]
    k = 1
    row = X[k]
    a = row[0] * w[0]
    k = 2  # `row` is still X[1]
    e += a * row[2] + X[k][1]
    B = X * 2.0
    top = B[0]
    b = top[1] * top[2]
    B[0, 1] = 3.0 * b  # written after the row's last read
    return e + b * B[0, 1] + np.sum(B)


@case(array(5), tags={"loop", "slice", "inplace", "recurrence"})
def part_read_while_written(x):
    """Each ``u[2:][i]`` reads what the iteration before wrote; ``u`` is rebound after."""
    u = np.zeros(8)
    u[:3] = x[:3]
    for i in range(5):
        u[3 + i] = u[2:][i] * x[i]
    u = u * 2.0
    return np.sum(u * u)


@case(array(4), tags={"index"})
def one_entry_items(x):
    first = np.sum(x[:1] * x[1]).item()
    corner = np.reshape(x[2:3] * x[3], (1, 1)).item()
    return first * corner + np.float64(x[0]).item()


@case(array(4), tags={"inplace", "slice"})
def filled_and_written_whole(x):
    y = np.empty((2, 4))
    y.fill(x[0] * x[1])  # a write of the whole array
    y[1, 2] = x[2]
    z = np.zeros((3, 4))
    z[...] = x * x
    z[..., 1] = x[:3] * 2.0
    return np.sum(y * x) + np.sum(z * z) + y[0, 3] * z[2, 1]


@case(array(3, 4), output="array", tags={"loop", "inplace", "slice"})
def row_writes(m):
    out = np.zeros((m.shape[0], m.shape[1]))
    for i in range(m.shape[0]):
        out[i, :] = m[i, :] * (i + 1.0)
    return out


@case(array(3, 4), output="array", tags={"loop", "inplace", "slice", "recurrence"})
def column_recurrence(m):
    out = np.zeros_like(m)
    out[:, 0] = m[:, 0]
    for j in range(1, m.shape[1]):
        out[:, j] = 0.5 * out[:, j - 1] + m[:, j]
    return out


@case(array(4, 4), output="array", tags={"loop", "nested", "inplace", "index"})
def zeros_2d_accumulate(m):
    out = np.zeros((2, 2))
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            out[i % 2, j % 2] += m[i, j] * m[j, i]
    return out


@case(array(6, low=0.5, high=1.5), output="array", tags={"loop", "inplace", "recurrence"})
def recurrence_product(x):
    y = np.empty_like(x)
    y[0] = x[0]
    for i in range(1, x.shape[0]):
        y[i] = y[i - 1] * x[i]
    return y


@case(array(6), tags={"loop", "inplace", "recurrence", "math"})
def recurrence_to_scalar(x):
    y = np.zeros(x.shape[0])
    y[0] = x[0]
    for i in range(1, x.shape[0]):
        y[i] = 0.5 * y[i - 1] + math.sin(x[i])
    return np.sum(y * y)


@case(array(6), tags={"loop", "inplace", "recurrence"})
def overwrite_same_cell(x):
    acc = np.zeros(1)
    for i in range(x.shape[0]):
        acc[0] = acc[0] * x[i] + 1.0
    return acc[0]


@case(array(5), tags={"loop", "inplace", "recurrence"})
def shift_register(x):
    buf = np.zeros(2)
    for v in x:
        buf[0] = buf[1]
        buf[1] = v * buf[0] + v
    return buf[0] + 2.0 * buf[1]


@case(array(5), output="array", tags={"loop", "nested", "inplace", "recurrence"})
def repeated_overwrite(x):
    y = np.zeros(x.shape[0])
    for _ in range(3):
        for i in range(x.shape[0]):
            y[i] = np.tanh(y[i] + x[i])
    return y


@case(array(7), output="array", tags={"loop", "inplace", "slice", "reduction"})
def sliding_window_mean(x):
    out = np.zeros(x.shape[0] - 2)
    for i in range(x.shape[0] - 2):
        out[i] = np.sum(x[i : i + 3]) / 3.0
    return out


@case(array(3, 4), tags={"method", "loop", "inplace", "tuple"})
def shape_unpacking(m):
    r, c = m.shape
    w = np.ones((c,))
    w[0] = 2.0
    s = 0.0
    for i in range(r):
        s += np.sum(m[i] * w) ** 2
    return s


@case(array(4), output="array", tags={"inplace", "index"})
def ones_2d_row_assign(x):
    y = np.ones((2, x.shape[0]))
    y[1] = x * 3.0
    y[0, 1:] = x[:-1]
    return y


@case(array(5), output="tuple", tags={"loop", "inplace", "recurrence", "tuple"})
def array_and_scalar_output(x):
    y = np.zeros_like(x)
    y[0] = x[0]
    for i in range(1, x.shape[0]):
        y[i] = y[i - 1] + x[i] * x[i]
    return y, y[-1] * 0.5


# Arrays whose shape changes from one iteration, or one binding, to the next: reverse mode
# must give each adjoint the shape of the value it belongs to (not the last one's).
@case(array(5), scalar(0.5, 1.5), tags={"loop", "slice", "broadcast", "reduction"})
def shrinking_slices(x, w):
    s = 0.0
    for i in range(4, 0, -1):
        t = x[:i] * w
        s = s + np.sum(t * t)
    return s


@case(array(5), tags={"loop", "slice", "reduction"})
def growing_slices_squared(x):
    s = 0.0
    for i in range(1, 5):
        t = x[:i] * x[:i]
        s = s + np.sum(t * t)
    return s


@case(array(4), scalar(0.5, 1.5), tags={"slice", "reduction"})
def rebound_to_smaller_slice(x, w):
    t = x[:3] * w
    s = np.sum(t * t)
    t = x[:2] * w
    s = s + np.sum(t * t)
    return s


@case(array(6), scalar(0.5, 1.5), tags={"loop", "slice", "broadcast", "reduction"})
def shrinking_carried_array(x, w):
    a = x * w
    s = 0.0
    for _ in range(3):
        a = a[1:] * w
        s = s + np.sum(a * a)
    return s


@case(array(6), tags={"loop", "slice", "reduction", "math"})
def windows_of_changing_width(x):
    s = 0.0
    for i in range(1, 5):
        window = x[i - 1 : 2 * i]
        window = np.sin(window) * window
        s = s + np.sum(window) / window.shape[0]
    return s


@case(array(5), scalar(0.5, 1.5), tags={"loop", "if", "slice", "broadcast", "reduction"})
def branch_picks_slice_width(x, w):
    s = 0.0
    for i in range(1, 5):
        if i % 2 == 0:
            t = x[:i] * w
        else:
            t = x[:1] * w
        s = s + np.sum(t * t)
    return s


@case(array(5), scalar(0.5, 1.5), tags={"while", "slice", "broadcast", "reduction"})
def while_shrinking_slices(x, w):
    s = 0.0
    n = x.shape[0]
    while n > 1:
        t = x[:n] * w
        s = s + np.sum(t * t)
        n -= 1
    return s


@case(array(6), tags={"shape", "tuple", "math"})
def starred_shapes(x):
    m = x.reshape((2, 3))
    ones = np.ones((*m.shape, 2))
    rows = np.zeros((4, *m.shape[1:]))
    angle = math.atan2(*(x[0], x[1] + 2.0))
    return np.sum(ones[:, :, 0] * m * m) + np.sum(rows[0] * m[0]) + angle * len((*m.shape,))


@case(array(7), tags={"shape", "slice", "loop"})
def split_into_parts(x):
    first, middle, last = np.split(x, (2, 5))
    total = np.sum(first) * np.sum(middle * middle) + np.sum(np.sin(last))
    parts = np.array_split(x, 3)
    for k in range(len(parts)):
        total += np.sum(parts[k] ** 2) * (k + 1)
    return total + np.sum(np.split(x[1:], 2)[1] * 0.5)


@case(array(2, 3), tags={"index", "loop"})
def flat_positions(a):
    b = a * a
    s = b.flat[4] * a.flat[0]
    for v in a.flat:
        s += np.sin(v)
    return s
