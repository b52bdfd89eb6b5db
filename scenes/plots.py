"""Plots shared by the later beats: costs along z, epochs against a start.

- :class:`TwinCostAxes` — two costs over z on one plot, each read on its own
  vertical scale (left and right), both labelled in real units.
- :class:`EpochCountAxes` — epochs (log scale) against the starting z₀.

Each takes core objects (costs, the target, computed counts), never copied
numbers, and answers "where on screen is this value?" so scenes and tests
place things with the same map.
"""

from __future__ import annotations

import math
import numpy as np
from manim import (
    DEGREES,
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    DashedVMobject,
    LogBase,
    Mobject,
    NumberLine,
    VGroup,
    VMobject,
)
from numpy.typing import ArrayLike

from neuron import Cost
from scenes.components import edge_y_axis, label, nice_range, nice_step
from scenes.style import COST_COLORS, LABEL_SIZE, SMALL_SIZE, SYMBOL_SIZE, axis_style, tex

__all__ = ["TwinCostAxes", "EpochCountAxes"]

#: Samples per curve: piecewise-linear at this density is smooth at 4K.
SAMPLES = 400


def _axis_title(axes: Axes, title: Mobject) -> Mobject:
    """Put ``title`` just past the right end of the x axis, level with its numbers.

    Level with the axis itself it would collide with a scale standing there.
    """
    title.next_to(axes.x_axis.get_end(), RIGHT, buff=0.2).align_to(axes.x_axis.numbers, DOWN)
    return title


def _decimals(step: float) -> int:
    """Digits after the point needed to print multiples of ``step``."""
    return max(0, -math.floor(math.log10(step) + 1e-9))


class TwinCostAxes(VGroup):
    """Two costs along z for one target, each on its own vertical scale.

    The ``left`` cost is read on the left axis, the ``right`` cost on the
    right one; each axis is numbered in that cost's own units and coloured
    like it. Both scales start at 0 at the bottom and fill the same height,
    so the right cost is drawn stretched by ``left_top / right_top`` — an
    honest change of units, shown by its axis, not a change of shape.

    Parameters
    ----------
    left, right
        The two costs (``CROSS_ENTROPY``, ``QUADRATIC`` …).
    y
        Desired output the costs are measured against.
    z_range
        ``(z_lo, z_hi)``: the horizontal extent.
    x_length, y_length
        Size of the plotting area on screen.

    Attributes
    ----------
    axes
        The coordinate system of the left cost (its y axis hidden, drawn at
        the left edge by :func:`edge_y_axis`).
    left_axis, right_axis
        The two visible vertical scales.
    tops
        Top of each scale by cost name.

    Examples
    --------
    >>> from neuron import CROSS_ENTROPY, QUADRATIC  # doctest: +SKIP
    >>> plot = TwinCostAxes(CROSS_ENTROPY, QUADRATIC, 0.0, (-5, 5))  # doctest: +SKIP
    >>> plot.point(QUADRATIC, 4.0, float(QUADRATIC.value(4.0, 0.0)))  # doctest: +SKIP
    """

    def __init__(
        self,
        left: Cost,
        right: Cost,
        y: float,
        z_range: tuple[float, float],
        x_length: float = 7.6,
        y_length: float = 4.4,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.costs = {left.name: left, right.name: right}
        self.left, self.right, self.y = left, right, float(y)
        z_lo, z_hi = (float(v) for v in z_range)
        grid = np.linspace(z_lo, z_hi, SAMPLES)
        ranges = {c.name: nice_range(float(np.max(c.value(grid, y))), 5) for c in (left, right)}
        self.tops = {name: r[1] for name, r in ranges.items()}
        self.stretch = {left.name: 1.0, right.name: self.tops[left.name] / self.tops[right.name]}

        left_range = ranges[left.name]
        self.axes = Axes(
            x_range=[z_lo, z_hi, nice_step(z_hi - z_lo, 8)],
            y_range=left_range,
            x_length=x_length,
            y_length=y_length,
            tips=False,
            axis_config=axis_style(numbers_to_exclude=[]),
            y_axis_config={"decimal_number_config": {"num_decimal_places": _decimals(left_range[2])}},
        )
        self.axes.y_axis.numbers.set_color(COST_COLORS[left.name])
        self.left_axis = edge_y_axis(self.axes)

        right_range = ranges[right.name]
        self.right_axis = NumberLine(
            x_range=right_range,
            length=y_length,
            rotation=90 * DEGREES,
            label_direction=RIGHT,
            **axis_style(decimal_number_config={"num_decimal_places": _decimals(right_range[2])}),
        )
        self.right_axis.numbers.set_color(COST_COLORS[right.name])
        self.right_axis.shift(self.axes.c2p(z_hi, 0) - self.right_axis.n2p(0))

        self.left_axis.add(self.left_axis.get_number_mobject(0).set_color(COST_COLORS[left.name]))
        self.z_title = _axis_title(self.axes, tex("z", font_size=SYMBOL_SIZE))
        self.left_title = label(left.label, size=LABEL_SIZE, color=COST_COLORS[left.name])
        self.left_title.next_to(self.left_axis, UP, buff=0.2).align_to(self.left_axis.numbers, LEFT)
        self.right_title = label(right.label, size=LABEL_SIZE, color=COST_COLORS[right.name])
        self.right_title.next_to(self.right_axis, UP, buff=0.2).align_to(self.right_axis.numbers, RIGHT)
        self.add(self.axes, self.left_axis, self.right_axis, self.z_title, self.left_title, self.right_title)

    def point(self, cost: Cost, z: float, c: float) -> np.ndarray:
        """Screen point of (z, C) with C read on ``cost``'s own scale."""
        return self.axes.c2p(z, c * self.stretch[cost.name])

    def graph(self, cost: Cost, stroke_width: float = 5) -> VMobject:
        """``cost``'s curve C(z) over the whole z range, in its colour."""
        z_lo, z_hi = self.axes.x_range[:2]
        zs = np.linspace(z_lo, z_hi, SAMPLES)
        cs = cost.value(zs, self.y)
        curve = VMobject(color=COST_COLORS[cost.name], stroke_width=stroke_width)
        curve.set_points_as_corners([self.point(cost, z, c) for z, c in zip(zs, cs)])
        return curve

    def tangent_ends(self, cost: Cost, z: float, length: float = 1.3) -> tuple[np.ndarray, np.ndarray]:
        """Ends of a segment of screen ``length`` touching ``cost``'s curve at z.

        Its direction is the slope ∂C/∂z = ``cost.delta(z, y)`` mapped
        through the plot's units, so it lies along the curve as drawn.
        """
        c = float(cost.value(z, self.y))
        here = self.point(cost, z, c)
        half = self._direction(cost, z) * length / 2
        # Keep both ends inside the plotting area: shorten the arm that leaves it.
        corner_lo = self.axes.c2p(self.axes.x_range[0], self.axes.y_range[0])
        corner_hi = self.axes.c2p(self.axes.x_range[1], self.axes.y_range[1])
        ends = []
        for sign in (-1.0, 1.0):
            arm = sign * half
            fraction = 1.0
            for k in (0, 1):
                if arm[k] > 1e-12:
                    fraction = min(fraction, (corner_hi[k] - here[k]) / arm[k])
                elif arm[k] < -1e-12:
                    fraction = min(fraction, (corner_lo[k] - here[k]) / arm[k])
            ends.append(here + max(0.0, fraction) * arm)
        return ends[0], ends[1]

    def _direction(self, cost: Cost, z: float) -> np.ndarray:
        """Unit screen vector along ``cost``'s curve at z, pointing to larger z."""
        c = float(cost.value(z, self.y))
        slope = float(cost.delta(z, self.y))
        direction = self.point(cost, z + 1.0, c + slope) - self.point(cost, z, c)
        return direction / np.linalg.norm(direction)

    def label_along(self, cost: Cost, mobject: Mobject, z: float, side: int = -1, buff: float = 0.2) -> Mobject:
        """Lay ``mobject`` along ``cost``'s curve at z, just below (side −1) or above (+1) it."""
        direction = self._direction(cost, z)
        normal = np.array([-direction[1], direction[0], 0.0]) * side
        half_thickness = mobject.height / 2  # across the curve, before turning
        mobject.rotate(math.atan2(direction[1], direction[0]))
        c = float(cost.value(z, self.y))
        mobject.move_to(self.point(cost, z, c) + normal * (buff + half_thickness))
        return mobject


class EpochCountAxes(VGroup):
    """Epochs needed (log scale) against the starting weighted input z₀.

    The vertical axis covers whole decades from 1 up to the first power of
    ten above the largest count; ticks read 1, 10, 100 …

    Parameters
    ----------
    z_range
        ``(z_min, z_max)`` of the sweep.
    largest
        Largest finite count to be shown (at least 1).
    x_length, y_length
        Size of the plotting area on screen.

    Examples
    --------
    >>> ax = EpochCountAxes((-2, 8), 10_265)  # doctest: +SKIP
    >>> ax.point(4.0, 469)  # doctest: +SKIP
    """

    def __init__(
        self,
        z_range: tuple[float, float],
        largest: float,
        x_length: float = 7.6,
        y_length: float = 4.4,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        if not (math.isfinite(largest) and largest >= 1):
            raise ValueError(f"largest must be a finite count >= 1, got {largest!r}")
        z_min, z_max = (float(v) for v in z_range)
        self.decades = max(1, math.ceil(math.log10(largest) - 1e-12))
        self.axes = Axes(
            x_range=[z_min, z_max, nice_step(z_max - z_min, 6)],
            y_range=[0, self.decades, 1],
            x_length=x_length,
            y_length=y_length,
            tips=False,
            axis_config=axis_style(),
            x_axis_config={"numbers_to_exclude": []},
            # Numbered by hand below: 1, 10, 100 … rather than 10⁰, 10¹ …
            y_axis_config={"include_numbers": False, "scaling": LogBase(custom_labels=False)},
        )
        self.axes.y_axis.add_labels(
            {10**k: label(f"{10**k:,}".replace(",", " "), size=SMALL_SIZE) for k in range(self.decades + 1)},
            font_size=SMALL_SIZE,
        )
        self.y_axis = edge_y_axis(self.axes)
        self.z_title = _axis_title(self.axes, tex("z_0", font_size=SYMBOL_SIZE))
        self.y_title = label("epochs (log scale)", size=SMALL_SIZE).next_to(self.y_axis, UP, buff=0.2)
        self.y_title.align_to(self.y_axis.labels, LEFT)
        self.add(self.axes, self.y_axis, self.z_title, self.y_title)

    def point(self, z0: float, epochs: float) -> np.ndarray:
        """Screen point of (z₀, epochs); ``epochs`` must be > 0."""
        return self.axes.c2p(z0, epochs)

    def curve(self, z0: ArrayLike, epochs: ArrayLike, color, dashed: bool = False,
              stroke_width: float = 4) -> VMobject:
        """The counts as a line, leaving out starts that need 0 (or ∞) epochs."""
        z0, epochs = np.asarray(z0, dtype=float), np.asarray(epochs, dtype=float)
        keep = np.isfinite(epochs) & (epochs > 0)
        points = [self.point(z, n) for z, n in zip(z0[keep], epochs[keep])]
        line = VMobject(color=color, stroke_width=stroke_width)
        line.set_points_as_corners(points)
        if dashed:
            dashes = DashedVMobject(line, num_dashes=max(12, len(points) // 4), dashed_ratio=0.55)
            dashes.set_stroke(color, stroke_width)
            return dashes
        return line

    def vertical(self, z0: float) -> tuple[np.ndarray, np.ndarray]:
        """Bottom and top of the plotting area at z₀."""
        return self.point(z0, 1.0), self.point(z0, 10.0**self.decades)

