"""``s2s.defvjp`` and ``s2s.defjvp``: rules registered by the user, checked where they are
registered and used by every transformation."""

import math

import numpy as np
import pytest

import s2s
from s2s.rules.registry import JVP_RULES, VJP_RULES
from s2s.testing import check_grads

NAME = "np.logaddexp2"  # log2(2**x1 + 2**x2): s2s has no rule of its own for it


@pytest.fixture
def logaddexp2_rules():
    """Register both rules of ``np.logaddexp2``, and restore the registries afterwards."""
    saved = VJP_RULES.get(NAME), JVP_RULES.get(NAME)
    s2s.defvjp(NAME, "x1, x2", broadcast=True, x1="g * np.exp2(x1 - y)", x2="g * np.exp2(x2 - y)")
    s2s.defjvp(NAME, "x1, x2", x1="dx1 * np.exp2(x1 - y)", x2="dx2 * np.exp2(x2 - y)")
    yield
    for table, rule in zip((VJP_RULES, JVP_RULES), saved):
        if rule is None:
            table.pop(NAME, None)
        else:
            table[NAME] = rule


def bits(a, b):
    return 2.0 * np.logaddexp2(a, b)


def total_bits(x, b):
    return np.sum(np.logaddexp2(x, b) * x)


def test_registered_rules_give_both_modes(logaddexp2_rules):
    share = 2.0 ** (1.0 - math.log2(2.0 + 8.0))  # d/da log2(2^a + 2^b) at a=1, b=3
    grads = s2s.grad(bits, argnums=(0, 1))(1.0, 3.0)
    np.testing.assert_allclose(grads, (2.0 * share, 2.0 * (1.0 - share)))
    _, tangent = s2s.jvp(bits, (1.0, 3.0), (1.0, 0.0))
    np.testing.assert_allclose(tangent, 2.0 * share)


@pytest.mark.parametrize("jit", [False, True], ids=["python", "numba"])
def test_registered_rules_broadcast_and_compose(logaddexp2_rules, jit):
    x = np.array([0.5, -1.0, 2.0])
    check_grads(total_bits, (x, 0.3), jit=jit)
    hessian = s2s.hessian(total_bits, jit=jit)(x, 0.3)
    step = 1e-5
    columns = []
    for i in range(x.size):
        up, down = x.copy(), x.copy()
        up[i] += step
        down[i] -= step
        gradient = s2s.grad(total_bits, jit=jit)
        columns.append((gradient(up, 0.3) - gradient(down, 0.3)) / (2 * step))
    np.testing.assert_allclose(hessian, np.array(columns).T, rtol=1e-6, atol=1e-8)


def test_without_a_rule_the_error_names_the_function():
    if NAME in VJP_RULES:
        pytest.skip("a rule for np.logaddexp2 is registered in this process")
    with pytest.raises(s2s.DifferentiationError, match="no derivative rule for `np.logaddexp2`"):
        s2s.grad(bits)(1.0, 3.0)


@pytest.mark.parametrize(
    "register, message",
    [
        (lambda: s2s.defvjp("np.f", "x", x="g *"), "'g \\*' is not an expression"),
        (lambda: s2s.defvjp("np.f", "x", z="g"), r"\['z'\] are not parameters"),
        (lambda: s2s.defjvp("np.f", "x", x="dx", tangent="dx"), "either terms or tangent"),
        (lambda: s2s.defjvp("np.f", "x", tangent="np.f(dx"), "is not an expression"),
        (
            lambda: s2s.defjvp("np.f", "x1, x2", x1="(dx1, 0.0)", x2="(0.0, dx2)"),
            "a tuple-valued function takes one tangent=",
        ),
        (
            lambda: s2s.defjvp("np.f", "y, x=None, dx=1.0", y="dy * dx"),
            "'dx' is also the name of 'x''s tangent",
        ),
        (
            lambda: s2s.defvjp("np.f", "x, step", keywords={"dx": "spacing"}, x="g"),
            r"keywords name \['spacing'\], not parameters",
        ),
    ],
    ids=[
        "syntax",
        "unknown-parameter",
        "terms-and-tangent",
        "tangent-syntax",
        "tuple-terms",
        "tangent-name-clash",
        "keyword-of-no-parameter",
    ],
)
def test_a_wrong_rule_fails_where_it_is_registered(register, message):
    with pytest.raises(ValueError, match=message):
        register()
    assert "np.f" not in VJP_RULES and "np.f" not in JVP_RULES


def _area(y, h):
    return np.trapezoid(y * y, dx=h)


def _area_by_rule_name(y, h):
    return np.trapezoid(y * y, spacing=h)  # the rule's name for dx, which NumPy does not take


def test_keywords_reach_the_parameters_the_rule_renames():
    """np.trapezoid's rule calls ``dx`` ``spacing``: the keyword binds, the rule's own name
    does not."""
    y = np.array([0.5, 1.0, 2.0])
    assert s2s.grad(_area, argnums=1)(y, 0.1) == pytest.approx(np.trapezoid(y * y))
    with pytest.raises(s2s.DifferentiationError, match="np.trapezoid has no parameter .spacing."):
        s2s.grad(_area_by_rule_name, argnums=1)(y, 0.1)


def test_templates_are_parsed_once_without_positions():
    rule = VJP_RULES["np.sin"]
    assert rule.adjoints is rule.adjoints
    assert all(getattr(node, "lineno", None) is None for node in _walk(rule.adjoints["x"]))
    tangent = JVP_RULES["np.sin"].terms["x"]
    assert any(getattr(node, "id", None) == "dx" for node in _walk(tangent))
    assert not any(getattr(node, "id", None) == "g" for node in _walk(tangent))


def _walk(tree):
    import gast

    return list(gast.walk(tree))


TOWARDS = np.arange(3.0)


def stepped_total(a):
    return np.sum(np.nextafter(a, TOWARDS))


def test_a_forward_rule_that_broadcasts_spreads_its_terms():
    """``np.nextafter(a, b)`` moves like ``a``: its term ``da`` reads neither the output nor
    ``b``, and ``broadcast=True`` spreads it to the three columns ``b`` gives the output."""
    saved = JVP_RULES.get("np.nextafter")
    s2s.defjvp("np.nextafter", "x1, x2", broadcast=True, x1="dx1", x2="0.0 * dx2")
    try:
        a, da = np.array([[0.5], [1.5]]), np.array([[1.0], [2.0]])
        _, tangent = s2s.jvp(stepped_total, (a,), (da,), jit=False)
        assert tangent == pytest.approx(3.0 * np.sum(da))
        assert "_s2s.spread(da, TOWARDS)" in s2s.show(s2s.forward.jvp_transform(stepped_total))
    finally:
        if saved is None:
            JVP_RULES.pop("np.nextafter", None)
        else:
            JVP_RULES["np.nextafter"] = saved
