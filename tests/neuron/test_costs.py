"""Both costs against the 50-digit textbook formulas, for |z| ≤ 1000 and y in [0, 1]."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import neuron_reference as ref
from neuron.costs import CROSS_ENTROPY, QUADRATIC, get_cost

COSTS = [QUADRATIC, CROSS_ENTROPY]
wide = st.floats(-1000, 1000)
targets = st.floats(0, 1)


def expected(cost, what: str, z: float, y: float) -> float:
    with ref.context(z):
        Z, Y = ref._d(z), ref._d(y)
        ce = cost is CROSS_ENTROPY
        if what == "value":
            v = ref.cost_value(ce, Z, Y)
        elif what == "dC_da":
            v = ref.cost_dC_da(ce, Z, Y)
        else:
            v = ref.cost_dC_da(ce, Z, Y) * ref.sigma_prime(Z)
        return ref.to_float(v)


def dC_da_scale(z: float, y: float) -> float:
    """Size of the two terms (1 − y)/(1 − a) and y/a that ∂C/∂a (BCE) subtracts."""
    with ref.context(z):
        Z, Y = ref._d(z), ref._d(y)
        return ref.to_float((1 - Y) * (1 + Z.exp()) + Y * (1 + (-Z).exp()))


def rounding_of_a(cost, what: str, want: float) -> float:
    """What rounding a = σ(z) to a float alone costs: ε·|a − y| in the MSE, ε in a − y.

    Cross-entropy's value is computed from z, never from a, so it keeps its
    relative precision and gets nothing.
    """
    if what == "delta":
        return 2.3e-16
    return 2.3e-16 * math.sqrt(2 * want) + 1e-32 if cost is QUADRATIC else 1e-300


@pytest.mark.parametrize("cost", COSTS, ids=["mse", "bce"])
@given(z=wide, y=targets)
def test_value_and_delta_match_fifty_digits(cost, z, y):
    for what in ("value", "delta"):
        got, want = float(getattr(cost, what)(z, y)), expected(cost, what, z, y)
        assert math.isfinite(got)
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=rounding_of_a(cost, what, want)), what


@pytest.mark.parametrize("cost", COSTS, ids=["mse", "bce"])
@given(z=wide, y=targets)
def test_dC_da_matches_fifty_digits_and_is_never_nan(cost, z, y):
    got, want = float(cost.dC_da(z, y)), expected(cost, "dC_da", z, y)
    if math.isinf(want):  # truly beyond the float range (|z| > 709 on the wrong side)
        assert got == want
        return
    assert math.isfinite(got)
    scale = dC_da_scale(z, y) if cost is CROSS_ENTROPY else 1.0
    assert abs(got - want) <= 1e-12 * abs(want) + 1e-15 * scale


@pytest.mark.parametrize(
    "z,y,want",
    [(-1000.0, 0.0, 1.0), (40.0, 1.0, -1.0), (1000.0, 1.0, -1.0), (-40.0, 0.0, 1.0), (0.0, 0.5, 0.0)],
)
def test_cross_entropy_outer_factor_at_saturation(z, y, want):
    # (a − y)/(a(1 − a)) = (1 − y)(1 + e^z) − y(1 + e^−z): exactly ±1 up to e^−40 here.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(CROSS_ENTROPY.dC_da(z, y)) == pytest.approx(want, rel=1e-15, abs=0)


@pytest.mark.parametrize("z,y", [(710.0, 0.5), (711.0, 0.9), (-711.0, 0.1), (709.5, 0.0), (-709.5, 1.0)])
def test_cross_entropy_outer_factor_is_finite_up_to_the_float_limit(z, y):
    # e^z alone overflows here; (1 − y)·e^z does not.
    want = expected(CROSS_ENTROPY, "dC_da", z, y)
    assert math.isfinite(want)
    assert float(CROSS_ENTROPY.dC_da(z, y)) == pytest.approx(want, rel=1e-12)


def test_cross_entropy_finite_and_accurate_at_saturation():
    z = np.array([-1000.0, -40.0, 40.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c0 = CROSS_ENTROPY.value(z, 0.0)
        c1 = CROSS_ENTROPY.value(z, 1.0)
    np.testing.assert_allclose(c0, [expected(CROSS_ENTROPY, "value", v, 0.0) for v in z], rtol=1e-14, atol=0)
    np.testing.assert_allclose(c1, [expected(CROSS_ENTROPY, "value", v, 1.0) for v in z], rtol=1e-14, atol=0)


@pytest.mark.parametrize("cost", COSTS, ids=["mse", "bce"])
@pytest.mark.parametrize("method", ["value", "dC_da", "delta"])
def test_every_method_broadcasts_z_against_an_array_y(cost, method):
    z = np.array([[-2.0], [0.5]])
    y = np.array([0.0, 0.3, 1.0])
    got = getattr(cost, method)(z, y)
    assert got.shape == (2, 3)
    for i, zi in enumerate(z[:, 0]):
        for j, yj in enumerate(y):
            assert got[i, j] == pytest.approx(expected(cost, method, zi, yj), rel=1e-12, abs=1e-300)
    scalar_z = getattr(cost, method)(0.5, y)
    np.testing.assert_array_equal(scalar_z, got[1])


def test_delta_into_scratch_arrays_is_delta():
    z = np.linspace(-30, 30, 13)
    for cost in COSTS:
        scratch = tuple(np.empty_like(z) for _ in range(3))
        np.testing.assert_array_equal(cost.delta(z, 0.3, out=scratch), cost.delta(z, 0.3))


def test_get_cost_by_name():
    assert get_cost("mse") is QUADRATIC and get_cost("bce") is CROSS_ENTROPY
