"""Two tiny narrated beats for the voice tests; never part of the lecture."""

from __future__ import annotations

from manim import Circle, Create, FadeIn, Square

from scenes.base import LectureScene

__all__ = ["VoiceOne", "VoiceTwo", "SCENES_IN_ORDER"]


class VoiceOne(LectureScene):
    """Two blocks: a circle is drawn, then it fades."""

    title = "Voice one"

    def construct(self) -> None:
        circle = Circle()
        with self.narrate("A circle is drawn."):
            self.play(Create(circle), run_time=0.6)
        with self.narrate("Then a square joins it."):
            self.play(FadeIn(Square()), run_time=0.6)


class VoiceTwo(LectureScene):
    """One block."""

    title = "Voice two"

    def construct(self) -> None:
        with self.narrate("The end of the tiny lecture."):
            self.play(FadeIn(Circle()), run_time=0.6)


SCENES_IN_ORDER = [VoiceOne, VoiceTwo]
