"""Beat 2 — the flatline: the same neuron from a bad start barely learns."""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, UP, UR, Create, DashedVMobject, FadeIn, Rectangle, Write

from neuron import QUADRATIC
from neuron.analysis import plateau_end
from scenes.s01_setup import Setup
from scenes.components import label
from scenes.style import MSE_COLOR, MUTED_COLOR, NOTE_SIZE

__all__ = ["Flatline"]


class Flatline(Setup):
    """From w = b = 2 the quadratic cost sits on a plateau for ~150 epochs."""

    title = "The flatline"
    start = "bad"

    def construct(self) -> None:
        self.reference = self.lesson.run(QUADRATIC, "good")
        bad = self.lesson.run(QUADRATIC, "bad")
        self.prepare(cost_top=float(max(np.max(bad.cost), np.max(self.reference.cost))))
        self.set_the_scene()
        self.show_start(f"The output starts at {self.trajectory.a[0]:.2f}: badly wrong, "
                        f"since we want {self.lesson.y:g}.")
        self.checkpoint("flatline-predict")
        self.descend("Same learning rate, same number of epochs. The cost hardly moves at first.")
        self.mark_plateau()
        self.compare_with_good_start()
        self.conclude()

    def set_the_scene(self) -> None:
        start = self.lesson.start(self.start)
        heading = self.heading(subtitle="the same neuron, a bad start")
        self.cost_formula.scale(0.8).to_corner(UR, buff=0.5)
        with self.narrate(f"Now start far from the answer: w = {start.w:g} and b = {start.b:g}. "
                          "Everything else stays the same."):
            self.play(FadeIn(heading, shift=DOWN * 0.2), FadeIn(self.cost_formula))
            self.play(FadeIn(self.view.diagram, lag_ratio=0.1), run_time=2)
            self.wait(1)

    def mark_plateau(self) -> None:
        end = plateau_end(self.trajectory)
        axes = self.view.plot.axes
        top = axes.y_range[1]
        corner_lo, corner_hi = axes.c2p(0, 0), axes.c2p(end, top)
        band = Rectangle(width=corner_hi[0] - corner_lo[0], height=corner_hi[1] - corner_lo[1],
                         stroke_width=0, fill_color=MSE_COLOR, fill_opacity=0.12)
        band.move_to((corner_lo + corner_hi) / 2)
        note = label(f"plateau ≈ {end} epochs", size=NOTE_SIZE, color=MSE_COLOR)
        note.next_to(band.get_top(), DOWN, buff=0.12)
        self.plateau = (band, note)
        with self.narrate(f"For about {end} epochs the curve is nearly flat: "
                          "the neuron is badly wrong, yet it barely learns."):
            self.play(FadeIn(band), Write(note))
            self.wait(2.5)

    def compare_with_good_start(self) -> None:
        ghost = DashedVMobject(self.view.plot.curve(self.reference, MUTED_COLOR, stroke_width=3), num_dashes=60)
        key = label("good start", size=NOTE_SIZE, color=MUTED_COLOR)
        # Beside the dashed curve where it has fallen halfway.
        halfway = int(np.argmax(self.reference.cost <= self.reference.cost[0] / 2))
        key.next_to(self.view.plot.point(halfway, float(self.reference.cost[halfway])), RIGHT + UP * 0.3, buff=0.1)
        with self.narrate(f"From the good start the same cost fell at once and reached "
                          f"{float(self.reference.final_output):.2f}."):
            self.play(Create(ghost), FadeIn(key), run_time=2)
            self.wait(1.5)

    def conclude(self) -> None:
        self.highlight_output(f"After {self.trajectory.epochs} epochs the output is still "
                              f"{float(self.trajectory.final_output):.2f}. Where we start matters.")
