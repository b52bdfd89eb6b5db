"""What the lecture points at, against independent computations.

Epoch counts are integers and are compared exactly: with the textbook loop of
``neuron_reference`` (plain floats for whole sweeps, 50 digits for a sample),
and the plateau's end with the reference's own definition on the reference's
costs.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import neuron_reference as ref
from neuron.analysis import (
    book_widget_descend,
    epochs_to_reach,
    log_loss_minimiser,
    log_loss_of_output,
    plateau_end,
)
from neuron.costs import CROSS_ENTROPY, QUADRATIC
from neuron.descent import descend
from neuron.presets import LESSON, SWEEP, TARGETS

COST = {"mse": QUADRATIC, "bce": CROSS_ENTROPY}

# -- plateau_end -------------------------------------------------------------

PLATEAU_CASES = [
    # (cost, w, b, x, y, eta, epochs): the lecture's four runs, then general inputs.
    *[(c, s.w, s.b, LESSON.x, LESSON.y, LESSON.eta, LESSON.epochs)
      for c in ("mse", "bce") for s in (LESSON.good, LESSON.bad)],
    ("mse", 1.5, 2.5, 1.3, 0.2, 0.3, 400),
    ("mse", -2.0, 3.0, -1.5, 0.1, 0.25, 300),
    ("bce", 1.5, 2.5, 1.3, 0.2, 0.3, 100),
    ("bce", 0.5, -4.0, 0.7, 0.9, 0.5, 60),
]


@pytest.mark.parametrize("case", PLATEAU_CASES, ids=lambda c: f"{c[0]}-w{c[1]}-b{c[2]}-x{c[3]}")
def test_plateau_end_is_exactly_the_reference_epoch(case):
    cost, w, b, x, y, eta, epochs = case
    expected = ref.descend(cost == "bce", w, b, x=x, y=y, eta=eta, epochs=epochs)["cost"]
    # The crossing is clear of rounding, so an exact comparison is fair.
    line = expected[0] - 0.1 * (expected[0] - expected[-1])
    assert min(abs(c - line) for c in expected) > 1e-9 * abs(expected[0])
    t = descend(COST[cost], w, b, x=x, y=y, eta=eta, epochs=epochs)
    assert plateau_end(t) == ref.plateau_end(expected)


def test_plateau_end_honours_drop_and_recorded_epochs():
    t = LESSON.run("mse", "bad")
    expected = ref.descend(False, LESSON.bad.w, LESSON.bad.b, x=1.0, y=0.0, eta=0.15, epochs=300)["cost"]
    assert plateau_end(t, drop=0.5) == ref.plateau_end(expected, drop=0.5)
    sparse = descend(QUADRATIC, 2.0, 2.0, x=1.0, y=0.0, eta=0.15, epochs=300, record_every=25)
    exact = ref.plateau_end(expected)
    assert plateau_end(sparse) == 25 * math.ceil(exact / 25), "the first recorded epoch past the line"


def test_plateau_end_is_zero_when_the_cost_does_not_fall():
    # y = a at the start: the neuron is already right, nothing falls.
    t = descend(QUADRATIC, 0.0, 0.0, x=1.0, y=0.5, eta=0.15, epochs=20)
    assert plateau_end(t) == 0


# -- epochs_to_reach ---------------------------------------------------------


@pytest.fixture(scope="module")
def sweep_reference():
    """The lecture's sweep by the plain textbook loop: {cost: ({threshold: counts}, margin)}."""
    out = {}
    for cost in ("mse", "bce"):
        runs = [ref.epochs_below(cost == "bce", float(z), SWEEP.thresholds, x=LESSON.x, y=LESSON.y,
                                 eta=LESSON.eta, limit=SWEEP.max_epochs) for z in SWEEP.z0()]
        counts = {t: np.array([r[0][t] for r in runs]) for t in SWEEP.thresholds}
        out[cost] = counts, min(r[1] for r in runs)
    return out


@pytest.mark.parametrize("cost", ["mse", "bce"])
@pytest.mark.parametrize("threshold", SWEEP.thresholds)
def test_every_sweep_count_equals_the_textbook_loop(cost, threshold, sweep_reference):
    counts, margin = sweep_reference[cost]
    # No output lands within 1e-9 of a threshold (bar the exact tie σ(0) = 0.5):
    # float rounding cannot have moved any count, so the loop's counts are the truth.
    assert margin > 1e-9
    got = epochs_to_reach(COST[cost], SWEEP.z0(), x=LESSON.x, y=LESSON.y, eta=LESSON.eta,
                          threshold=threshold, max_epochs=SWEEP.max_epochs)
    assert got.shape == (SWEEP.count,)
    np.testing.assert_array_equal(got, counts[threshold])


@pytest.mark.parametrize("cost", ["mse", "bce"])
@pytest.mark.parametrize("z0", [-2.0, -0.175, 0.0, 0.5, 1.5, 3.25, 4.0])
def test_sweep_counts_equal_fifty_digit_counts(cost, z0):
    for threshold in SWEEP.thresholds:
        got = epochs_to_reach(COST[cost], [z0], x=LESSON.x, y=LESSON.y, eta=LESSON.eta,
                              threshold=threshold, max_epochs=SWEEP.max_epochs)
        assert got[0] == ref.epochs_below_exact(cost == "bce", z0, threshold, x=LESSON.x, y=LESSON.y,
                                                eta=LESSON.eta, limit=SWEEP.max_epochs)


@pytest.mark.parametrize("cost", ["mse", "bce"])
@pytest.mark.parametrize("x,y,eta", [(0.5, 0.03, 0.4), (-1.8, 0.0, 0.2), (1.3, 0.08, 0.9)])
def test_epochs_to_reach_at_general_inputs_equals_the_textbook_loop(cost, x, y, eta):
    z0 = np.linspace(-3.0, 6.0, 37)
    runs = [ref.epochs_below(cost == "bce", float(z), (0.5, 0.1), x=x, y=y, eta=eta, limit=5000) for z in z0]
    assert min(r[1] for r in runs) > 1e-9
    for threshold in (0.5, 0.1):
        got = epochs_to_reach(COST[cost], z0, x=x, y=y, eta=eta, threshold=threshold, max_epochs=5000)
        np.testing.assert_array_equal(got, [r[0][threshold] for r in runs])


@settings(max_examples=40)
@given(
    cost=st.sampled_from(["mse", "bce"]),
    z0=st.floats(-3.0, 6.0),
    x=st.floats(0.25, 2.0) | st.floats(-2.0, -0.25),
    y=st.floats(0.0, 0.05),
    eta=st.floats(0.05, 1.0),
    threshold=st.sampled_from([0.5, 0.1]),
)
def test_epochs_to_reach_equals_the_textbook_loop_anywhere(cost, z0, x, y, eta, threshold):
    counts, margin = ref.epochs_below(cost == "bce", z0, (threshold,), x=x, y=y, eta=eta, limit=3000)
    assume(margin > 1e-9)  # a crossing closer than rounding would be a coin toss
    got = epochs_to_reach(COST[cost], [z0], x=x, y=y, eta=eta, threshold=threshold, max_epochs=3000)
    assert got[0] == counts[threshold]


def test_epochs_to_reach_gives_inf_when_out_of_budget_and_keeps_shape():
    got = epochs_to_reach(QUADRATIC, [[8.0, -3.0]], x=1.0, y=0.0, eta=0.15, threshold=0.1, max_epochs=10)
    assert got.shape == (1, 2)
    assert np.isinf(got[0, 0]) and got[0, 1] == 0.0


@settings(max_examples=30)
@given(st.floats(-3, 3), st.floats(-3, 3), st.sampled_from([1.0, 0.5, -2.0]), st.booleans())
def test_epochs_depend_on_the_start_only_through_z0(w, b, x, cross_entropy):
    """A step moves z by −η·δ·(x² + 1), a function of z: so (0, z₀) stands for every (w, b) with wx + b = z₀."""
    z0 = w * x + b
    counts, margin = ref.epochs_below(cross_entropy, z0, (0.5,), x=x, y=0.0, eta=0.15, limit=1500)
    assume(margin > 1e-9)
    t = descend(CROSS_ENTROPY if cross_entropy else QUADRATIC, w, b, x=x, y=0.0, eta=0.15, epochs=1500)
    below = np.nonzero(t.a < 0.5)[0]
    assert (float(below[0]) if len(below) else math.inf) == counts[0.5]


# -- log-loss of the output ----------------------------------------------------


def test_log_loss_cases_match_fifty_digits():
    a = np.linspace(0.01, 0.99, 99)
    from decimal import Decimal, localcontext

    with localcontext(prec=50):
        for y in (0.0, 0.3, 1.0):
            expected = [float(-(Decimal(y) * Decimal(v).ln() + (1 - Decimal(y)) * (1 - Decimal(v)).ln()))
                        for v in a.tolist()]
            np.testing.assert_allclose(log_loss_of_output(a, y), expected, rtol=1e-14)


def test_log_loss_of_output_agrees_with_cost_from_z():
    z = np.linspace(-6, 6, 25)
    a = np.array([float(ref.sigma(ref._d(v))) for v in z])
    for y in (0.0, 0.3, 1.0):
        np.testing.assert_allclose(log_loss_of_output(a, y), CROSS_ENTROPY.value(z, y), rtol=1e-9)


@given(st.floats(0.001, 0.999))
def test_log_loss_is_minimised_at_y(y):
    assert log_loss_minimiser(y, resolution=20_001)[0] == pytest.approx(y, abs=1e-4)


def test_log_loss_minimiser_is_y_across_the_open_interval_at_once():
    y = np.linspace(0.005, 0.995, 199)
    a = log_loss_minimiser(y)
    assert np.max(np.abs(a - y)) <= 1e-5  # the grid's spacing
    # ... and it is a minimum: the cost is higher a little to either side.
    for side in (-1e-3, 1e-3):
        assert np.all(log_loss_of_output(a + side, y) > log_loss_of_output(a, y))


def test_every_target_of_the_any_target_beat_is_its_own_minimiser():
    np.testing.assert_allclose(log_loss_minimiser(list(TARGETS.values)), TARGETS.values, atol=1e-5)


# -- the book's widget rule ---------------------------------------------------------


@pytest.mark.parametrize(
    "w,b,x,eta",
    [(2.0, 2.0, 1.0, 0.005), (0.6, 0.9, 1.5, 0.01), (-1.0, 3.0, -0.5, 0.02), (0.0, 30.0, 2.0, 0.005)],
)
def test_book_widget_rule_matches_the_reference(w, b, x, eta):
    expected = ref.book_widget(w, b, x=x, eta=eta, epochs=300)
    np.testing.assert_allclose(book_widget_descend(w, b, x=x, eta=eta, epochs=300), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("w,b,x", [(0.0, 37.0, 1.0), (0.5, 40.0, -2.0), (1.0, 600.0, 0.0), (0.0, 1000.0, 1.0),
                                   (0.0, -1000.0, 1.0), (-100.0, 0.0, 10.0)])
def test_book_widget_rule_is_finite_and_right_where_sigma_saturates(w, b, x):
    got = book_widget_descend(w, b, x=x, eta=0.005, epochs=50)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, ref.book_widget(w, b, x=x, eta=0.005, epochs=50), rtol=1e-12, atol=1e-300)


def test_book_widget_rule_is_not_the_lectures_rule():
    book = book_widget_descend(LESSON.bad.w, LESSON.bad.b, x=LESSON.x, eta=LESSON.eta, epochs=LESSON.epochs)
    ours = LESSON.run("bce", "bad").a
    assert book[0] == ours[0]
    assert abs(book[1] - ours[1]) > 0.1, "its first step is 1/(1 − a) ≈ 56 times η, not a − y ≈ 0.98 times η"
