"""Functions that s2s must reject, one construct each (test data for ``test_fence.py``).

The offending line of each function ends with ``# reject``; ``test_fence.py`` finds it there,
so functions can be added or moved without editing line numbers in the tests.
"""

import math

import numpy as np

SCALE = 2.0


def generator(x):
    for v in x:
        yield v * 2.0  # reject


def generator_from(x):
    yield from x  # reject


def try_except(x):
    try:  # reject
        return 1.0 / x
    except ZeroDivisionError:
        return 0.0


def try_finally(x):
    y = 0.0
    try:  # reject
        y = x + 1.0
    finally:
        y = y * 2.0
    return y


def with_block(x):
    with np.errstate(all="ignore"):  # reject
        return np.log(x)


COUNTER = 0


def global_statement(x):
    global COUNTER  # reject
    COUNTER = COUNTER + 1
    return x


def make_nonlocal():
    total = 0.0

    def nonlocal_statement(x):
        nonlocal total  # reject
        total = total + x
        return total

    return nonlocal_statement


nonlocal_statement = make_nonlocal()


def nested_function_returned(x):
    def inner(v):
        return v * 2.0

    return inner  # reject


def nested_function_with_default(x):
    def inner(v, k=2.0):  # reject
        return v * k

    return inner(x)


def nested_function_rebound(x):
    def inner(v):  # reject
        return v * 2.0

    inner = 3.0  # noqa: F811
    return x * inner


def nested_function_defined_twice(x):
    if x > 0.0:
        scale = lambda v: v * 2.0
    else:
        scale = lambda v: v * 3.0  # reject
    return scale(x)


def nested_functions_with_one_name_in_two_scopes(x):
    a = 2.0

    def reads_a(v):
        return v * a

    def has_its_own_a(v):  # reject
        a = v + 1.0
        return reads_a(a)

    return has_its_own_a(x) + a


def lambda_passed_on(x):
    return apply_twice(lambda v: v * 2.0, x)  # reject


def apply_twice(f, x):
    return f(f(x))


def nested_class(x):
    class Box:  # reject
        pass

    return x


def dict_literal(x):
    d = {"a": x}  # reject
    return d["a"]


def set_literal(x):
    s = {x, 1.0}  # reject
    return len(s)


def dict_comprehension(x):
    d = {i: i * x for i in range(3)}  # reject
    return d[0]


def set_comprehension(x):
    s = {i * x for i in range(3)}  # reject
    return len(s)


def generator_expression(x):
    return sum(i * x for i in range(3))  # reject


def del_statement(x):
    y = x * 2.0
    del y  # reject
    return x


def import_statement(x):
    import math as m  # reject

    return m.sin(x)


def import_from_statement(x):
    from math import sin  # reject

    return sin(x)


def walrus(x):
    if (y := x * 2.0) > 1.0:  # reject
        return y
    return x


def starred_call(x):
    shape = x.shape  # (a tuple of unknown length)
    return np.zeros(*shape) + x  # reject


def starred_assignment(x):
    first, *rest = x  # reject
    return first


OPTIONS = {"axis": 0}


def kwargs_in_call(x):
    return np.sum(x, **OPTIONS)  # reject


def varargs_parameter(*xs):  # reject
    return xs[0]


def kwargs_parameter(x, **options):  # reject
    return x


def attribute_assignment(x):
    x.shape = (3, 2)  # reject
    return x


def attribute_augmented_assignment(x):
    x.real += 1.0  # reject
    return x


def match_statement(x):
    match x:  # reject
        case 0:
            return 1.0
        case _:
            return x


async def async_function(x):  # reject
    return x


def decorated(fn):
    return fn


@decorated
async def decorated_async_function(x):  # reject
    return x


def keyword_only_parameter(x, *, scale=2.0):  # reject
    return x * scale


def helper_with_try(x):
    try:  # reject
        return math.sqrt(x)
    except ValueError:
        return 0.0


def calls_rejected_helper(x):
    return helper_with_try(x) + SCALE


def lambda_default(x, double=lambda v: v * 2.0):  # reject
    return double(x)


def raise_from(x):
    if x < 0.0:
        raise ValueError("negative") from None  # reject
    return x


def print_keywords(x):
    print(x, end="")  # reject
    return x
