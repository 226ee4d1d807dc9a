"""``check_grads``: the public gradient checker (central differences, inner products)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .errors import S2SError


def _tangent_like(x: Any, rng: np.random.Generator) -> Any:
    if isinstance(x, np.ndarray):
        return rng.standard_normal(x.shape)
    return float(rng.standard_normal())


def _add(x: Any, t: Any, h: float) -> Any:
    return x + h * t


def _inner(a: Any, b: Any) -> float:
    if isinstance(a, tuple):
        return sum(_inner(u, v) for u, v in zip(a, b))
    return float(np.sum(np.asarray(a, dtype=float) * np.asarray(b, dtype=float)))


def _directional(f: Callable, args: tuple, argnums: Sequence[int], tangents, eps: float):
    """Central difference of ``f`` at ``args`` along ``tangents`` (one per argnum)."""
    plus, minus = list(args), list(args)
    for k, t in zip(argnums, tangents):
        plus[k] = _add(args[k], t, eps)
        minus[k] = _add(args[k], t, -eps)
    fp, fm = f(*plus), f(*minus)
    if isinstance(fp, tuple):
        return tuple((np.asarray(a) - np.asarray(b)) / (2 * eps) for a, b in zip(fp, fm))
    return (np.asarray(fp, dtype=float) - np.asarray(fm, dtype=float)) / (2 * eps)


def check_grads(
    f: Callable,
    args: Sequence[Any],
    argnums: int | Sequence[int] | None = None,
    *,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-7,
    seed: int = 0,
    jit: bool = True,
) -> None:
    """Check s2s's reverse mode of ``f`` at ``args`` against central differences.

    For each argument in ``argnums`` (default: every float argument), the vector-Jacobian
    product with a random cotangent ``u`` and a random direction ``v`` must satisfy
    ``<u, J v> == <vjp(u), v>``, where ``J v`` comes from central differences of ``f``.
    Raises ``AssertionError`` with the numbers when they disagree.

    >>> import numpy as np
    >>> from s2s.testing import check_grads
    >>> def f(x):
    ...     out = np.zeros_like(x)
    ...     for i in range(1, x.shape[0]):
    ...         out[i] = out[i - 1] * np.sin(x[i]) + x[i]
    ...     return out
    >>> check_grads(f, (np.linspace(0.1, 1.0, 5),))
    """
    from .ad import vjp

    args = tuple(args)
    if argnums is None:
        argnums = tuple(
            k
            for k, a in enumerate(args)
            if isinstance(a, (float, np.floating))
            or isinstance(a, np.ndarray)
            and a.dtype.kind == "f"
        )
    elif isinstance(argnums, int):
        argnums = (argnums,)
    if not argnums:
        raise S2SError("check_grads needs at least one float argument to differentiate")
    rng = np.random.default_rng(seed)
    out, vjp_fn = vjp(f, *args, jit=jit)
    cotangent = (
        tuple(_tangent_like(o, rng) for o in out)
        if isinstance(out, tuple)
        else _tangent_like(out, rng)
    )
    adjoints = vjp_fn(cotangent)
    tangents = [_tangent_like(args[k], rng) for k in argnums]
    forward = _directional(f, args, argnums, tangents, eps)
    expected = _inner(cotangent, forward)
    actual = sum(_inner(adjoints[k], t) for k, t in zip(argnums, tangents))
    scale = max(1.0, abs(expected))
    if not abs(actual - expected) <= atol + rtol * scale:
        raise AssertionError(
            f"reverse mode disagrees with central differences for "
            f"{getattr(f, '__name__', f)}: <vjp(u), v> = {actual!r}, <u, J v> = {expected!r}"
        )
