"""Which reverse loops run forwards: those whose iterations pass nothing to each other, only
adding into adjoints they read nowhere else, from values of their own, their own elements
and adjoints that start from zero (``transforms/reverse_order.py``). The gradients of the
loops concerned are checked by the corpus tests."""

import re

import pytest
from corpus import control, programs

import s2s
from s2s.gastutil import parse_statements
from s2s.transforms.reverse_order import iterations_commute


def commute(source: str, own: str = "", index=None, fresh: str = "", arrays: str = "") -> bool:
    return iterations_commute(
        parse_statements(source), set(own.split()), index, set(fresh.split()), set(arrays.split())
    )


@pytest.mark.parametrize(
    "source, own",
    [
        ("b_t = g * w[i, j]\nbh[j] += b_t\nbw[i, j] = bw[i, j] + g * v", "b_t"),
        ("_v1 = tape[k * n + j]\n_s2s.scatter_add(bx, j, g * _v1)", "_v1"),
        ("bs = bs + g * x[j]\nbs = _s2s.accumulate_into(bs, g)", ""),
        ("if _v1 > 0.0:\n    bx[j] += g", "_v1"),
        ("b_t = _s2s.unbroadcast(g * math.cos(x[j]), x)\nbx[j] += b_t", "b_t"),
    ],
    ids=["entries", "tape", "scalar-sum", "branch", "pure-calls"],
)
def test_iterations_that_only_add_commute(source, own):
    assert commute(source, own)


@pytest.mark.parametrize(
    "source, own",
    [
        ("b_t = g * w[j]\nbh[j] += b_t", ""),  # b_t is not the loop's own: may be read later
        ("bp = bp * x[j]", ""),  # a product recurrence: each iteration needs the next one's
        ("bx[j] += g\nb_t = bx[j]", "b_t"),  # a sum read back
        ("b_t = _s2s.save(by[i])\nby[i] = 0.0\nbx[i] += b_t", "b_t"),  # a slot reset
        ("bs = bs + b_t\nb_t = g", "b_t"),  # read before it is assigned: the previous one's
        ("if c:\n    b_t = g\nbx[j] += b_t", "b_t"),  # may keep another iteration's value
        ("bx[j] += np.random.normal()", ""),
        ("_s2s.add_matmul_adjoint_a(bw, g, w, x)", ""),
        ("for k in range(3):\n    b_t = g * x[k]\nbx[0] += b_t", "b_t"),
        ("_v1 = _tape1.pop()\nbx[j] += _v1", "_v1"),
    ],
    ids=[
        "not-own",
        "product",
        "sum-read",
        "reset",
        "read-first",
        "branch-local",
        "random",
        "helper-writes",
        "stale-local",
        "list-tape",
    ],
)
def test_iterations_that_pass_something_on_do_not(source, own):
    assert not commute(source, own)


SLOT = "b_t = _s2s.save(by[i])\nby[i] = 0.0\nbx[i] += b_t"
FRESH = (
    "bs = bs + g\nfor j in range(m):\n    bw[i, j] += bs * x[j]\nbb[i] += bs\nbs = _s2s.cleared(bs)"
)


@pytest.mark.parametrize(
    "source, own, fresh",
    [
        (SLOT, "b_t", ""),  # each iteration resets an element of its own
        ("by[i, 0] = 0.0\nfor j in range(m):\n    _s2s.scatter_add(by, (i, j), g)", "", ""),
        (FRESH, "", "bs"),  # starts from zero, ends cleared: as good as its own
        ("bs = g * x[i]\nbx[i] += bs\nbs = _s2s.zeros_like(bs)", "", "bs"),
        ("for k in range(3):\n    bx[k] += g\nfor k in range(2):\n    by[k] += g * k", "", ""),
    ],
    ids=["slot-reset", "slot-row", "fresh", "fresh-assigned", "inner-loops"],
)
def test_iterations_of_their_own_commute(source, own, fresh):
    assert commute(source, own, "i", fresh, "bx by bw bb")


@pytest.mark.parametrize(
    "source, own, index, fresh, arrays",
    [
        (SLOT, "b_t", None, "", "bx by"),  # the loop's index is not its own
        (SLOT, "b_t", "i", "", "bx"),  # `by` may be a view of another adjoint
        (SLOT.replace("by[i]", "by[j]"), "b_t", "i", "", "bx by"),
        ("by[i] = 0.0\nbx[i] += by[0]", "", "i", "", "bx by"),  # another iteration's element
        (FRESH, "", "i", "", "bw bb"),  # may be non-zero when the loop starts
        (FRESH.replace("\nbs = _s2s.cleared(bs)", ""), "", "i", "bs", "bw bb"),
        ("bs = bs + g\nif c:\n    bs = _s2s.cleared(bs)", "", "i", "bs", ""),
        ("bs = _s2s.cleared(bs)\nbs = bs + g\nbx[i] += bs", "", "i", "bs", "bx"),
        ("for j in range(m):\n    bx[j] += g\nby[j] += g", "", "i", "", "bx by"),
        ("for j in range(m):\n    bx[j] += b_t\n    b_t = g", "b_t", "i", "", "bx"),
    ],
    ids=[
        "no-index",
        "not-an-array-of-its-own",
        "slot-elsewhere",
        "slot-read-elsewhere",
        "not-fresh",
        "fresh-not-cleared",
        "cleared-in-a-branch",
        "changed-after-clearing",
        "inner-index-after-its-loop",
        "carried-in-inner-loop",
    ],
)
def test_iterations_that_share_something_do_not(source, own, index, fresh, arrays):
    assert not commute(source, own, index, fresh, arrays)


def reverse_loops(fn) -> list[str]:
    """The range of each `for` loop of the reverse sweep (after the seed) of fn's gradient."""
    source = s2s.show(s2s.grad(fn))
    sweep = source[source.index("_seed = ") :]
    return re.findall(r"for \w+ in range\(([^:]*)\):", sweep)


def test_the_rnn_inner_loops_run_forwards_and_the_time_loop_backwards():
    loops = reverse_loops(control.matvec_recurrence)
    assert loops[0].endswith("- 1, -1, -1")  # for t: carries the hidden state's adjoint
    assert any(not loop.endswith(", -1, -1") for loop in loops)  # for j: sums only


def test_a_recurrence_runs_backwards():
    assert all(loop.endswith(", -1, -1") for loop in reverse_loops(programs.euler_lotka_volterra))


def test_a_scratch_scalar_of_each_iteration_lets_the_loop_run_forwards():
    """The loop RNN's hidden units: `s` starts afresh in each iteration, its adjoint too."""
    loops = reverse_loops(control.scratch_per_iteration)
    assert loops and not any(loop.endswith(", -1, -1") for loop in loops)


def test_a_scratch_scalar_read_after_the_loop_keeps_it_backwards():
    assert reverse_loops(control.scratch_read_after_the_loop)[0].endswith(", -1, -1")
