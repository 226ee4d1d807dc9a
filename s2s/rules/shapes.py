"""Rules of shape operations: linear, so the tangent is the operation applied to tangents
and the share is the adjoint, reshaped back."""

from .registry import defjvp, deflinear, defvjp

defvjp("np.reshape", "a, newshape", a="_s2s.reshape_like(g, a)")
defvjp(
    ["np.ravel", "np.atleast_1d", "np.atleast_2d", "np.atleast_3d"],
    "a",
    a="_s2s.reshape_like(g, a)",
)
defvjp("np.diagflat", "v, k=0", v="_s2s.diagflat_share(g, v, k)")
defvjp("np.squeeze", "a, axis=None", a="_s2s.reshape_like(g, a)")
defvjp("np.expand_dims", "a, axis", a="_s2s.reshape_like(g, a)")
defvjp("np.transpose", "a, axes=None", a="_s2s.transpose_adjoint(g, axes)")
defvjp("np.broadcast_to", "array, shape", array="_s2s.unbroadcast(g, array)")
defvjp("np.diag", "v", v="_s2s.diag_adjoint(g, v)")
defvjp("np.flip", "m, axis=None", m="_s2s.flip(g, axis)")
defvjp("np.fliplr", "m", m="np.fliplr(g)")
defvjp("np.rot90", "m, k=1", m="np.rot90(g, -k)")
defvjp("np.flipud", "m", m="np.flipud(g)")
defvjp("np.swapaxes", "a, axis1, axis2", a="np.swapaxes(g, axis1, axis2)")
defvjp("np.tril", "m, k=0", m="np.tril(g, k)")
defvjp("np.triu", "m, k=0", m="np.triu(g, k)")
defvjp("np.roll", "a, shift, axis=None", a="_s2s.roll_back(g, shift, axis)")
defvjp("np.diff", "a, n=1, axis=-1", a="_s2s.diff_adjoint(g, a, n, axis)")
defvjp("np.sort", "a, axis=-1, kind=None", a="_s2s.sort_adjoint(g, a, axis)")
# np.partition rearranges each row as sorting would, but for the order within the parts: an
# entry goes where its rank puts it in y's order. Sorting g in y's order, then placing it in
# a's, gives each entry its share (ties pair equal values, any way round).
defvjp(
    "np.partition",
    "a, kth, axis=-1",
    a="_s2s.sort_adjoint(_s2s.sort_tangent(g, y, axis), a, axis)",
)
defvjp("np.repeat", "a, repeats, axis=None", a="_s2s.repeat_adjoint(g, a, repeats, axis)")
defvjp("np.take", "a, indices, axis=None", a="_s2s.take_adjoint(g, a, indices, axis)")
# np.unique: each value is the entry it first occurs at (another equal entry moving splits it)
defvjp("np.unique", "ar", ar="_s2s.take_adjoint(g, ar, _s2s.unique_firsts(ar), None)")
defvjp(
    "np.append",
    "arr, values, axis=None",
    arr="_s2s.append_head(g, arr, axis)",
    values="_s2s.append_tail(g, arr, values, axis)",
)

# Rules over a tuple or list of arrays: the share of element `k` (`item`), which occupies
# `start:stop` of the output along the joined axis; `size` says how much of it that is.
defvjp(
    "np.concatenate",
    "seq, axis=0",
    seq="_s2s.slice_along(g, axis, start, stop)",
    size="_s2s.extent(item, axis)",
)
defvjp("np.stack", "seq, axis=0", seq="_s2s.take_along(g, axis, k)", size="1")
defvjp("np.vstack", "seq", seq="_s2s.vstack_part(g, start, stop, item)", size="_s2s.rows(item)")
defvjp("np.hstack", "seq", seq="_s2s.hstack_part(g, start, stop, item)", size="_s2s.cols(item)")
defvjp(
    "np.column_stack",
    "tup",
    tup="_s2s.column_stack_part(g, start, stop, item)",
    size="_s2s.stacked_cols(item)",
)
defvjp(
    "np.dstack",
    "tup",
    tup="_s2s.dstack_part(g, start, stop, item)",
    size="_s2s.stacked_depth(item)",
)

# np.resize repeats a's entries in order; np.extract takes those where the condition holds.
defvjp("np.resize", "a, new_shape", a="_s2s.resize_adjoint(g, a)")
defvjp("np.extract", "condition, arr", arr="_s2s.extract_adjoint(g, condition, arr)")
# np.ediff1d: to_begin, the differences of ary's entries in order, to_end; linear in all three.
defvjp(
    "np.ediff1d",
    "ary, to_end=None, to_begin=None",
    ary="_s2s.ediff1d_share(g, ary, to_begin)",
    to_end="_s2s.ediff1d_end_share(g, to_end)",
    to_begin="_s2s.ediff1d_begin_share(g, to_begin)",
)
defjvp(
    "np.ediff1d",
    "ary, to_end=None, to_begin=None",
    ary="np.ediff1d(dary, _s2s.zeros_or_none(to_end), _s2s.zeros_or_none(to_begin))",
    to_end="np.ediff1d(np.zeros_like(ary), dto_end, _s2s.zeros_or_none(to_begin))",
    to_begin="np.ediff1d(np.zeros_like(ary), _s2s.zeros_or_none(to_end), dto_begin)",
)
deflinear("np.resize", "a, new_shape")
deflinear("np.extract", "condition, arr", linear="arr")
deflinear("np.reshape", "a, newshape")
deflinear(["np.ravel", "np.atleast_1d", "np.atleast_2d", "np.atleast_3d"], "a")
deflinear("np.diagflat", "v, k=0")
deflinear("np.squeeze", "a, axis=None")
deflinear("np.expand_dims", "a, axis")
deflinear("np.transpose", "a, axes=None")
deflinear("np.broadcast_to", "array, shape")
deflinear("np.diag", "v")
deflinear("np.concatenate", "seq, axis=0")
deflinear("np.stack", "seq, axis=0")
deflinear(["np.vstack", "np.hstack"], "seq")
deflinear("np.column_stack", "tup")
deflinear("np.dstack", "tup")
deflinear(["np.fliplr", "np.flipud"], "m")
deflinear("np.rot90", "m, k=1")
deflinear("np.swapaxes", "a, axis1, axis2")
deflinear(["np.tril", "np.triu"], "m, k=0")
# Numba's np.flip, np.roll and np.diff take no axis: their tangents go through the runtime,
# as their adjoints do.
defjvp("np.flip", "m, axis=None", tangent="_s2s.flip(dm, axis)")
defjvp("np.roll", "a, shift, axis=None", tangent="_s2s.roll(da, shift, axis)")
defjvp("np.diff", "a, n=1, axis=-1", tangent="_s2s.diff(da, n, axis)")
defjvp("np.sort", "a, axis=-1, kind=None", tangent="_s2s.sort_tangent(da, a, axis)")
defjvp(
    "np.partition",
    "a, kth, axis=-1",
    tangent="_s2s.sort_adjoint(_s2s.sort_tangent(da, a, axis), y, axis)",
)
defjvp("np.repeat", "a, repeats, axis=None", tangent="_s2s.repeat(da, repeats, axis)")
defjvp("np.take", "a, indices, axis=None", tangent="_s2s.take(da, indices, axis)")
defjvp("np.unique", "ar", tangent="_s2s.take(dar, _s2s.unique_firsts(ar), None)")
deflinear("np.append", "arr, values, axis=None", linear="arr, values")
