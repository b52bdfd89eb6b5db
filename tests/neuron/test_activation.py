from __future__ import annotations

import math
import warnings

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from neuron.activation import sigmoid, sigmoid_and_prime, sigmoid_prime

reals = st.floats(-1000, 1000, allow_nan=False)


def reference_sigmoid(z: float) -> float:
    """Textbook form, evaluated where it does not overflow."""
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else math.exp(z)


def test_exact_limits_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(np.array([-1000.0, 0.0, 1000.0]))
        p = sigmoid_prime(np.array([-1000.0, 0.0, 1000.0]))
    assert s.tolist() == [0.0, 0.5, 1.0]
    assert p.tolist() == [0.0, 0.25, 0.0]


@given(reals)
def test_sigmoid_matches_reference(z):
    assert math.isclose(float(sigmoid(z)), reference_sigmoid(z), rel_tol=1e-12, abs_tol=1e-300)


@given(reals)
def test_symmetry(z):
    assert math.isclose(float(sigmoid(z) + sigmoid(-z)), 1.0, rel_tol=1e-15)


@given(st.floats(-30, 30))
def test_prime_is_derivative(z):
    h = 1e-5
    # Difference the tail nearer zero (σ for z < 0, 1 − σ = σ(−z) for z > 0)
    # so the finite difference itself keeps its precision.
    if z <= 0:
        numeric = (float(sigmoid(z + h)) - float(sigmoid(z - h))) / (2 * h)
    else:
        numeric = (float(sigmoid(-z + h)) - float(sigmoid(-z - h))) / (2 * h)
    assert math.isclose(float(sigmoid_prime(z)), numeric, rel_tol=1e-6, abs_tol=1e-12)


@given(st.floats(-700, 700))
def test_prime_keeps_relative_precision_in_tails(z):
    # σ′(z) = σ(z)σ(−z); in the tails the naive σ(1 − σ) rounds to 0 early.
    expected = reference_sigmoid(z) * reference_sigmoid(-z)
    assert math.isclose(float(sigmoid_prime(z)), expected, rel_tol=1e-12, abs_tol=1e-300)


def test_pair_agrees_with_singles_and_keeps_shape():
    z = np.linspace(-50, 50, 24).reshape(2, 3, 4)
    a, ap = sigmoid_and_prime(z)
    assert a.shape == ap.shape == z.shape
    np.testing.assert_array_equal(a, sigmoid(z))
    np.testing.assert_array_equal(ap, sigmoid_prime(z))


def test_pair_into_scratch_arrays_allocates_nothing_and_agrees():
    z = np.linspace(-800, 800, 33)
    scratch = (np.empty_like(z), np.empty_like(z), np.empty_like(z))
    a, ap = sigmoid_and_prime(z, out=scratch)
    assert a is scratch[0] and ap is scratch[1]
    fresh = sigmoid_and_prime(z)
    np.testing.assert_array_equal(a, fresh[0])
    np.testing.assert_array_equal(ap, fresh[1])
