"""Beat 8 — the price of a bad start: epochs needed against the starting z₀.

For every start of the sweep, the epochs each cost needs before the output
falls below each threshold, on a log scale: the quadratic cost's count grows
exponentially with z₀, cross-entropy's only linearly. The lecture's two
starts are marked.

The count depends on the start only through z₀ = w₀·x + b₀: one step moves z
by −η·δ·(x² + 1), a function of z alone. So the sweep's starts (w₀ = 0,
b₀ = z₀) stand for every start with the same z₀, the lecture's included.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    Indicate,
    Line,
    SurroundingRectangle,
    VGroup,
    VMobject,
)
from numpy.typing import NDArray

from neuron import CROSS_ENTROPY, QUADRATIC, SWEEP, Cost, Sweep
from neuron.analysis import epochs_to_reach
from scenes.base import LectureScene
from scenes.components import above_caption_band, label
from scenes.plots import EpochCountAxes
from scenes.style import COST_COLORS, LABEL_SIZE, MUTED_COLOR, SMALL_SIZE, TEXT_COLOR

__all__ = ["PriceOfBadStart", "count_text", "times"]


def count_text(epochs: float, budget: int) -> str:
    """An epoch count for captions: ``"10,265"``, or ``"more than 60,000"`` if never reached."""
    return f"{int(epochs):,}" if np.isfinite(epochs) else f"more than {budget:,}"


def times(slow: float, fast: float) -> str:
    """``"9 times as many"`` for slow/fast, or ``"far more"`` if either never got there."""
    if not (np.isfinite(slow) and np.isfinite(fast)) or fast <= 0:
        return "far more"
    return f"{slow / fast:.0f} times as many"


class PriceOfBadStart(LectureScene):
    """Epochs to reach each threshold, for every start of the sweep, for both costs."""

    title = "The price of a bad start"
    sweep: Sweep = SWEEP
    starts = ("good", "bad")

    def construct(self) -> None:
        self.prepare()
        self.pose_the_question()
        self.show_cost(QUADRATIC, self.mse_caption())
        self.show_cost(CROSS_ENTROPY, self.bce_caption())
        self.mark_our_starts()
        self.conclude()

    # -- numbers ------------------------------------------------------------------
    def prepare(self) -> None:
        """Count epochs for every start, cost and threshold; lay out the plot."""
        lesson, sweep = self.lesson, self.sweep
        self.z0 = sweep.z0()
        self.start_z0 = {name: lesson.start(name).w * lesson.x + lesson.start(name).b for name in self.starts}
        every = np.concatenate([self.z0, list(self.start_z0.values())])
        self.counts: dict[tuple[str, float], NDArray[np.float64]] = {}
        self.at_starts: dict[tuple[str, float], dict[str, float]] = {}
        for cost in (QUADRATIC, CROSS_ENTROPY):
            for threshold in sweep.thresholds:
                n = epochs_to_reach(cost, every, x=lesson.x, y=lesson.y, eta=lesson.eta,
                                    threshold=threshold, max_epochs=sweep.max_epochs)
                self.counts[cost.name, threshold] = n[: len(self.z0)]
                self.at_starts[cost.name, threshold] = dict(zip(self.starts, map(float, n[len(self.z0):])))
        finite = [n[np.isfinite(n)] for n in self.counts.values()]
        largest = max([1.0, *(float(np.max(f)) for f in finite if f.size)])
        self.plot = EpochCountAxes((sweep.z_min, sweep.z_max), largest, x_length=6.2, y_length=3.6)
        self.plot.shift(np.array([-5.1, 0.0, 0.0]) - self.plot.axes.c2p(sweep.z_min, 1.0))
        above_caption_band(self.plot)
        self.lowest = min(sweep.thresholds)
        self.lines: dict[str, dict[float, VMobject]] = {}

    def finite(self, cost: Cost, threshold: float) -> NDArray[np.float64]:
        """``cost``'s counts for ``threshold`` with never-reached starts as NaN."""
        n = self.counts[cost.name, threshold]
        return np.where(np.isfinite(n), n, np.nan)

    def at_far_end(self, cost: Cost) -> float:
        """Epochs ``cost`` needs from the largest z₀ to reach the lowest threshold."""
        return float(self.counts[cost.name, self.lowest][-1])

    # -- the beat -----------------------------------------------------------------
    def pose_the_question(self) -> None:
        """The empty log-scale axes and the threshold legend."""
        sweep = self.sweep
        heading = self.heading(subtitle="epochs needed, start by start")
        levels = " and ".join(f"{t:g}" for t in sorted(sweep.thresholds, reverse=True))
        self.legend = self.threshold_legend()
        with self.narrate(f"How much does a bad start cost? Take {sweep.count} starts from z₀ = {sweep.z_min:g} to "
                          f"{sweep.z_max:g}, and count the epochs each needs before its output falls below "
                          f"{levels}."):
            self.play(FadeIn(heading, shift=DOWN * 0.2))
            self.play(Create(self.plot), run_time=2)
            self.play(FadeIn(self.legend))
            self.wait(4)

    def mse_caption(self) -> str:
        """What the quadratic cost's lines show."""
        return ("With the quadratic cost the count explodes. The epoch axis is logarithmic, so a rising straight "
                f"line means exponential growth: from z₀ = {self.sweep.z_max:g} it takes "
                f"{count_text(self.at_far_end(QUADRATIC), self.sweep.max_epochs)} epochs.")

    def bce_caption(self) -> str:
        """What cross-entropy's lines show."""
        return ("Cross-entropy's count grows only linearly, a few epochs more per unit of z₀: even from "
                f"z₀ = {self.sweep.z_max:g} it needs just "
                f"{count_text(self.at_far_end(CROSS_ENTROPY), self.sweep.max_epochs)}.")

    def show_cost(self, cost: Cost, caption: str) -> None:
        """Draw ``cost``'s count for every threshold, and name it."""
        color = COST_COLORS[cost.name]
        self.lines[cost.name] = {t: self.plot.curve(self.z0, self.counts[cost.name, t], color, dashed=t != self.lowest)
                                 for t in self.sweep.thresholds}
        lines = VGroup(*self.lines[cost.name].values())
        # Named at the right end, clear of the start markers: above the steep
        # quadratic curve, below the low cross-entropy lines.
        name = label(cost.label.replace(" (", "\n("), size=SMALL_SIZE, color=color)
        z_end = self.sweep.z_max
        if cost is QUADRATIC:
            name.next_to(self.plot.point(z_end, float(np.nanmax(self.finite(cost, self.lowest)))), UP, buff=0.1)
        else:
            name.next_to(self.plot.point(z_end, float(np.nanmax(self.finite(cost, max(self.sweep.thresholds))))),
                         DOWN, buff=0.25)
        name.align_to(self.plot.axes.x_axis.get_end(), RIGHT)
        with self.narrate(caption):
            self.play(*(Create(line) for line in lines), run_time=2.5)
            self.play(FadeIn(name))
            self.wait(5)

    def mark_our_starts(self) -> None:
        """The lecture's two starts: dashed verticals, dots on every line, a table."""
        plot, t = self.plot, self.lowest
        self.marks = {}
        for name in self.starts:
            z0 = self.start_z0[name]
            line = DashedLine(*plot.vertical(z0), color=MUTED_COLOR, stroke_width=2.5)
            tag = label(f"{name}\nz₀ = {z0:g}", size=SMALL_SIZE, color=TEXT_COLOR).next_to(line, UP, buff=0.1)
            dots = VGroup(*(Dot(plot.point(z0, self.at_starts[c.name, th][name]), radius=0.07,
                                color=COST_COLORS[c.name], stroke_color=TEXT_COLOR, stroke_width=1.5)
                            for c in (QUADRATIC, CROSS_ENTROPY) for th in self.sweep.thresholds
                            if np.isfinite(self.at_starts[c.name, th][name]) and self.at_starts[c.name, th][name] > 0))
            self.marks[name] = VGroup(line, tag, dots)
        self.table = self.start_table()
        m = {s: self.at_starts[QUADRATIC.name, t][s] for s in self.starts}
        c = {s: self.at_starts[CROSS_ENTROPY.name, t][s] for s in self.starts}
        budget = self.sweep.max_epochs
        over = f", more than the {self.lesson.epochs} we ran" if m["bad"] > self.lesson.epochs else ""
        with self.narrate(f"Our two starts sit at z₀ = {self.start_z0['good']:g} and z₀ = {self.start_z0['bad']:g}. "
                          f"To push the output below {t:g}, the quadratic cost needs {count_text(m['good'], budget)} "
                          f"and {count_text(m['bad'], budget)} epochs{over}; cross-entropy needs "
                          f"{count_text(c['good'], budget)} and {count_text(c['bad'], budget)}."):
            self.play(*(Create(mark[0]) for mark in self.marks.values()),
                      *(FadeIn(mark[1]) for mark in self.marks.values()), run_time=1.5)
            self.play(*(FadeIn(mark[2], scale=0.5) for mark in self.marks.values()))
            self.play(FadeIn(self.table))
            self.wait(7)

    def conclude(self) -> None:
        """Box the dearest count and compare the two costs."""
        t = self.lowest
        mse, bce = self.at_starts[QUADRATIC.name, t]["bad"], self.at_starts[CROSS_ENTROPY.name, t]["bad"]
        cell = self.table_cells[QUADRATIC.name, "bad"]
        box = SurroundingRectangle(cell, color=COST_COLORS[QUADRATIC.name], buff=0.1)
        far = self.at_far_end(QUADRATIC), self.at_far_end(CROSS_ENTROPY)
        with self.narrate(f"From the bad start the quadratic cost needs {times(mse, bce)} epochs as cross-entropy; "
                          f"from z₀ = {self.sweep.z_max:g}, {times(*far)}. A bad start costs cross-entropy a few "
                          "epochs, and the quadratic cost exponentially many."):
            self.play(Create(box), Indicate(cell, color=COST_COLORS[QUADRATIC.name]))
            self.wait(6)

    # -- pieces -------------------------------------------------------------------
    def threshold_legend(self) -> VGroup:
        """Which line style is which threshold."""
        rows = VGroup()
        for t in sorted(self.sweep.thresholds):
            sample = Line(LEFT * 0.35, RIGHT * 0.35, color=MUTED_COLOR, stroke_width=4)
            if t != self.lowest:
                sample = DashedLine(LEFT * 0.35, RIGHT * 0.35, color=MUTED_COLOR, stroke_width=4, dash_length=0.1)
            rows.add(VGroup(sample, label(f"output below {t:g}", size=SMALL_SIZE)).arrange(RIGHT, buff=0.2))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        rows.next_to(self.plot, RIGHT, buff=0.5).align_to(self.plot.axes, UP)
        return rows

    def start_table(self) -> VGroup:
        """Epochs to the lowest threshold from each start, for each cost."""
        t = self.lowest
        title = label(f"epochs until output < {t:g}", size=SMALL_SIZE)
        header = [label("", size=SMALL_SIZE)] + [label(s, size=SMALL_SIZE) for s in self.starts]
        cells = [header]
        self.table_cells = {}
        for cost in (QUADRATIC, CROSS_ENTROPY):
            color = COST_COLORS[cost.name]
            row = [label(cost.label, size=SMALL_SIZE, color=color)]
            for s in self.starts:
                cell = label(count_text(self.at_starts[cost.name, t][s], self.sweep.max_epochs),
                             size=LABEL_SIZE, color=color)
                self.table_cells[cost.name, s] = cell
                row.append(cell)
            cells.append(row)
        grid = VGroup(*(m for row in cells for m in row)).arrange_in_grid(
            rows=len(cells), cols=len(header), buff=(0.35, 0.25), col_alignments="lrr")
        table = VGroup(title, grid).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        table.next_to(self.legend, DOWN, buff=0.6).align_to(self.legend, LEFT)
        return table
