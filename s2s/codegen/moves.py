"""Hand adjoint arrays on by name where the reverse sweep of a copy would make new ones.

Reversing ``u, v = v, u`` (``t = u; u = v; v = t``) moves each adjoint to the other name, but
the sweep writes that out as copies into zeros, each a new array on every step::

    b_t2 = bv                      b_t2 = bv
    bv = _s2s.zeros_like(bv)       b_t1 = bu
    b_t1 = _s2s.save(bu)     ->    bu = b_t2
    bu = _s2s.cleared(bu)          bv = b_t1
    bu = bu + b_t2
    bv = bv + b_t1

Three rewrites, within one block of the final code, give the right-hand side:

* ``bx = bx + b_t2`` where ``bx`` has just been made zeros and ``b_t2`` is read nowhere else
  becomes ``bx = b_t2``: the same values, and nothing reads ``b_t2`` to see it shared; so does
  ``bx = bx + bu`` where ``bu`` is cleared next (no other name holds an array the sweep clears
  in place), ``bu`` getting new zeros instead. In a loop's body, an adjoint the body first adds
  into and last makes zeros, made zeros before the loop too, holds zeros where each iteration
  starts: reversing a rotation (``up = u; u = un``) hands ``bu`` to ``bun`` and ``bup`` to
  ``bu`` on every step;
* zeros made for ``bx`` (``_s2s.zeros_like``) that nothing reads before ``bx`` is bound again
  are not made;
* ``b_t1 = _s2s.save(bx)`` followed by ``bx = _s2s.cleared(bx)``, then ``bx`` bound again, keeps
  ``bx``'s array itself in ``b_t1``, where no other name ever holds that array: nothing writes
  into it any more, so the copy and the clearing are not needed.

Only adjoints (names starting with ``b``) are touched, and only statements of one block with
no other mention of the adjoint in between.
"""

from __future__ import annotations

import bisect

import gast

from ..gastutil import assign, assigns_name, attr_path, call, load, located, name_nodes


def moved_adjoints(fn: gast.FunctionDef) -> gast.FunctionDef:
    """``fn`` with the copies of adjoint arrays above written as moves (a copy of ``fn``, its
    statements shared, if any is)."""
    survey = _Survey()
    survey.names(name_nodes(fn.args))
    rewritten = _Rewrite(survey.mentions, survey.held)
    body = rewritten.block(survey.block(fn.body))
    if not rewritten.changed:
        return fn
    return gast.FunctionDef(
        fn.name, fn.args, body, fn.decorator_list, fn.returns, fn.type_comment, []
    )


class _Block:
    """A block's statements (None for one dropped), the blocks of its compound statements (by
    place), and where each name is mentioned in them, for the statement mentioning a name
    before or after a place."""

    def __init__(self, stmts: list[gast.stmt]):
        self.stmts: list[gast.stmt | None] = list(stmts)
        self.nested: dict[int, tuple[_Block, _Block]] = {}
        self.places: dict[str, list[int]] = {}
        self.zeros_on_entry: set[str] = set()  # (a loop's body: see `_Rewrite.loop_entry`)

    def previous(self, k: int, name: str) -> tuple[int, gast.stmt | None]:
        places = self.places.get(name, ())
        for j in reversed(places[: bisect.bisect_left(places, k)]):
            if self.stmts[j] is not None:
                return j, self.stmts[j]
        return -1, None

    def next(self, k: int, name: str) -> tuple[int, gast.stmt | None]:
        places = self.places.get(name, ())
        for j in places[bisect.bisect_right(places, k) :]:
            if self.stmts[j] is not None:
                return j, self.stmts[j]
        return len(self.stmts), None


class _Survey:
    """One walk over a function: its blocks, how often each adjoint is mentioned, and how many
    bindings may give another name each name's array (``t = bx``, ``r = bx[i]``)."""

    def __init__(self):
        self.mentions: dict[str, int] = {}
        self.held: dict[str, int] = {}

    def block(self, stmts: list[gast.stmt]) -> _Block:
        block = _Block(stmts)
        for k, stmt in enumerate(stmts):
            for name in self.statement(block, k, stmt):
                block.places.setdefault(name, []).append(k)
        return block

    def statement(self, block: _Block, k: int, stmt: gast.stmt) -> set[str]:
        """The names ``stmt`` mentions, its blocks surveyed."""
        if isinstance(stmt, (gast.For, gast.While, gast.If)):
            body, orelse = self.block(stmt.body), self.block(stmt.orelse)
            block.nested[k] = (body, orelse)
            parts = [getattr(stmt, field, None) for field in ("target", "iter", "test")]
            names = set(body.places) | set(orelse.places)
            return names | self.names([n for part in parts if part for n in name_nodes(part)])
        if isinstance(stmt, gast.Assign):
            for name in _held_by(stmt.value):
                self.held[name] = self.held.get(name, 0) + 1
        return self.names(name_nodes(stmt))

    def names(self, nodes: list[gast.Name]) -> set[str]:
        """The adjoints among ``nodes``, each mention counted (no other name is looked up)."""
        mentions, found = self.mentions, set()
        for node in nodes:
            name = node.id
            if _adjoint(name):
                mentions[name] = mentions.get(name, 0) + 1
                found.add(name)
        return found


class _Rewrite:
    def __init__(self, mentions: dict[str, int], held: dict[str, int]):
        self.mentions = mentions
        self.held = held
        self.changed = False

    def block(self, block: _Block) -> list[gast.stmt]:
        """The statements of ``block`` rewritten."""
        out = block.stmts
        for k, (body, orelse) in block.nested.items():
            if isinstance(out[k], gast.For):
                body.zeros_on_entry = self.loop_entry(block, k, body)
            out[k] = self.compound(out[k], self.block(body), self.block(orelse))
        for k, stmt in enumerate(out):
            moved = self.sum_into_zeros(block, k, stmt)
            if moved is not None:
                out[k] = moved
                self.changed = True
        for k, stmt in enumerate(out):
            if stmt is None:
                continue
            if _assigns_call(stmt, "_s2s.zeros_like") and self.bound_again(block, k, stmt):
                out[k] = None
                self.changed = True
            elif _assigns_call(stmt, "_s2s.save"):
                self.save_as_move(block, k, stmt)
        return [stmt for stmt in out if stmt is not None]

    @staticmethod
    def compound(stmt: gast.stmt, body: list[gast.stmt], orelse: list[gast.stmt]) -> gast.stmt:
        if body == stmt.body and orelse == stmt.orelse:
            return stmt
        copy = type(stmt).__new__(type(stmt))
        copy.__dict__ = {**stmt.__dict__, "body": body, "orelse": orelse}
        return copy

    def loop_entry(self, block: _Block, k: int, body: _Block) -> set[str]:
        """The adjoints that hold zeros no other name holds wherever an iteration of the loop
        ``block.stmts[k]`` starts: made zeros last before the loop (or in ``if _n1 > 0:`` for
        a loop over ``range(_n1 ...)``), and at the end of its body, where the body first
        adds into them."""
        loop = block.stmts[k]
        found = set()
        for name, places in body.places.items():
            first, last = body.stmts[places[0]], body.stmts[places[-1]]
            if not (_adds_into(first, name) and _makes_zeros(last, name, "_s2s.zeros_like")):
                continue
            j, before = block.previous(k, name)
            if isinstance(before, gast.If) and _runs_the_loop(before, loop):
                nested = block.nested[j][0]
                before = nested.previous(len(nested.stmts), name)[1]
            if _zeros(before, name):
                found.add(name)
        return found

    def sum_into_zeros(self, block: _Block, k: int, stmt: gast.stmt) -> gast.stmt | None:
        """``bx = b_t2`` for ``bx = bx + b_t2`` where ``bx`` was last made zeros, if
        ``b_t2`` is an adjoint read here only; ``bx = bu`` for ``bx = bx + bu`` where ``bu``
        is cleared next, and is then made new zeros instead."""
        if not (
            isinstance(stmt, gast.Assign)
            and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.BinOp)
            and isinstance(stmt.value.op, gast.Add)
            and isinstance(stmt.value.left, gast.Name)
            and isinstance(stmt.value.right, gast.Name)
        ):
            return None
        name, share = stmt.targets[0].id, stmt.value.right.id
        if stmt.value.left.id != name or not (_adjoint(name) and _adjoint(share)):
            return None
        _, previous = block.previous(k, name)
        # (no previous mention: the zeros the loop's last iteration, or the code before it, made)
        if not (_zeros(previous, name) or previous is None and name in block.zeros_on_entry):
            return None
        at, clear = block.next(k, share)
        if _makes_zeros(clear, share) and not self.held.get(share):
            # `bu`'s array goes to `bx` as it is, and `bu` gets new zeros: where the sweep
            # clears an adjoint in place, no other name holds its array.
            block.stmts[at] = located(assign(share, call("_s2s.zeros_like", load(share))), clear)
            return located(assign(name, load(share)), stmt)
        if self.mentions.get(share) != 2:  # its binding, and this read
            return None
        j, binding = block.previous(k, share)
        if binding is None or not self.exclusive(block, j, binding, share):
            return None
        return located(assign(name, load(share)), stmt)

    def exclusive(self, block: _Block, j: int, binding: gast.stmt, name: str) -> bool:
        """Whether ``binding`` gives ``name`` another adjoint's array that no other name holds
        from then on: a copy of it (``_s2s.save(bu)``), or the array itself, which this
        binding alone hands on and that adjoint is bound again before it is mentioned
        (``b_t2 = bv``, then ``bv = _s2s.zeros_like(bv)``). (Not arithmetic: a real share
        may go into a complex adjoint's zeros, whose sum is complex.)"""
        if not _rebinds(binding, name):
            return False
        value = binding.value
        if isinstance(value, gast.Call):
            return (
                attr_path(value.func) == "_s2s.save"
                and len(value.args) == 1
                and isinstance(value.args[0], gast.Name)
                and _adjoint(value.args[0].id)
            )
        if not (isinstance(value, gast.Name) and _adjoint(value.id)):
            return False
        source = value.id
        if self.held.get(source) != 1:
            return False
        _, following = block.next(j, source)
        return _rebinds(following, source) or _makes_zeros(following, source, "_s2s.zeros_like")

    def bound_again(self, block: _Block, k: int, stmt: gast.Assign) -> bool:
        """Whether the next mention of the adjoint ``stmt`` binds, in this block, binds it
        again without reading it."""
        name = stmt.targets[0].id
        return _adjoint(name) and _rebinds(block.next(k, name)[1], name)

    def save_as_move(self, block: _Block, k: int, stmt: gast.Assign) -> None:
        """``b_t1 = bx`` for ``b_t1 = _s2s.save(bx)``, then ``bx`` cleared and bound again."""
        value = stmt.value
        if len(value.args) != 1 or not isinstance(value.args[0], gast.Name):
            return
        name = value.args[0].id
        if not _adjoint(name) or self.held.get(name):
            return
        at, clear = block.next(k, name)
        if not (_makes_zeros(clear, name) and _rebinds(block.next(at, name)[1], name)):
            return
        block.stmts[k] = located(assign(stmt.targets[0].id, load(name)), stmt)
        block.stmts[at] = None
        self.changed = True


def _adjoint(name: str) -> bool:
    return name.startswith("b")


def _held_by(value: gast.AST) -> set[str]:
    """Names whose arrays a value bound to a name may be: the name itself, a part of it
    (``bx[i]``, ``bx.T``), or any of these in a tuple."""
    if isinstance(value, gast.Name):
        return {value.id}
    if isinstance(value, (gast.Subscript, gast.Attribute)):
        return _held_by(value.value)
    if isinstance(value, (gast.Tuple, gast.List)):
        return set().union(*(_held_by(item) for item in value.elts))
    if isinstance(value, gast.IfExp):
        return _held_by(value.body) | _held_by(value.orelse)
    return set()


def _assigns_call(stmt: gast.stmt | None, helper: str) -> bool:
    """``name = helper(...)``."""
    return (
        isinstance(stmt, gast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], gast.Name)
        and isinstance(stmt.value, gast.Call)
        and attr_path(stmt.value.func) == helper
    )


def _makes_zeros(stmt: gast.stmt | None, name: str, helper: str = "_s2s.cleared") -> bool:
    """``name = helper(...)``: ``_s2s.cleared(name)`` (zeros in place), ``_s2s.zeros_like``."""
    return _assigns_call(stmt, helper) and stmt.targets[0].id == name


def _zeros(stmt: gast.stmt | None, name: str) -> bool:
    """``name`` made zeros: new ones, or its own array cleared."""
    return _makes_zeros(stmt, name, "_s2s.zeros_like") or _makes_zeros(stmt, name)


def _adds_into(stmt: gast.stmt | None, name: str) -> bool:
    """``name = name + share``."""
    return (
        assigns_name(stmt, name)
        and isinstance(stmt.value, gast.BinOp)
        and isinstance(stmt.value.op, gast.Add)
        and isinstance(stmt.value.left, gast.Name)
        and stmt.value.left.id == name
    )


def _runs_the_loop(branch: gast.If, loop: gast.For) -> bool:
    """Whether ``branch`` is ``if _n1 > 0:`` (no else) for a ``loop`` over a range that
    reads ``_n1``: where the loop runs an iteration, the branch ran."""
    test = branch.test
    if branch.orelse or not (
        isinstance(test, gast.Compare)
        and isinstance(test.left, gast.Name)
        and len(test.ops) == 1
        and isinstance(test.ops[0], gast.Gt)
        and isinstance(test.comparators[0], gast.Constant)
        and test.comparators[0].value == 0
    ):
        return False
    return attr_path(loop.iter.func) == "range" and test.left.id in {
        n.id for n in name_nodes(loop.iter)
    }


def _rebinds(stmt: gast.stmt | None, name: str) -> bool:
    """``name = value`` with a value that does not read ``name``."""
    return assigns_name(stmt, name) and all(node.id != name for node in name_nodes(stmt.value))
