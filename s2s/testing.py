"""``check_grads``: the public gradient checker (central differences, inner products)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .errors import S2SError

MODES = ("fwd", "rev")


def _random_like(x: Any, rng: np.random.Generator) -> Any:
    if isinstance(x, tuple):
        return tuple(_random_like(v, rng) for v in x)
    if isinstance(x, np.ndarray):
        return rng.standard_normal(x.shape)
    return float(rng.standard_normal())


def _inner(a: Any, b: Any) -> float:
    if isinstance(a, tuple):
        return sum(_inner(u, v) for u, v in zip(a, b))
    return float(np.sum(np.asarray(a, dtype=float) * np.asarray(b, dtype=float)))


def _directional(f: Callable, args: tuple, tangents: tuple, eps: float) -> Any:
    """Central difference of ``f`` at ``args`` along ``tangents`` (one per argument)."""
    plus = tuple(a + eps * t if t is not None else a for a, t in zip(args, tangents))
    minus = tuple(a - eps * t if t is not None else a for a, t in zip(args, tangents))
    fp, fm = f(*plus), f(*minus)
    if isinstance(fp, tuple):
        return tuple((np.asarray(a) - np.asarray(b)) / (2 * eps) for a, b in zip(fp, fm))
    return (np.asarray(fp, dtype=float) - np.asarray(fm, dtype=float)) / (2 * eps)


def _close(actual: float, expected: float, rtol: float, atol: float) -> bool:
    return abs(actual - expected) <= atol + rtol * max(1.0, abs(expected))


def check_grads(
    f: Callable,
    args: Sequence[Any],
    argnums: int | Sequence[int] | None = None,
    *,
    order: int = 1,
    modes: Sequence[str] = MODES,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-7,
    seed: int = 0,
    jit: bool = True,
) -> None:
    """Check s2s's derivatives of ``f`` at ``args``; raise ``AssertionError`` if they disagree.

    With random directions ``v`` (for the arguments in ``argnums``, default: every float
    argument) and cotangents ``u``, and ``J v`` from central differences of ``f``:

    - ``"rev"``: ``<vjp(u), v> == <u, J v>``;
    - ``"fwd"``: ``jvp(v) == J v``;
    - both: ``<u, jvp(v)> == <vjp(u), v>``, forward against reverse (to rounding);
    - ``order=2`` (scalar ``f``): the same checks on ``grad(f)``, in forward mode
      (forward over reverse, as ``hessian`` computes).

    >>> import numpy as np
    >>> from s2s.testing import check_grads
    >>> def f(x):
    ...     out = np.zeros_like(x)
    ...     for i in range(1, x.shape[0]):
    ...         out[i] = out[i - 1] * np.sin(x[i]) + x[i]
    ...     return out
    >>> check_grads(f, (np.linspace(0.1, 1.0, 5),), jit=False)
    """
    from .ad import grad, vjp, zero_tangent
    from .forward import jvp

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
    unknown = set(modes) - set(MODES)
    if unknown:
        raise ValueError(f"unknown modes {sorted(unknown)}; use 'fwd' and/or 'rev'")
    if order not in (1, 2):
        raise ValueError("check_grads supports order 1 and 2")
    if order == 2:
        for k in argnums:
            check_grads(
                grad(f, k, jit=jit),
                args,
                argnums,
                order=1,
                modes=("fwd",),
                eps=eps,
                rtol=rtol * 10,
                atol=atol * 10,
                seed=seed,
                jit=jit,
            )
        return

    rng = np.random.default_rng(seed)
    name = getattr(f, "__name__", repr(f))
    tangents = tuple(_random_like(a, rng) if k in argnums else None for k, a in enumerate(args))
    numeric = _directional(f, args, tangents, eps)
    cotangent = _random_like(numeric, rng)
    expected = _inner(cotangent, numeric)
    forward = reverse = None
    if "fwd" in modes:
        full = tuple(zero_tangent(a) if t is None else t for a, t in zip(args, tangents))
        _, forward = jvp(f, args, full, jit=jit)
        actual = _inner(cotangent, forward)
        if not _close(actual, expected, rtol, atol):
            raise AssertionError(
                f"forward mode disagrees with central differences for {name}: "
                f"<u, jvp(v)> = {actual!r}, <u, J v> = {expected!r}"
            )
    if "rev" in modes:
        _, vjp_fn = vjp(f, *args, jit=jit)
        adjoints = vjp_fn(cotangent)
        reverse = sum(_inner(adjoints[k], tangents[k]) for k in argnums)
        if not _close(reverse, expected, rtol, atol):
            raise AssertionError(
                f"reverse mode disagrees with central differences for {name}: "
                f"<vjp(u), v> = {reverse!r}, <u, J v> = {expected!r}"
            )
    if forward is not None and reverse is not None:
        product = _inner(cotangent, forward)
        if not _close(product, reverse, 1e-9, 1e-12):
            raise AssertionError(
                f"forward and reverse mode disagree for {name}: "
                f"<u, jvp(v)> = {product!r}, <vjp(u), v> = {reverse!r}"
            )
