"""Gradient descent against the published numbers and against itself."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuron.costs import CROSS_ENTROPY, QUADRATIC
from neuron.descent import descend
from neuron.presets import LESSON


def nielsen_loop(w, b, *, eta, epochs, cross_entropy):
    """Nielsen's chapter 3 example, one plain-Python step at a time."""
    import math

    outputs = []
    for _ in range(epochs + 1):
        a = 1 / (1 + math.exp(-(w + b)))
        outputs.append(a)
        delta = a if cross_entropy else a * a * (1 - a)
        w, b = w - eta * delta, b - eta * delta
    return outputs


# Published in Neural Networks and Deep Learning, chapter 3 (x = 1, y = 0, η = 0.15).
def test_good_start_quadratic_matches_book():
    t = LESSON.run("mse", "good")
    assert t.a[0] == pytest.approx(0.82, abs=0.005)
    assert t.final_output == pytest.approx(0.09, abs=0.005)


def test_bad_start_quadratic_matches_book():
    t = LESSON.run("mse", "bad")
    assert t.a[0] == pytest.approx(0.98, abs=0.005)
    assert np.all(t.a[:150] > 0.9), "the plateau: output stays above 0.9 for ~150 epochs"
    assert t.final_output == pytest.approx(0.20, abs=0.005)


@pytest.mark.parametrize("start", ["good", "bad"])
def test_cross_entropy_ends_near_one_hundredth(start):
    assert LESSON.run("bce", start).final_output == pytest.approx(0.01, abs=0.005)


@pytest.mark.parametrize("cost,ce", [(QUADRATIC, False), (CROSS_ENTROPY, True)])
def test_matches_an_independent_scalar_loop(cost, ce):
    t = descend(cost, 2.0, 2.0, x=1.0, y=0.0, eta=0.15, epochs=300)
    np.testing.assert_allclose(t.a, nielsen_loop(2.0, 2.0, eta=0.15, epochs=300, cross_entropy=ce), rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    starts=st.lists(st.tuples(st.floats(-8, 8), st.floats(-8, 8)), min_size=2, max_size=12),
    pick=st.integers(0, 11),
)
def test_one_start_equals_same_start_in_a_batch(starts, pick):
    pick %= len(starts)
    w0 = np.array([s[0] for s in starts])
    b0 = np.array([s[1] for s in starts])
    for cost in (QUADRATIC, CROSS_ENTROPY):
        batch = descend(cost, w0, b0, x=0.7, y=0.3, eta=0.5, epochs=40).select(pick)
        alone = descend(cost, w0[pick], b0[pick], x=0.7, y=0.3, eta=0.5, epochs=40)
        for name in ("w", "b", "z", "a", "cost", "dC_dw", "dC_db"):
            np.testing.assert_array_equal(getattr(batch, name), getattr(alone, name))


def test_grid_batch_shape_and_record_every():
    w, b = np.meshgrid(np.linspace(-3, 3, 5), np.linspace(-3, 3, 4))
    full = descend(QUADRATIC, w, b, x=1.0, y=0.0, eta=0.15, epochs=30)
    ends = descend(QUADRATIC, w, b, x=1.0, y=0.0, eta=0.15, epochs=30, record_every=30)
    assert full.a.shape == (31, 4, 5)
    assert ends.epoch.tolist() == [0, 30]
    np.testing.assert_array_equal(ends.a[-1], full.a[-1])
    sparse = descend(QUADRATIC, 1.0, 1.0, x=1.0, y=0.0, eta=0.15, epochs=10, record_every=4)
    assert sparse.epoch.tolist() == [0, 4, 8, 10]


def test_trajectory_fields_are_consistent():
    t = LESSON.run("mse", "bad")
    np.testing.assert_allclose(t.z, t.w * LESSON.x + t.b)
    np.testing.assert_allclose(t.w[1:], t.w[:-1] - LESSON.eta * t.dC_dw[:-1])
    np.testing.assert_allclose(t.b[1:], t.b[:-1] - LESSON.eta * t.dC_db[:-1])
    assert np.all(np.diff(t.cost) < 0), "a small enough step never raises the cost here"


def test_at_interpolates_between_epochs():
    t = LESSON.run("bce", "bad")
    assert t.at(0)["a"] == t.a[0]
    assert t.at(t.epochs)["a"] == t.a[-1]
    assert t.at(10_000)["a"] == t.a[-1]
    assert t.at(2.5)["w"] == pytest.approx((t.w[2] + t.w[3]) / 2)
