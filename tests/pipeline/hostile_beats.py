"""Two tiny beats whose title and words hold HTML that must stay text in every page; never part of the lecture."""

from __future__ import annotations

from manim import Circle, FadeIn, Square

from scenes.base import LectureScene

__all__ = ["Tricky", "Plain", "SCENES_IN_ORDER", "TRICKY"]

#: What once swallowed the gallery's own scripts when it stood in its embedded JSON.
TRICKY = "<!--<script> & </script>\u2028"


class Tricky(LectureScene):
    title = f"Tricky {TRICKY} title"

    def construct(self) -> None:
        with self.narrate(f"Words with {TRICKY} in them."):
            self.play(FadeIn(Circle()), run_time=1.2)


class Plain(LectureScene):
    title = "Plain"

    def construct(self) -> None:
        with self.narrate("A plain square."):
            self.play(FadeIn(Square()), run_time=1.2)


SCENES_IN_ORDER = [Tricky, Plain]
