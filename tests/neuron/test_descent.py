"""Gradient descent against an independent 50-digit reference, epoch by epoch.

The reference (``neuron_reference.descend``) is the textbook update rule in
:mod:`decimal`; nothing in it comes from :mod:`neuron`. It is compared at
inputs where every factor of the rule shows: x ≠ 1 (so dropping or adding a
factor x changes the step), y ∉ {0, 1} (so y itself matters), w ≠ b (so
swapping the two updates changes the path).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import neuron_reference as ref
from neuron.costs import CROSS_ENTROPY, QUADRATIC
from neuron.descent import descend
from neuron.presets import LESSON, Lesson, Start

FIELDS = ("w", "b", "z", "a", "cost", "dC_dw", "dC_db")
COST = {"mse": QUADRATIC, "bce": CROSS_ENTROPY}

# Float against 50 digits over up to 300 epochs: the observed error is
# below 1e-12 of the value's scale; a wrong factor moves a step by ~1e-3 or more.
RTOL, ATOL = 1e-10, 1e-12


def assert_matches_reference(t, cost_name, w, b, *, x, y, eta, epochs):
    expected = ref.descend(cost_name == "bce", w, b, x=x, y=y, eta=eta, epochs=epochs)
    assert t.epoch.tolist() == list(range(epochs + 1)), "one recorded row per update, and exactly `epochs` updates"
    for name in FIELDS:
        np.testing.assert_allclose(getattr(t, name), expected[name], rtol=RTOL, atol=ATOL, err_msg=name)


@pytest.mark.parametrize("cost", ["mse", "bce"])
@pytest.mark.parametrize("start", ["good", "bad"])
def test_the_lectures_four_runs_match_the_reference_every_epoch(cost, start):
    s = LESSON.start(start)
    assert_matches_reference(LESSON.run(cost, start), cost, s.w, s.b,
                             x=LESSON.x, y=LESSON.y, eta=LESSON.eta, epochs=LESSON.epochs)


# x ≠ 1, y ∉ {0, 1}, w ≠ b, both signs of x, steps large and small.
CASES = [
    dict(x=0.5, y=0.3, eta=0.4, w=-1.2, b=0.7, epochs=120),
    dict(x=-2.0, y=0.8, eta=0.2, w=1.5, b=-0.5, epochs=80),
    dict(x=3.0, y=0.6, eta=0.1, w=0.3, b=2.5, epochs=150),
    dict(x=1.7, y=0.05, eta=0.9, w=2.2, b=1.1, epochs=60),
]


@pytest.mark.parametrize("cost", ["mse", "bce"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"x={c['x']},y={c['y']}")
def test_descend_and_lesson_run_match_the_reference_at_general_inputs(cost, case):
    kw = {k: case[k] for k in ("x", "y", "eta", "epochs")}
    t = descend(COST[cost], case["w"], case["b"], **kw)
    assert_matches_reference(t, cost, case["w"], case["b"], **kw)
    lesson = Lesson(**kw, good=Start("good", case["w"], case["b"]))
    assert_matches_reference(lesson.run(cost, "good"), cost, case["w"], case["b"], **kw)


@settings(max_examples=30)
@given(
    cost=st.sampled_from(["mse", "bce"]),
    x=st.floats(0.25, 3.0) | st.floats(-3.0, -0.25),
    y=st.floats(0.02, 0.98),
    eta=st.floats(0.02, 2.0),
    w=st.floats(-4.0, 4.0),
    b=st.floats(-4.0, 4.0),
    epochs=st.integers(1, 40),
)
def test_descend_matches_the_reference_anywhere(cost, x, y, eta, w, b, epochs):
    # z moves by −η·δ·(x² + 1) per update; keep that map a contraction so
    # rounding cannot grow chaotically and the comparison stays meaningful.
    assume(eta * (x * x + 1) <= 4 and abs(w - b) > 1e-3)
    t = Lesson(x=x, y=y, eta=eta, epochs=epochs, good=Start("good", w, b)).run(cost, "good")
    assert_matches_reference(t, cost, w, b, x=x, y=y, eta=eta, epochs=epochs)


@pytest.mark.parametrize("epochs", [1, 2, 7, 300])
def test_a_run_makes_exactly_epochs_updates(epochs):
    lesson = Lesson(x=0.8, y=0.25, epochs=epochs)
    for cost in ("mse", "bce"):
        t = lesson.run(cost, "bad")
        assert t.epochs == epochs and len(t.w) == epochs + 1
        last = ref.descend(cost == "bce", 2.0, 2.0, x=0.8, y=0.25, eta=lesson.eta, epochs=epochs)
        assert t.w[-1] == pytest.approx(last["w"][-1], rel=1e-12)
        assert t.b[-1] == pytest.approx(last["b"][-1], rel=1e-12)


# Published in Neural Networks and Deep Learning, chapter 3 (x = 1, y = 0,
# η = 0.15), to two decimals: the lecture's runs say the same at that precision.
def test_the_runs_agree_with_the_book_to_its_two_decimals():
    assert round(float(LESSON.run("mse", "good").a[0]), 2) == 0.82
    assert round(float(LESSON.run("mse", "good").final_output), 2) == 0.09
    assert round(float(LESSON.run("mse", "bad").a[0]), 2) == 0.98
    assert round(float(LESSON.run("mse", "bad").final_output), 2) == 0.20
    for start in ("good", "bad"):
        assert round(float(LESSON.run("bce", start).final_output), 2) == 0.01


def test_the_plateau_keeps_the_output_above_nine_tenths_exactly_as_long_as_the_reference():
    bad = LESSON.bad
    expected = ref.descend(False, bad.w, bad.b, x=LESSON.x, y=LESSON.y, eta=LESSON.eta, epochs=LESSON.epochs)["a"]
    above = next(e for e, a in enumerate(expected) if a <= 0.9)
    a = LESSON.run("mse", "bad").a
    assert np.all(a[:above] > 0.9) and a[above] <= 0.9


@settings(max_examples=25)
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
        for name in FIELDS:
            np.testing.assert_array_equal(getattr(batch, name), getattr(alone, name))


def test_grid_batch_shape_and_record_every():
    w, b = np.meshgrid(np.linspace(-3, 3, 5), np.linspace(-3, 3, 4))
    full = descend(QUADRATIC, w, b, x=1.5, y=0.4, eta=0.15, epochs=30)
    ends = descend(QUADRATIC, w, b, x=1.5, y=0.4, eta=0.15, epochs=30, record_every=30)
    assert full.a.shape == (31, 4, 5)
    assert ends.epoch.tolist() == [0, 30]
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(ends, name), getattr(full, name)[[0, 30]])
    sparse = descend(QUADRATIC, 1.0, 1.0, x=1.0, y=0.0, eta=0.15, epochs=10, record_every=4)
    dense = descend(QUADRATIC, 1.0, 1.0, x=1.0, y=0.0, eta=0.15, epochs=10)
    assert sparse.epoch.tolist() == [0, 4, 8, 10]
    np.testing.assert_array_equal(sparse.w, dense.w[[0, 4, 8, 10]])


def test_at_interpolates_between_epochs():
    t = LESSON.run("bce", "bad")
    assert t.at(0)["a"] == t.a[0]
    assert t.at(t.epochs)["a"] == t.a[-1]
    assert t.at(10_000)["a"] == t.a[-1]
    assert t.at(2.5)["w"] == pytest.approx((t.w[2] + t.w[3]) / 2)
    assert t.at(2.25)["b"] == pytest.approx(0.75 * t.b[2] + 0.25 * t.b[3])
