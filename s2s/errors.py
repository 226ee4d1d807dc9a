"""Errors that s2s raises, each pointing at the user's source."""

from __future__ import annotations

import dataclasses
import linecache


@dataclasses.dataclass(frozen=True)
class SourceLocation:
    """A position in the user's file (1-based line, 0-based column)."""

    filename: str
    lineno: int
    col: int
    function: str = ""

    def render(self) -> str:
        where = f'  File "{self.filename}", line {self.lineno}, column {self.col + 1}'
        if self.function:
            where += f", in {self.function}"
        line = linecache.getline(self.filename, self.lineno).rstrip("\n")
        if not line:
            return where
        stripped = line.lstrip()
        caret_col = max(self.col - (len(line) - len(stripped)), 0)
        return f"{where}\n    {stripped}\n    {' ' * caret_col}^"


class S2SError(Exception):
    """Base class of every error s2s raises about the user's code or arguments."""

    def __init__(self, message: str, location: SourceLocation | None = None, hint: str = ""):
        self.message = message
        self.location = location
        self.hint = hint
        super().__init__(self._format())

    def _format(self) -> str:
        text = self.message
        if self.location is not None:
            text += "\n" + self.location.render()
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class UnsupportedSyntaxError(S2SError):
    """A construct outside the subset that s2s accepts (the Numba nopython subset)."""


class NameResolutionError(S2SError):
    """A name the function uses that s2s cannot resolve to a value it can compile."""


class DifferentiationError(S2SError):
    """Something s2s cannot differentiate: no rule, an integer argument, a non-scalar output..."""


class BatchingError(S2SError):
    """Bad `in_axes`/`out_axes`, mismatched batch sizes, or an unbatchable construct."""
