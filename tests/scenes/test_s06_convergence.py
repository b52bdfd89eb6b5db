"""Beat 6: the summary table quotes outputs from an independent loop."""

from __future__ import annotations

import math

from scenes.s06_convergence import FixedConvergence


def plain_descent(w: float, b: float, cross_entropy: bool, eta=0.15, epochs=300) -> float:
    for _ in range(epochs):
        a = 1 / (1 + math.exp(-(w + b)))
        delta = a if cross_entropy else a * a * (1 - a)
        w, b = w - eta * delta, b - eta * delta
    return 1 / (1 + math.exp(-(w + b)))


def test_summary_table_matches_independent_runs(run_scene):
    scene = run_scene(FixedConvergence)
    strings = [getattr(m, "tex_string", None) for m in scene.table.get_family()]
    expected = {
        "mse good": plain_descent(0.6, 0.9, False),
        "mse bad": plain_descent(2, 2, False),
        "bce good": plain_descent(0.6, 0.9, True),
        "bce bad": plain_descent(2, 2, True),
    }
    assert round(expected["mse good"], 2) == 0.09 and round(expected["mse bad"], 2) == 0.20
    for value in expected.values():
        assert f"{value:.2f}" in strings
    # Both panels' live outputs finished on the good-start runs (the last race).
    mse_panel, bce_panel = scene.panels["mse"], scene.panels["bce"]
    assert abs(mse_panel.readouts.values["a"].get_value() - expected["mse good"]) < 1e-9
    assert abs(bce_panel.readouts.values["a"].get_value() - expected["bce good"]) < 1e-9
