"""Shares and tangents of ``np.arange``'s start, which is its stop when given alone."""

from __future__ import annotations

import numpy as np

from ._cache import overload
from ._common import _nb_none

__all__ = ["arange_start_share", "arange_start_tangent"]


def arange_start_share(g, stop):
    """Share of ``start`` in ``np.arange(start, stop, step)``: the sum of ``g``; none in
    ``np.arange(stop)``, whose one argument is the stop."""
    return 0.0 if stop is None else float(np.sum(g))


@overload(arange_start_share)
def _arange_start_share_nb(g, stop):
    if _nb_none(stop):
        return lambda g, stop: 0.0
    return lambda g, stop: np.sum(g)


def arange_start_tangent(dstart, stop, y):
    """Tangent of ``np.arange(start, stop, step)`` along ``start``: ``dstart`` everywhere;
    zeros in ``np.arange(stop)``."""
    return np.full(y.shape, 0.0 if stop is None else dstart)


@overload(arange_start_tangent)
def _arange_start_tangent_nb(dstart, stop, y):
    if _nb_none(stop):
        return lambda dstart, stop, y: np.zeros(y.shape)
    return lambda dstart, stop, y: np.full(y.shape, dstart)
