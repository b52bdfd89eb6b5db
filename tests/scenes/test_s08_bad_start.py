"""Beat 8: the markers sit at the lecture's starts, at counts from an independent loop."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neuron import LESSON, SWEEP
from scenes.s08_bad_start import PriceOfBadStart, count_text, times


def epochs_by_hand(cross_entropy: bool, w: float, b: float, threshold: float, limit: int = 20_000) -> int:
    """First epoch at which σ(wx + b) < threshold, by plain gradient descent from (w, b)."""
    x, y, eta = LESSON.x, LESSON.y, LESSON.eta
    for epoch in range(limit + 1):
        a = 1 / (1 + math.exp(-(w * x + b)))
        if a < threshold:
            return epoch
        delta = (a - y) if cross_entropy else (a - y) * a * (1 - a)
        w, b = w - eta * delta * x, b - eta * delta
    raise AssertionError("limit too small for this test")


def test_markers_sit_at_the_lecture_starts_with_independent_counts(run_scene):
    scene = run_scene(PriceOfBadStart)
    plot = scene.plot
    for name in ("good", "bad"):
        start = LESSON.start(name)
        z0 = start.w * LESSON.x + start.b
        line, tag, dots = scene.marks[name]
        assert line.get_center()[0] == pytest.approx(plot.axes.c2p(z0, 1)[0], abs=1e-6)
        assert f"{z0:g}" in tag.text
        centres = [d.get_center() for d in dots]
        for cross_entropy in (False, True):
            for threshold in SWEEP.thresholds:
                # From the lecture's own (w, b), not from the sweep's (0, z₀).
                n = epochs_by_hand(cross_entropy, start.w, start.b, threshold)
                if n == 0:
                    continue
                target = plot.axes.c2p(z0, n)
                assert min(np.linalg.norm(c - target) for c in centres) < 1e-6, (name, cross_entropy, threshold)
    # The table quotes the lowest threshold, and the bad start is the dear one for MSE.
    lowest = min(SWEEP.thresholds)
    for cost, cross_entropy in (("mse", False), ("bce", True)):
        for name in ("good", "bad"):
            start = LESSON.start(name)
            n = epochs_by_hand(cross_entropy, start.w, start.b, lowest)
            assert scene.table_cells[cost, name].text == f"{n:,}"
    assert epochs_by_hand(False, LESSON.bad.w, LESSON.bad.b, lowest) > LESSON.epochs


def test_the_curves_run_from_the_sweep_to_its_far_end(run_scene):
    scene = run_scene(PriceOfBadStart)
    axes = scene.plot.axes
    lowest = min(SWEEP.thresholds)
    far = {}
    for cost, cross_entropy in (("mse", False), ("bce", True)):
        far[cost] = epochs_by_hand(cross_entropy, 0.0, SWEEP.z_max, lowest)
        line = scene.lines[cost][lowest]
        np.testing.assert_allclose(line.get_anchors()[-1], axes.c2p(SWEEP.z_max, far[cost]), atol=1e-6)
        first = epochs_by_hand(cross_entropy, 0.0, SWEEP.z_min, lowest)
        np.testing.assert_allclose(line.get_anchors()[0], axes.c2p(SWEEP.z_min, first), atol=1e-6)
    # Exponential against linear, seen from the far end of the sweep.
    assert far["mse"] > 100 * far["bce"]


def test_caption_helpers():
    assert count_text(10265.0, 60_000) == "10,265"
    assert count_text(np.inf, 60_000) == "more than 60,000"
    assert times(469.0, 50.0) == "9 times as many"
    assert times(np.inf, 50.0) == "far more"
