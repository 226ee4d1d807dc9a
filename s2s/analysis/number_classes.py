"""Solving the numbers analysis (:mod:`s2s.analysis.numbers`): which classes of definitions hold
numbers (rank 0), and which of those never hold 0-d arrays.

The walk of the analysis gives each definition a class (the definitions one read may see must
share a kind: Numba unifies their types) and records rules as terms: a definition is a number
if its term is, and a number's term demands that some classes are numbers too. Here, once the
classes are final (``parent[d]`` is ``d``'s class), the rules are solved.
"""

from __future__ import annotations

# Terms: what an expression's kind depends on.
#   NUMBER            a scalar whatever the names hold
#   UNKNOWN           not known to be a number
#   (NAME, d)         the kind of definition ``d``'s class
#   (ALL, terms)      computed (arithmetic, ufuncs): rank 0 iff every term is, and a rank-0
#                     result makes each term rank 0; a rank-0 result is a scalar
#   (SAME, terms)     passed on (the branches of ``a if c else b``): like ALL, a scalar iff
#                     every term is; every walk through terms looks through SAME, so one term
#                     passed on (copies, adjoint helpers) is that term itself
#   (FORWARD, terms)  compared: rank 0 if every term is (nothing known backwards); a scalar
#   (PICK, terms)     min, max: like FORWARD, a scalar iff every term is
#   INDEXED           an element or a part of an array: a scalar if rank 0
NUMBER, UNKNOWN, INDEXED = "number", "unknown", "indexed"
NAME, ALL, SAME, FORWARD, PICK = "name", "all", "same", "forward", "pick"
# The tags a term's kind looks through: for being a number, for what a number demands of
# its operands, and for passing on a number rather than a 0-d array.
NUMBER_TAGS = frozenset({ALL, SAME, FORWARD, PICK})
DEMANDING_TAGS = frozenset({ALL, SAME})
PASSING_TAGS = frozenset({SAME, PICK})


def classes(term, parent: list[int], through: frozenset, spoilers: tuple) -> list[int] | None:
    """The classes ``term`` names, looking into the terms tagged ``through``; None if one of
    the ``spoilers`` is there."""
    if type(term) is str:
        return None if term in spoilers else []
    tag, inner = term
    if tag is NAME:  # the commonest terms first: a name, and a tag on names
        return [parent[inner]]
    if tag not in through:
        return []
    out = []
    stack = list(inner)
    while stack:
        term = stack.pop()
        if type(term) is str:
            if term in spoilers:
                return None
            continue
        tag, inner = term
        if tag is NAME:
            out.append(parent[inner])
        elif tag in through:
            stack.extend(inner)
    return out


def number_classes(
    parent: list[int], assigned: list[tuple[int, tuple]], demanded: list, containers: set[int]
) -> set[int]:
    """The least set of number classes the rules allow: a definition whose term is a number
    is one, and each class a number definition's term demands is one; the classes of the
    ``containers`` (lists, arrays) never are. Each class is marked once; a rule that needs one
    class is an edge from it, and a rule that needs more is counted down only when a class it
    needs is marked."""
    number: set[int] = set()
    blocked = {parent[d] for d in containers}
    marked = [c for term in demanded for c in classes(term, parent, DEMANDING_TAGS, ())]
    implies: dict[int, list[int]] = {}  # class -> the classes that are numbers if it is
    waiting: dict[int, list[int]] = {}  # class -> the rules that need it
    missing: list[int] = []  # rule -> how many classes it still needs
    heads: list[int] = []  # rule -> the class it makes a number
    for d, term in assigned:
        head = parent[d]
        if type(term) is tuple and term[0] is NAME:  # a copy: the commonest rule
            c = parent[term[1]]
            implies.setdefault(head, []).append(c)
            implies.setdefault(c, []).append(head)
            continue
        if type(term) is tuple and term[0] is ALL and _on_two_names(term[1]):  # a op b
            a, b = parent[term[1][0][1]], parent[term[1][1][1]]
            demands, needs = [a, b], {a, b}
        else:
            demands = classes(term, parent, DEMANDING_TAGS, ())
            needs = classes(term, parent, NUMBER_TAGS, (UNKNOWN, INDEXED))
            needs = None if needs is None else set(needs)
        if demands:
            implies.setdefault(head, []).extend(demands)
        if needs is None:
            continue
        if len(needs) == 1:
            (c,) = needs
            implies.setdefault(c, []).append(head)
        elif not needs:
            marked.append(head)
        else:
            for c in needs:
                waiting.setdefault(c, []).append(len(heads))
            heads.append(head)
            missing.append(len(needs))
    while marked:
        c = marked.pop()
        if c in number or c in blocked:
            continue
        number.add(c)
        marked.extend(implies.get(c, ()))
        for rule in waiting.get(c, ()):
            missing[rule] -= 1
            if not missing[rule]:
                marked.append(heads[rule])
    return number


def scalar_classes(
    parent: list[int], assigned: list[tuple[int, tuple]], number: set[int], placeholders: set[int]
) -> set[int]:
    """The ``number`` classes whose values are never 0-d arrays: every definition computes a
    number (Numba's arithmetic on rank-0 operands gives one, so does indexing an array) or
    passes on one; arguments, and values the code does not show, may be 0-d arrays. The
    largest such set: loops pass values round (their ``placeholders`` have no term)."""
    terms: dict[int, list] = {c: [] for c in number}
    for d, term in assigned:
        if parent[d] in terms:
            terms[parent[d]].append(term)
    typed = {d for d, _ in assigned}
    for d in range(len(parent)):
        if d not in typed and d not in placeholders:
            terms.pop(parent[d], None)  # an argument, or a value the code does not show
    scalar = set(terms)
    users: dict[int, list[int]] = {}  # class -> the classes whose terms pass it on
    dropped = []
    for c, its_terms in terms.items():
        for term in its_terms:
            passed = classes(term, parent, PASSING_TAGS, (UNKNOWN,))
            if passed is None:
                dropped.append(c)
                break
            for p in passed:
                if p in scalar:
                    users.setdefault(p, []).append(c)
                else:
                    dropped.append(c)
    while dropped:
        c = dropped.pop()
        if c in scalar:
            scalar.discard(c)
            dropped.extend(users.get(c, ()))
    return scalar


def _on_two_names(terms: tuple) -> bool:
    """Whether ``terms`` are two names' terms (the operands of ``a op b``)."""
    if len(terms) != 2:
        return False
    a, b = terms
    return type(a) is tuple and a[0] is NAME and type(b) is tuple and b[0] is NAME
