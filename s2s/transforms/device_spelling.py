"""NumPy calls on numbers spelled as GPU device code can run them.

numba-cuda compiles Python's operators and the ``math`` functions, but kernels of few NumPy
ufuncs. Per-thread code works on numbers, so each NumPy call there is rewritten by a template
in its arguments ``a`` and ``b``: ``np.arcsin(a)`` as ``math.asin(a)``, ``np.square(a)`` as
``a ** 2``, ``np.logaddexp(a, b)`` as ``_s2s.logaddexp(a, b)`` (``runtime/scalars.py``). The
rewriting applies to the user's calls and to those of the derivative rules alike. A call whose
arguments do not fit its template (keywords, an ``out=``) is left as it is. A ``prange`` loop
runs in order, as a ``range`` loop: one thread runs it.
"""

from __future__ import annotations

import functools

import gast

from ..analysis.activity import call_name
from ..gastutil import Transformer, dotted, parse_expr, placed_at, substituted

SPELLINGS = {
    **{
        f"np.{n}": f"math.{n}(a)"
        for n in """sin cos tan sinh cosh tanh exp expm1 log log1p log2 log10 sqrt fabs isnan
        isinf isfinite""".split()
    },
    **{f"np.{n}": f"math.{n}(a, b)" for n in "hypot copysign ldexp nextafter".split()},
    "np.arcsin": "math.asin(a)",
    "np.arccos": "math.acos(a)",
    "np.arctan": "math.atan(a)",
    "np.arcsinh": "math.asinh(a)",
    "np.arccosh": "math.acosh(a)",
    "np.arctanh": "math.atanh(a)",
    "np.arctan2": "math.atan2(a, b)",
    "np.power": "math.pow(a, b)",
    "np.float_power": "math.pow(float(a), float(b))",
    "np.exp2": "2.0 ** a",
    "np.absolute": "math.fabs(a)",
    "np.abs": "math.fabs(a)",
    "np.sign": "_s2s.sign(a)",
    "_s2s.abs_tangent": "a * _s2s.sign(b)",  # (numbers on a GPU thread are real)
    "_s2s.abs_slope": "_s2s.sign(a)",
    "_s2s.abs_slope_tangent": "0.0 * a",
    "_s2s.require_real": "None",
    "_s2s.require_length": "None",
    "_s2s.stored_share": "a[b]",
    "np.add": "a + b",
    "np.subtract": "a - b",
    "np.multiply": "a * b",
    "np.divide": "a / b",
    "np.true_divide": "a / b",
    "np.mod": "a % b",
    "np.remainder": "a % b",
    "np.divmod": "divmod(a, b)",
    "np.negative": "-a",
    "np.positive": "+a",
    "np.square": "a ** 2",
    "np.reciprocal": "1.0 / a",
    "np.cbrt": "_s2s.cbrt(a)",
    **{f"np.{n}": f"_s2s.{n}(a)" for n in "floor ceil trunc rint".split()},
    "np.round": "_s2s.rint(a)",
    "np.around": "_s2s.rint(a)",
    "np.fmod": "_s2s.fmod(a, b)",
    "np.logaddexp": "_s2s.logaddexp(a, b)",
    "np.logaddexp2": "_s2s.logaddexp2(a, b)",
    "np.nan_to_num": "_s2s.nan_to_num(a)",
}
PARAMS = ("a", "b")


@functools.cache
def _template(spelling: str) -> tuple[gast.AST, int]:
    """The parsed template and how many arguments it takes."""
    tree = parse_expr(spelling)
    used = {n.id for n in gast.walk(tree) if isinstance(n, gast.Name)} & set(PARAMS)
    return tree, len(used)


def spelled_for_device(tree: gast.FunctionDef) -> gast.FunctionDef:
    """``tree`` with its NumPy calls on numbers as device code spells them."""

    class Respell(Transformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            name = call_name(node)
            if name == "_s2s.prange":  # a parallel loop within one thread runs in order
                return placed_at(gast.Call(dotted("range"), node.args, []), node)
            spelling = SPELLINGS.get(name)
            if spelling is None:
                return node
            template, arity = _template(spelling)
            if node.keywords or len(node.args) != arity:
                return node
            bound = dict(zip(PARAMS, node.args))
            new = substituted(template, lambda n: bound.get(n.id))
            return placed_at(new, node)

    return Respell().visit(tree)
