"""Beat 7 — the landscape along z: a plateau for MSE, a ramp for cross-entropy.

The cost depends on w and b only through z = w·x + b, so each cost is one
curve over z. Two balls roll down the two curves from the bad start, in step
with the epochs of the two computed runs, each showing the slope it feels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    UR,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Line,
    MathTex,
    Transform,
    ValueTracker,
    VGroup,
    Write,
)

from neuron import CROSS_ENTROPY, QUADRATIC, Cost, Trajectory
from scenes.base import LectureScene
from scenes.components import Follows, LiveDecimal, LiveInteger, above_caption_band, epoch_tracker, label
from scenes.plots import TwinCostAxes
from scenes.style import (
    COST_COLORS,
    FORMULA_SIZE,
    LABEL_SIZE,
    SMALL_FORMULA_SIZE,
    SMALL_SIZE,
    TEXT_COLOR,
    tex,
)

__all__ = ["Landscape", "SlopeReadout", "z_of_parameters"]


def z_of_parameters(x: float) -> tuple[str, MathTex]:
    """How z depends on (w, b) for input ``x``: as words and as a formula.

    Returns
    -------
    tuple
        ``("w + b", MathTex z = w x + b = w + b)`` when x = 1, and
        ``("2w + b", … = 2w + b)`` and so on otherwise.
    """
    coefficient = "" if x == 1 else f"{x:g}"
    in_words = f"{coefficient}w + b"
    rhs = ["w", "+", "b"] if x == 1 else [coefficient, "w", "+", "b"]
    return in_words, tex("z", "=", "w", "x", "+", "b", "=", *rhs, font_size=FORMULA_SIZE)


class SlopeReadout(Follows, VGroup):
    """The epoch, and the slope ∂C/∂z each run feels there: one live number per cost.

    Parameters
    ----------
    runs
        Each cost's run, by cost name.
    costs
        The costs, in the order of their rows.
    y
        The target the slopes are measured against.

    Examples
    --------
    >>> panel = SlopeReadout(runs, (CROSS_ENTROPY, QUADRATIC), LESSON.y).follow(tracker)  # doctest: +SKIP
    """

    def __init__(self, runs: dict[str, Trajectory], costs: Sequence[Cost], y: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.runs, self.costs, self.y = runs, {c.name: c for c in costs}, y
        epoch = LiveInteger(0, font_size=SMALL_FORMULA_SIZE, color=TEXT_COLOR)
        epoch_row = VGroup(label("epoch", size=LABEL_SIZE), epoch).arrange(RIGHT, buff=0.2)
        title = VGroup(tex(r"\partial C / \partial z", font_size=SMALL_FORMULA_SIZE),
                       label("under each ball", size=LABEL_SIZE)).arrange(RIGHT, buff=0.2)
        self.values: dict[str, LiveDecimal] = {"epoch": epoch}
        rows = VGroup()
        for cost in costs:
            color = COST_COLORS[cost.name]
            number = LiveDecimal(self.value_at(cost.name, 0.0), num_decimal_places=3, font_size=SMALL_FORMULA_SIZE,
                                 color=color)
            self.values[cost.name] = number
            rows.add(VGroup(label(cost.label, size=LABEL_SIZE, color=color), number))
        for row in rows:
            row[1].next_to(row[0], RIGHT, buff=0.3)
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        # Numbers in one column, whatever the label widths.
        column = max(row[0].get_right()[0] for row in rows) + 0.3
        for row in rows:
            row[1].align_to(np.array([column, 0.0, 0.0]), LEFT)
        self.add(epoch_row, title, rows).arrange(DOWN, aligned_edge=LEFT, buff=0.35)

    def value_at(self, key: str, epoch: float) -> float:
        """The slope of cost ``key`` where its run is at ``epoch`` (or the epoch)."""
        if key not in self.costs:
            return super().value_at(key, epoch)
        return float(self.costs[key].delta(self.runs[key].at(epoch)["z"], self.y))


class Landscape(LectureScene):
    """Both costs along z, and a ball rolling down each from the bad start."""

    title = "The landscape along z"
    epoch_seconds = 10.0
    start = "bad"

    def construct(self) -> None:
        self.prepare()
        self.one_number_matters()
        self.draw_both_costs()
        self.name_the_shapes()
        self.place_the_balls()
        self.roll()
        self.conclude()

    # -- set-up -----------------------------------------------------------------
    def prepare(self) -> None:
        """Compute both runs once; size the plot to hold every z they visit."""
        self.costs: tuple[Cost, Cost] = (QUADRATIC, CROSS_ENTROPY)
        self.runs: dict[str, Trajectory] = {c.name: self.lesson.run(c, self.start) for c in self.costs}
        reach = max(float(np.max(np.abs(t.z))) for t in self.runs.values())
        half = math.ceil(reach + 0.25)
        self.plot = TwinCostAxes(CROSS_ENTROPY, QUADRATIC, self.lesson.y, (-half, half), x_length=6.5, y_length=3.5)
        # Room for the scale on the left; the numbers below clear the caption band.
        self.plot.shift(np.array([-5.9, 0.0, 0.0]) - self.plot.axes.c2p(-half, 0))
        above_caption_band(self.plot)
        self.tracker: ValueTracker = epoch_tracker()

    def z_at(self, cost: Cost) -> float:
        """z of ``cost``'s run at the tracker's (fractional) epoch."""
        return float(self.runs[cost.name].at(self.tracker.get_value())["z"])

    # -- the beat ---------------------------------------------------------------
    def one_number_matters(self) -> None:
        """With x fixed, w and b act only through z: say so, large, then park it in the corner."""
        x = self.lesson.x
        in_words, formula = z_of_parameters(x)
        heading = self.heading(subtitle="both costs along a single line")
        why = label(f"x = {x:g}, so w and b act only through {in_words}", size=LABEL_SIZE)
        self.insight = VGroup(formula, why).arrange(DOWN, buff=0.3).scale(1.25)
        with self.narrate(f"Because x = {x:g}, the weighted input is z = {in_words}. The output, the cost and its "
                          "slope depend on w and b only through that one number, so each cost is a curve along z."):
            self.play(FadeIn(heading, shift=DOWN * 0.2))
            self.play(Write(formula), run_time=1.5)
            self.play(FadeIn(why))
            self.wait(4)
        # Where the insight goes once the plot needs the room.
        self.insight_corner = self.insight.copy().scale(0.68)
        self.insight_corner[1].next_to(self.insight_corner[0], DOWN, buff=0.2).align_to(self.insight_corner[0], RIGHT)
        self.insight_corner.to_corner(UR, buff=0.45)

    def draw_both_costs(self) -> None:
        """Both cost curves along z, each on its own scale, and a note saying so."""
        plot = self.plot
        self.curves = {c.name: plot.graph(c) for c in self.costs}
        stretch = plot.stretch[QUADRATIC.name]
        self.scale_note = label(f"right axis: the quadratic cost,\ndrawn {stretch:.3g}× taller", size=SMALL_SIZE)
        self.scale_note.next_to(self.insight_corner, DOWN, buff=0.45).align_to(self.panel_left(), LEFT)
        with self.narrate(f"Here are both costs along z for the target y = {self.lesson.y:g}. Their sizes differ a "
                          "lot, so each has its own scale: cross-entropy on the left, the quadratic cost on the "
                          f"right, drawn {stretch:.3g} times taller."):
            self.play(Transform(self.insight, self.insight_corner), Create(plot), run_time=2)
            self.play(Create(self.curves[CROSS_ENTROPY.name]), Create(self.curves[QUADRATIC.name]), run_time=2)
            self.play(FadeIn(self.scale_note))
            self.wait(4.5)

    def name_the_shapes(self) -> None:
        """Label the plateau and the ramp along their curves."""
        plot, y = self.plot, self.lesson.y
        z_hi = float(plot.axes.x_range[1])
        ramp_slope = float(CROSS_ENTROPY.delta(z_hi, y))
        plateau = plot.label_along(QUADRATIC, label("plateau", size=LABEL_SIZE, color=COST_COLORS[QUADRATIC.name]),
                                   0.7 * z_hi)
        ramp = plot.label_along(CROSS_ENTROPY, label("ramp", size=LABEL_SIZE, color=COST_COLORS[CROSS_ENTROPY.name]),
                                0.55 * z_hi)
        self.shape_labels = VGroup(plateau, ramp)
        with self.narrate("Where the sigmoid saturates, the quadratic cost flattens into a plateau. Cross-entropy "
                          f"does not: it becomes a straight ramp, its slope already {ramp_slope:.2f} "
                          f"at z = {z_hi:g}."):
            self.play(FadeIn(plateau, shift=UP * 0.1))
            self.play(FadeIn(ramp, shift=UP * 0.1))
            self.wait(4.5)

    def place_the_balls(self) -> None:
        """A ball, a tangent and a live slope for each cost at the bad start."""
        start, y = self.lesson.start(self.start), self.lesson.y
        self.balls = {c.name: self.ball(c) for c in self.costs}
        self.tangents = {c.name: self.tangent(c) for c in self.costs}
        self.readout = self.slope_readout()
        z0 = float(self.runs[QUADRATIC.name].z[0])
        slopes = {c.name: float(c.delta(z0, y)) for c in self.costs}
        with self.narrate(f"Start both runs from the bad start, w = {start.w:g} and b = {start.b:g}, so "
                          f"z = {z0:g}. On the plateau the quadratic cost's slope is only "
                          f"{slopes[QUADRATIC.name]:.3f}; on the ramp, cross-entropy's slope is "
                          f"{slopes[CROSS_ENTROPY.name]:.2f}."):
            self.play(FadeOut(self.shape_labels), *(FadeIn(b, scale=0.5) for b in self.balls.values()))
            self.play(*(Create(t) for t in self.tangents.values()), FadeIn(self.readout))
            self.wait(5.5)

    def roll(self) -> None:
        """Run the epochs: the balls follow the two computed runs."""
        with self.narrate("Each epoch moves z downhill in proportion to the slope. Cross-entropy slides straight "
                          "down its ramp; the quadratic cost creeps along the plateau before it can roll.") as block:
            self.run_epochs(self.tracker, run_time=block.run_time(at_least=self.epoch_seconds))
        self.readout.freeze()
        for mobject in (*self.balls.values(), *self.tangents.values()):
            mobject.clear_updaters()

    def conclude(self) -> None:
        """Where each run got to."""
        mse, bce = self.runs[QUADRATIC.name], self.runs[CROSS_ENTROPY.name]
        with self.narrate(f"After {self.lesson.epochs} epochs cross-entropy has reached z = {float(bce.z[-1]):.2f}, "
                          f"output {float(bce.final_output):.2f}; the quadratic cost only got to "
                          f"z = {float(mse.z[-1]):.2f}, output {float(mse.final_output):.2f}. "
                          "Same start, same learning rate: only the slope differed."):
            self.wait(8)

    # -- pieces ----------------------------------------------------------------
    def ball(self, cost: Cost) -> Dot:
        """A ball on ``cost``'s curve at the run's current z."""
        ball = Dot(radius=0.13, color=COST_COLORS[cost.name], stroke_color=TEXT_COLOR, stroke_width=2)

        def follow(m: Dot) -> None:
            z = self.z_at(cost)
            m.move_to(self.plot.point(cost, z, float(cost.value(z, self.lesson.y))))

        follow(ball)
        ball.add_updater(follow)
        return ball

    def tangent(self, cost: Cost) -> Line:
        """A short segment along ``cost``'s curve under its ball."""
        line = Line(*self.plot.tangent_ends(cost, self.z_at(cost)), color=TEXT_COLOR, stroke_width=3)
        line.add_updater(lambda m: m.put_start_and_end_on(*self.plot.tangent_ends(cost, self.z_at(cost))))
        return line

    def slope_readout(self) -> SlopeReadout:
        """Epoch and the live slope ∂C/∂z under each ball, below the scale note."""
        panel = SlopeReadout(self.runs, (CROSS_ENTROPY, QUADRATIC), self.lesson.y).follow(self.tracker)
        panel.next_to(self.scale_note, DOWN, buff=0.5).align_to(self.panel_left(), LEFT)
        return panel

    def panel_left(self) -> np.ndarray:
        """Left edge of the column of notes beside the plot."""
        return np.array([self.plot.get_right()[0] + 0.7, 0.0, 0.0])
