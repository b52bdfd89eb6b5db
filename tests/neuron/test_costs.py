from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from neuron.activation import sigmoid
from neuron.costs import CROSS_ENTROPY, QUADRATIC, get_cost


def naive_bce(z: float, y: float) -> float:
    a = 1.0 / (1.0 + math.exp(-z))
    return -(y * math.log(a) + (1 - y) * math.log(1 - a))


@given(st.floats(-8, 8), st.floats(0, 1))
def test_cross_entropy_from_z_equals_textbook_form(z, y):
    assert math.isclose(float(CROSS_ENTROPY.value(z, y)), naive_bce(z, y), rel_tol=1e-9, abs_tol=1e-12)


def test_cross_entropy_finite_and_accurate_at_saturation():
    z = np.array([-1000.0, -40.0, 40.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c0 = CROSS_ENTROPY.value(z, 0.0)
        c1 = CROSS_ENTROPY.value(z, 1.0)
    # y = 0: C = ln(1 + e^z) ≈ z for large z, ≈ e^z for very negative z.
    np.testing.assert_allclose(c0, [0.0, math.exp(-40.0), 40.0, 1000.0], rtol=1e-12, atol=0)
    # y = 1: C = ln(1 + e^−z), the mirror image.
    np.testing.assert_allclose(c1, [1000.0, 40.0, math.exp(-40.0), 0.0], rtol=1e-12, atol=0)


@given(st.floats(-1000, 1000), st.floats(0, 1))
def test_cross_entropy_is_softplus_minus_yz(z, y):
    c = float(CROSS_ENTROPY.value(z, y))
    assert math.isfinite(c) and c >= 0
    assert math.isclose(c, float(np.logaddexp(0, z)) - y * z, rel_tol=1e-12, abs_tol=1e-12)


def test_quadratic_value_and_outer_factor():
    z = np.array([-3.0, 0.0, 2.5])
    a = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(QUADRATIC.value(z, 0.25), (a - 0.25) ** 2 / 2)
    np.testing.assert_allclose(QUADRATIC.dC_da(z, 0.25), a - 0.25)


@given(st.floats(-12, 12), st.floats(0, 1))
def test_bce_outer_factor_is_textbook(z, y):
    # Beyond |z| ≈ 12 the textbook 1 − a itself loses digits, not dC_da.
    a = float(sigmoid(z))
    expected = -y / a + (1 - y) / (1 - a)
    assert math.isclose(float(CROSS_ENTROPY.dC_da(z, y)), expected, rel_tol=1e-7, abs_tol=1e-9)


def test_get_cost_names_the_bad_value_and_the_choices():
    assert get_cost("mse") is QUADRATIC and get_cost("bce") is CROSS_ENTROPY
    with pytest.raises(ValueError, match=r"'hinge'.*|.*\['bce', 'mse'\].*'hinge'"):
        get_cost("hinge")
