"""Tiny scenes for the build's fault tests; never part of the lecture.

The build takes them like the lecture's own beats: ``beats(f"{this file}:KILL")``
or ``python -m scenes render --lecture tests/pipeline/fixture_beats.py:BROKEN``.
"""

from __future__ import annotations

import time

from manim import UP, Circle, Create, FadeIn, Square

from scenes.base import LectureScene
from scenes.style import tex

__all__ = ["Tiny", "Other", "Slow", "Broken", "Asks", "SCENES_IN_ORDER", "KILL", "BROKEN", "ASKS"]


class Tiny(LectureScene):
    """1.2 s (a caption's least time on screen): a circle is drawn, with one formula (so LaTeX runs)."""

    title = "Tiny"

    def construct(self) -> None:
        with self.narrate("A circle."):
            self.add(tex("a", "=", "1", font_size=30).to_edge(UP))
            self.play(Create(Circle()), run_time=1.2)


class Other(LectureScene):
    """1.2 s: a square fades in (different pictures from :class:`Tiny`)."""

    title = "Other"

    def construct(self) -> None:
        with self.narrate("A square."):
            self.play(FadeIn(Square()), run_time=1.2)


class Slow(LectureScene):
    """Many short plays with wall-clock pauses between them, so a test can
    kill the render midway; the pauses change no frame."""

    title = "Slow"
    plays = 80
    pause = 0.05

    def construct(self) -> None:
        square = Square()
        self.add(square)
        with self.narrate("A square turns."):
            for _ in range(self.plays):
                self.play(square.animate.rotate(0.05), run_time=0.4)
                time.sleep(self.pause)


class Broken(LectureScene):
    """Raises after its first animation, like a beat with a bug."""

    title = "Broken"

    def construct(self) -> None:
        self.play(Create(Circle()), run_time=0.4)
        raise ValueError("deliberate")


class Asks(LectureScene):
    """A square, then a checkpoint: its card, read as a narrated block that carries the question."""

    title = "Asks"

    def construct(self) -> None:
        with self.narrate("A square."):
            self.play(FadeIn(Square()), run_time=1.2)
        self.checkpoint("sigma-prime")


SCENES_IN_ORDER = [Tiny, Other]
ASKS = [Tiny, Asks]
KILL = [Tiny, Slow]
BROKEN = [Tiny, Broken, Other]
