"""The tree walk every pass relies on sees every node ``gast.walk`` sees (but load/store
contexts and operators), positions are given only to nodes without one, and ``parse`` builds
the tree ``gast.parse`` builds."""

from __future__ import annotations

import inspect
import textwrap

import gast

import s2s.frontend.resolve
import s2s.transforms.reverse
from s2s.gastutil import located, statements_located, target_names, walk

SAMPLE = textwrap.dedent(
    """
    def f(x, *args, k=1.0, **kw):
        global g
        y: float = x[1:, None] @ w
        for i, (a, b) in enumerate(zip(x, y)):
            if a > b or not (a < -b):
                continue
            while i < 3:
                i += 1
        z = [v * 2 for v in x if v] + {1: 2}.get(k, lambda q: q)(3)
        try:
            pass
        except ValueError as err:
            raise RuntimeError(f"{err!r:>10}") from err
        with open("p") as fh:
            del fh
        return (yield from g) if k else np.sum(x, axis=0)
    """
)


_UNWALKED = (gast.expr_context, gast.operator, gast.unaryop, gast.boolop, gast.cmpop)


def test_walk_sees_what_gast_walk_sees_but_contexts_and_operators():
    for source in (
        SAMPLE,
        inspect.getsource(s2s.transforms.reverse),
        inspect.getsource(s2s.frontend.resolve),
    ):
        tree = gast.parse(source)
        nodes = [n for n in gast.walk(tree) if not isinstance(n, _UNWALKED)]
        walked = list(walk(tree))
        assert len(walked) == len(nodes) and {id(n) for n in walked} == {id(n) for n in nodes}


def test_located_positions_only_what_has_no_position():
    tree = gast.parse("x = y + 1\n").body[0]
    new = gast.Assign([gast.Name("z", gast.Store(), None, None)], tree.value, None)
    like = gast.parse("\n\nq = 2\n").body[0]
    located(new, like)
    assert new.lineno == 3 and new.targets[0].lineno == 3
    assert tree.value.lineno == 1  # already positioned: kept, and not walked


def test_statements_located_positions_statements_not_their_expressions():
    like = gast.parse("\n\nq = 2\n").body[0]
    inner = gast.Assign([gast.Name("z", gast.Store(), None, None)], gast.Constant(1, None), None)
    test = gast.Name("c", gast.Load(), None, None)
    branch = gast.If(test, [inner], [])
    assert statements_located([branch], like) == [branch]
    assert branch.lineno == 3 and inner.lineno == 3
    assert getattr(test, "lineno", None) is None and getattr(inner.value, "lineno", None) is None


def test_target_names_of_an_assignment():
    (stmt,) = gast.parse("a, (b, c), x[i] = v").body
    assert target_names(stmt.targets[0]) == ["a", "b", "c"]


def test_parse_builds_what_gast_parse_builds():
    import ast
    import pathlib

    from s2s.gastparse import parse

    sources = [SAMPLE, "async def f(x: int = 1, *a, k, **kw) -> int:\n    await g()\n"]
    sources += [p.read_text() for p in sorted(pathlib.Path(s2s.__file__).parent.rglob("*.py"))]
    for source in sources:
        expected = ast.dump(gast.parse(source), include_attributes=True)
        assert ast.dump(parse(source), include_attributes=True) == expected
