"""Beat 3: the σ′ markers sit at σ′(z₀) of each start."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neuron import LESSON
from scenes.s03_sigma_prime import SigmaPrime


def slope(z: float) -> float:
    s = 1 / (1 + math.exp(-z))
    return s * (1 - s)


def test_markers_sit_on_the_red_curve_at_each_start(run_scene):
    scene = run_scene(SigmaPrime)
    axes = scene.plot.axes
    for name in ("good", "bad"):
        start = LESSON.start(name)
        z0 = start.w * LESSON.x + start.b
        drop, dot, text = scene.markers[name]
        np.testing.assert_allclose(dot.get_center(), axes.c2p(z0, slope(z0)), atol=1e-6)
    # The lecture's numbers: ≈ 0.149 at the good start, ≈ 0.018 at the bad one.
    assert slope(LESSON.good.w + LESSON.good.b) == pytest.approx(0.149, abs=0.001)
    assert slope(LESSON.bad.w + LESSON.bad.b) == pytest.approx(0.018, abs=0.001)


def test_tangent_at_the_bad_start_is_nearly_flat(run_scene):
    scene = run_scene(SigmaPrime)
    axes = scene.plot.axes
    start, end = scene.tangent.get_start(), scene.tangent.get_end()
    (z1, s1), (z2, s2) = axes.p2c(start)[:2], axes.p2c(end)[:2]
    z0 = LESSON.bad.w + LESSON.bad.b
    assert (s2 - s1) / (z2 - z1) == pytest.approx(slope(z0), rel=1e-6)
