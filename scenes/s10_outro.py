"""Closing beat — what we learned, and a one-line preview of many classes."""

from __future__ import annotations

from manim import DOWN, LEFT, UP, FadeIn, VGroup, Write

from scenes.base import LectureScene
from scenes.components import label
from scenes.style import BCE_COLOR, MSE_COLOR, MUTED_COLOR, SMALL_FORMULA_SIZE, SMALL_SIZE, tex

__all__ = ["Outro"]


class Outro(LectureScene):
    """Recap the argument, then point at softmax with categorical cross-entropy."""

    title = "What comes next"

    def construct(self) -> None:
        self.recap()
        self.look_ahead()

    def recap(self) -> None:
        heading = self.heading(subtitle="the lesson in three lines")
        mse = tex(r"\frac{\partial C}{\partial w}", "=", "(", "a", "-", "y", ")", r"\sigma'(z)", "x",
                  font_size=SMALL_FORMULA_SIZE)
        bce = tex(r"\frac{\partial C}{\partial w}", "=", "x", "(", "a", "-", "y", ")", font_size=SMALL_FORMULA_SIZE)
        mse[0].set_color(MSE_COLOR)
        bce[0].set_color(BCE_COLOR)
        lines = VGroup(
            VGroup(label("1. The quadratic cost keeps σ′(z) in its gradient:", size=SMALL_SIZE,
                         color=MSE_COLOR), mse).arrange(DOWN, aligned_edge=LEFT, buff=0.15),
            label("2. A saturated neuron has σ′(z) ≈ 0, so it learns slowly when it is most wrong.",
                  size=SMALL_SIZE),
            VGroup(label("3. Cross-entropy cancels σ′(z): the step grows with the error.", size=SMALL_SIZE,
                         color=BCE_COLOR), bce).arrange(DOWN, aligned_edge=LEFT, buff=0.15),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.2).next_to(heading, DOWN, buff=0.35).to_edge(LEFT, buff=0.8)
        with self.narrate("To sum up. The quadratic cost keeps the sigmoid's slope in its gradient."):
            self.play(FadeIn(heading, shift=DOWN * 0.2))
            self.play(FadeIn(lines[0], shift=UP * 0.1), run_time=1.5)
            self.wait(1.5)
        with self.narrate("When the neuron saturates that slope is almost zero, so it learns slowest "
                          "exactly when it is most wrong."):
            self.play(FadeIn(lines[1], shift=UP * 0.1), run_time=1.5)
            self.wait(2)
        with self.narrate("Cross-entropy cancels the slope, so the size of each step follows the size of the error."):
            self.play(FadeIn(lines[2], shift=UP * 0.1), run_time=1.5)
            self.wait(2)
        self.lines = lines

    def look_ahead(self) -> None:
        note = label("More than two classes? Softmax with categorical cross-entropy:",
                     size=SMALL_SIZE, color=MUTED_COLOR)
        formula = tex(r"C = -\sum_j y_j \ln a_j,", r"\qquad a_j = \frac{e^{z_j}}{\sum_k e^{z_k}}",
                      font_size=SMALL_FORMULA_SIZE)
        VGroup(note, formula).arrange(DOWN, aligned_edge=LEFT, buff=0.15).next_to(
            self.lines, DOWN, buff=0.35).align_to(self.lines, LEFT)
        with self.narrate("This cost suits yes-or-no questions. With many classes it generalises to softmax "
                          "with categorical cross-entropy: the subject of a later lecture."):
            self.play(FadeIn(note, shift=UP * 0.1))
            self.play(Write(formula), run_time=2)
            self.wait(3)
