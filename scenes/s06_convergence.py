"""Beat 6 — the fix at work: cross-entropy beside the quadratic cost, same η."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    SurroundingRectangle,
    VGroup,
)

from neuron import COSTS, Trajectory
from scenes.base import LectureScene
from scenes.components import CostPlot, Readouts, above_caption_band, epoch_tracker, label
from scenes.style import BODY_SIZE, COST_COLORS, KEY_FORMULA_SIZE, MUTED_COLOR, OUTPUT_COLOR, tex

__all__ = ["FixedConvergence"]


class CostPanel(VGroup):
    """One cost's run: its name, its cost curve, its live output and cost."""

    def __init__(self, cost_name: str, trajectory: Trajectory, cost_top: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.color = COST_COLORS[cost_name]
        self.name = label(COSTS[cost_name].label, size=BODY_SIZE, color=self.color)
        self.plot = CostPlot(trajectory.epochs, cost_top, x_length=4.6, y_length=2.4)
        self.readouts = Readouts([("a", "a", OUTPUT_COLOR), ("cost", "C", self.color)], trajectory,
                                 direction=RIGHT)
        self.readouts.next_to(self.plot, UP, buff=0.2)
        self.name.next_to(self.readouts, UP, buff=0.2)
        self.add(self.name, self.plot, self.readouts)

    def run(self, trajectory: Trajectory, tracker) -> VGroup:
        """Follow ``trajectory``; return the traced curve to add to the scene."""
        self.readouts.follow(tracker, trajectory)
        return self.plot.trace(trajectory, tracker, self.color)


class FixedConvergence(LectureScene):
    """From the bad start cross-entropy learns at once; the quadratic cost stalls."""

    title = "The fix at work"
    epoch_seconds = 7.0

    def construct(self) -> None:
        self.runs = self.lesson.runs()
        self.layout()
        self.checkpoint("convergence-predict")
        self.race("bad", f"Back to the bad start, w = {self.lesson.bad.w:g} and b = {self.lesson.bad.b:g}, "
                         f"with the same learning rate η = {self.lesson.eta:g} for both costs.")
        self.race("good", "And from the good start, near the answer, both costs do well.")
        self.summarise()

    def layout(self) -> None:
        heading = self.heading(subtitle="same neuron, same η, two costs")
        top = {c: float(max(np.max(self.runs[(c, s)].cost) for s in ("good", "bad"))) for c in COSTS}
        self.panels = {c: CostPanel(c, self.runs[(c, "bad")], top[c]) for c in ("mse", "bce")}
        above_caption_band(VGroup(*self.panels.values()).arrange(RIGHT, buff=0.9))
        self.epoch = Readouts([("epoch", r"\text{epoch}", MUTED_COLOR)], self.runs[("mse", "bad")])
        self.epoch.to_corner(UP + RIGHT, buff=0.5)
        with self.narrate("Now the two costs side by side, trained on the same neuron."):
            self.play(FadeIn(heading, shift=DOWN * 0.2), FadeIn(self.epoch))
            self.play(*(FadeIn(p) for p in self.panels.values()), run_time=1.5)
            self.wait(1)

    def race(self, start: str, intro: str) -> None:
        """Both costs from ``start`` at once, one tracker."""
        tracker = epoch_tracker()
        self.epoch.follow(tracker, self.runs[("mse", start)])
        traces = [self.panels[c].run(self.runs[(c, start)], tracker) for c in ("mse", "bce")]
        mse, bce = (float(self.runs[(c, start)].final_output) for c in ("mse", "bce"))
        with self.narrate(intro):
            self.add(*traces)
            self.wait(2.5)
        with self.narrate(f"After {self.lesson.epochs} epochs: quadratic cost {mse:.2f}, "
                          f"cross-entropy {bce:.2f}.") as block:
            self.run_epochs(tracker, run_time=block.run_time(0.85, at_least=self.epoch_seconds))
            self.wait(1)
        for p in self.panels.values():
            p.readouts.freeze()
        self.epoch.freeze()
        if start == "bad":
            boxes = [SurroundingRectangle(p.readouts[0], color=OUTPUT_COLOR, buff=0.1)
                     for p in self.panels.values()]
            with self.narrate("Cross-entropy left the bad start at once: no plateau, because σ′ is gone "
                              "from its gradient."):
                self.play(*(Create(b) for b in boxes))
                self.wait(2.5)
            self.play(*(FadeOut(m) for m in (*boxes, *traces)))
        self.last_traces = traces

    def summarise(self) -> None:
        out = {k: float(t.final_output) for k, t in self.runs.items()}
        header = [label("start:", size=BODY_SIZE), label("good", size=BODY_SIZE), label("bad", size=BODY_SIZE)]
        rows = [header]
        for c in ("mse", "bce"):
            rows.append([label(COSTS[c].label, size=BODY_SIZE, color=COST_COLORS[c]),
                         tex(f"{out[(c, 'good')]:.2f}", font_size=KEY_FORMULA_SIZE),
                         tex(f"{out[(c, 'bad')]:.2f}", font_size=KEY_FORMULA_SIZE)])
        grid = VGroup(*(VGroup(*row) for row in rows)).arrange(DOWN, buff=0.45)
        for row in grid:
            row[0].set_x(-3.0)
            row[1].set_x(1.4)
            row[2].set_x(3.8)
        caption = label(f"output a after {self.lesson.epochs} epochs (target y = {self.lesson.y:g})",
                        size=BODY_SIZE, color=MUTED_COLOR)
        self.table = VGroup(caption, grid).arrange(DOWN, buff=0.5).move_to(DOWN * 0.4)
        with self.narrate("In short: from a good start both costs work; from a bad start only cross-entropy "
                          "learns quickly."):
            self.play(*(FadeOut(p) for p in self.panels.values()), *(FadeOut(t) for t in self.last_traces),
                      FadeOut(self.epoch))
            self.play(FadeIn(self.table, lag_ratio=0.1), run_time=2)
            self.wait(3)
