"""Shared mobjects: the live number, following a tracker, the axis helpers."""

from __future__ import annotations

import numpy as np
import pytest
from manim import DecimalNumber, ValueTracker

from neuron import LESSON, QUADRATIC
from scenes.components import CostPlot, LiveDecimal, LiveInteger, NeuronDiagram, Readouts, nice_range, nice_step
from scenes.style import MUTED_COLOR, SMALL_AXIS_NUMBER_SIZE, W_COLOR


@pytest.mark.parametrize("value", [0.5, -1.283, 12.0, -0.0004, 0.0])
def test_live_decimal_draws_what_decimal_number_draws(tiny_config, value):
    live = LiveDecimal(0.25, num_decimal_places=3, font_size=30)
    live.set_value(value)
    reference = DecimalNumber(value, num_decimal_places=3, font_size=30)
    reference.move_to(live)
    assert live.get_value() == value
    ours = [m.points for m in live.family_members_with_points()]
    theirs = [m.points for m in reference.family_members_with_points()]
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_live_decimal_keeps_colour_and_skips_unchanged_digits(tiny_config):
    live = LiveDecimal(0.5, num_decimal_places=2, color="#ff0000")
    before = live.submobjects[0]
    live.set_value(0.501)  # still shows 0.50
    assert live.submobjects[0] is before and live.get_value() == 0.501
    live.set_value(0.75)
    assert all(m.get_fill_color().to_hex().lower() == "#ff0000" for m in live.family_members_with_points())


@pytest.mark.parametrize("cls, places", [(LiveDecimal, 3), (LiveInteger, 0)])
def test_live_numbers_laid_out_in_place_match_manims_layout(tiny_config, cls, places):
    from manim import RIGHT, UP

    fast = cls(0.5, num_decimal_places=places, font_size=30).scale(0.8).move_to(2 * RIGHT + UP)
    manims = cls(0.5, num_decimal_places=places, font_size=30).scale(0.8).move_to(2 * RIGHT + UP)
    manims._relayout = lambda shown: False  # always Manim's own set_value
    in_place = 0
    for value in [0.6, 0.612, -0.3, -0.377, 1.25, -12.5, 0.004, 3.14159, 300.0, *np.linspace(-1.3, 1.7, 40)]:
        glyphs = fast.submobjects[:]
        fast.set_value(value)
        manims.set_value(value)
        in_place += fast.submobjects == glyphs
        ours = [m.points for m in fast.family_members_with_points()]
        theirs = [m.points for m in manims.family_members_with_points()]
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, atol=1e-12)
        assert fast.font_size == pytest.approx(manims.font_size)
    assert in_place >= 30  # most changes reuse the glyphs


def test_live_integer_rounds(tiny_config):
    n = LiveInteger(0)
    n.set_value(149.6)
    assert n.get_value() == 150


@pytest.mark.parametrize("span,step", [(300, 100), (0.48, 0.1), (4.02, 1), (1e-3, 2e-4)])
def test_nice_step_is_round(span, step):
    assert nice_step(span, 3 if span == 300 else 5) == pytest.approx(step)


def test_nice_range_covers_the_top():
    lo, hi, step = nice_range(0.482, 4)
    assert lo == 0 and hi >= 0.482 and hi - step < 0.482
    with pytest.raises(ValueError, match="span must be a finite number > 0, got 0"):
        nice_step(0)


def test_follow_sets_values_and_freeze_removes_only_its_own_updaters(tiny_config):
    good, bad = LESSON.run(QUADRATIC, "good"), LESSON.run(QUADRATIC, "bad")
    readouts = Readouts([("epoch", r"\text{epoch}", MUTED_COLOR), ("w", "w", W_COLOR)], good)
    numbers = dict(readouts.values)

    def other(m):  # an updater someone else added
        pass

    numbers["w"].add_updater(other)
    tracker = ValueTracker(0.0)
    readouts.follow(tracker).follow(tracker)  # following twice adds no second updater
    assert len(numbers["w"].get_updaters()) == 2
    tracker.set_value(37.4)
    readouts.update()
    assert numbers["epoch"].get_value() == 37
    assert numbers["w"].get_value() == pytest.approx(float(good.at(37.4)["w"]))
    assert readouts.values == numbers, "the same numbers: values are set, nothing is rebuilt"
    readouts.freeze()
    assert numbers["w"].get_updaters() == [other] and numbers["epoch"].get_updaters() == []
    readouts.follow(tracker, bad).update()
    assert numbers["w"].get_value() == pytest.approx(float(bad.at(37.4)["w"]))


def test_the_diagram_follows_its_run(tiny_config):
    run = LESSON.run(QUADRATIC, "bad")
    diagram = NeuronDiagram(LESSON, run)
    tracker = ValueTracker(float(run.epochs))
    diagram.follow(tracker).update()
    for key in ("w", "b", "z", "a"):
        assert diagram.values[key].get_value() == pytest.approx(float(run.at(run.epochs)[key]))


def test_plots_take_the_axis_style(tiny_config):
    plot = CostPlot(300, 0.4)
    for axis in (plot.axes.x_axis, plot.axes.y_axis):
        assert axis.font_size == SMALL_AXIS_NUMBER_SIZE and axis.get_color() == MUTED_COLOR and len(axis.numbers)
