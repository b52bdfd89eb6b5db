"""The scene every beat derives from: narration that sets the pace, titles, the tracker."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator
from contextlib import contextmanager

from manim import DOWN, LEFT, UL, FadeIn, FadeOut, Scene, ValueTracker, VGroup, VMobject, config, linear

from neuron import LESSON, Lesson
from neuron.checkpoints import Checkpoint, checkpoints
from scenes.checkpoint_card import CheckpointCard
from scenes.components import CaptionCard
from scenes.audiocache import SAMPLE_RATE
from scenes.block import Block
from scenes.settings import Settings
from scenes.style import BACKGROUND, MUTED_COLOR, SUBTITLE_SIZE, TITLE_SIZE, words
from scenes.voices import Voice

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
        The least time running all epochs takes on screen.
    voice
        Who speaks the narration; ``None`` (the default) means the voice the
        settings name (:class:`scenes.settings.Settings`).

    Attributes
    ----------
    blocks
        Every narrated :class:`~scenes.block.Block` so far, in order: its
        id, text, start, duration and cues (for speaker notes and scripts).
    """

    lesson: Lesson = LESSON
    title: str = ""
    epoch_seconds: float = 8.0
    voice: Voice | None = None

    def setup(self) -> None:
        self.camera.background_color = BACKGROUND
        settings = Settings.from_env()
        self.narrator: Voice = self.voice if self.voice is not None else Voice.from_string(settings.voice)
        self.burn = settings.burn
        self.asks = settings.checkpoints == "card"
        self.blocks: list[Block] = []

    # -- narration ---------------------------------------------------------
    @contextmanager
    def narrate(self, text: str, loop: bool = False) -> Iterator[Block]:
        """Narrate ``text`` over everything played inside the block: the words set the pace.

        Before the body plays, the block's voice is made (or found in the
        cache) and starts; the block then lasts at least its
        :attr:`~scenes.block.Block.duration` (the voice and a short tail,
        and at least the captions' reading time): after the body, the scene
        waits for whatever is left. A body that runs longer keeps the last
        caption up until it ends. Use ``block.run_time(...)`` to stretch an
        animation to the words instead of waiting.

        Each block also starts a Manim section named by its id (one slide
        per block with ``--save_sections``) and writes its captions, cut
        into cues with chosen line breaks, as subcaptions. ``loop=True``
        marks a block whose picture loops well (the beat's GIF, a repeating
        slide): its section's type is :attr:`~scenes.block.SectionType.LOOP`.

        Yields
        ------
        Block
            The block: ``.duration``, ``.run_time(fraction)``, ``.id``, ``.cues``.

        Examples
        --------
        >>> with self.narrate("The cost hardly moves at first.") as block:  # doctest: +SKIP
        ...     self.run_epochs(tracker, run_time=block.run_time(at_least=self.epoch_seconds))
        """
        beat = type(self).__name__
        block = Block(f"{beat}-{len(self.blocks) + 1:02d}", text, beat, start=self.time, loop=loop)
        self.blocks.append(block)
        self.next_section(block.id, block.section_type)
        block.audio = self.narrator.audio(block.id, text)
        if block.audio is not None:
            self.add_sound(str(block.audio.path))
        card = self._burn(block) if self.burn else None
        yield block
        left = block.start + block.duration - self.time
        if left > 1e-6:
            # Whole frames, never fewer than needed (a static wait rounds down, a live one up).
            self.wait((math.ceil(left * config.frame_rate - 1e-6) + 0.5) / config.frame_rate)
        block.end = self.time
        for cue, start, end in block.timings():
            self.add_subcaption(cue.text, duration=end - start, offset=start - self.time)
        if card is not None:
            self.remove(card)

    #: Seconds the card stays up, silent, after the voice has read the question.
    think_seconds: float = 2.0

    def checkpoint(self, checkpoint_id: str) -> Checkpoint | None:
        """Ask the lesson's checkpoint ``checkpoint_id`` here: a "pause and think" card the voice reads.

        The picture fades out, the card (question and lettered choices)
        fades in above the caption band, the voice reads it as a narrated
        block whose record carries the checkpoint (the gallery, slides,
        transcript and SCORM package ask it from there); then the picture
        comes back. With ``LECTURE_CHECKPOINTS=none`` nothing is shown or said.

        Examples
        --------
        >>> self.checkpoint("sigma-prime")  # doctest: +SKIP
        """
        cp = checkpoints(self.lesson)[checkpoint_id]
        if not self.asks:
            return None
        shown = [m for m in self.mobjects
                 if isinstance(m, VMobject) and any(f.has_points() for f in m.get_family())]
        card = CheckpointCard(cp)
        with self.narrate(cp.spoken) as block:
            block.checkpoint = cp.to_json()
            self.play(*(FadeOut(m) for m in shown), FadeIn(card), run_time=0.8)
        self.wait(self.think_seconds)
        self.play(FadeOut(card), *(FadeIn(m) for m in shown), run_time=0.8)
        return cp

    def _burn(self, block: Block) -> VGroup:
        """Draw the block's cues into the caption band, each during its own time."""
        timings = block.timings()
        cards = [CaptionCard(cue.lines).show(False) for cue, _, _ in timings]
        starts = [start for _, start, _ in timings]
        holder = VGroup(*cards)
        shown: list[int] = [-1]

        def show(group: VGroup, dt: float) -> None:  # time-based, so waits are drawn frame by frame
            now = max(0, bisect.bisect_right(starts, self.time + 1e-6) - 1)
            if now != shown[0]:
                if shown[0] >= 0:
                    cards[shown[0]].show(False)
                cards[now].show(True)
                shown[0] = now

        show(holder, 0.0)
        holder.add_updater(show)
        self.add(holder)
        return holder

    def tear_down(self) -> None:
        """Name blocks left silent for want of a recording; give the movie a full-length audio track."""
        self.missing_recordings = self.narrator.report_missing(type(self).__name__)
        writer = self.renderer.file_writer
        spec = getattr(writer, "output_spec", None)
        if self.narrator.speaks and not config.dry_run and spec is not None and spec.is_video:
            from pydub import AudioSegment

            # Sound up to the last frame, so beats joined without re-encoding stay in sync.
            writer.add_audio_segment(AudioSegment.silent(0, frame_rate=SAMPLE_RATE), time=self.time)

    # -- pieces every beat uses ----------------------------------------------
    def heading(self, text: str | None = None, subtitle: str | None = None) -> VGroup:
        """The beat's title at the top left (and an optional muted subtitle)."""
        title = words(text or self.title, size=TITLE_SIZE, weight="BOLD")
        group = VGroup(title)
        if subtitle:
            group.add(words(subtitle, size=SUBTITLE_SIZE, color=MUTED_COLOR).next_to(title, DOWN, aligned_edge=LEFT, buff=0.12))
        group.to_corner(UL, buff=0.4)
        return group

    def run_epochs(self, tracker: ValueTracker, epochs: float | None = None, run_time: float | None = None) -> None:
        """Animate ``tracker`` (an epoch index) to ``epochs`` at a steady pace."""
        target = self.lesson.epochs if epochs is None else epochs
        self.play(tracker.animate.set_value(target), run_time=run_time or self.epoch_seconds, rate_func=linear)
