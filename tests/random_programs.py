"""Random programs in the accepted language, for differential tests of every transformation.

A program is a function ``f(x, s)`` of an array ``x`` (length 5) and a float ``s`` that mixes
what the corpus has one at a time: scalar, array and matrix arithmetic, NumPy and ``math`` calls,
arrays created and written in place (elements, slices, parts named first, ``y *= ...``, by a
helper), ``for`` loops with recurrences, data-dependent ``if``s inside and outside loops,
``while`` loops, reductions, and a ``@numba.vectorize`` ufunc with rules of its own.
Every value is bounded (``tanh``, ``sin``, ``x / (1 + x * x)``, ``exp(-x * x)``), so that
derivatives can be compared with central differences, and every variable reaches the result.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

from hypothesis import strategies as st

import s2s

SIZE = 5
_HEADER = """import math

import numba
import numpy as np


@numba.vectorize(["float64(float64, float64)"])
def bump(v, w):
    return math.exp(-v * v) * w


def helper(v, w):
    return v * np.tanh(w) + 0.5 * w


def pair(v, w):
    return v * w, np.sin(v) - w


def blend(out, v, w):
    for i in range(out.shape[0]):
        out[i] = 0.5 * out[i] + np.tanh(v[i] * w)


"""
_CONSTANTS = ("0.5", "1.5", "-0.3", "2.0")
# The derivatives of the ufunc `bump` the programs call, registered under its name.
s2s.defvjp(
    "bump", "v, w", broadcast=True, v="-2.0 * g * v * np.exp(-v * v) * w", w="g * np.exp(-v * v)"
)
s2s.defjvp(
    "bump",
    "v, w",
    broadcast=True,
    v="-2.0 * dv * v * np.exp(-v * v) * w",
    w="dw * np.exp(-v * v)",
)


class _Builder:
    """Draws statements with ``draw``, keeping track of the variables in scope."""

    def __init__(self, draw, output: str):
        self.draw = draw
        self.output = output  # "scalar" or "array": what ``f`` returns
        self.scalars = ["s"]
        self.arrays = ["x"]
        self.owned: list[str] = []  # arrays the program made: it may write into them
        self.zeroed: list[str] = []  # those of them made by np.zeros
        self.matrices: list[str] = []  # n x n, made by the program
        self.lines: list[str] = ["n = x.shape[0]"]
        self.count = 0

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def pick(self, options):
        return self.draw(st.sampled_from(list(options)))

    def chance(self, p: float) -> bool:
        return self.draw(st.floats(0.0, 1.0)) < p

    # -- expressions -------------------------------------------------------------------------
    def leaf(self, index: str | None) -> str:
        kinds = ["scalar", "constant", "element"]
        kind = self.pick(kinds)
        if kind == "scalar":
            return self.pick(self.scalars)
        if kind == "constant":
            return self.pick(_CONSTANTS)
        if index is not None and self.chance(0.7):
            where = self.pick([index, index, f"({index} + 1) % n", f"n - 1 - {index}"])
        else:
            where = self.pick(["0", "n - 1", "-1"])
        return f"{self.pick(self.arrays)}[{where}]"

    def scalar(self, depth: int = 2, index: str | None = None) -> str:
        """A bounded-growth scalar expression (``index``: the loop variable, if in a loop)."""
        if depth == 0 or self.chance(0.25):
            return self.leaf(index)
        a, b = self.scalar(depth - 1, index), self.scalar(depth - 1, index)
        forms = [
            f"({a} + {b})",
            f"({a} - {b})",
            f"({a} * {b})",
            f"{a} / (1.0 + {b} * {b})",
            f"math.sin({a})",
            f"np.tanh({a})",
            f"math.exp(-{a} * {a})",
            f"max({a}, {b})",
            f"math.sqrt(1.0 + {a} * {a})",
            f"{a} ** 2",
            f"helper({a}, {b})",
            f"abs({a}) * 0.5",
            f"min({a}, {b})",
            f"bump({a}, {b})",
        ]
        if self.matrices:
            row, col = (index, f"n - 1 - {index}") if index is not None else ("0", "n - 1")
            forms.append(f"{self.pick(self.matrices)}[{row}, {col}]")
            forms.append(f"{self.pick(self.matrices)}[{row}][{col}]")  # the row, then its entry
        if index is None:
            array = self.pick(self.arrays)
            forms += [
                f"np.sum({array}) * 0.2",
                f"np.dot({array}, {self.pick(self.arrays)}) * 0.1",
                f"np.max({array})",
                f"np.mean(np.sin({array}))",
                f"np.sum({array}[{array} > 0.0]) * 0.3",
            ]
        return self.pick(forms)

    def array(self) -> str:
        a, b = self.pick(self.arrays), self.pick(self.arrays)
        matrix = (
            [
                f"{m} @ {a}",
                f"{m}.T @ np.tanh({b})",
                f"np.sum({m}, axis={self.pick(['0', '1'])}) * 0.5",
                f"np.dot({a}, {m})",
            ]
            if (m := self.pick(self.matrices) if self.matrices else None)
            else []
        )
        return self.pick(
            matrix
            + [
                f"{a} * {self.scalar(1)}",
                f"np.sin({a}) + {b}",
                f"np.tanh({a} * {b})",
                f"{a} / (1.0 + {b} * {b})",
                f"np.cumsum({a}) * 0.2",
                f"np.exp(-{a} * {a})",
                f"{a}.copy()",
                f"np.where({a} > 0.0, {a}, {b} * 0.5)",
                f"helper({a}, {b})",
                f"np.sort({a}) * {self.scalar(1)}",
                f"np.maximum({a}, {b} * 0.5)",
                f"np.clip({a}, -0.5, 0.8)",
                f"bump({a}, {b}) + bump({b}, 0.5)",
                f"{a}[np.arange(n)[::-1]] * {b}",
            ]
        )

    def matrix(self) -> str:
        a, b = self.pick(self.arrays), self.pick(self.arrays)
        forms = [f"np.outer({a}, np.tanh({b})) * 0.3", f"np.tanh(np.outer({a}, {b}))"]
        if self.matrices:
            m = self.pick(self.matrices)
            forms += [f"{m} @ {m} * 0.2", f"np.sin({m}.T) * {self.scalar(1)}", f"{m}.copy()"]
        return self.pick(forms)

    # -- statements --------------------------------------------------------------------------
    def statement(self) -> None:
        kinds = ["new scalar", "new array", "loop", "if", "scalar update", "swap", "early return"]
        kinds += ["pair", "for each", "settle", "pieces", "unpack", "list", "zipped"]
        if self.owned:
            kinds += ["element write", "array update", "slice write", "while", "fill"]
        kinds.append("new matrix")
        if self.owned:
            kinds.append("alias")
        if self.matrices:
            kinds += ["matrix write", "row"]
        if self.zeroed:
            kinds.append("part")
        getattr(self, "_" + self.pick(kinds).replace(" ", "_"))()

    def _new_scalar(self):
        name = self.fresh("a")
        self.lines.append(f"{name} = {self.scalar()}")
        self.scalars.append(name)

    def _new_array(self):
        name = self.fresh("y")
        if self.chance(0.3):
            self.lines.append(f"{name} = np.zeros(n)")
            self.zeroed.append(name)
        else:
            self.lines.append(f"{name} = {self.array()}")
        self.arrays.append(name)
        self.owned.append(name)

    def _scalar_update(self):
        name = self.pick(self.scalars)
        op = self.pick(["+=", "-=", "*="])
        value = self.scalar(1) if op != "*=" else f"np.tanh({self.scalar(1)})"
        self.lines.append(f"{name} {op} {value}")

    def _new_matrix(self):
        name = self.fresh("m")
        self.lines.append(f"{name} = {self.matrix()}")
        self.matrices.append(name)

    def _matrix_write(self):
        m = self.pick(self.matrices)
        if self.chance(0.5):
            self.lines += ["for i in range(n):", f"    {m}[i, i] += {self.scalar(1, 'i')}"]
        else:
            self.lines.append(f"{m}[0, :] = {self.pick(self.arrays)} * {self.scalar(1)}")

    def _swap(self):
        if len(self.scalars) < 2:
            return self._new_scalar()
        a, b = self.draw(st.permutations(self.scalars))[:2]
        self.lines.append(f"{a}, {b} = {b}, {a} * 0.5")

    def _early_return(self):
        value = self.scalar() if self.output == "scalar" else f"{self.array()} * {self.scalar(1)}"
        self.lines += [f"if {self.scalar(1)} > 1.5:", f"    return {value}"]

    def _element_write(self):
        target = self.pick(self.owned)
        where = self.pick(["0", "n - 1", "2"])
        op = self.pick(["=", "+="])
        self.lines.append(f"{target}[{where}] {op} {self.scalar()}")

    def _array_update(self):
        target = self.pick(self.owned)
        if self.chance(0.5):
            self.lines.append(f"{target} *= {self.scalar(1)} / (1.0 + {self.scalar(1)} ** 2)")
        else:
            self.lines.append(f"{target} += np.sin({self.pick(self.arrays)})")

    def _slice_write(self):
        target = self.pick(self.owned)
        source = self.pick([a for a in self.arrays if a != target] or ["x"])
        op = self.pick(["=", "+="])
        self.lines.append(f"{target}[1:] {op} {source}[:-1] * {self.scalar(1)}")

    def _loop(self):
        recurrence = self.owned and self.chance(0.5)
        if recurrence:
            header = "range(1, n)"
        else:
            header = self.pick(["range(n)", "range(n - 1, -1, -1)", "range(0, n, 2)"])
        if not recurrence and self.chance(0.2):
            return self._scratch_loop(header)
        body = []
        sums_only = not recurrence and self.chance(0.25)  # the reverse loop may run forwards
        for _ in range(self.draw(st.integers(1, 3))):
            if sums_only:
                # (bounded: an increment that reads the total, `s += s + s`, compounds)
                body.append(f"{self.pick(self.scalars)} += np.tanh({self.scalar(2, 'i')})")
            else:
                body.extend(self._loop_statement(recurrence))
        if self.chance(0.2):  # leave early, or skip an iteration, on a value
            exit = self.pick(["break", "continue"])
            body = [f"if {self.scalar(1, 'i')} > 1.0:", f"    {exit}"] + body
        if self.chance(0.15):  # an inner loop
            name = self.pick(self.scalars)
            update = f"0.5 * {name} + np.tanh({self.scalar(1, 'i')} * (j + 1))"
            if self.chance(0.5):  # times a costly factor, often the same along `j`
                update = f"{update} * math.exp(-{self.leaf('i')} ** 2)"
            body += ["for j in range(2):", f"    {name} = {update}"]
        self.lines.append(f"for i in {header}:")
        self.lines.extend("    " + line for line in body)

    def _scratch_loop(self, header: str) -> None:
        """A loop whose reverse iterations may also run forwards: it computes a scalar
        afresh in each iteration, read only there (summed into by a loop inside, written to
        the iteration's own element), and adds it to a new total."""
        name, total = self.fresh("c"), self.fresh("a")
        body = [
            f"{name} = {self.scalar(1, 'i')}",
            "for j in range(2):",
            f"    {name} = {name} * 0.5 + {self.scalar(1, 'i')} * (j + 1)",
        ]
        if self.owned:
            body.append(f"{self.pick(self.owned)}[i] = np.tanh({name})")
        body.append(f"{total} += {name} * {self.scalar(1, 'i')}")
        self.lines += [f"{total} = 0.0", f"for i in {header}:"]
        self.lines.extend("    " + line for line in body)
        self.scalars.append(total)

    def _loop_statement(self, recurrence: bool) -> list[str]:
        kinds = ["carry"]
        if self.owned:
            kinds += ["write", "branch"]
        kind = self.pick(kinds)
        if kind == "carry":
            name = self.pick(self.scalars)
            return [f"{name} = 0.5 * {name} + np.tanh({self.scalar(2, 'i')})"]
        if kind == "write":
            target = self.pick(self.owned)
            previous = f"{target}[i - 1] * 0.7 + " if recurrence else ""
            op = self.pick(["=", "+="])
            return [f"{target}[i] {op} {previous}{self.scalar(2, 'i')}"]
        test = f"{self.pick(self.arrays)}[i] > {self.pick(['0.0', '0.3'])}"
        target = self.pick(self.owned)
        return [
            f"if {test}:",
            f"    {target}[i] = {self.scalar(1, 'i')}",
            "else:",
            f"    {self.pick(self.scalars)} += np.tanh({self.scalar(1, 'i')})",
        ]

    def _if(self):
        name = self.fresh("a")
        self.lines += [
            f"if {self.scalar(1)} > 0.0:",
            f"    {name} = {self.scalar()}",
            "else:",
            f"    {name} = {self.scalar()}",
        ]
        self.scalars.append(name)

    def _alias(self):  # another name for an array the program may write into later
        name, target = self.fresh("v"), self.pick(self.owned)
        self.lines.append(f"{name} = {self.pick([target, target + '[::-1]'])}")
        self.arrays.append(name)

    def _row(self):  # a row of a matrix the program may write into later
        name = self.fresh("r")
        self.lines.append(f"{name} = {self.pick(self.matrices)}[{self.pick(['0', 'n - 1'])}]")
        self.arrays.append(name)

    def _part(self):  # a part of an array the program made, named, then written through
        name, target = self.fresh("p"), self.pick(self.zeroed)
        self.lines.append(f"{name} = {target}{self.pick(['[1:]', '[:-1]', '[1:-1]', '[2:]'])}")
        write = self.pick(["first", "last", "whole", "update", "loop"])
        if write == "first":
            self.lines.append(f"{name}[0] = {self.scalar()}")
        elif write == "last":
            self.lines.append(f"{name}[-1] += {self.scalar()}")
        elif write == "whole":
            self.lines.append(f"{name}[:] = {name} * {self.scalar(1)}")
        elif write == "update":
            self.lines.append(f"{name} += np.sin({self.pick(self.arrays)}[:{name}.shape[0]])")
        else:
            self.lines += [
                f"for i in range({name}.shape[0] - 1):",
                f"    {name}[i + 1] = {name}[i] * {self.scalar(1, 'i')}",
            ]
        # (shorter than n: not among the arrays read at any index; it reaches the result
        # through its array)

    def _fill(self):  # a helper that writes into an array the program made
        target, source = self.pick(self.owned), self.pick(self.arrays)
        self.lines.append(f"blend({target}, {source}, {self.scalar(1)})")

    def _pair(self):
        a, b = self.fresh("a"), self.fresh("a")
        self.lines.append(f"{a}, {b} = pair({self.scalar(1)}, {self.scalar(1)})")
        self.scalars += [a, b]

    def _unpack(self):  # entries named by unpacking an array, a row, or a tuple made first
        a, b = self.fresh("a"), self.fresh("a")
        source = self.pick(["array", "row", "tuple"] if self.matrices else ["array", "tuple"])
        if source == "array":
            self.lines.append(f"{a}, {b} = {self.pick(self.arrays)}[{self.pick(['1:3', ':2'])}]")
        elif source == "row":
            self.lines.append(f"{a}, {b} = {self.pick(self.matrices)}[n - 1][:2]")
        else:
            pair = self.fresh("t")
            self.lines += [f"{pair} = ({self.scalar(1)}, {self.scalar(1)})", f"{a}, {b} = {pair}"]
        self.scalars += [a, b]

    def _list(self):  # entries appended in a loop, then summed or made an array
        entries = self.fresh("l")
        self.lines += [f"{entries} = []", "for i in range(n):"]
        self.lines.append(f"    {entries}.append({self.scalar(2, 'i')})")
        if self.chance(0.5):
            name = self.fresh("a")
            self.lines.append(f"{name} = sum({entries}) * 0.2")
            self.scalars.append(name)
        else:
            name = self.fresh("y")
            self.lines.append(f"{name} = np.array({entries})")
            self.arrays.append(name)

    def _zipped(self):  # items of two arrays side by side, with their place
        name = self.pick(self.scalars)
        a, b = self.pick(self.arrays), self.pick(self.arrays)
        self.lines += [
            f"for i, (u, w) in enumerate(zip({a}, {b})):",
            f"    {name} = 0.5 * {name} + np.tanh(u * w + i * 0.1)",
        ]

    def _for_each(self):
        name, array = self.pick(self.scalars), self.pick(self.arrays)
        self.lines += [f"for v in {array}:", f"    {name} = 0.5 * {name} + np.tanh(v * {name})"]

    def _settle(self):  # a while loop whose count depends on the values
        counter, name = self.fresh("k"), self.fresh("a")
        self.lines += [
            f"{name} = np.tanh({self.scalar(1)})",
            f"{counter} = 0",
            f"while {name} < 2.0 and {counter} < 10:",
            f"    {name} = {name} + 0.3 + 0.1 * np.tanh({self.scalar(1)})",
            f"    {counter} += 1",
        ]
        self.scalars.append(name)

    def _pieces(self):  # an array put together from slices of others
        name, a, b = self.fresh("y"), self.pick(self.arrays), self.pick(self.arrays)
        value = self.pick(
            [
                f"np.concatenate(({a}[:2], {b}[2:] * {self.scalar(1)}))",
                f"np.concatenate(({a}[::2], {b}[1::2]))",
                f"{a}[::-1] * {self.scalar(1)}",
            ]
        )
        self.lines.append(f"{name} = {value}")
        self.arrays.append(name)
        self.owned.append(name)

    def _while(self):
        counter, name = self.fresh("k"), self.pick(self.scalars)
        array = self.pick(self.arrays)
        self.lines += [
            f"{counter} = 0",
            f"while {counter} < n and {array}[{counter}] < 1.0:",
            f"    {name} = {name} * 0.5 + np.tanh({array}[{counter}])",
            f"    {counter} += 1",
        ]

    def source(self, name: str) -> str:
        terms = [f"{a} * 0.3" for a in self.scalars]
        if self.output == "scalar":
            terms += [f"np.sum({a} * {a}) * 0.1" for a in self.arrays + self.matrices]
        else:  # every array and matrix, elementwise (a matrix by its column sums)
            terms += [f"np.tanh({a})" for a in self.arrays]
            terms += [f"np.sum({m}, axis=0) * 0.1" for m in self.matrices]
        body = self.lines + ["return " + " + ".join(terms)]
        return f"def {name}(x, s):\n" + "".join(f"    {line}\n" for line in body)


@st.composite
def program_sources(draw, name: str = "f", output: str = "scalar") -> str:
    """The source of a random ``def f(x, s)``: 2 to 7 statements, bounded values; it returns
    a float, or with ``output="array"`` an array shaped like ``x``."""
    builder = _Builder(draw, output)
    for _ in range(draw(st.integers(2, 7))):
        builder.statement()
    return builder.source(name)


def load(source: str, directory: Path, name: str = "f"):
    """The function ``name`` of ``source``, from a module file (s2s reads the source back)."""
    digest = hashlib.sha1(source.encode()).hexdigest()[:16]
    module_name = f"random_program_{digest}"
    if module_name in sys.modules:
        return getattr(sys.modules[module_name], name)
    path = directory / f"{module_name}.py"
    path.write_text(_HEADER + source)
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return getattr(module, name)
