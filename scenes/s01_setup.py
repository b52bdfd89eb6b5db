"""Beat 1 — the setup: one neuron, the quadratic cost, a good start."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, Indicate, SurroundingRectangle, Write

from neuron import QUADRATIC
from scenes.base import LectureScene
from scenes.components import TrainingView, epoch_tracker
from scenes.style import MSE_COLOR, OUTPUT_COLOR, tex

__all__ = ["Setup"]


class Setup(LectureScene):
    """One sigmoid neuron learns to output y from a start near the answer."""

    title = "The setup"
    start = "good"

    def construct(self) -> None:
        self.trajectory = self.lesson.run(QUADRATIC, self.start)
        self.view = TrainingView(self.lesson, self.trajectory, MSE_COLOR)
        self.introduce_neuron()
        self.introduce_cost()
        self.descend()
        self.conclude()

    def introduce_neuron(self) -> None:
        lesson = self.lesson
        heading = self.heading(subtitle="one neuron, one example")
        with self.narrate(f"One neuron: the input x = {lesson.x:g} is multiplied by a weight w, a bias b is added, "
                          "and the sigmoid squashes the result z into an output a."):
            self.play(FadeIn(heading, shift=DOWN * 0.2))
            self.play(FadeIn(self.view.diagram, lag_ratio=0.1), run_time=2.5)
            self.wait(1.5)
        self.heading_group = heading

    def introduce_cost(self) -> None:
        lesson = self.lesson
        model = tex("a", "=", r"\sigma", "(", "w", "x", "+", "b", ")", font_size=36)
        cost = tex("C", "=", r"\tfrac{1}{2}", "(", "a", "-", "y", ")^2", font_size=36)
        cost[0].set_color(MSE_COLOR)
        formulas = (model.copy().next_to(cost, LEFT, buff=1.2).get_center(), )
        row = model.next_to(self.view.diagram, DOWN, buff=0.35).shift(LEFT * 2.2)
        cost.next_to(row, RIGHT, buff=1.2)
        self.formulas = (model, cost)
        with self.narrate(f"We want the output to match the desired value y = {lesson.y:g}. "
                          "The quadratic cost measures how far off it is."):
            self.play(Write(model), run_time=1.5)
            self.play(Write(cost), run_time=1.5)
            self.wait(1.5)

    def descend(self) -> None:
        lesson, t = self.lesson, self.trajectory
        start = lesson.start(self.start)
        tracker = epoch_tracker()
        with self.narrate(f"Start near the answer, w = {start.w:g} and b = {start.b:g}: "
                          f"the output is {t.a[0]:.2f}."):
            self.play(FadeOut(self.formulas[0]), self.formulas[1].animate.scale(0.8).to_corner(UP + RIGHT, buff=0.5))
            self.play(Create(self.view.plot), FadeIn(self.view.readouts), run_time=2)
            self.wait(1)
        trace = self.view.follow(tracker)
        self.add(trace)
        with self.narrate(f"Gradient descent with learning rate η = {lesson.eta:g} for {lesson.epochs} epochs: "
                          "the cost falls steadily."):
            self.run_epochs(tracker)
        self.view.freeze()
        self.trace = trace

    def conclude(self) -> None:
        final = float(self.trajectory.final_output)
        a_number = self.view.readouts.values["a"]
        box = SurroundingRectangle(a_number, color=OUTPUT_COLOR, buff=0.1)
        with self.narrate(f"After {self.trajectory.epochs} epochs the output is {final:.2f}, "
                          f"close to the target {self.lesson.y:g}."):
            self.play(Create(box), Indicate(a_number, color=OUTPUT_COLOR))
            self.wait(2.5)
