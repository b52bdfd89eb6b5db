"""Beat 1: the readouts and the curve end where the trajectory ends."""

from __future__ import annotations

import numpy as np
import pytest

from neuron import LESSON
from scenes.s01_setup import Setup


def test_setup_ends_on_the_computed_run(run_scene):
    scene = run_scene(Setup)
    t = LESSON.run("mse", "good")
    values = scene.view.readouts.values
    assert values["a"].get_value() == pytest.approx(t.final_output)
    assert values["w"].get_value() == pytest.approx(t.w[-1])
    assert values["cost"].get_value() == pytest.approx(t.final_cost)
    assert values["epoch"].get_value() == LESSON.epochs
    # The traced curve's last point sits at (last epoch, final cost) on the axes.
    curve, head = scene.trace
    np.testing.assert_allclose(curve.points[-1], scene.view.plot.point(LESSON.epochs, t.final_cost), atol=1e-6)
    np.testing.assert_allclose(head.get_center(), scene.view.plot.point(LESSON.epochs, t.final_cost), atol=1e-6)
