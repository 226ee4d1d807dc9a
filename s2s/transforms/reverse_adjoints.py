"""Adjoints in reverse mode: their names, their declarations, and how shares reach them.

An *accumulating* adjoint (``bx``) is declared as zeros where its variable is defined (after
the loop, for variables defined in one), receives shares in place, and is cleared where the
definition is reversed. A temporary of the A-normal form used once takes its one share by
assignment instead (for temporaries in loops that are broadcast operands, summed to the shape
of the value the temporary holds after the loop: an adjoint declared outside the loop would be
one more variable Numba's SSA pass must rewrite, at a cost that grows with the function's size).
Such a share may be a view of another adjoint: the views are traced (``alias_roots``), so that
an adjoint is never changed in place while a view of it is still to be read. A variable whose
arrays may change shape (``analysis.shapes``) has its adjoint fitted to the value it belongs
to: where a definition is reversed, and at the top of each reverse iteration of its loop.
"""

from __future__ import annotations

import gast

from ..analysis.activity import call_name
from ..analysis.definitions import changed_by, names_read, statement_reads, targets_of
from ..analysis.shapes import shape_varying
from ..gastutil import assign, call, children, load, walk
from ..rules import ACCUMULATE_INTO


class Adjoints:
    """The part of :class:`~s2s.transforms.reverse.ReverseMode` that keeps adjoints.

    Expects ``tree``, ``defs``, ``active``, ``namer``, ``position``, ``changed`` and
    ``rule_for`` on the instance, and sets up its own state in ``init_adjoints``.
    """

    def init_adjoints(self) -> None:
        self.adjoint_names: dict[str, str] = {}
        self.adjoint_owner: dict[str, str] = {}  # adjoint name -> its variable
        # generated name -> variables whose (accumulating) adjoint arrays it may be a view of
        self.alias_roots: dict[str, set[str]] = {}
        self.has_adjoint: set[str] = set()
        # `bx = _s2s.zeros_like(x)` statements by id (some are dropped from the output: kept
        # here, so that no other statement is ever given the same id)
        self.declarations: dict[int, gast.stmt] = {}
        self.shape_varying = shape_varying(self.tree, self.defs)
        # id of a loop body -> statements opening each iteration of its reverse sweep
        self.prologues: dict[int, list[gast.stmt]] = {}
        self.single_use, self.reassigned = self._single_use_temporaries()

    # -- names -------------------------------------------------------------------------------
    def adj(self, name: str) -> str:
        if name not in self.adjoint_names:
            self.adjoint_names[name] = self.namer.fresh("b" + name)
            self.adjoint_owner[self.adjoint_names[name]] = name
        return self.adjoint_names[name]

    def _single_use_temporaries(self) -> tuple[set[str], set[str]]:
        """ANF temporaries defined once and used once, in the same block, not subscripted: those
        whose adjoint is assigned from their one share, and those (broadcast operands inside
        loops) whose share is summed to the shape of the value they hold after the loop."""
        subscripted = set()
        for node in walk(self.tree):
            if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name):
                subscripted.add(node.value.id)
        found = set()
        broadcast_operands = set()
        for node in walk(self.tree):
            if isinstance(node, gast.Assign) and not isinstance(node.targets[0], gast.Subscript):
                rule, args, keywords = self.rule_for(node.value, node)
                if rule is not None and rule.broadcast:
                    broadcast_operands |= {
                        a.id for a in [*args, *keywords.values()] if isinstance(a, gast.Name)
                    }
            if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Subscript):
                if isinstance(node.value, gast.Name):
                    broadcast_operands.add(node.value.id)  # its share: a part of the array
        for name, count in self.defs.defs.items():
            if (
                name.startswith("_t")
                and count == 1
                and self.defs.uses[name] == 1
                and name not in subscripted
                and name not in self.defs.params
            ):
                found.add(name)
        found &= self._same_block_uses(found)
        # Summed to its shape, which the reverse sweep does not keep per iteration: the value
        # it holds after the loop (from the last iteration) gives the shape instead.
        # (Those whose shape may change between iterations are accumulated like variables.)
        in_loops = found & broadcast_operands & self.defs.in_loop_defs
        return found - in_loops, in_loops - self.shape_varying

    def _same_block_uses(self, candidates: set[str]) -> set[str]:
        ok = set()

        def visit(stmts):
            defined_here = set()
            for stmt in stmts:
                for name in statement_reads(stmt):
                    if name in defined_here:
                        ok.add(name)
                defined_here.update(n for n in targets_of(stmt) if n in candidates)
                if isinstance(stmt, gast.If):
                    visit(stmt.body)
                    visit(stmt.orelse)
                elif isinstance(stmt, (gast.For, gast.While)):
                    visit(stmt.body)

        visit(self.tree.body)
        return ok

    def accumulating(self, name: str) -> bool:
        return name in self.active and name not in self.single_use

    # -- adjoint accumulation ------------------------------------------------------------------
    def contribute(self, name: str, share: gast.AST, broadcast: bool = False) -> list[gast.stmt]:
        """Add ``share`` to ``name``'s adjoint (summed to its shape if ``broadcast``)."""
        if name not in self.active:
            return []
        adjoint = self.adj(name)
        if name in self.single_use or name in self.reassigned:
            self.has_adjoint.add(name)
            if broadcast:  # a temporary in a loop: its last iteration's value gives the shape
                share = call("_s2s.unbroadcast", share, load(name))
            return [assign(adjoint, self.unshared(name, share))]
        # Accumulating adjoints are never shared with another variable: add in place.
        into = ACCUMULATE_INTO.get(call_name(share)) if isinstance(share, gast.Call) else None
        if into is not None:  # the share's own in-place form: no temporary
            return [assign(adjoint, call(into, load(adjoint), *share.args))]
        if broadcast:
            return [assign(adjoint, call("_s2s.accumulate_into", load(adjoint), share))]
        # A share of the adjoint's own shape: plain arithmetic, which Numba compiles much faster
        # than a helper call (derivative code of scalar loops has thousands of these).
        return [assign(adjoint, gast.BinOp(load(adjoint), gast.Add(), share))]

    def unshared(self, name: str, share: gast.AST) -> gast.AST:
        """``share``, copied if it may be a view of an adjoint that changes in place before
        ``name``'s adjoint is used (``s = s + s * a``: the share of ``s * a`` is ``bs`` itself,
        and reversing ``s * a`` adds into ``bs`` before it reads that share)."""
        roots = self.alias_roots_of(share)
        if roots and self.touched_before_use(name, roots):
            share, roots = call("_s2s.save", share), set()
        self.alias_roots[self.adj(name)] = roots
        return share

    def alias_roots_of(self, expr: gast.AST) -> set[str]:
        """The variables whose adjoint arrays ``expr`` may share memory with."""
        if isinstance(expr, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.Constant)):
            return set()  # arithmetic makes a fresh array
        if isinstance(expr, gast.Call) and call_name(expr) == "_s2s.save":
            return set()  # a copy
        if isinstance(expr, gast.Name):
            if expr.id in self.alias_roots:
                return self.alias_roots[expr.id]
            owner = self.adjoint_owner.get(expr.id)
            if owner is None or not self.accumulating(owner) or owner in self.reassigned:
                return set()  # not an adjoint that is ever added into in place
            return {owner}
        roots: set[str] = set()
        for child in children(expr):
            roots |= self.alias_roots_of(child)
        return roots

    def viewed_by(self, stmts: list[gast.stmt]) -> set[str]:
        """The variables whose adjoint arrays the names these statements bind may view: those
        adjoints must not be cleared in place while the views are still to be read."""
        viewed: set[str] = set()
        for stmt in stmts:
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
                viewed |= self.alias_roots.get(stmt.targets[0].id, set())
        return viewed

    def touched_before_use(self, name: str, roots: set[str]) -> bool:
        """Whether reversing the statements from ``name``'s definition up to here (the
        statement that uses it) may read or redefine any of ``roots``, whose adjoints those
        reversals change in place while ``name``'s adjoint is still to be read."""
        stmts, here = self.position[-1]
        definition = self.defs.single_stmts.get(name)
        for d in range(here - 1, -1, -1):
            if stmts[d] is definition:
                break
        else:
            return True
        for stmt in stmts[d:here]:
            if not isinstance(stmt, gast.Assign):
                return True
            if roots & (set(statement_reads(stmt)) | self.changed(stmt)):
                return True
        return False

    def zero(self, name: str) -> gast.stmt:
        declaration = assign(self.adj(name), call("_s2s.zeros_like", load(name)))
        self.declarations[id(declaration)] = declaration  # kept: its id stays its own
        return declaration

    def hoist_declarations(self, body: list[gast.stmt]) -> tuple[list[gast.stmt], list[gast.stmt]]:
        """The loop body without the adjoint declarations at its top level, and those.

        Nothing reads an adjoint during the forward sweep, and the reverse sweep meets first
        the values of the last iteration: declared once after the loop (from those values),
        the adjoints are the same, without an allocation per iteration.
        """
        kept = [s for s in body if id(s) not in self.declarations]
        return kept, [s for s in body if id(s) in self.declarations]

    def reset(self, name: str, in_place: bool, site) -> list[gast.stmt]:
        """The adjoint restarting from zero where its variable's definition is reversed; not
        needed for a variable defined once outside loops (nothing reads it afterwards).
        Cleared in place unless a name bound just before may still see its array; for a
        variable whose shape may change, zeros of the shape of the value it held before."""
        if self.defs.defs[name] == 1 and name not in self.defs.in_loop_defs:
            return []
        if name in self.reassigned:  # assigned afresh on every iteration
            return []
        adjoint = self.adj(name)
        if name in self.shape_varying:
            before = self.value_before(name, site)
            if before is not None:
                if in_place:
                    return [assign(adjoint, call("_s2s.cleared_like", load(adjoint), before))]
                return [assign(adjoint, call("_s2s.zeros_like", before))]
        helper = "_s2s.cleared" if in_place else "_s2s.zeros_like"
        return [assign(adjoint, call(helper, load(adjoint)))]

    # -- variables whose shape may change ------------------------------------------------------
    def value_before(self, name: str, site) -> gast.AST | None:
        """``name``'s value just before the definition being reversed, where it surely has
        one: from an earlier definition in the same block, or, in a loop whose iterations
        read it before defining it, from the previous iteration (or from before the loop)."""
        stmts, here = self.position[-1]
        if any(name in targets_of(s) for s in stmts[:here] if isinstance(s, gast.Assign)):
            return self.ref(name, site)
        if self._carried(name) and self._defined_on_entry(name):
            return self.ref(name, site)
        return None

    def refit_each_iteration(self, name: str, site) -> None:
        """For a loop variable whose shape may change and whose value is new on every
        iteration: the reverse sweep fits its adjoint, at the top of each iteration, to the
        value it has at the end of that iteration (kept here, at its last definition)."""
        loop = self._enclosing_loop()
        stmts, here = self.position[-1]
        if loop is None or self._carried(name):
            return
        if any(name in changed_by(s) for s in stmts[here + 1 :]):
            return  # not the iteration's last definition
        saved_flag, self.copy_saved = self.copy_saved, False  # only its shape is read
        try:
            value = self.save(name, site, after=True)
        finally:
            self.copy_saved = saved_flag
        adjoint = self.adj(name)
        fitted = assign(adjoint, call("_s2s.fitted", load(adjoint), value))
        self.prologues.setdefault(id(stmts), []).extend([site.restore.pop(), fitted])

    def _enclosing_loop(self) -> gast.For | gast.While | None:
        """The loop whose body is the block being reversed, if it is one."""
        if len(self.position) < 3:
            return None
        outer, at = self.position[-2]
        loop = outer[at] if at < len(outer) else None
        if isinstance(loop, (gast.For, gast.While)) and loop.body is self.position[-1][0]:
            return loop
        return None

    def _carried(self, name: str) -> bool:
        """Whether each iteration of the loop around this block reads ``name`` before
        defining it: a value carried over from the previous iteration."""
        loop = self._enclosing_loop()
        if loop is None:
            return False
        if isinstance(loop, gast.While) and name in names_read(loop.test):
            return True
        for stmt in self.position[-1][0]:
            if name in names_read(stmt):
                return True
            if name in changed_by(stmt):
                return False
        return False

    def _defined_on_entry(self, name: str) -> bool:
        """Whether ``name`` is an argument or defined (at the top of a block) before the
        statement that holds the block being reversed."""
        if name in self.defs.params:
            return True
        for stmts, at in self.position[1:-1]:
            if any(name in targets_of(s) for s in stmts[:at] if isinstance(s, gast.Assign)):
                return True
        return False
