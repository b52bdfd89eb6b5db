from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import replace

import pytest

from neuron.presets import LESSON, MAX_EPOCHS, SWEEP, TARGETS, Lesson, Start, Sweep, TargetSweep


def test_lecture_parameters():
    assert (LESSON.x, LESSON.y, LESSON.eta, LESSON.epochs) == (1.0, 0.0, 0.15, 300)
    assert (LESSON.good.w, LESSON.good.b) == (0.6, 0.9)
    assert (LESSON.bad.w, LESSON.bad.b) == (2.0, 2.0)


@pytest.mark.parametrize(
    "field,value,pattern",
    [
        ("eta", 0.0, r"eta must be a finite number > 0, got 0\.0"),
        ("eta", -0.1, r"eta .* got -0\.1"),
        ("eta", math.inf, r"eta must be a finite real number, got inf"),
        ("eta", math.nan, r"eta must be a finite real number, got nan"),
        ("eta", "fast", r"eta must be a finite real number, got 'fast'"),
        ("epochs", 0, rf"epochs must be a whole number in 1\.\.{MAX_EPOCHS}, got 0"),
        ("epochs", MAX_EPOCHS + 1, rf"epochs .* got {MAX_EPOCHS + 1}"),
        ("epochs", 2.5, r"epochs .* got 2\.5"),
        ("epochs", True, r"epochs .* got True"),
        ("y", 1.5, r"y must be in \[0, 1\], got 1\.5"),
        ("y", -0.01, r"y must be in \[0, 1\], got -0\.01"),
        ("x", math.nan, r"x must be a finite real number, got nan"),
    ],
)
def test_bad_lesson_field_is_named_with_value_and_allowed_range(field, value, pattern):
    with pytest.raises(ValueError, match=pattern):
        replace(LESSON, **{field: value})


@pytest.mark.parametrize("w,b,pattern", [(math.inf, 0, r"start 'bad': w .* got inf"), (0, math.nan, r"start 'bad': b .* got nan")])
def test_non_finite_start_is_named(w, b, pattern):
    with pytest.raises(ValueError, match=pattern):
        Start("bad", w, b)


def test_lesson_rejects_a_start_that_is_not_a_start():
    with pytest.raises(ValueError, match=r"good must be a Start"):
        Lesson(good=(0.6, 0.9))  # type: ignore[arg-type]


def test_unknown_start_and_cost_names():
    with pytest.raises(ValueError, match=r"start must be one of \['bad', 'good'\], got 'ugly'"):
        LESSON.run("mse", "ugly")
    with pytest.raises(ValueError, match=r"cost must be one of \['bce', 'mse'\], got 'l1'"):
        LESSON.run("l1", "good")


@pytest.mark.parametrize(
    "kwargs,pattern",
    [
        ({"z_min": 3.0, "z_max": 3.0}, r"z_min must be < z_max"),
        ({"count": 1}, r"count must be a whole number in 2\.\.100000, got 1"),
        ({"thresholds": (0.5, 1.0)}, r"each threshold must be in \(0, 1\), got 1\.0"),
        ({"thresholds": ()}, r"thresholds must name at least one"),
        ({"max_epochs": 0}, r"max_epochs must be a whole number"),
        ({"z_max": math.inf}, r"z_max must be a finite real number, got inf"),
    ],
)
def test_bad_sweep_field(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        replace(SWEEP, **kwargs)


def test_runs_covers_both_costs_and_starts():
    assert set(LESSON.runs()) == {("mse", "good"), ("mse", "bad"), ("bce", "good"), ("bce", "bad")}


def test_sweep_points():
    z = Sweep(z_min=-1, z_max=1, count=3).z0()
    assert z.tolist() == [-1.0, 0.0, 1.0]


def test_target_sweep_defaults():
    assert TARGETS.values == (0.1, 0.5, 0.85)


def test_target_sweep_keeps_floats_in_order():
    assert TargetSweep([0.7, 0.2]).values == (0.7, 0.2)


@pytest.mark.parametrize(
    "values,pattern",
    [
        ((), r"values must name at least one target in \(0, 1\), got \(\)"),
        ((0.5, 1.0), r"values: each target must be in \(0, 1\), got 1\.0"),
        ((0.0,), r"values: each target must be in \(0, 1\), got 0\.0"),
        ((-0.2,), r"values: each target must be in \(0, 1\), got -0\.2"),
        ((math.nan,), r"values: target must be a finite real number, got nan"),
        (("half",), r"values: target must be a finite real number, got 'half'"),
        (0.5, r"values must be a tuple of targets in \(0, 1\), got 0\.5"),
    ],
)
def test_bad_target_sweep_is_named_with_value_and_allowed_range(values, pattern):
    with pytest.raises(ValueError, match=pattern):
        TargetSweep(values)


def test_importing_neuron_does_not_import_manim():
    code = "import sys, neuron, neuron.analysis, neuron.presets; print('manim' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
