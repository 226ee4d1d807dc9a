"""vmap on the corpus: the batched function equals stacking the function over slices, for
several placements of the batch axis; vmap(grad) equals per-element gradients."""

import numpy as np
import pytest
from corpus import CASES, make_args

import s2s

BATCH = 3
BATCHABLE = [c for c in CASES if any(a.kind != "int" for a in c.args)]


def _elements(case):
    return [make_args(case, seed=s) for s in range(BATCH)]


def _stack(values, axis):
    if isinstance(values[0], tuple):
        return tuple(_stack([v[k] for v in values], axis) for k in range(len(values[0])))
    return np.stack([np.asarray(v) for v in values], axis=axis)


def _batched(case, elements, place_last):
    """Arguments with a batch axis (first, or last for arrays), and the in_axes used."""
    args, axes = [], []
    for k, spec in enumerate(case.args):
        if spec.kind == "int" or spec.value is not None:
            args.append(elements[0][k])
            axes.append(None)
            continue
        axis = -1 if place_last and spec.kind == "array" else 0
        args.append(np.stack([np.asarray(e[k], dtype=float) for e in elements], axis=axis))
        axes.append(axis)
    return args, tuple(axes)


def _same(actual, expected):
    if isinstance(expected, tuple):
        for a, e in zip(actual, expected):
            _same(a, e)
        return
    np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-12)


def returns_opaque_tuple(x):
    t = (x, 2.0 * x)
    u = t
    return u


def test_tuple_output_of_unknown_length_is_an_error():
    with pytest.raises(s2s.BatchingError, match="tuple literal"):
        s2s.vmap(returns_opaque_tuple, jit=False)(np.ones(3))


@pytest.mark.parametrize("place_last", [False, True], ids=["axis0", "axis-1"])
@pytest.mark.parametrize("case", BATCHABLE, ids=[c.name for c in BATCHABLE])
def test_vmap_equals_stacking(case, place_last):
    elements = _elements(case)
    args, in_axes = _batched(case, elements, place_last)
    shared = [k for k, a in enumerate(in_axes) if a is None]
    expected_elements = []
    for e in elements:
        e = list(e)
        for k in shared:
            e[k] = args[k]
        expected_elements.append(case.fn(*e))
    out_axis = -1 if place_last and case.output == "array" else 0
    expected = _stack(expected_elements, out_axis)
    actual = s2s.vmap(case.fn, in_axes=in_axes, out_axes=out_axis, jit=False)(*args)
    _same(actual, expected)


JITTED = [c for c in BATCHABLE if c.tags & {"while", "data_dependent", "inplace", "helper"}]


@pytest.mark.parametrize("case", JITTED, ids=[c.name for c in JITTED])
def test_vmap_compiled(case):
    elements = _elements(case)
    args, in_axes = _batched(case, elements, False)
    expected = s2s.vmap(case.fn, in_axes=in_axes, jit=False)(*args)
    _same(s2s.vmap(case.fn, in_axes=in_axes)(*args), expected)


GRADS = [c for c in BATCHABLE if c.output == "scalar" and "nondiff" not in c.tags]


@pytest.mark.parametrize("case", GRADS, ids=[c.name for c in GRADS])
def test_vmap_of_grad_is_per_example_gradients(case):
    elements = _elements(case)
    args, in_axes = _batched(case, elements, False)
    k = case.argnums[0]
    if in_axes[k] is None:
        pytest.skip("the differentiated argument is not batched")
    gradient = s2s.grad(case.fn, k, jit=False)
    shared = [j for j, a in enumerate(in_axes) if a is None]
    per_element = []
    for e in elements:
        e = list(e)
        for j in shared:
            e[j] = args[j]
        per_element.append(gradient(*e))
    actual = s2s.vmap(gradient, in_axes=in_axes, jit=False)(*args)
    _same(actual, _stack(per_element, 0))
