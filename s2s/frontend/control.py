"""Lower ``break``, ``continue`` and early ``return`` into flags: one exit, structured loops.

The derivative transforms need every block to run from its first statement to its last.
After this pass:

- a ``break`` sets a flag that ends its loop (a ``for`` loop with a ``break`` becomes a
  ``while`` loop over the same range, through ``_s2s.in_range``);
- a ``continue`` sets a flag reset at the top of each iteration;
- ``return v`` in the middle stores ``v`` and sets a flag that ends every enclosing loop;
  the function returns once, at its end;
- statements after one that may set a flag are guarded by ``if flag: pass else: ...``.
"""

from __future__ import annotations

import gast

from ..codegen.naming import Namer, names_in
from ..gastutil import assign, call, const, load, located


def _contains(stmts: list[gast.stmt], kinds: tuple, own_loop_only: bool) -> bool:
    for stmt in stmts:
        for node in _walk_statements(stmt, own_loop_only):
            if isinstance(node, kinds):
                return True
    return False


def _walk_statements(stmt: gast.stmt, own_loop_only: bool):
    yield stmt
    if isinstance(stmt, gast.If):
        for s in stmt.body + stmt.orelse:
            yield from _walk_statements(s, own_loop_only)
    elif isinstance(stmt, (gast.For, gast.While)) and not own_loop_only:
        for s in stmt.body:
            yield from _walk_statements(s, own_loop_only)


def needs_lowering(tree: gast.FunctionDef) -> bool:
    body = tree.body
    if _contains(body, (gast.Break, gast.Continue), own_loop_only=False):
        return True
    returns = [s for s in body for s in _walk_statements(s, False) if isinstance(s, gast.Return)]
    return len(returns) > 1 or (returns and body[-1] is not returns[0])


class _Lowering:
    def __init__(self, tree: gast.FunctionDef):
        self.namer = Namer(names_in(tree) | {"np", "math", "_s2s"})
        self.ret_flag = self.namer.fresh("_returned")
        self.ret_values: list[str] | None = None
        returns = [
            s for s in tree.body for s in _walk_statements(s, False) if isinstance(s, gast.Return)
        ]
        values = [r.value for r in returns]
        # Returns of tuple literals of one length become one variable per element.
        if (
            values
            and all(isinstance(v, gast.Tuple) for v in values)
            and (len({len(v.elts) for v in values}) == 1)
        ):
            self.width = len(values[0].elts)
        else:
            self.width = None
        self.ret_values = (
            [self.namer.fresh(f"_retval{k}") for k in range(self.width)]
            if self.width
            else [self.namer.fresh("_retval")]
        )
        self.used_ret = False

    def block(self, stmts, loop) -> tuple[list[gast.stmt], set[str]]:
        out: list[gast.stmt] = []
        for k, stmt in enumerate(stmts):
            new, flags = self.stmt(stmt, loop)
            out.extend(new)
            if flags:
                rest, rest_flags = self.block(stmts[k + 1 :], loop)
                if rest:
                    out.append(located(_guard(sorted(flags), rest), stmt))
                return out, flags | rest_flags
        return out, set()

    def stmt(self, stmt, loop) -> tuple[list[gast.stmt], set[str]]:
        if isinstance(stmt, gast.Break):
            return [located(assign(loop["break"], const(True)), stmt)], {loop["break"]}
        if isinstance(stmt, gast.Continue):
            return [located(assign(loop["continue"], const(True)), stmt)], {loop["continue"]}
        if isinstance(stmt, gast.Return):
            self.used_ret = True
            value = stmt.value if stmt.value is not None else const(None)
            parts = value.elts if self.width else [value]
            out = [assign(name, part) for name, part in zip(self.ret_values, parts)]
            out.append(assign(self.ret_flag, const(True)))
            return [located(s, stmt) for s in out], {self.ret_flag}
        if isinstance(stmt, gast.If):
            body, f1 = self.block(stmt.body, loop)
            orelse, f2 = self.block(stmt.orelse, loop)
            return [gast.If(stmt.test, body or [gast.Pass()], orelse)], f1 | f2
        if isinstance(stmt, (gast.For, gast.While)):
            return self.loop(stmt)
        return [stmt], set()

    def loop(self, stmt) -> tuple[list[gast.stmt], set[str]]:
        body = stmt.body
        has_break = _contains(body, (gast.Break,), own_loop_only=True)
        has_continue = _contains(body, (gast.Continue,), own_loop_only=True)
        has_return = _contains(body, (gast.Return,), own_loop_only=False)
        flags = {
            "break": self.namer.fresh("_break") if has_break else None,
            "continue": self.namer.fresh("_continue") if has_continue else None,
        }
        new_body, body_flags = self.block(body, flags)
        exits = sorted(f for f in (flags["break"], self.ret_flag if has_return else None) if f)
        before: list[gast.stmt] = []
        if flags["break"]:
            before.append(assign(flags["break"], const(False)))
        if flags["continue"]:
            new_body.insert(0, assign(flags["continue"], const(False)))
        if not exits:
            new = type(stmt)(**{**_fields(stmt), "body": new_body})
            return [located(s, stmt) for s in before + [new]], set()
        if isinstance(stmt, gast.For):
            loop_stmts = self.range_as_while(stmt, new_body, exits)
        else:
            loop_stmts = self.while_with_exits(stmt, new_body, exits)
        outer = {self.ret_flag} if has_return else set()
        return [located(s, stmt) for s in before + loop_stmts], outer

    def range_as_while(self, stmt: gast.For, body, exits) -> list[gast.stmt]:
        args = stmt.iter.args
        start, stop, step = (
            (const(0), args[0], const(1))
            if len(args) == 1
            else (args[0], args[1], args[2] if len(args) == 3 else const(1))
        )
        counter = self.namer.fresh("_k")
        cond = self.namer.fresh("_more")
        body = [assign(stmt.target.id, load(counter))] + body
        body.append(assign(counter, gast.BinOp(load(counter), gast.Add(), step)))
        test = _exit_test(cond, exits, call("_s2s.in_range", load(counter), stop, step))
        return [
            assign(counter, start),
            assign(cond, call("_s2s.in_range", load(counter), stop, step)),
            gast.While(load(cond), body + [test], []),
        ]

    def while_with_exits(self, stmt: gast.While, body, exits) -> list[gast.stmt]:
        if isinstance(stmt.test, gast.Name):
            return [gast.While(stmt.test, body + [_exit_test(stmt.test.id, exits, None)], [])]
        cond = self.namer.fresh("_more")
        return [
            assign(cond, stmt.test),
            gast.While(load(cond), body + [_exit_test(cond, exits, None)], []),
        ]

    def function(self, tree: gast.FunctionDef) -> gast.FunctionDef:
        body, _ = self.block(tree.body, {"break": None, "continue": None})
        if self.used_ret:
            body.insert(0, assign(self.ret_flag, const(False)))
            value = (
                gast.Tuple([load(n) for n in self.ret_values], gast.Load())
                if self.width
                else load(self.ret_values[0])
            )
            body.append(gast.Return(value))
        return located(gast.FunctionDef(tree.name, tree.args, body, [], None, None, []), tree)


def _fields(node):
    return {f: getattr(node, f) for f in node._fields}


def _guard(flags: list[str], rest: list[gast.stmt]) -> gast.If:
    inner = rest
    for flag in reversed(flags):
        inner = [gast.If(load(flag), [gast.Pass()], inner)]
    return inner[0]


def _exit_test(cond: str, exits: list[str], otherwise: gast.AST | None) -> gast.stmt:
    """``cond = False`` if any exit flag is set (else ``cond = otherwise``, if given)."""
    stmt = assign(cond, otherwise) if otherwise is not None else gast.Pass()
    for flag in reversed(exits):
        stmt = gast.If(load(flag), [assign(cond, const(False))], [stmt])
    return stmt


def lower_control_flow(tree: gast.FunctionDef) -> gast.FunctionDef:
    """The function with flags instead of break/continue/early return (see module doc)."""
    if not needs_lowering(tree):
        return tree
    return _Lowering(tree).function(tree)
