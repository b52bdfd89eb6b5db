"""Presets: the defaults, and one exact line for every field that is not allowed."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from neuron.activation import sigmoid_prime
from neuron.presets import (
    LESSON,
    MAX_EPOCHS,
    MAX_INPUT,
    MAX_PARAMETER,
    SWEEP,
    TARGETS,
    Lesson,
    Start,
    Sweep,
    TargetSweep,
)

NAN, INF = math.nan, math.inf


def refused(message: str):
    return pytest.raises(ValueError, match=f"^{re.escape(message)}$")


def test_defaults_are_the_lecture_as_given():
    assert (LESSON.x, LESSON.y, LESSON.eta, LESSON.epochs) == (1.0, 0.0, 0.15, 300)
    assert (LESSON.good.w, LESSON.good.b) == (0.6, 0.9)
    assert (LESSON.bad.w, LESSON.bad.b) == (2.0, 2.0)
    assert (SWEEP.z_min, SWEEP.z_max, SWEEP.count, SWEEP.thresholds, SWEEP.max_epochs) == (-2.0, 8.0, 401, (0.5, 0.1), 60_000)
    assert TARGETS.values == (0.1, 0.5, 0.85)
    assert LESSON == Lesson() and SWEEP == Sweep() and TARGETS == TargetSweep()


@pytest.mark.parametrize("y", [0.0, 1.0, 0.4])
def test_the_bounds_keep_every_start_where_floats_show_it_honestly(y):
    # |z₀| ≤ |w|·|x| + |b| ≤ 550, and σ′ ≈ e^−|z₀| is still a normal float there.
    worst = MAX_PARAMETER * MAX_INPUT + MAX_PARAMETER
    assert worst == 550.0 and math.exp(-worst) > sys.float_info.min
    extreme = Lesson(x=MAX_INPUT, y=y, epochs=3, good=Start("good", MAX_PARAMETER, MAX_PARAMETER),
                     bad=Start("bad", -MAX_PARAMETER, -MAX_PARAMETER))
    for cost in ("mse", "bce"):
        for start in ("good", "bad"):
            t = extreme.run(cost, start)
            assert abs(t.z[0]) == worst and float(sigmoid_prime(t.z[0])) >= sys.float_info.min
            assert np.all(np.isfinite(t.cost)) and np.all(np.isfinite(t.dC_dw))
            if abs(t.a[0] - y) > 0.1:  # a wrong start: its gradient is tiny, never rounded away
                assert np.all(np.abs(t.dC_db) >= sys.float_info.min), (cost, start)


LESSON_CASES = [
    ("eta", 0.0, "eta must be a finite number > 0, got 0.0"),
    ("eta", -0.1, "eta must be a finite number > 0, got -0.1"),
    ("eta", INF, "eta must be a finite number > 0, got inf"),
    ("eta", NAN, "eta must be a finite number > 0, got nan"),
    ("eta", "fast", "eta must be a finite number > 0, got 'fast'"),
    ("eta", "0.3", "eta must be a finite number > 0, got '0.3'"),
    ("eta", True, "eta must be a finite number > 0, got True"),
    ("epochs", 0, f"epochs must be a whole number in 1..{MAX_EPOCHS}, got 0"),
    ("epochs", MAX_EPOCHS + 1, f"epochs must be a whole number in 1..{MAX_EPOCHS}, got {MAX_EPOCHS + 1}"),
    ("epochs", 2.5, f"epochs must be a whole number in 1..{MAX_EPOCHS}, got 2.5"),
    ("epochs", 300.0, f"epochs must be a whole number in 1..{MAX_EPOCHS}, got 300.0"),
    ("epochs", True, f"epochs must be a whole number in 1..{MAX_EPOCHS}, got True"),
    ("epochs", "300", f"epochs must be a whole number in 1..{MAX_EPOCHS}, got '300'"),
    ("y", 1.5, "y must be in [0, 1], got 1.5"),
    ("y", -0.01, "y must be in [0, 1], got -0.01"),
    ("y", NAN, "y must be a finite real number, got nan"),
    ("y", None, "y must be a finite real number, got None"),
    ("x", NAN, "x must be a finite number with 0 < |x| <= 10, got nan"),
    ("x", 0.0, "x must be a finite number with 0 < |x| <= 10, got 0.0"),
    ("x", 0, "x must be a finite number with 0 < |x| <= 10, got 0"),
    ("x", 10.5, "x must be a finite number with 0 < |x| <= 10, got 10.5"),
    ("x", -1e308, "x must be a finite number with 0 < |x| <= 10, got -1e+308"),
    ("x", [1.0], "x must be a finite number with 0 < |x| <= 10, got [1.0]"),
    ("good", (0.6, 0.9), "good must be a Start(name, w, b), got (0.6, 0.9)"),
    ("bad", None, "bad must be a Start(name, w, b), got None"),
]


@pytest.mark.parametrize("field,value,message", LESSON_CASES)
def test_bad_lesson_field_is_named_with_value_and_allowed_range(field, value, message):
    with refused(message):
        replace(LESSON, **{field: value})


def test_lesson_accepts_the_edges_and_negative_x():
    lesson = Lesson(x=-MAX_INPUT, y=1.0, eta=1e-6, epochs=MAX_EPOCHS)
    assert (lesson.x, lesson.y, lesson.epochs) == (-10.0, 1.0, MAX_EPOCHS)
    assert isinstance(Lesson(epochs=np.int64(5)).epochs, int)


@pytest.mark.parametrize(
    "args,message",
    [
        (("good", 1e308, 0.9), "start 'good': w must be a finite number in [-50, 50], got 1e+308"),
        (("bad", 0.0, -50.5), "start 'bad': b must be a finite number in [-50, 50], got -50.5"),
        (("bad", INF, 0), "start 'bad': w must be a finite number in [-50, 50], got inf"),
        (("bad", 0, NAN), "start 'bad': b must be a finite number in [-50, 50], got nan"),
        (("bad", "2", 2), "start 'bad': w must be a finite number in [-50, 50], got '2'"),
        (("bad", 2, False), "start 'bad': b must be a finite number in [-50, 50], got False"),
        (("", 2, 2), "start name must be a non-empty string, got ''"),
        ((3, 2, 2), "start name must be a non-empty string, got 3"),
    ],
)
def test_bad_start_is_named(args, message):
    with refused(message):
        Start(*args)


def test_start_accepts_the_bound():
    assert Start("s", -MAX_PARAMETER, MAX_PARAMETER).b == 50.0


def test_unknown_start_and_cost_names():
    with refused("start must be one of ['bad', 'good'], got 'ugly'"):
        LESSON.run("mse", "ugly")
    with refused("cost must be one of ['bce', 'mse'], got 'l1'"):
        LESSON.run("l1", "good")


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"z_min": 3.0, "z_max": 3.0}, "z_min must be < z_max, got z_min=3.0, z_max=3.0"),
        ({"z_max": INF}, "z_max must be a finite number in [-50, 50], got inf"),
        ({"z_min": -60}, "z_min must be a finite number in [-50, 50], got -60"),
        ({"z_min": "low"}, "z_min must be a finite number in [-50, 50], got 'low'"),
        ({"count": 1}, "count must be a whole number in 2..100000, got 1"),
        ({"count": 401.0}, "count must be a whole number in 2..100000, got 401.0"),
        ({"count": True}, "count must be a whole number in 2..100000, got True"),
        ({"max_epochs": 0}, f"max_epochs must be a whole number in 1..{MAX_EPOCHS}, got 0"),
        ({"max_epochs": "many"}, f"max_epochs must be a whole number in 1..{MAX_EPOCHS}, got 'many'"),
        ({"thresholds": 0.5}, "thresholds must be a non-empty tuple of output levels in (0, 1), got 0.5"),
        ({"thresholds": "0.5"}, "thresholds must be a non-empty tuple of output levels in (0, 1), got '0.5'"),
        ({"thresholds": ()}, "thresholds must be a non-empty tuple of output levels in (0, 1), got ()"),
        ({"thresholds": (0.5, 1.0)}, "thresholds[1] must be in (0, 1), got 1.0"),
        ({"thresholds": (NAN,)}, "thresholds[0] must be in (0, 1), got nan"),
        ({"thresholds": (0.5, "x")}, "thresholds[1] must be in (0, 1), got 'x'"),
    ],
)
def test_bad_sweep_field(kwargs, message):
    with refused(message):
        replace(SWEEP, **kwargs)


def test_sweep_points_and_normal_forms():
    z = Sweep(z_min=-1, z_max=1, count=3).z0()
    assert z.tolist() == [-1.0, 0.0, 1.0]
    s = Sweep(thresholds=[0.4, 0.2], count=np.int64(5))
    assert s.thresholds == (0.4, 0.2) and type(s.count) is int


@pytest.mark.parametrize(
    "values,message",
    [
        ((), "values must be a non-empty tuple of targets in (0, 1), got ()"),
        ((0.5, 1.0), "values[1] must be in (0, 1), got 1.0"),
        ((0.0,), "values[0] must be in (0, 1), got 0.0"),
        ((-0.2,), "values[0] must be in (0, 1), got -0.2"),
        ((NAN,), "values[0] must be in (0, 1), got nan"),
        (("half",), "values[0] must be in (0, 1), got 'half'"),
        (0.5, "values must be a non-empty tuple of targets in (0, 1), got 0.5"),
        ("0.5", "values must be a non-empty tuple of targets in (0, 1), got '0.5'"),
    ],
)
def test_bad_target_sweep_is_named_with_value_and_allowed_range(values, message):
    with refused(message):
        TargetSweep(values)


def test_target_sweep_keeps_floats_in_order():
    assert TargetSweep([0.7, 0.2]).values == (0.7, 0.2)


def test_runs_covers_both_costs_and_starts():
    assert set(LESSON.runs()) == {("mse", "good"), ("mse", "bad"), ("bce", "good"), ("bce", "bad")}


def test_importing_neuron_does_not_import_manim():
    code = "import sys, neuron, neuron.analysis, neuron.presets, neuron.lessonfile; print('manim' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
