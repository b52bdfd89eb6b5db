"""Beat 9 — any target, not just 0 and 1: cross-entropy is lowest at a = y.

As a function of the output, C(a) = −[y ln a + (1 − y) ln(1 − a)]. A slider
moves the target y through the values of a preset; the curve and its
minimum follow. The minimum is found numerically (by
:func:`neuron.analysis.log_loss_minimiser`), never assumed to be y.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    UR,
    Axes,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    NumberLine,
    Triangle,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
)
from numpy.typing import NDArray

from neuron.analysis import log_loss_minimiser, log_loss_of_output
from neuron.presets import TARGETS, TargetSweep
from scenes.base import LectureScene
from scenes.components import Follows, LiveDecimal, above_caption_band, label, nice_range
from scenes.style import (
    BCE_COLOR,
    FORMULA_SIZE,
    LABEL_SIZE,
    OUTPUT_COLOR,
    SMALL_FORMULA_SIZE,
    SYMBOL_SIZE,
    TARGET_COLOR,
    axis_style,
    tex,
)

__all__ = ["AnyTarget", "MinimumReadout", "log_loss_minimum", "log_loss_outline"]

#: Samples of the output a across (0, 1) for the drawn curve.
SAMPLES = 600


def _crossing(y: float, top: float, inside: float, outside: float) -> float:
    """The output between ``inside`` (C ≤ top) and ``outside`` (C > top) where C = top, by bisection."""
    for _ in range(60):
        middle = 0.5 * (inside + outside)
        if float(log_loss_of_output(middle, y)) <= top:
            inside = middle
        else:
            outside = middle
    return inside


def log_loss_outline(y: float, top: float, samples: int = SAMPLES) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Points (a, C(a)) of the log-loss for target ``y`` that lie at or below ``top``.

    The curve is convex in a, so the part below ``top`` is one interval;
    its ends are found by bisection so the drawn curve meets the top of the
    axes exactly instead of stopping a sample short.

    Parameters
    ----------
    y
        Target in (0, 1).
    top
        Largest cost drawn.
    samples
        Points across the open interval (0, 1).

    Returns
    -------
    tuple of numpy.ndarray
        Outputs a (increasing, strictly inside (0, 1)) and their costs.
    """
    grid = np.linspace(0.0, 1.0, samples + 2)[1:-1]
    cost = log_loss_of_output(grid, y)
    inside = np.flatnonzero(cost <= top)
    if inside.size == 0:
        raise ValueError(f"the log-loss for y = {y!r} never drops to {top!r}")
    first, last = int(inside[0]), int(inside[-1])
    a = grid[first:last + 1]
    if first > 0:
        a = np.concatenate([[_crossing(y, top, grid[first], grid[first - 1])], a])
    if last < samples - 1:
        a = np.concatenate([a, [_crossing(y, top, grid[last], grid[last + 1])]])
    return a, log_loss_of_output(a, y)


def log_loss_minimum(y: float) -> tuple[float, float]:
    """The computed minimiser a* of the log-loss for target ``y``, and the cost there."""
    a_star = float(log_loss_minimiser(y)[0])
    return a_star, float(log_loss_of_output(a_star, y))


class MinimumReadout(Follows, VGroup):
    """The target y, the computed minimiser a* and the lowest cost, as live numbers.

    Follows a tracker on the target; the minimum comes from :func:`log_loss_minimum`.

    Parameters
    ----------
    y
        The target shown first.

    Examples
    --------
    >>> rows = MinimumReadout(0.3).follow(y_tracker)  # doctest: +SKIP
    """

    def __init__(self, y: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.values: dict[str, LiveDecimal] = {}
        for key, words, symbol, color, decimals in (("y", "", "y", TARGET_COLOR, 2),
                                                     ("a", "minimum at", "a", OUTPUT_COLOR, 3),
                                                     ("cost", "lowest", "C", BCE_COLOR, 3)):
            name = tex(symbol, "=", font_size=SMALL_FORMULA_SIZE)
            name[0].set_color(color)
            self.values[key] = number = LiveDecimal(self.value_at(key, y), num_decimal_places=decimals,
                                                    font_size=SMALL_FORMULA_SIZE, color=color)
            parts = [label(words, size=LABEL_SIZE)] if words else []
            self.add(VGroup(*parts, name, number).arrange(RIGHT, buff=0.2))
        self.arrange(DOWN, aligned_edge=LEFT, buff=0.3)

    def value_at(self, key: str, y: float) -> float:
        """The target itself, or where its cost is least, or that least cost."""
        if key == "y":
            return y
        a_star, lowest = log_loss_minimum(y)
        return a_star if key == "a" else lowest


class AnyTarget(LectureScene):
    """The cross-entropy curve over the output, for a target that slides."""

    title = "Any target, not just 0 and 1"
    targets: TargetSweep = TARGETS

    def construct(self) -> None:
        self.prepare()
        self.state_the_cost()
        self.show_first_target()
        for i, y in enumerate(self.targets.values[1:]):
            self.slide_to(y, again=i > 0)
        self.conclude()

    # -- set-up -------------------------------------------------------------------
    def prepare(self) -> None:
        """The axes (tall enough for every target's minimum), the slider, the trackers."""
        values = self.targets.values
        lowest = [log_loss_minimum(y)[1] for y in values]
        # Room above the highest minimum to see both walls of the curve.
        y_range = nice_range(4 * max(lowest), 5)
        self.top = y_range[1]
        self.axes = Axes(
            x_range=[0, 1, 0.25],
            y_range=y_range,
            x_length=6.4,
            y_length=3.6,
            tips=False,
            axis_config=axis_style(),
            # Numbers a little lower than usual: the target's pointer sits between them and the axis.
            x_axis_config={"decimal_number_config": {"num_decimal_places": 2}, "line_to_number_buff": 0.4},
        )
        self.axes.shift(np.array([-5.6, 0.0, 0.0]) - self.axes.c2p(0, 0))
        above_caption_band(self.axes)
        self.a_title = tex("a", font_size=SYMBOL_SIZE).next_to(self.axes.x_axis, RIGHT, buff=0.2)
        self.c_title = tex("C", font_size=SYMBOL_SIZE, color=BCE_COLOR).next_to(self.axes.y_axis, UP, buff=0.2)
        self.y_tracker = ValueTracker(values[0])

    def target(self) -> float:
        """The slider's current target y."""
        return float(self.y_tracker.get_value())

    # -- the beat -------------------------------------------------------------------
    def state_the_cost(self) -> None:
        """The formula of the cost as a function of the output."""
        heading = self.heading(subtitle="cross-entropy as a function of the output")
        self.formula = tex("C", "=", r"-\big[", "y", r"\ln", "a", "+", "(1-", "y", ")", r"\ln(1-", "a", r")\big]",
                           font_size=FORMULA_SIZE)
        self.formula[0].set_color(BCE_COLOR)
        self.formula.to_corner(UR, buff=0.5).shift(DOWN * 1.2)
        with self.narrate("Cross-entropy is not only for targets of exactly 0 or 1. Read it as a function of the "
                          "output a, for a target y anywhere between 0 and 1."):
            self.play(FadeIn(heading, shift=DOWN * 0.2))
            self.play(Write(self.formula), run_time=2)
            self.wait(3.5)

    def show_first_target(self) -> None:
        """Axes, slider, curve and its minimum for the first target."""
        y = self.target()
        a_star, _ = log_loss_minimum(y)
        self.curve = self.live_curve()
        self.marker = self.minimum_marker()
        self.slider = self.target_slider()
        self.readouts = self.live_readouts()
        with self.narrate(f"Take the target y = {y:g}. The cost is lowest at a = {a_star:.2f}: "
                          "exactly where the output equals the target."):
            self.play(Create(self.axes), FadeIn(self.a_title), FadeIn(self.c_title), FadeIn(self.slider), run_time=2)
            self.play(Create(self.curve), run_time=1.5)
            self.play(FadeIn(self.marker), FadeIn(self.readouts))
            self.wait(3.5)

    def slide_to(self, y: float, again: bool = False) -> None:
        """Move the target to ``y``; the curve and its minimum follow."""
        a_star, _ = log_loss_minimum(y)
        caption = (f"And at y = {y:g} the minimum follows once more, to a = {a_star:.2f}." if again else
                   f"Slide the target to y = {y:g}. The curve changes shape, and its minimum moves with it, "
                   f"to a = {a_star:.2f}.")
        with self.narrate(caption) as block:
            self.play(self.y_tracker.animate.set_value(y), run_time=block.run_time(0.6, at_least=3))
            self.wait(1)

    def conclude(self) -> None:
        """The lowest cost is not zero, but it sits at a = y."""
        y = self.target()
        _, lowest = log_loss_minimum(y)
        with self.narrate(f"The lowest cost is no longer zero (here {lowest:.2f}), but it is always reached where the "
                          "output equals the target. So gradient descent on cross-entropy can aim at any y."):
            self.wait(8)

    # -- pieces ---------------------------------------------------------------------
    def live_curve(self) -> VMobject:
        """C(a) for the tracker's target, clipped at the top of the axes."""
        curve = VMobject(color=BCE_COLOR, stroke_width=5)

        def redraw(m: VMobject) -> None:
            a, c = log_loss_outline(self.target(), self.top)
            m.set_points_as_corners([self.axes.c2p(x, v) for x, v in zip(a, c)])

        redraw(curve)
        curve.add_updater(redraw)
        return curve

    def minimum_marker(self) -> VGroup:
        """A dot at the computed minimum, a dashed drop to the a axis, and the target's pointer."""
        dot = Dot(radius=0.1, color=OUTPUT_COLOR)
        drop = DashedLine(self.axes.c2p(0.5, 0), self.axes.c2p(0.5, 1), color=OUTPUT_COLOR, stroke_width=2.5)
        pointer = Triangle(color=TARGET_COLOR, fill_opacity=1, stroke_width=0).scale(0.11)

        def place(group: VGroup) -> None:
            y = self.target()
            a_star, lowest = log_loss_minimum(y)
            dot.move_to(self.axes.c2p(a_star, lowest))
            drop.put_start_and_end_on(self.axes.c2p(a_star, 0), self.axes.c2p(a_star, lowest))
            # Under the axis line, its tip touching it at a = y.
            pointer.next_to(self.axes.c2p(y, 0), DOWN, buff=0.0)

        group = VGroup(drop, dot, pointer)
        place(group)
        group.add_updater(place)
        self.minimum_dot, self.target_pointer = dot, pointer
        return group

    def target_slider(self) -> VGroup:
        """A slider for y in [0, 1] with a knob at the tracker's value."""
        line = NumberLine(x_range=[0, 1, 0.25], length=4.2,
                          **axis_style(decimal_number_config={"num_decimal_places": 2}))
        knob = Dot(radius=0.13, color=TARGET_COLOR)
        knob.add_updater(lambda m: m.move_to(line.n2p(self.target())))
        knob.move_to(line.n2p(self.target()))
        name = VGroup(label("target", size=LABEL_SIZE), tex("y", font_size=SYMBOL_SIZE)).arrange(RIGHT, buff=0.15)
        slider = VGroup(name, VGroup(line, knob)).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        slider.next_to(self.formula, DOWN, buff=0.6).align_to(self.formula, RIGHT)
        self.slider_line, self.knob = line, knob
        return slider

    def live_readouts(self) -> MinimumReadout:
        """The target, the computed minimiser and the lowest cost, below the slider."""
        rows = MinimumReadout(self.target()).follow(self.y_tracker)
        rows.next_to(self.slider, DOWN, buff=0.6).align_to(self.slider, LEFT)
        return rows
