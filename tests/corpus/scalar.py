"""Scalar code: arithmetic, powers, math.*, conditionals, tuples, returns."""

import math

from .registry import case, integer, scalar


@case(scalar(), scalar())
def polynomial(x, y):
    return 3.0 * x * x * y - 2.0 * y**3 + x / (1.0 + y * y)


@case(scalar(0.5, 2.0))
def powers(x):
    return x**2 + x**3.0 + x**-1 + x**0.5 - 2.0**x + x**-1.5


@case(scalar(0.5, 2.0), scalar(-1.5, 1.5))
def variable_power(x, y):
    return x**y + math.pow(x, 1.5 * y)


@case(scalar(), scalar())
def division_and_constants(x, y):
    return (x + 1.5) / (y + 2.0) - 3.0 * x / 7.0 + 1.0 / (2.0 + x * y)


@case(scalar(), tags={"math"})
def math_trig(x):
    return math.sin(x) * math.cos(2.0 * x) + math.tan(0.5 * x)


@case(scalar(-0.8, 0.8), tags={"math"})
def math_inverse_trig(x):
    return math.asin(x) + math.acos(0.5 * x) * math.atan(3.0 * x)


@case(scalar(), tags={"math"})
def math_hyperbolic(x):
    a = math.sinh(x) + math.cosh(x) * math.tanh(x)
    return a + math.asinh(2.0 * x) + math.acosh(1.5 + x * x) + math.atanh(0.5 * x)


@case(scalar(), tags={"math"})
def math_exp_log(x):
    return math.exp(-x * x) + math.log(1.0 + x * x) + math.sqrt(2.0 + x)


@case(scalar(0.5, 2.0), scalar(), tags={"math"})
def math_logs(x, y):
    return math.log10(x) * math.log2(x + y * y) + math.log1p(x) + math.expm1(y)


@case(scalar(0.5, 1.5), scalar(), tags={"math"})
def math_two_arg(x, y):
    return math.atan2(y, x) + math.hypot(x, y) + math.erf(y) * math.fabs(x)


@case(scalar(), tags={"if", "data_dependent", "piecewise"})
def ternary(x):
    return x * x if x > 0.0 else -x * x * x


@case(scalar(), scalar(), tags={"if", "data_dependent", "piecewise"})
def ternary_nested(x, y):
    s = x * x * y * y
    r = s if x > 0.0 else (2.0 * s if y > 0.0 else -s)
    return r + math.sin(x + y)


@case(scalar(-1.5, 1.5), tags={"if", "data_dependent", "piecewise"})
def chained_comparison(x):
    if -0.5 < x < 0.5:
        return x * x
    return abs(x) - 0.25


@case(scalar(), scalar(), tags={"if", "data_dependent", "piecewise"})
def boolean_ops(x, y):
    s = x * x * y * y
    if x > 0.0 and y > 0.0:
        r = s
    elif x < 0.0 or not y > 0.0:
        r = -2.0 * s
    else:
        r = 0.5 * s
    return r + math.sin(x - y)


@case(scalar(), scalar(), tags={"tuple"})
def tuple_pack_unpack(x, y):
    p = (x + y, x - y, x * y)
    a, b, c = p
    return a * b + c * p[0]


@case(scalar(), scalar(), tags={"tuple", "loop"})
def tuple_swap(x, y):
    for _ in range(4):
        x, y = y, x + 0.5 * y
    return x * y


@case(scalar(), scalar(), output="tuple", tags={"tuple"})
def tuple_return(x, y):
    return x * y, x + math.exp(y), x - y


@case(scalar())
def chained_assignment(x):
    a = b = 2.0 * x
    a += 1.0
    return a * b


@case(scalar(), scalar())
def augmented_assignment(x, y):
    z = x
    z += y
    z *= x
    z -= 0.5
    z /= 1.0 + y * y
    z **= 2
    return z


@case(scalar(), tags={"if", "early_return", "data_dependent", "piecewise"})
def early_return(x):
    if x > 0.5:
        return x * x
    return x - 0.25


@case(scalar(-0.5, 1.5), scalar(), tags={"if", "early_return", "data_dependent", "piecewise"})
def multiple_returns(x, y):
    if x <= 0.0:
        return 0.0 * y
    if x >= 1.0:
        return y
    return y * x * x * (3.0 - 2.0 * x)


@case(scalar(), integer(5), tags={"int_arg"})
def int_arithmetic(x, n):
    return x * n + n // 2 + (n % 3) * x**2 - float(n) ** 0.5


@case(scalar())
def unary_ops(x):
    return -x + (+x) * x - (-(x * x * x))


@case(scalar(), scalar(), tags={"if", "data_dependent", "piecewise"})
def builtin_min_max(x, y):
    return max(x, y) + min(x * x, 0.5) + abs(x - 0.25 * y)


@case(scalar(), scalar(), tags={"math"})
def long_expression(x, y):
    u = math.exp(0.3 * x) * math.cos(y)
    v = math.exp(0.3 * x) * math.sin(y)
    w = u * u - v * v + 2.0 * u * v
    return w / (1.0 + u * u + v * v)


@case(scalar(), scalar(), scalar(), tags={"piecewise"})
def max_and_min_of_three(x, y, z):
    return max(x, y * 0.5, z * z) - min(x * y, z, 0.3) + max(x, 0.1, y, z)
