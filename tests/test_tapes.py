"""How the reverse sweep keeps values in loops: preallocated tapes with one place per
iteration of the loops a value changes along (the gradients themselves are checked on the
same functions by the corpus tests)."""

import re

import numpy as np
import pytest
from corpus import arrays, control, helpers, programs

import s2s


def tape_dimensions(fn) -> list[int]:
    """For each preallocated tape of ``fn``'s gradient, how many loops its length counts."""
    source = s2s.show(s2s.grad(fn))
    like = r"(?:\w+|_s2s\.element_like\([^)]*\))"
    lengths = re.findall(rf"_s2s\.tape_alloc\({like}, ([^)]*)\)", source)
    return sorted(len(length.split("*")) for length in lengths)


def test_a_value_the_same_along_a_loop_has_no_place_for_it():
    # h[j] in `for t: for i: for j:` is the same for every i: t * j places, not t * i * j.
    # (The two reads of `h[i]` in `h[i] * h[i]` share the third tape.)
    assert tape_dimensions(control.matvec_recurrence) == [2, 2, 2]
    source = s2s.show(s2s.grad(control.matvec_recurrence))
    assert "if i == 0:" in source


def test_a_tape_of_elements_is_allocated_before_the_loop_that_reads_them():
    # Allocated inside `for j`, the tape is a variable that loop may change: slower code.
    source = s2s.show(s2s.grad(control.matvec_recurrence))
    allocation = re.search(r"\n( *)\w+ = _s2s\.tape_alloc\(_s2s\.element_like\(h, 0\)", source)
    loop = re.search(r"\n( *)for j in ", source)
    assert allocation and loop and allocation.start() < loop.start()
    assert len(allocation.group(1)) == len(loop.group(1)) + 4  # under `if <first i>:`


@pytest.mark.parametrize(
    "fn",
    [
        control.matvec_written_through_other_name,  # g = h; g[i] = ...
        control.matvec_filled_in_loop,  # h.fill(...)
        helpers.helper_writes_into_array_in_loop,  # _decay(h, 0.5)
    ],
    ids=["other-name", "method", "helper"],
)
def test_a_value_whose_array_the_loop_writes_into_has_a_place_per_iteration(fn):
    # `for i: for j: s += w[i, j] * h[j]`, and h changes in `for i` by another name or a call.
    assert tape_dimensions(fn) == [2]


def test_bounds_computed_inside_a_loop_from_what_it_never_changes_keep_the_nest_rectangular():
    # `for j in range(a.shape[0])` in `for t`: the normal form computes `a.shape[0]` in the
    # body of `for t`; the nest still has one preallocated tape (no list), and w[j] is the same
    # along t: one place per j.
    source = s2s.show(s2s.grad(control.same_along_outer_loop))
    assert ".append(" not in source
    assert tape_dimensions(control.same_along_outer_loop) == [1]


def test_a_place_in_a_nest_is_an_unsigned_index():
    # Signed, `t * _n5 + j` is checked for a negative value on every read of the inner loop.
    source = s2s.show(s2s.grad(control.matvec_recurrence))
    places = re.findall(r"_tape\d+\[([^\]]*)\]", source)
    compound = [p for p in places if "*" in p]
    assert compound and all(re.fullmatch(r"np\.uint64\(.*\)", p) for p in compound)
    assert all("uint64" not in p for p in places if "*" not in p)  # a loop's own counter


def test_a_costly_value_the_same_along_a_loop_is_computed_once_and_read_back():
    # `math.exp(-logsigma[j])` in `for i: for j:`: computed for the first point, with its
    # operand moved into the branch, then read from the tape the reverse sweep reads anyway.
    source = s2s.show(s2s.grad(control.mixture_loops))
    once = re.search(
        r"\n( *)if i == 0:\n\1    (_t\d+) = math\.exp\(-logsigma\[j\]\)\n"
        r"(?:.*\n)*?\1else:\n\1    \2 = (_tape\d+)\[j\]\n",
        source,
    )
    assert once, source
    assert source.count("math.exp(-logsigma[j])") == 1
    assert "= -logsigma[j]" not in source
    # Values that change along `i` are computed on every iteration.
    assert re.search(r"\n {12}d = _t\d+ \* _t\d+\n", source)
    assert source.split("_seed")[0].count("else:") == 1


def test_values_the_same_along_inner_or_all_loops_are_computed_on_their_first_iteration():
    source = s2s.show(s2s.grad(control.costly_along_loops))
    # The two temporaries `-(c[t] * scale)` makes move into the branch with it.
    assert re.search(r"if _k2 == 0:\n +e = math\.tanh\(-\(c\[t\] \* scale\)\)", source)
    assert re.search(r"if _k1 == 0 and _k2 == 0:\n +(_t\d+) = math\.log\(scale\)", source)
    assert "[0]" in source and "np.uint64(0)" not in source  # one place, a plain index
    assert source.count("math.sin(u)") == 1


def test_cheap_values_are_not_computed_once():
    # `h[j]`, the same along `i`, is a load: reading it back from a tape gains nothing.
    source = s2s.show(s2s.grad(control.matvec_recurrence))
    assert "else:" not in source.split("_seed")[0]


def test_a_square_root_is_computed_again_not_kept_on_a_tape():
    # Every value the reverse sweep reads is at hand again: the positions, the masses, the
    # loop indices, and the global SOFTENING (frozen into the compiled code: never taped).
    # A tape here costs more than the square root: a store, a load and a page of memory each
    # 512 pairs.
    source = s2s.show(s2s.grad(programs.pair_energy))
    assert "append" not in source and "pop()" not in source, source
    reverse = source.partition("_s2s.grad_seed")[2]
    roots = re.findall(r"(_v\d+) = math\.sqrt\(", reverse)
    assert len(roots) == 1, source  # once per reverse iteration, for all of its uses
    assert reverse.count("math.sqrt(") == 1


def test_a_value_read_for_its_shape_alone_is_not_computed_again():
    # `np.sum(row * row)` in a loop: the sum's adjoint needs `row * row` for its shape only,
    # which the product's last value gives; computed again it was one more array per row.
    source = s2s.show(s2s.grad(control.for_over_rows))
    reverse = source.partition("_s2s.grad_seed")[2]
    assert re.search(r"_s2s\.sum_adjoint\(\w+, (_t\d+), None\)", reverse), source
    assert " * m[_i1], None)" not in reverse


def test_a_trip_count_the_same_on_every_outer_iteration_has_no_tape():
    # `for d in range(3)` inside a triangular nest: only the value it sums is kept.
    source = s2s.show(s2s.grad(control.triangular_with_fixed_inner))
    assert len(re.findall(r"_p\d+ = _p\d+ \+ 1", source)) == 1, source
    assert re.search(r"for d in range\(_n\d+\)", source), source


def test_equal_reads_of_an_element_share_one_tape():
    # `x[i] * x[i] * x[i]`: three reads of one value, before the loop after writes into `x`.
    source = s2s.show(s2s.grad(programs.anharmonic_verlet))
    assert len(re.findall(r"_s2s\.tape_alloc\(", source)) == 2, source  # one per force loop


def test_the_shape_of_an_array_the_loop_writes_into_keeps_the_nest_rectangular():
    # `for i in range(x.shape[0])` inside `for _`, which writes into `x`: writes keep shapes.
    source = s2s.show(s2s.grad(programs.anharmonic_verlet))
    assert " = []" not in source, source
    assert tape_dimensions(programs.anharmonic_verlet) == [2, 2]


def test_an_array_rotated_by_name_keeps_its_shape_so_its_last_values_give_shapes():
    # `un = 2.0 * u - up; un[1:-1] += ...; up = u; u = un`: the slices of `u` have one shape,
    # so the reverse sweep takes the stencil's shapes from its last values, not from values
    # computed again out of the tapes (four arrays per step) or kept on tapes of their own.
    source = s2s.show(s2s.grad(programs.leapfrog_wave, argnums=(0, 1)))
    reverse = source.partition("_s2s.grad_seed")[2]
    witnesses = re.findall(r"_s2s\.unbroadcast\((?:[^()]|\([^()]*\))*, ([^)]*)\)", reverse)
    assert witnesses and all(re.fullmatch(r"_t\d+", w) for w in witnesses), witnesses
    # (`bc` needs the values of `u`'s three slices; the part `un[1:-1]` only its shape)
    assert len(re.findall(r"_s2s\.tape_alloc\(", source)) == 3, source


@pytest.mark.parametrize(
    "fn, multiplied",
    [
        (arrays.ones_like_augmented, 1),
        (arrays.slice_augmented_write, 1),
        (programs.leapfrog_wave, 0),
    ],
)
def test_the_adjoint_of_a_part_updated_in_place_passes_through(fn, multiplied):
    # `y[i] += e`: `by[i]` is what it was; the write clears nothing, the read adds nothing back.
    # (Only `y[i] *= e` does both.)
    source = s2s.show(s2s.grad(fn, argnums=0))
    reverse = source.partition("_s2s.grad_seed")[2]
    assert len(re.findall(r"_s2s\.scatter_add\(b(?:y|un), ", reverse)) == multiplied, source
    assert len(re.findall(r"\n\s+b(?:y|un)\[[^\]]*\] = 0\.0", reverse)) == multiplied, source


def test_a_part_update_that_is_no_sum_or_may_repeat_positions_clears_and_adds_back():
    # `y[i] = e - y[i]` negates the part's adjoint; `y[idx] += e` with `idx` an index array
    # keeps only the last of repeated positions (both checked numerically by the corpus).
    for fn in (arrays.part_subtracted_from, arrays.fancy_index_update_repeated):
        reverse = s2s.show(s2s.grad(fn)).partition("_s2s.grad_seed")[2]
        assert re.search(r"_s2s\.scatter_add\(by, ", reverse), reverse
        assert re.search(r"\n\s+by\[\w+\] = 0\.0", reverse), reverse


@pytest.mark.parametrize("fn", [programs.reflecting_walls, programs.gauss_seidel_sweeps])
def test_a_value_read_in_a_branch_of_a_counted_nest_has_its_place_on_a_tape(fn):
    # Some iterations take the branch; each has its place, which the reverse sweep reads
    # where it takes the same branch (not a list, pushed and popped).
    source = s2s.show(s2s.grad(fn))
    assert " = []" not in source, source
    assert ".pop()" not in source, source


def test_a_tape_of_neighbours_is_allocated_before_the_loop_that_reads_them():
    # `u[i - 1] - 2.0 * u[i] + u[i + 1]`, read from an array a later step writes into: one
    # tape of the sum rather than one per neighbour to compute it again from, allocated before
    # the loop like such a sum of elements (zeros, which divide nothing; `u[i - 1]`'s index,
    # computed in the loop, is an integer there as 0 is before it). Allocated inside on the
    # first iteration, the tape is a variable that loop may change, which costs Numba's code
    # in every iteration.
    source = s2s.show(s2s.grad(programs.heat_double_buffer, argnums=(0, 1)))
    assert source.count("_s2s.tape_alloc(") == 1, source
    like = r"_s2s\.element_like\(u, 0\) - 2\.0 \* _s2s\.element_like\(u, 1\) \+ "
    assert re.search(rf"_tape\d+ = _s2s\.tape_alloc\({like}", source), source


def test_a_triangular_nest_keeps_its_values_on_arrays_counted_ahead():
    # Cholesky by loops: `for k in range(j)` has no place computed from the counters, and a
    # list costs Numba four times an array's store and load. The values go on arrays at a
    # running place instead, their lengths counted by the nest's headers before it.
    source = s2s.show(s2s.grad(programs.cholesky_solve_by_loops))
    assert ".append(" not in source and ".pop()" not in source, source
    forward, _, reverse = source.partition("_s2s.grad_seed")
    count = re.search(r"(_m\d+) = \1 \+ len\(range\(_c\d+\)\)", forward)
    assert count, source
    assert re.search(
        rf"(_tape\d+) = _s2s\.tape_alloc\(_s2s\.element_like\(L, \(0, 0\)\), {count[1]}\)", forward
    )
    assert re.search(r"(_p\d+) = \1 \+ 1", forward) and re.search(r"(_p\d+) = \1 - 1", reverse)


@pytest.mark.parametrize("n", [1, 2, 9])
def test_arrays_counted_ahead_hold_every_value_kept(n):
    # Run as Python, a write past the end of a tape raises; compiled, it must agree.
    rng = np.random.default_rng(n)
    a = rng.normal(size=(n, n))
    args = (a @ a.T + n * np.eye(n), rng.normal(size=n))
    plain = s2s.grad(programs.cholesky_solve_by_loops, argnums=(0, 1), jit=False)(*args)
    compiled = s2s.grad(programs.cholesky_solve_by_loops, argnums=(0, 1))(*args)
    for p, c in zip(plain, compiled):
        np.testing.assert_allclose(c, p, rtol=1e-12, atol=1e-12)
    x = rng.normal(size=n + 3)
    plain = s2s.grad(control.triangular_with_a_branch, jit=False)(x)
    np.testing.assert_allclose(s2s.grad(control.triangular_with_a_branch)(x), plain, rtol=1e-12)


@pytest.mark.parametrize("fn", [control.nested_growing_bound, control.while_around_a_triangle])
def test_a_nest_that_cannot_count_its_iterations_ahead_keeps_lists(fn):
    # `n += 1` in the outer loop; a `while` loop around the nest (a tape counted for one of
    # its iterations would be lost on the next).
    source = s2s.show(s2s.grad(fn))
    assert ".append(" in source and not re.search(r"_m\d+ = ", source), source
