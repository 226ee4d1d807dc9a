"""Corpus of small functions in the Numba nopython subset, with argument specs.

``CASES`` lists every registered :class:`~.registry.Case` in a fixed order
(module order below, then definition order inside each module)::

    from corpus import CASES, case_ids, make_args

    @pytest.mark.parametrize("case", CASES, ids=case_ids())
    def test_something(case):
        args = make_args(case, seed=0)
        ...
"""

from . import arrays, control, helpers, linalg, numpy_ops, programs, registry, scalar
from .registry import KNOWN_TAGS, ArgSpec, Case, make_args

MODULES = (scalar, control, arrays, numpy_ops, linalg, helpers, programs)


def _collect():
    order = {m.__name__: k for k, m in enumerate(MODULES)}
    position = {c.name: k for k, c in enumerate(registry.REGISTRY)}
    cases = [c for c in registry.REGISTRY if c.fn.__module__ in order]
    cases.sort(key=lambda c: (order[c.fn.__module__], position[c.name]))
    return cases


CASES: list[Case] = _collect()


def case_ids() -> list[str]:
    """Case names, in the order of ``CASES`` (for pytest ids)."""
    return [c.name for c in CASES]


def get_case(name: str) -> Case:
    """The case called ``name`` (e.g. ``"control.while_newton_sqrt"``)."""
    for c in CASES:
        if c.name == name:
            return c
    raise KeyError(name)


def cases_with(*tags: str, without: tuple = ()) -> list[Case]:
    """Cases carrying every tag in ``tags`` and none in ``without``."""
    want, avoid = set(tags), set(without)
    return [c for c in CASES if want <= c.tags and not (avoid & c.tags)]


__all__ = [
    "CASES",
    "KNOWN_TAGS",
    "MODULES",
    "ArgSpec",
    "Case",
    "case_ids",
    "cases_with",
    "get_case",
    "make_args",
]
