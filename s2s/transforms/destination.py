"""Destination passing for ``vmap``: each batch element builds its result in its row.

The batch loop copies what the per-element function returns into the batched output. Where
an output is an array that the function allocates once (``bw = _s2s.zeros_like(w)``,
``out = np.zeros(n)``, ``bw = _s2s.matmul_adjoint_a(g, w, x)``) and returns as it is, and the
output's rows have the type of what the allocation gives (``_s2s.rows_fit``, known when Numba
compiles), the loop calls ``f_into(k, out, ...)`` instead: ``f`` with that allocation replaced by
row ``k`` of the output (``bw = _s2s.borrowed(_out0[_k])``, a view that counts no reference:
the batch loop holds the output) and a helper that gives the row what the
allocation would have held (``runtime/destinations.py``). One allocation and one copy fewer per
element; the value computed is the same.
"""

from __future__ import annotations

import dataclasses

import gast

from ..analysis.activity import call_name
from ..analysis.definitions import Definitions, analyse
from ..codegen.naming import Namer
from ..gastutil import clone, parse_statements, placed_at, walk
from .outputs import Structure, index_source, leaf_paths

# An allocation -> the helper that gives a row what the allocation holds (its arguments after
# the row; it says whether the row has the allocation's shape), and whether the allocation
# makes float64 (else an array of its argument's dtype).
INTO_FORMS = {
    "_s2s.zeros_like": ("_s2s.zeros_into", True),
    "np.zeros": ("_s2s.zeros_into_shape", True),
    "np.empty": ("_s2s.fits_shape", True),
    "np.zeros_like": ("_s2s.zeros_into", False),
    "np.empty_like": ("_s2s.fits_like", False),
    "_s2s.matmul_adjoint_a": ("_s2s.matmul_adjoint_a_into", True),
    "_s2s.matmul_adjoint_b": ("_s2s.matmul_adjoint_b_into", True),
}
ARITY = {"_s2s.matmul_adjoint_a": 3, "_s2s.matmul_adjoint_b": 3}
SHAPES_DISAGREE = "s2s.vmap: batch elements return arrays of different shapes"


@dataclasses.dataclass(frozen=True)
class Into:
    """The element function writing into rows, and what the rows must be for it: for each
    output built in place, the dtype its rows must have (None: any)."""

    tree: gast.FunctionDef
    row_dtypes: dict[int, str | None]

    def fits(self) -> str:
        """Source of the test that the batched outputs' rows fit (constant per type)."""
        return " and ".join(
            f"_s2s.rows_fit(_out{j}, {dtype or 'None'})" for j, dtype in self.row_dtypes.items()
        )


@dataclasses.dataclass(frozen=True)
class _Allocation:
    output: int
    callee: str
    cast: bool  # returned through ``_s2s.cast_like``


def into_function(tree: gast.FunctionDef, structure: Structure, namer: Namer) -> Into | None:
    """``tree``'s function writing its outputs into rows of the batched outputs, as
    ``name(k, out0, out1, ..., *params)``; None when no output is built in place."""
    if sum(isinstance(n, gast.Return) for n in walk(tree)) != 1:
        return None
    final = tree.body[-1] if tree.body else None
    if not isinstance(final, gast.Return) or final.value is None:
        return None
    paths = leaf_paths(structure)
    defs = analyse(tree)
    allocations = _allocations(defs, [_leaf(defs, final.value, path) for path in paths])
    if not allocations:
        return None
    local = Namer({n.id for n in walk(tree) if isinstance(n, gast.Name)} | namer.taken)
    index = local.fresh("_k")
    outs = [local.fresh(f"_out{j}") for j in range(len(paths))]
    new = clone(tree)
    new.name = namer.fresh(f"{tree.name}_into")
    new.args.args = [gast.Name(n, gast.Param(), None, None) for n in [index, *outs]] + [
        clone(a) for a in tree.args.args
    ]
    for node in walk(new):
        for field in ("body", "orelse"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and any(_allocated(s, allocations) for s in stmts):
                setattr(node, field, _in_rows(stmts, allocations, outs, index))
    new.body[-1:] = _writes(final, paths, outs, index, allocations, local)
    if not new.body:
        new.body = [placed_at(gast.Pass(), final)]
    row_dtypes = {
        a.output: "np.float64" if INTO_FORMS[a.callee][1] else None for a in allocations.values()
    }
    return Into(new, dict(sorted(row_dtypes.items())))


def _allocated(stmt: gast.stmt, allocations: dict[str, _Allocation]) -> str | None:
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
        if stmt.targets[0].id in allocations:
            return stmt.targets[0].id
    return None


def _in_rows(stmts, allocations, outs, index) -> list[gast.stmt]:
    """``stmts`` with each allocation replaced by the row it is built in, filled."""
    new = []
    for stmt in stmts:
        name = _allocated(stmt, allocations)
        if name is None:
            new.append(stmt)
            continue
        allocation = allocations[name]
        helper = INTO_FORMS[allocation.callee][0]
        row, test = parse_statements(
            f"{name} = _s2s.borrowed({outs[allocation.output]}[{index}])\n"
            f"if not {helper}({name}):\n"
            f"    raise ValueError({SHAPES_DISAGREE!r})"
        )
        test.test.operand.args += [clone(a) for a in stmt.value.args]
        new += [placed_at(s, stmt) for s in (row, test)]
    return new


def _writes(final, paths, outs, index, allocations, namer) -> list[gast.stmt]:
    """What the return becomes: each output written into its row (``put``), unless it was
    built there (a cast may still copy it: ``same_data`` tells)."""
    leaves = [_leaf(None, final.value, path) for path in paths]
    built = {a.output: a for a in allocations.values()}
    named = False
    if all(isinstance(leaf, gast.Name) for leaf in leaves):  # ``return a, b``
        lines, values = [], [leaf.id for leaf in leaves]
    elif isinstance(final.value, gast.Name):  # ``return t``, ``t`` a tuple or an array
        lines, values = [], [index_source(final.value.id, path) for path in paths]
    else:
        result, named = namer.fresh("_r"), True
        lines, values = [f"{result} = 0"], [index_source(result, path) for path in paths]
    for j, (out, value) in enumerate(zip(outs, values)):
        put = f"_s2s.put({out}, {index}, {value})"
        if j not in built:
            lines.append(put)
        elif built[j].cast:  # there already, unless the cast made a copy
            lines += [f"if not _s2s.same_data({value}, {out}[{index}]):", f"    {put}"]
    writes = [placed_at(stmt, final) for stmt in parse_statements("\n".join(lines))]
    if named:
        writes[0].value = final.value
    return writes


def _leaf(defs: Definitions | None, value: gast.AST, path: tuple[int, ...]) -> gast.AST | None:
    """The expression of the output at ``path`` in what is returned, if there is one (with
    ``defs``: also through the names bound once to the tuples around it)."""
    for k in path:
        if defs is not None:
            value = _through_names(defs, value, gast.Tuple)
        if not isinstance(value, gast.Tuple) or k >= len(value.elts):
            return None
        value = value.elts[k]
    return value


def _through_names(defs: Definitions, value: gast.AST, kind: type) -> gast.AST:
    """``value``, or what the name it is was bound to, where that is a ``kind`` (a tuple, a
    call): the normal form names every part of an expression."""
    if isinstance(value, gast.Name) and isinstance(defs.single_values.get(value.id), kind):
        return defs.single_values[value.id]
    return value


def _allocations(defs: Definitions, leaves: list[gast.AST | None]) -> dict[str, _Allocation]:
    """Returned arrays to build in place, by name: each bound once, outside loops, to an
    allocation with a row-filling form, and returned as it is (or cast to its argument's
    dtype, ``_s2s.cast_like``: no copy when the dtypes agree, which ``rows_fit`` asks for)."""
    found: dict[str, _Allocation] = {}
    for j, leaf in enumerate(leaves):
        if leaf is None:
            continue
        cast = _through_names(defs, leaf, gast.Call)
        through_cast = (
            isinstance(cast, gast.Call) and call_name(cast) == "_s2s.cast_like" and cast.args
        )
        if through_cast:
            leaf = cast.args[0]
        if not isinstance(leaf, gast.Name) or leaf.id in defs.params or leaf.id in found:
            continue
        name = leaf.id
        if defs.defs[name] != 1 or name in defs.in_loop_defs:
            continue
        value = defs.single_values.get(name)
        if not isinstance(value, gast.Call) or value.keywords:
            continue
        callee = call_name(value)
        if callee not in INTO_FORMS or len(value.args) != ARITY.get(callee, 1):
            continue
        if through_cast and not INTO_FORMS[callee][1]:
            continue  # its dtype, the argument's, is not known to be the rows'
        found[name] = _Allocation(j, callee, bool(through_cast))
    return found
