"""Beat 2: the plateau band sits where the cost curve really is flat."""

from __future__ import annotations

import numpy as np
import pytest

from neuron import LESSON
from scenes.s02_flatline import Flatline


def test_flatline_marks_the_plateau_and_ends_on_the_bad_run(run_scene):
    scene = run_scene(Flatline)
    t = LESSON.run("mse", "bad")
    assert scene.view.readouts.values["a"].get_value() == pytest.approx(t.final_output)
    # Independent reading of "where the plateau ends": first epoch by which the
    # cost has made a tenth of its total fall.
    target = t.cost[0] - 0.1 * (t.cost[0] - t.cost[-1])
    end = int(np.argmax(t.cost <= target))
    band, note = scene.plateau
    assert band.get_right()[0] == pytest.approx(scene.view.plot.point(end, 0)[0], abs=1e-6)
    assert band.get_left()[0] == pytest.approx(scene.view.plot.point(0, 0)[0], abs=1e-6)
    assert 120 <= end <= 180
    # The note sits inside the band.
    assert band.get_left()[0] <= note.get_left()[0] and note.get_right()[0] <= band.get_right()[0]
