"""Destination passing for ``vmap``: each batch element builds its result in its row.

The batch loop copies what the per-element function returns into the batched output. Where
an output is an array that the function allocates once (``bw = _s2s.zeros_like(w)``,
``out = np.zeros(n)``, ``bw = _s2s.matmul_adjoint_a(g, w, x)``) and returns as it is, the loop
calls ``f_into(k, out, ...)`` instead: ``f`` with that allocation in its row-taking form
(``runtime/destinations.py``), which hands back row ``k`` of the output when it fits, and with the
return turned into the writes of the outputs, which then find the value in place. One
allocation and one copy fewer per element; the value computed is the same.
"""

from __future__ import annotations

import gast

from ..analysis.activity import call_name
from ..analysis.definitions import Definitions, analyse
from ..codegen.naming import Namer
from ..gastutil import clone, parse_expr, parse_statements, placed_at, walk
from .outputs import Structure, index_source, leaf_paths

# An allocation -> its form that takes the output and the element first (same arguments).
AT_FORMS = {
    "_s2s.zeros_like": "_s2s.zeros_like_at",
    "np.zeros": "_s2s.zeros_at",
    "np.empty": "_s2s.empty_at",
    "np.zeros_like": "_s2s.np_zeros_like_at",
    "np.empty_like": "_s2s.np_empty_like_at",
    "_s2s.matmul_adjoint_a": "_s2s.matmul_adjoint_a_at",
    "_s2s.matmul_adjoint_b": "_s2s.matmul_adjoint_b_at",
}
ARITY = {"_s2s.matmul_adjoint_a": 3, "_s2s.matmul_adjoint_b": 3}


def into_function(
    tree: gast.FunctionDef, structure: Structure, namer: Namer
) -> gast.FunctionDef | None:
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
    for stmt in walk(new):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            j = allocations.get(stmt.targets[0].id)
            if j is not None:
                value = stmt.value
                at = parse_expr(f"{AT_FORMS[call_name(value)]}({outs[j]}, {index})")
                stmt.value = placed_at(at, value)
                at.args += value.args
    new.body[-1:] = _writes(final, paths, outs, index, set(allocations.values()), local)
    return new


def _writes(final, paths, outs, index, built, namer) -> list[gast.stmt]:
    """What the return becomes: each output written into its row (``put``), unless it was
    built there."""
    leaves = [_leaf(None, final.value, path) for path in paths]
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
        if j in built:  # there already, unless the allocation could not use the row
            lines += [f"if not _s2s.same_data({value}, {out}[{index}]):", f"    {put}"]
        else:
            lines.append(put)
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


def _allocations(defs: Definitions, leaves: list[gast.AST | None]) -> dict[str, int]:
    """Names of returned arrays to build in place -> the output they go to: each bound once,
    outside loops, to an allocation with a row-taking form, and returned as it is (or cast
    to its argument's dtype, ``_s2s.cast_like``: no copy when the dtypes agree)."""
    found: dict[str, int] = {}
    for j, leaf in enumerate(leaves):
        if leaf is None:
            continue
        cast = _through_names(defs, leaf, gast.Call)
        if isinstance(cast, gast.Call) and call_name(cast) == "_s2s.cast_like" and cast.args:
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
        if callee in AT_FORMS and len(value.args) == ARITY.get(callee, 1):
            found[name] = j
    return found
