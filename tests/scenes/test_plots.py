"""Shared plots: scales that say what they draw, axes moved without moving points."""

from __future__ import annotations

import math

import numpy as np
import pytest
from manim import Axes, VGroup

from neuron import CROSS_ENTROPY, QUADRATIC
from scenes.components import edge_y_axis
from scenes.plots import EpochCountAxes, TwinCostAxes

#: Numbers are typeset: keep LaTeX's cache with the other tests'.
pytestmark = pytest.mark.usefixtures("tiny_config")


def test_edge_y_axis_moves_the_drawing_not_the_coordinates():
    axes = Axes(x_range=[-2, 8, 2], y_range=[0, 1, 0.5], x_length=5, y_length=3, axis_config={"include_numbers": True})
    before = axes.c2p(3.0, 0.7)
    visible = edge_y_axis(axes)
    np.testing.assert_allclose(axes.c2p(3.0, 0.7), before)
    # The visible axis stands on the left end of the x axis and spans the same heights.
    assert visible.get_start()[0] == pytest.approx(axes.c2p(-2, 0)[0])
    assert visible.n2p(1.0)[1] == pytest.approx(axes.c2p(0, 1.0)[1])
    assert axes.y_axis.get_stroke_opacity() == 0
    # Moving both together keeps them in register.
    VGroup(axes, visible).shift([1.0, -0.5, 0.0])
    assert visible.get_start()[0] == pytest.approx(axes.c2p(-2, 0)[0])
    # x = 0 gets back the tick and number Axes leaves out.
    assert any(abs(float(n.get_value())) < 1e-12 for n in axes.x_axis.numbers)


def test_twin_axes_read_each_cost_on_its_own_scale():
    y = 0.0
    plot = TwinCostAxes(CROSS_ENTROPY, QUADRATIC, y, (-5, 5), x_length=6, y_length=4)
    left_top, right_top = plot.tops["bce"], plot.tops["mse"]
    z = np.linspace(-5, 5, 101)
    a = 1 / (1 + np.exp(-z))
    assert np.max(np.log1p(np.exp(z))) <= left_top          # ln(1 + e^z) is the y = 0 cross-entropy
    assert np.max(0.5 * a**2) <= right_top
    for zi, ai in zip(z[::10], a[::10]):
        c = 0.5 * ai**2
        p = plot.point(QUADRATIC, zi, c)
        assert p[1] == pytest.approx(plot.right_axis.n2p(c)[1])
        assert p[0] == pytest.approx(plot.axes.c2p(zi, 0)[0])
        c = math.log1p(math.exp(zi))
        np.testing.assert_allclose(plot.point(CROSS_ENTROPY, zi, c), plot.axes.c2p(zi, c))


def test_tangent_stays_inside_the_plot_and_along_the_curve():
    plot = TwinCostAxes(CROSS_ENTROPY, QUADRATIC, 0.0, (-5, 5), x_length=6, y_length=4)
    lo = plot.axes.c2p(-5, 0)
    hi = plot.axes.c2p(5, plot.tops["bce"])
    for cost in (CROSS_ENTROPY, QUADRATIC):
        for z in (-4.9, -1.0, 0.0, 2.0, 4.9):
            start, end = plot.tangent_ends(cost, z, length=2.0)
            for p in (start, end):
                assert lo[0] - 1e-9 <= p[0] <= hi[0] + 1e-9 and lo[1] - 1e-9 <= p[1] <= hi[1] + 1e-9
            assert np.linalg.norm(end - start) <= 2.0 + 1e-9
    # Away from the edges the segment has its full length.
    start, end = plot.tangent_ends(CROSS_ENTROPY, 0.0, length=1.0)
    assert np.linalg.norm(end - start) == pytest.approx(1.0)


def test_epoch_axes_are_logarithmic_with_whole_decades():
    plot = EpochCountAxes((-2, 8), 10_265, x_length=6, y_length=5)
    assert plot.decades == 5
    one, ten, hundred = (plot.point(0.0, n)[1] for n in (1, 10, 100))
    assert ten - one == pytest.approx(hundred - ten)
    assert plot.point(0.0, 10**5)[1] - one == pytest.approx(5)
    labels = [m.text for m in plot.y_axis.labels]
    assert labels == ["1", "10", "100", "1000", "10000", "100000"]  # Text drops the thin spaces


def test_epoch_curve_leaves_out_counts_a_log_axis_cannot_show():
    plot = EpochCountAxes((-2, 8), 100)
    line = plot.curve([-1.0, 0.0, 1.0, 2.0], [0.0, 1.0, 10.0, np.inf], color="#ffffff")
    corners = line.get_anchors()
    xs = sorted({round(float(p[0]), 6) for p in corners})
    assert xs == [round(float(plot.point(0.0, 1)[0]), 6), round(float(plot.point(1.0, 1)[0]), 6)]


def test_epoch_axes_reject_a_largest_count_that_is_not_one_or_more():
    with pytest.raises(ValueError, match=r"largest must be a finite count >= 1, got inf"):
        EpochCountAxes((-2, 8), math.inf)
