"""Beat 1 — the setup: one neuron, the quadratic cost, a good start."""

from __future__ import annotations

from manim import DOWN, LEFT, UR, Create, FadeIn, FadeOut, Indicate, SurroundingRectangle, Write

from neuron import QUADRATIC
from scenes.base import LectureScene
from scenes.components import TrainingView, epoch_tracker
from scenes.style import MSE_COLOR, OUTPUT_COLOR, SMALL_FORMULA_SIZE, tex

__all__ = ["Setup"]


class Setup(LectureScene):
    """One sigmoid neuron learns to output y from a start near the answer.

    Subclasses change ``start`` (and the beats around the run) to show the
    same experiment from elsewhere.
    """

    title = "The setup"
    start = "good"

    def construct(self) -> None:
        self.prepare()
        self.introduce_neuron()
        self.introduce_cost()
        self.checkpoint("setup-output")
        self.show_start()
        self.descend(f"Gradient descent with learning rate η = {self.lesson.eta:g} for {self.lesson.epochs} "
                     "epochs: the cost falls steadily.")
        self.conclude()

    # -- shared with later beats ----------------------------------------------
    def prepare(self, cost_top: float | None = None) -> None:
        """Compute the run once and lay out the view."""
        self.trajectory = self.lesson.run(QUADRATIC, self.start)
        self.view = TrainingView(self.lesson, self.trajectory, MSE_COLOR, cost_top=cost_top)
        self.cost_formula = tex("C", "=", r"\tfrac{1}{2}", "(", "a", "-", "y", ")^2", font_size=SMALL_FORMULA_SIZE)
        self.cost_formula[0].set_color(MSE_COLOR)

    def show_start(self, caption: str | None = None) -> None:
        """Axes and readouts appear at the starting point."""
        start, t = self.lesson.start(self.start), self.trajectory
        caption = caption or f"Start with w = {start.w:g} and b = {start.b:g}: the output is {t.a[0]:.2f}."
        with self.narrate(caption):
            self.play(Create(self.view.plot), FadeIn(self.view.readouts), run_time=2)
            self.wait(1.5)

    def descend(self, caption: str) -> None:
        """Run every epoch: live numbers, the cost curve traced as it goes."""
        tracker = epoch_tracker()
        self.trace = self.view.follow(tracker)
        self.add(self.trace)
        with self.narrate(caption, loop=True) as block:  # the curve traces down: a natural loop
            self.run_epochs(tracker, run_time=block.run_time(at_least=self.epoch_seconds))
        self.view.freeze()

    def highlight_output(self, caption: str) -> None:
        """Box the final output and hold."""
        a_number = self.view.readouts.values["a"]
        box = SurroundingRectangle(a_number, color=OUTPUT_COLOR, buff=0.1)
        with self.narrate(caption):
            self.play(Create(box), Indicate(a_number, color=OUTPUT_COLOR))
            self.wait(2.5)

    # -- this beat -------------------------------------------------------------
    def introduce_neuron(self) -> None:
        heading = self.heading(subtitle="one neuron, one example")
        with self.narrate(f"One neuron: the input x = {self.lesson.x:g} is multiplied by a weight w, a bias b "
                          "is added, and the sigmoid squashes the result z into an output a."):
            self.play(FadeIn(heading, shift=DOWN * 0.2))
            self.play(FadeIn(self.view.diagram, lag_ratio=0.1), run_time=2.5)
            self.wait(1.5)

    def introduce_cost(self) -> None:
        model = tex("a", "=", r"\sigma", "(", "w", "x", "+", "b", ")", font_size=SMALL_FORMULA_SIZE)
        model.next_to(self.view.diagram, DOWN, buff=0.35).shift(LEFT * 2.2)
        self.cost_formula.next_to(model, buff=1.2)
        with self.narrate(f"We want the output to match the desired value y = {self.lesson.y:g}. "
                          "The quadratic cost measures how far off it is."):
            self.play(Write(model), run_time=1.5)
            self.play(Write(self.cost_formula), run_time=1.5)
            self.wait(1.5)
        self.play(FadeOut(model), self.cost_formula.animate.scale(0.8).to_corner(UR, buff=0.5))

    def conclude(self) -> None:
        self.highlight_output(f"After {self.trajectory.epochs} epochs the output is "
                              f"{float(self.trajectory.final_output):.2f}, close to the target {self.lesson.y:g}.")
