"""Beat 7: the balls end where the runs end, each read on its own cost's scale."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neuron import LESSON
from scenes.s07_landscape import Landscape, z_of_parameters


def sigma(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def by_hand(cross_entropy: bool, w: float, b: float, x: float, y: float, eta: float, epochs: int) -> float:
    """z after plain gradient descent, written out independently of neuron/."""
    for _ in range(epochs):
        a = sigma(w * x + b)
        delta = (a - y) if cross_entropy else (a - y) * a * (1 - a)
        w, b = w - eta * delta * x, b - eta * delta
    return w * x + b


def mse(z: float, y: float) -> float:
    return 0.5 * (sigma(z) - y) ** 2


def bce(z: float, y: float) -> float:
    return -(y * math.log(sigma(z)) + (1 - y) * math.log(1 - sigma(z)))


@pytest.fixture
def finals():
    kw = dict(w=LESSON.bad.w, b=LESSON.bad.b, x=LESSON.x, y=LESSON.y, eta=LESSON.eta, epochs=LESSON.epochs)
    return {"mse": by_hand(False, **kw), "bce": by_hand(True, **kw)}


def test_balls_slopes_and_tangents_end_on_the_computed_runs(run_scene, finals):
    scene = run_scene(Landscape)
    plot, y = scene.plot, LESSON.y
    assert scene.tracker.get_value() == LESSON.epochs
    # Cross-entropy is read on the axes' own (left) scale.
    z = finals["bce"]
    np.testing.assert_allclose(scene.balls["bce"].get_center(), plot.axes.c2p(z, bce(z, y)), atol=1e-6)
    # The quadratic cost: same z axis, height read on the right-hand scale.
    z = finals["mse"]
    ball = scene.balls["mse"].get_center()
    assert ball[0] == pytest.approx(plot.axes.c2p(z, 0)[0], abs=1e-6)
    assert ball[1] == pytest.approx(plot.right_axis.n2p(mse(z, y))[1], abs=1e-6)
    # The story: cross-entropy got much further down than the quadratic cost.
    assert finals["bce"] < finals["mse"] - 2
    # The plot holds every z either run visits.
    lo, hi = plot.axes.x_range[:2]
    assert all(lo <= run.z.min() and run.z.max() <= hi for run in scene.runs.values())

    for name, cost_of in (("mse", mse), ("bce", bce)):
        z = finals[name]
        a = sigma(z)
        slope = (a - y) if name == "bce" else (a - y) * a * (1 - a)
        assert scene.readout.values[name].get_value() == pytest.approx(slope, rel=1e-6)
        # The tangent runs through the ball, along the drawn curve (finite differences on screen).
        start, end = scene.tangents[name].get_start(), scene.tangents[name].get_end()
        along = end - start
        h = 1e-4
        cost = next(c for c in scene.costs if c.name == name)
        chord = plot.point(cost, z + h, cost_of(z + h, y)) - plot.point(cost, z - h, cost_of(z - h, y))
        cross = along[0] * chord[1] - along[1] * chord[0]
        assert abs(cross) <= 1e-4 * np.linalg.norm(along) * np.linalg.norm(chord)
        to_ball = scene.balls[name].get_center() - start
        assert abs(along[0] * to_ball[1] - along[1] * to_ball[0]) <= 1e-6 + 1e-4 * np.linalg.norm(along)

    # Two scales, said on screen: the note names the stretch between their tops.
    left, right = plot.axes.y_range[1], plot.right_axis.x_range[1]
    assert f"{left / right:.3g}×" in scene.scale_note.text


def test_the_insight_reads_x_from_the_lesson():
    assert z_of_parameters(1.0)[0] == "w + b"
    assert z_of_parameters(2.0)[0] == "2w + b"
    assert z_of_parameters(0.5)[0] == "0.5w + b"
