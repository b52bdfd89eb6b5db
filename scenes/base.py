"""The scene every beat derives from: captions in step, titles, the tracker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from manim import DOWN, LEFT, UL, Scene, ValueTracker, VGroup, linear

from neuron import LESSON, Lesson
from scenes.style import BACKGROUND, MUTED_COLOR, TITLE_SIZE, words

__all__ = ["LectureScene"]


class LectureScene(Scene):
    """A beat of the lecture.

    Class attributes
    ----------------
    lesson
        The preset the beat computes from (override in a subclass or test).
    title
        Shown at the top left and used by the lecture's chapter list.
    epoch_seconds
        How long running all epochs takes on screen.
    """

    lesson: Lesson = LESSON
    title: str = ""
    epoch_seconds: float = 8.0

    @classmethod
    def presets_fingerprint(cls) -> str:
        """The preset values this beat computes from (for render caching)."""
        return repr(cls.lesson)

    def setup(self) -> None:
        self.camera.background_color = BACKGROUND

    # -- narration ---------------------------------------------------------
    @contextmanager
    def narrate(self, text: str) -> Iterator[None]:
        """Caption everything played inside the block with ``text``.

        The caption starts when the block starts and lasts exactly as long as
        the block's animations and waits, so captions can never drift from
        the pictures they describe.
        """
        start = self.time
        yield
        elapsed = self.time - start
        if elapsed > 0:
            self.add_subcaption(text, duration=elapsed, offset=-elapsed)

    # -- pieces every beat uses ----------------------------------------------
    def heading(self, text: str | None = None, subtitle: str | None = None) -> VGroup:
        """The beat's title at the top left (and an optional muted subtitle)."""
        title = words(text or self.title, size=TITLE_SIZE, weight="BOLD")
        group = VGroup(title)
        if subtitle:
            group.add(words(subtitle, size=TITLE_SIZE * 0.6, color=MUTED_COLOR).next_to(title, DOWN, aligned_edge=LEFT, buff=0.12))
        group.to_corner(UL, buff=0.4)
        return group

    def run_epochs(self, tracker: ValueTracker, epochs: float | None = None, run_time: float | None = None) -> None:
        """Animate ``tracker`` (an epoch index) to ``epochs`` at a steady pace."""
        target = self.lesson.epochs if epochs is None else epochs
        self.play(tracker.animate.set_value(target), run_time=run_time or self.epoch_seconds, rate_func=linear)
