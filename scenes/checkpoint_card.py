"""The "pause and think" card: a checkpoint's question and choices drawn into the picture.

So a plain MP4 on any platform still asks. The card fills the frame above
the caption band (never in it), the question wrapped into lines, the
choices in a two-column grid by letter. The settings' ``checkpoints``
(:data:`scenes.settings.CHECKPOINTS_ENV`, from ``--checkpoints``) set to
``none`` leave the cards out of the film.
"""

from __future__ import annotations

import textwrap

from manim import DOWN, LEFT, RIGHT, RoundedRectangle, VGroup, config

from neuron.checkpoints import Checkpoint
from scenes.style import (
    BACKGROUND,
    BODY_SIZE,
    LABEL_SIZE,
    SMALL_SIZE,
    MUTED_COLOR,
    OUTPUT_COLOR,
    SUBTITLE_SIZE,
    caption_band_top,
    words,
)

__all__ = ["CheckpointCard"]

#: Characters per line of the question (wrapped here, at words).
QUESTION_WIDTH = 52


class CheckpointCard(VGroup):
    """A checkpoint as a card above the caption band: heading, question, lettered choices.

    Parameters
    ----------
    checkpoint
        The question (from :func:`neuron.checkpoints.checkpoints`).

    Examples
    --------
    >>> from neuron import LESSON
    >>> from neuron.checkpoints import checkpoints
    >>> card = CheckpointCard(checkpoints(LESSON)["sigma-prime"])  # doctest: +SKIP
    """

    def __init__(self, checkpoint: Checkpoint, **kwargs) -> None:
        super().__init__(**kwargs)
        self.checkpoint = checkpoint
        lead = "Predict before you see it" if checkpoint.predict else "Pause and think"
        self.heading = words(lead.upper(), size=SUBTITLE_SIZE, color=OUTPUT_COLOR, weight="BOLD")
        lines = textwrap.wrap(checkpoint.question, QUESTION_WIDTH)
        self.question = VGroup(*(words(line, size=BODY_SIZE) for line in lines)).arrange(DOWN, aligned_edge=LEFT,
                                                                                          buff=0.14)
        self.choices = VGroup(*(self._choice(c.id, c.text) for c in checkpoint.choices))
        self.choices.arrange_in_grid(cols=2, buff=(1.2, 0.3), cell_alignment=LEFT)
        self.hint = words("Pause the video, choose, then play on.", size=SMALL_SIZE, color=MUTED_COLOR)
        content = VGroup(self.heading, self.question, self.choices, self.hint).arrange(DOWN, aligned_edge=LEFT,
                                                                                       buff=0.35)
        top, bottom = config.frame_height / 2 - 0.25, caption_band_top() + 0.15
        room_w, room_h = config.frame_width - 1.2, top - bottom - 0.5
        if content.width > room_w or content.height > room_h:
            content.scale(min(room_w / content.width, room_h / content.height))
        self.box = RoundedRectangle(corner_radius=0.2, width=config.frame_width - 0.5, height=top - bottom,
                                    stroke_color=OUTPUT_COLOR, stroke_width=2, fill_color=BACKGROUND, fill_opacity=1)
        self.box.move_to([0.0, (top + bottom) / 2, 0.0])
        content.move_to(self.box)
        self.add(self.box, content)

    @staticmethod
    def _choice(letter: str, text: str) -> VGroup:
        key = words(f"{letter.upper()}", size=LABEL_SIZE, color=OUTPUT_COLOR, weight="BOLD")
        value = words(text, size=BODY_SIZE)
        return VGroup(key, value).arrange(RIGHT, buff=0.3)
