from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from neuron.analysis import (
    book_widget_descend,
    epochs_to_reach,
    log_loss_minimiser,
    log_loss_of_output,
    plateau_end,
)
from neuron.costs import CROSS_ENTROPY, QUADRATIC
from neuron.descent import descend
from neuron.presets import LESSON, SWEEP


def test_plateau_is_long_from_the_bad_start_and_short_from_the_good():
    bad = plateau_end(LESSON.run("mse", "bad"))
    good = plateau_end(LESSON.run("mse", "good"))
    fixed = plateau_end(LESSON.run("bce", "bad"))
    assert 120 <= bad <= 180, "the lecture's ~150-epoch flatline"
    assert good < 20 and fixed < 20


def test_plateau_end_validates():
    with pytest.raises(ValueError, match=r"drop must be in \(0, 1\), got 1\.5"):
        plateau_end(LESSON.run("mse", "bad"), drop=1.5)


def brute_epochs(cost, z0, threshold, max_epochs=50_000):
    t = descend(cost, 0.0, z0, x=LESSON.x, y=LESSON.y, eta=LESSON.eta, epochs=max_epochs)
    below = np.nonzero(t.a < threshold)[0]
    return float(below[0]) if len(below) else np.inf


@pytest.mark.parametrize("cost", [QUADRATIC, CROSS_ENTROPY], ids=["mse", "bce"])
def test_epochs_to_reach_agrees_with_full_trajectories(cost):
    z0 = np.array([-3.0, 0.5, 2.0, 4.0])
    got = epochs_to_reach(cost, z0, x=LESSON.x, y=LESSON.y, eta=LESSON.eta, threshold=0.1, max_epochs=50_000)
    assert got.tolist() == [brute_epochs(cost, z, 0.1) for z in z0]
    assert got[0] == 0.0, "already below the threshold"


def test_epochs_to_reach_gives_inf_when_out_of_budget():
    got = epochs_to_reach(QUADRATIC, [8.0], x=1.0, y=0.0, eta=0.15, threshold=0.1, max_epochs=10)
    assert np.isinf(got[0])


def sweep_counts(threshold):
    z0 = SWEEP.z0()
    kw = dict(x=LESSON.x, y=LESSON.y, eta=LESSON.eta, threshold=threshold, max_epochs=SWEEP.max_epochs)
    return z0, epochs_to_reach(QUADRATIC, z0, **kw), epochs_to_reach(CROSS_ENTROPY, z0, **kw)


@pytest.mark.parametrize("threshold", SWEEP.thresholds)
def test_cross_entropy_never_needs_more_epochs_and_both_grow_with_z0(threshold):
    z0, mse, bce = sweep_counts(threshold)
    assert np.all(np.isfinite(mse)) and np.all(np.isfinite(bce))
    assert np.all(bce <= mse)
    assert np.all(np.diff(mse) >= 0) and np.all(np.diff(bce) >= 0)
    assert mse[-1] > mse[0] and bce[-1] > bce[0]


def test_mse_grows_exponentially_and_cross_entropy_linearly_far_out():
    z0, mse, bce = sweep_counts(0.5)
    far = z0 >= 3
    # log(epochs) is close to a straight line in z0 for MSE ...
    slope = np.polyfit(z0[far], np.log(mse[far]), 1)[0]
    assert slope > 0.8
    # ... while cross-entropy's epochs are close to a straight line themselves.
    fit = np.polyval(np.polyfit(z0[far], bce[far], 1), z0[far])
    assert np.max(np.abs(fit - bce[far])) <= 3


def test_log_loss_cases():
    a = np.linspace(0.01, 0.99, 99)
    np.testing.assert_allclose(log_loss_of_output(a, 0.0), -np.log(1 - a))
    np.testing.assert_allclose(log_loss_of_output(a, 1.0), -np.log(a))
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        log_loss_of_output([0.0, 0.5], 0.0)


def test_log_loss_of_output_agrees_with_cost_from_z():
    z = np.linspace(-6, 6, 25)
    a = 1 / (1 + np.exp(-z))
    for y in (0.0, 0.3, 1.0):
        np.testing.assert_allclose(log_loss_of_output(a, y), CROSS_ENTROPY.value(z, y), rtol=1e-9)


@given(st.floats(0.001, 0.999))
def test_log_loss_is_minimised_at_y(y):
    assert log_loss_minimiser(y, resolution=20_001)[0] == pytest.approx(y, abs=1e-4)


def test_book_widget_rule_differs_from_the_correct_rule():
    """What each update rule gives after 300 epochs from the bad start."""
    book = book_widget_descend(LESSON.bad.w, LESSON.bad.b, x=LESSON.x, eta=0.005, epochs=LESSON.epochs)
    ours = LESSON.run("bce", "bad")
    # The book's rule at η = 0.005 also escapes the plateau ...
    assert book[-1] < 0.1
    # ... but it is a different algorithm: its first step is 1/(1 − a) ≈ 56 times η,
    # not a − y ≈ 0.98 times η, so the two paths do not coincide.
    first_step_book = 0.005 / (1 - book[0])
    first_step_ours = LESSON.eta * ours.a[0]
    assert first_step_book == pytest.approx(0.005 / (1 - ours.a[0]))
    assert abs(book[-1] - ours.final_output) > 0.01
    assert first_step_book != pytest.approx(first_step_ours, rel=0.1)


def plain_epochs(cross_entropy: bool, w: float, b: float, x: float, y: float, threshold: float, limit: int) -> float:
    """First epoch with σ(wx + b) < threshold, by a plain loop from (w, b) itself."""
    for epoch in range(limit + 1):
        a = 1 / (1 + math.exp(-(w * x + b)))
        if a < threshold:
            return float(epoch)
        delta = (a - y) if cross_entropy else (a - y) * a * (1 - a)
        w, b = w - LESSON.eta * delta * x, b - LESSON.eta * delta
    return np.inf


@given(st.floats(-3, 3), st.floats(-3, 3), st.sampled_from([1.0, 0.5, 2.0]), st.booleans())
def test_epochs_depend_on_the_start_only_through_z0(w, b, x, cross_entropy):
    """A step moves z by −η·δ·(x² + 1), a function of z: so (0, z₀) stands for every (w, b) with wx + b = z₀."""
    cost = CROSS_ENTROPY if cross_entropy else QUADRATIC
    got = epochs_to_reach(cost, [w * x + b], x=x, y=0.0, eta=LESSON.eta, threshold=0.5, max_epochs=3000)
    assert got[0] == plain_epochs(cross_entropy, w, b, x, 0.0, 0.5, 3000)


def test_the_lectures_starts_are_points_of_the_sweep_curve():
    for name in ("good", "bad"):
        start = LESSON.start(name)
        z0 = start.w * LESSON.x + start.b
        assert SWEEP.z_min <= z0 <= SWEEP.z_max
        for cost, ce in ((QUADRATIC, False), (CROSS_ENTROPY, True)):
            got = epochs_to_reach(cost, [z0], x=LESSON.x, y=LESSON.y, eta=LESSON.eta, threshold=0.1,
                                  max_epochs=SWEEP.max_epochs)
            assert got[0] == plain_epochs(ce, start.w, start.b, LESSON.x, LESSON.y, 0.1, SWEEP.max_epochs)


def test_log_loss_minimiser_is_y_across_the_open_interval_at_once():
    y = np.linspace(0.005, 0.995, 199)
    a = log_loss_minimiser(y)
    assert np.max(np.abs(a - y)) <= 1e-5  # the grid's spacing
    # ... and it is a minimum: the cost is higher a little to either side.
    for side in (-1e-3, 1e-3):
        assert np.all(log_loss_of_output(a + side, y) > log_loss_of_output(a, y))


def test_every_target_of_the_any_target_beat_is_its_own_minimiser():
    from neuron.presets import TARGETS

    np.testing.assert_allclose(log_loss_minimiser(list(TARGETS.values)), TARGETS.values, atol=1e-5)
