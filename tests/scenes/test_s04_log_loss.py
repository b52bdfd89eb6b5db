"""Beat 4: each marker walks along its curve towards a = y, never reaching 0 or 1."""

from __future__ import annotations

import math

import numpy as np

from neuron import LESSON
from scenes.s04_log_loss import LogLoss


def test_markers_end_near_their_target_on_the_curve(run_scene):
    scene = run_scene(LogLoss)
    run = LESSON.run("bce", "bad").a
    assert np.all((run > 0) & (run < 1))
    for y, case in scene.cases.items():
        a = case["a"].get_value()
        assert 0 < a < 1
        assert abs(a - y) == min(abs(run[0] - y), abs(run[-1] - y)), "ends at the run's end nearest y"
        cost = -math.log(1 - a) if y == 0 else -math.log(a)
        np.testing.assert_allclose(case["marker"].get_center(), case["axes"].c2p(a, cost), atol=1e-6)
        assert abs(case["readout"].c_value.get_value() - cost) < 1e-9
