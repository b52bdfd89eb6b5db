"""Tiny scenes for the build's fault tests; never part of the lecture.

The build takes them like the lecture's own beats: ``beats(f"{this file}:KILL")``
or ``python -m scenes render --lecture tests/pipeline/fixture_beats.py:BROKEN``.
"""

from __future__ import annotations

import time

from manim import RIGHT, UP, Circle, Create, Dot, FadeIn, Square

from scenes.base import LectureScene
from scenes.style import tex

__all__ = ["Tiny", "Other", "Slow", "Broken", "Holds", "Units", "Asks", "SCENES_IN_ORDER", "KILL", "BROKEN",
           "ASKS"]


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


class Holds(LectureScene):
    """Holds of every kind, for :mod:`scenes.pipeline.holds`: a static wait, a
    wait that a do-nothing time-based updater keeps live, a live wait whose
    updater changes the picture once, and a play around them."""

    title = "Holds"
    #: Seconds of each hold.
    hold = 2.0

    def construct(self) -> None:
        square = Square()
        with self.narrate("A square waits."):
            self.play(FadeIn(square), run_time=0.6)
            self.wait(self.hold)  # static: Manim draws once and repeats
            ticking = Circle(radius=0.3).to_edge(UP)
            ticking.add_updater(lambda m, dt: None)  # time-based, changes nothing: Manim redraws every frame
            self.add(ticking)
            self.wait(self.hold)
            elapsed = [0.0]

            def turn_once(m: Circle, dt: float) -> None:
                elapsed[0] += dt
                if elapsed[0] >= self.hold / 2 and not getattr(m, "turned", False):
                    m.set_color("#ff0000")
                    m.turned = True

            ticking.clear_updaters().add_updater(turn_once)
            self.wait(self.hold)
            self.play(square.animate.shift(UP * 0.5), run_time=0.6)


class Units(LectureScene):
    """Three narrated blocks for :mod:`scenes.pipeline.units`: plays whose run time is no whole
    number of frames (1.1 s at 5 fps is 6 frames), a dot that a time-based updater moves by
    ``dt`` each frame (so the steps a skipped play takes show), static and live waits."""

    title = "Units"

    def construct(self) -> None:
        square = Square()
        dot = Dot().to_edge(UP)
        with self.narrate("A square."):
            self.play(FadeIn(square), run_time=1.1)
            dot.add_updater(lambda m, dt: m.shift(RIGHT * dt))
            self.add(dot)
            self.wait(0.7)
        with self.narrate("It turns."):
            self.play(square.animate.rotate(0.5), run_time=0.9)
            dot.clear_updaters()
            self.wait(0.5)
        with self.narrate("A circle."):
            self.play(Create(Circle()), run_time=0.7)


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
