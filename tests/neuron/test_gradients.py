"""Analytic gradients against central finite differences of the cost."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from neuron.activation import sigmoid_prime
from neuron.costs import CROSS_ENTROPY, QUADRATIC
from neuron.gradients import chain_rule, gradient

params = st.floats(-20, 20, allow_nan=False)
inputs = st.floats(-3, 3, allow_nan=False)
targets = st.floats(0, 1)


def finite_difference(cost, w, b, x, y, h=1e-6):
    c = lambda w_, b_: float(cost.value(w_ * x + b_, y))  # noqa: E731
    return (c(w + h, b) - c(w - h, b)) / (2 * h), (c(w, b + h) - c(w, b - h)) / (2 * h)


@pytest.mark.parametrize("cost", [QUADRATIC, CROSS_ENTROPY], ids=["mse", "bce"])
@given(w=params, b=params, x=inputs, y=targets)
def test_gradient_matches_central_differences(cost, w, b, x, y):
    dw, db = gradient(cost, w, b, x, y)
    fw, fb = finite_difference(cost, w, b, x, y)
    scale = max(1.0, abs(float(cost.value(w * x + b, y))))
    assert abs(float(dw) - fw) <= 1e-6 * scale + 1e-5 * abs(fw)
    assert abs(float(db) - fb) <= 1e-6 * scale + 1e-5 * abs(fb)


@given(z=st.floats(-30, 30), y=targets)
def test_chain_rule_factors_multiply_to_gradient(z, y):
    for cost in (QUADRATIC, CROSS_ENTROPY):
        g = chain_rule(cost, 0.0, z, 1.0, y)
        np.testing.assert_allclose(g.dC_da * g.da_dz * g.dz_dw, g.dC_dw, rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(g.da_dz, sigmoid_prime(z))


@given(w=params, b=params, x=inputs, y=targets)
def test_closed_forms(w, b, x, y):
    z = w * x + b
    a = 1 / (1 + np.exp(-z))
    mse = chain_rule(QUADRATIC, w, b, x, y)
    bce = chain_rule(CROSS_ENTROPY, w, b, x, y)
    np.testing.assert_allclose(mse.dC_dw, (a - y) * a * (1 - a) * x, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(bce.dC_dw, (a - y) * x, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(bce.dC_db, a - y, rtol=1e-12, atol=1e-15)


def test_sigma_prime_is_what_stalls_mse_and_not_cross_entropy():
    # At z = 1000 the neuron is as wrong as it can be for y = 0.
    assert float(gradient(QUADRATIC, 0.0, 1000.0, 1.0, 0.0)[1]) == 0.0
    assert float(gradient(CROSS_ENTROPY, 0.0, 1000.0, 1.0, 0.0)[1]) == 1.0
