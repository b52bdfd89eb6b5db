"""Beat 9: the minimum marker follows the target; the curve stays inside the axes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neuron.analysis import log_loss_minimiser
from neuron.presets import TARGETS, TargetSweep
from scenes.s09_any_target import AnyTarget, log_loss_outline


def log_loss(a: float, y: float) -> float:
    return -(y * math.log(a) + (1 - y) * math.log(1 - a))


def test_the_marker_ends_at_the_minimum_for_the_last_target(run_scene):
    scene = run_scene(AnyTarget)
    axes, y = scene.axes, TARGETS.values[-1]
    assert scene.y_tracker.get_value() == pytest.approx(y)
    a_star = float(log_loss_minimiser(y)[0])
    assert a_star == pytest.approx(y, abs=1e-4), "the numerical minimiser agrees with the closed form a = y"
    np.testing.assert_allclose(scene.minimum_dot.get_center(), axes.c2p(a_star, log_loss(a_star, y)), atol=1e-6)
    # The target's pointer and the slider's knob both stand at y.
    assert scene.target_pointer.get_top()[0] == pytest.approx(axes.c2p(y, 0)[0])
    assert scene.knob.get_center()[0] == pytest.approx(scene.slider_line.n2p(y)[0])
    assert scene.readouts.values["y"].get_value() == pytest.approx(y)
    assert scene.readouts.values["a"].get_value() == pytest.approx(a_star)
    assert scene.readouts.values["cost"].get_value() == pytest.approx(log_loss(y, y), rel=1e-6)


def test_the_curve_is_the_last_targets_log_loss_inside_the_axes(run_scene):
    scene = run_scene(AnyTarget)
    axes, y = scene.axes, TARGETS.values[-1]
    points = scene.curve.get_anchors()
    a = np.array([axes.p2c(p)[0] for p in points])
    c = np.array([axes.p2c(p)[1] for p in points])
    assert np.all((a > 0) & (a < 1)), "only outputs a sigmoid can give"
    assert np.all(c <= scene.top + 1e-6), "clipped at the top of the axes"
    np.testing.assert_allclose(c, [log_loss(v, y) for v in a], rtol=1e-6, atol=1e-9)
    # The drawn curve's lowest point is next to the marker.
    lowest = points[np.argmin(c)]
    assert np.linalg.norm(lowest - scene.minimum_dot.get_center()) < 0.05


def test_outline_meets_the_top_exactly_at_both_walls():
    y, top = 0.5, 3.0
    a, c = log_loss_outline(y, top)
    assert c[0] == pytest.approx(top, abs=1e-9) and c[-1] == pytest.approx(top, abs=1e-9)
    # −ln(a(1 − a))/… for y = 1/2: C = top where a(1 − a) = e^(−2·top).
    edge = (1 - math.sqrt(1 - 4 * math.exp(-2 * top))) / 2
    assert a[0] == pytest.approx(edge, rel=1e-9) and a[-1] == pytest.approx(1 - edge, rel=1e-9)
    assert np.all(np.diff(a) > 0)
    with pytest.raises(ValueError, match="never drops to"):
        log_loss_outline(0.5, 0.1)


def test_a_different_preset_is_followed(run_scene):
    class Two(AnyTarget):
        targets = TargetSweep((0.7, 0.2))

    scene = run_scene(Two)
    a_star = float(log_loss_minimiser(0.2)[0])
    np.testing.assert_allclose(scene.minimum_dot.get_center(), scene.axes.c2p(a_star, log_loss(a_star, 0.2)), atol=1e-6)
