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
from ..analysis.definitions import targets_of
from ..analysis.shapes import shape_varying
from ..gastutil import assign, call, children, load, located, name_nodes
from ..rules import ACCUMULATE_INTO
from .reverse_values import Site


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
        self.shape_varying = shape_varying(self.defs)
        self.single_use, self.reassigned, self.summed_later = self._single_use_temporaries()

    # -- names -------------------------------------------------------------------------------
    def adj(self, name: str) -> str:
        if name not in self.adjoint_names:
            self.adjoint_names[name] = self.namer.fresh("b" + name)
            self.adjoint_owner[self.adjoint_names[name]] = name
        return self.adjoint_names[name]

    def _single_use_temporaries(self) -> tuple[set[str], set[str], set[str]]:
        """ANF temporaries defined once and used once, in the same block, not subscripted: those
        whose adjoint is assigned from their one share, and those (broadcast operands inside
        loops) whose share is summed to the shape of the value they hold after the loop; and,
        of the first, those made by a broadcasting elementwise operation (``_t1 = a * b``).

        The adjoint of the last may keep the shape of the value that read them (``_t1 + c``):
        the reverse of their own operation sums each share to its operand's shape anyway
        (``unbroadcast(g * b, a)``: ``b`` is constant along the axes summed). Without that
        ``unbroadcast`` call in between, the elementwise work on both sides folds into one
        expression, which Numba compiles to one loop."""
        subscripted = set()
        found = set()
        broadcast_operands = set()
        broadcast_results = set()
        for node in self.defs.nodes_of(gast.Subscript):
            if isinstance(node.value, gast.Name):
                subscripted.add(node.value.id)
        for node in self.defs.nodes_of(gast.Assign):
            if not isinstance(node.targets[0], gast.Subscript):
                rule, args, keywords = self.rule_for(node.value, node)
                if rule is not None and rule.broadcast:
                    broadcast_operands |= {
                        a.id for a in [*args, *keywords.values()] if isinstance(a, gast.Name)
                    }
                    if isinstance(node.targets[0], gast.Name):
                        broadcast_results.add(node.targets[0].id)
            elif isinstance(node.value, gast.Name):
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
        reassigned = found & broadcast_operands & self.defs.in_loop_defs
        single = found - reassigned
        return single, reassigned, single & broadcast_results

    def _same_block_uses(self, candidates: set[str]) -> set[str]:
        ok = set()

        def visit(stmts):
            defined_here = set()
            for stmt in stmts:
                for name in self.defs.statement_reads(stmt):
                    if name in defined_here:
                        ok.add(name)
                defined_here.update(n for n in targets_of(stmt) if n in candidates)
                if isinstance(stmt, gast.If):
                    visit(stmt.body)
                    visit(stmt.orelse)
                elif isinstance(stmt, (gast.For, gast.While)):
                    visit(stmt.body)

        visit(self.tree.body)
        visit = None  # (a recursive closure is a reference cycle: broken, freed now)
        return ok

    def accumulating(self, name: str) -> bool:
        """Whether ``name`` has an adjoint that receives shares in place: carrying derivatives,
        and not a temporary whose adjoint is assigned its one share."""
        return (
            name in self.active
            and name not in self.single_use
            and name not in self.reassigned
            and name not in self.lists  # (an adjoint stack: reverse_lists.py)
        )

    # -- adjoint accumulation ------------------------------------------------------------------
    def contribute(
        self, name: str, share: gast.AST, broadcast: bool = False, site=None
    ) -> list[gast.stmt]:
        """Add ``share`` to ``name``'s adjoint (summed to its shape if ``broadcast``; the
        statement's ``site`` keeps the value that gives the shape, where it may change)."""
        if name not in self.active:
            return []
        adjoint = self.adj(name)
        if name in self.single_use or name in self.reassigned:
            self.has_adjoint.add(name)
            if broadcast and name not in self.summed_later:
                # To the temporary's shape (a loop's: its last value's, if that is fixed).
                shape = load(name)
                if name in self.shape_varying and site is not None:
                    shape = self.ref(name, site)
                share = _reduced("_s2s.unbroadcast", share, shape)
            return [assign(adjoint, self.unshared(name, share))]
        # Accumulating adjoints are never shared with another variable: add in place.
        into = ACCUMULATE_INTO.get(call_name(share)) if isinstance(share, gast.Call) else None
        if into is not None:  # the share's own in-place form: no temporary
            return [assign(adjoint, call(into, load(adjoint), *share.args))]
        if broadcast:
            if _is_negation(share):  # summed before it is negated, where it is summed
                return [assign(adjoint, call("_s2s.subtract_into", load(adjoint), share.operand))]
            return [assign(adjoint, call("_s2s.accumulate_into", load(adjoint), share))]
        # A share of the adjoint's own shape: plain arithmetic, which Numba compiles much faster
        # than a helper call (derivative code of scalar loops has thousands of these).
        if _is_negation(share):  # ``bx = bx - e``, not ``bx = bx + -e``: no negated temporary
            return [assign(adjoint, gast.BinOp(load(adjoint), gast.Sub(), share.operand))]
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
        if isinstance(expr, gast.Call) and call_name(expr) in ("_s2s.save", "_s2s.stored_share"):
            return set()  # a copy
        if isinstance(expr, gast.Name):
            if expr.id in self.alias_roots:
                return self.alias_roots[expr.id]
            owner = self.adjoint_owner.get(expr.id)
            if owner is None or not self.accumulating(owner):
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
        d = self.place_in_block(stmts, self.defs.single_stmts.get(name), here)
        if d is None:
            return True
        for stmt in stmts[d:here]:
            if not isinstance(stmt, gast.Assign):
                return True
            if roots & (set(self.defs.statement_reads(stmt)) | self.changed(stmt)):
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
        the adjoints are the same, without an allocation per iteration. A variable assigned
        several times in the body is declared once.
        """
        kept = [s for s in body if id(s) not in self.declarations]
        declared = {}
        for s in body:
            if id(s) in self.declarations:
                declared.setdefault(s.targets[0].id, s)
        return kept, list(declared.values())

    def reset(self, name: str, in_place: bool, site) -> list[gast.stmt]:
        """The adjoint restarting from zero where its variable's definition is reversed; not
        needed for a variable defined once outside loops (nothing reads it afterwards).
        Cleared in place unless a name bound just before may still see its array; for a
        variable whose shape may change, zeros of the shape of the value it held before."""
        if self.defs.defs[name] == 1 and name not in self.defs.in_loop_defs:
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

    # -- first shares ----------------------------------------------------------------------
    def assign_first_shares(self, head: list[gast.stmt], tail: list[gast.stmt]) -> None:
        """Where the first thing the reverse sweep does with an adjoint declared at the top
        level is to add an arithmetic share to it, or a share a helper computes, assign the
        share instead and drop the zeros (``bz = g * w``, not ``bz = zeros_like(z)`` then
        ``bz = bz + g * w``; ``bw = matmul_adjoint_a(g, w, x)``, not ``add_matmul_adjoint_a``
        into zeros): one array fewer to allocate, fill and add into. ``head``: the top-level
        statements before the reverse sweep; ``tail``: the seeding and the reverse sweep, as
        they run. Both are edited in place."""
        declared = {
            stmt.targets[0].id: stmt
            for stmt in head
            if id(stmt) in self.declarations
            and self.defs.defined_once_outside_loops(self.adjoint_owner[stmt.targets[0].id])
        }
        unseen = set(declared)  # not mentioned so far (loops and branches in `passed` aside)
        # Loops and branches passed, whose names are looked for only where a share could be
        # assigned after them: a reverse loop is most of the sweep, and seldom needs it.
        passed: list[gast.stmt] = []
        dropped: set[int] = set()
        for k, stmt in enumerate(tail):
            if not unseen:
                break
            adjoint = stmt.targets[0].id if _assigns_a_name(stmt) else None
            if adjoint in unseen:
                share = self._first_share(adjoint, stmt.value)
                if share is not None and passed:
                    for compound in passed:
                        unseen.difference_update([n.id for n in name_nodes(compound)])
                    passed.clear()
                if share is not None and adjoint in unseen:
                    tail[k] = located(assign(adjoint, share), stmt)
                    dropped.add(id(declared[adjoint]))
            if isinstance(stmt, (gast.If, gast.For, gast.While)):
                passed.append(stmt)
            else:
                unseen.difference_update([n.id for n in name_nodes(stmt)])
        head[:] = [stmt for stmt in head if id(stmt) not in dropped]

    def _first_share(self, adjoint: str, value: gast.AST) -> gast.AST | None:
        """The share ``value`` adds to ``adjoint`` (summed to the variable's shape), if it is
        a fresh value of arithmetic that does not read the adjoint itself."""
        negated = fresh = False
        shares_into = {into: share for share, into in ACCUMULATE_INTO.items()}
        if isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub)):
            total, share, broadcast = value.left, value.right, False
            negated = isinstance(value.op, gast.Sub)
        elif isinstance(value, gast.Call) and call_name(value) in _INTO_SIGN:
            total, share, broadcast = value.args[0], value.args[1], True
            negated = _INTO_SIGN[call_name(value)] < 0
        elif isinstance(value, gast.Call) and call_name(value) in shares_into:
            # ``add_matmul_adjoint_a(bw, g, w, x)``: the share it adds is a fresh array.
            total, broadcast, fresh = value.args[0], True, True
            share = call(shares_into[call_name(value)], *value.args[1:])
        else:
            return None
        if not (isinstance(total, gast.Name) and total.id == adjoint):
            return None
        if not (fresh or isinstance(share, (gast.BinOp, gast.UnaryOp))):
            return None  # a name or a call may be a view: adding into it in place is unsafe
        if any(n.id == adjoint for n in name_nodes(share)):
            return None
        if broadcast and not fresh:  # (a computed share has its variable's shape)
            share = call("_s2s.unbroadcast", share, load(self.adjoint_owner[adjoint]))
        return gast.UnaryOp(gast.USub(), share) if negated else share

    # -- variables whose shape may change ------------------------------------------------------
    def value_before(self, name: str, site) -> gast.AST | None:
        """``name``'s value just before the definition being reversed, where it surely has
        one: an argument, or defined earlier in this block or in a block around it (inside a
        loop: on the previous iteration, or before the loop)."""
        if self._defined_before(name, self.position[1:]):
            return self.ref(name, site)
        return None

    def refit_each_iteration(self, body: list[gast.stmt], forward: list[gast.stmt]):
        """The statements opening each reverse iteration of the loop whose body this is: the
        variables it defines whose shape may change, and that have no value before the loop,
        get their adjoints fitted to the value they have at the end of the iteration (kept
        at the end of ``forward``, the forward iteration)."""
        if self._enclosing_loop() is None:
            return []
        prologue: list[gast.stmt] = []
        for name in sorted(_surely_assigned(body) & self.shape_varying):
            if not self.accumulating(name):
                continue  # no adjoint carried from one reverse iteration to the next
            if self._defined_before(name, self.position[1:-1]):
                continue  # its definitions reset it from the value they replace
            site = Site()
            with self.uncopied():  # only its shape is read
                value = self.save(name, site, after=True)
            forward.extend(site.after)
            adjoint = self.adj(name)
            prologue += site.restore + [assign(adjoint, call("_s2s.fitted", load(adjoint), value))]
        return prologue

    def _enclosing_loop(self) -> gast.For | gast.While | None:
        """The loop whose body is the block being reversed, if it is one."""
        if len(self.position) < 3:
            return None
        outer, at = self.position[-2]
        loop = outer[at] if at < len(outer) else None
        if isinstance(loop, (gast.For, gast.While)) and loop.body is self.position[-1][0]:
            return loop
        return None

    def _defined_before(self, name: str, levels) -> bool:
        """Whether ``name`` is an argument or assigned, at the top of one of the blocks in
        ``levels`` (``(statements, index)``), before the statement at that index."""
        if name in self.defs.params:
            return True
        return any(
            name in targets_of(stmt)
            for stmts, at in levels
            for stmt in stmts[:at]
            if isinstance(stmt, gast.Assign)
        )


def _surely_assigned(stmts: list[gast.stmt]) -> set[str]:
    """The names the statements assign whichever way their branches go."""
    names: set[str] = set()
    for stmt in stmts:
        if isinstance(stmt, gast.Assign):
            names.update(targets_of(stmt))
        elif isinstance(stmt, gast.If):
            names |= _surely_assigned(stmt.body) & _surely_assigned(stmt.orelse)
    return names


def _assigns_a_name(stmt: gast.stmt) -> bool:
    return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)


# The helpers that add (or subtract) a share into an adjoint in place, summed to its shape.
_INTO_SIGN = {"_s2s.accumulate_into": 1, "_s2s.subtract_into": -1}


def _is_negation(expr: gast.AST) -> bool:
    return isinstance(expr, gast.UnaryOp) and isinstance(expr.op, gast.USub)


def _reduced(helper: str, share: gast.AST, *args: gast.AST) -> gast.AST:
    """``helper(share, *args)``, a negation moved outside (``-unbroadcast(g, x)``, not
    ``unbroadcast(-g, x)``): it then applies to the reduced value, not to every term."""
    if _is_negation(share):
        return gast.UnaryOp(gast.USub(), call(helper, share.operand, *args))
    return call(helper, share, *args)
