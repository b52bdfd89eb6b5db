"""A narrated block: the film's live record of it, and the record the build keeps of it.

:class:`Block` is what ``LectureScene.narrate`` yields while a beat plays:
its words, their cues, its audio, its time in the scene. Each block starts a
Manim section named by its id, of type :class:`SectionType` (``LOOP`` when
its picture loops well), so "loop" travels with the section itself.

:class:`BlockRecord` is what the worker, the build, the export and every
format (slides, transcript, chapters) read and write about a block: one
dataclass, one JSON shape (:meth:`BlockRecord.to_json` /
:meth:`BlockRecord.from_json`), like manim-slides' one slide schema.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from enum import Enum
from typing import Any

from scenes.audiocache import Audio
from scenes.captions import Cue, cues, schedule
from scenes.speech import spoken

__all__ = ["TAIL", "SectionType", "Block", "BlockRecord"]

#: Quiet after the voice before the next block (seconds).
TAIL = 0.4


class SectionType(str, Enum):
    """The type of a block's section (Manim's ``DefaultSectionType``, reimplemented as its docs suggest)."""

    #: A narrated block: its slide stops at the end.
    NARRATED = "lecture.narrated"
    #: A narrated block whose picture loops well: the beat's GIF, a slide that repeats.
    LOOP = "lecture.loop"


@dataclass
class Block:
    """One narrated block of a beat as it plays: its words, their cues, its audio and its time.

    Attributes
    ----------
    id
        ``<SceneName>-<nn>``, nn counting the beat's blocks from 01.
    text
        The words, as captioned.
    beat
        The scene's class name.
    start
        Scene time at which the block starts.
    audio
        The voice (None: silent).
    end
        Scene time at which it ended (set when the block closes).
    loop
        Whether the block's picture loops well (its section is a :attr:`SectionType.LOOP`).
    checkpoint
        The question the block asks, if it is a checkpoint
        (:meth:`neuron.checkpoints.Checkpoint.to_json`): it travels in the block's record.
    """

    id: str
    text: str
    beat: str
    start: float = 0.0
    audio: Audio | None = None
    end: float | None = None
    loop: bool = False
    checkpoint: dict | None = None
    cues: list[Cue] = field(init=False)

    def __post_init__(self) -> None:
        self.cues = cues(self.text)

    @property
    def section_type(self) -> SectionType:
        """The type of the section this block starts."""
        return SectionType.LOOP if self.loop else SectionType.NARRATED

    @property
    def reading(self) -> float:
        """Seconds the captions need at reading pace (each cue at least its minimum)."""
        return sum(c.reading for c in self.cues)

    @property
    def speech(self) -> float:
        """Seconds of voice (0 when silent)."""
        return self.audio.duration if self.audio else 0.0

    @property
    def duration(self) -> float:
        """The least the block lasts: its voice and a short tail, and at least its reading time."""
        return max(self.speech + TAIL if self.audio else 0.0, self.reading)

    def run_time(self, fraction: float = 1.0, at_least: float = 0.0) -> float:
        """``fraction`` of the block's duration (but ``at_least``), to stretch an animation to the words."""
        return max(at_least, fraction * self.duration)

    def timings(self) -> list[tuple[Cue, float, float]]:
        """Each cue with its start and end in scene time.

        Cues share the words' time (the voice's, or the reading time if
        longer); if the block ran longer than that, the last cue stays up
        until the block ends.
        """
        span = max(self.speech, self.reading)
        times = schedule(self.cues, span, self.audio.pauses if self.audio else ())
        end = max(self.end if self.end is not None else self.start + self.duration, self.start + span)
        out = [(c, self.start + a, self.start + b) for c, (a, b) in zip(self.cues, times)]
        if out:
            out[-1] = (out[-1][0], out[-1][1], end)
        return out

    def record(self) -> BlockRecord:
        """What the build keeps of this block (no file yet: the build publishes it)."""
        end = self.end if self.end is not None else self.start + self.duration
        return BlockRecord(self.id, self.beat, self.text, spoken(self.text), round(self.start, 6),
                           round(end - self.start, 6), self.loop, checkpoint=self.checkpoint)


@dataclass(frozen=True)
class BlockRecord:
    """One narrated block and its section, as written to stamps and manifests.

    Attributes
    ----------
    id
        The block's id (``Setup-02``), also its section's name.
    beat
        The scene's class name.
    text
        The words, as captioned (the slide's notes, the transcript's paragraph).
    spoken
        The words a voice reads (symbols written out).
    start, duration
        Seconds, from the start of the clip holding it (the beat, or the lecture).
    loop
        Whether its picture loops well.
    file
        Its section's movie: relative to the beats folder once published,
        a whole path once handed to the export.
    chapter, title
        The beat's order and title (set by the build; 0 and ``""`` before).
    checkpoint
        The question the block asks, if it is a checkpoint (slides, transcript,
        the metadata track and the SCORM packages ask it from here).
    """

    id: str
    beat: str
    text: str
    spoken: str = ""
    start: float = 0.0
    duration: float = 0.0
    loop: bool = False
    file: str = ""
    chapter: int = 0
    title: str = ""
    checkpoint: dict | None = None

    def to_json(self) -> dict[str, Any]:
        """The record as a JSON object (every field, by its name)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BlockRecord:
        """The record a :meth:`to_json` object holds (unknown keys are ignored).

        Raises
        ------
        ValueError
            When ``id``, ``beat`` or ``text`` is missing.
        """
        known = {f.name for f in fields(cls)}
        missing = {"id", "beat", "text"} - set(data)
        if missing:
            raise ValueError(f"not a block record (no {', '.join(sorted(missing))}): {data!r}")
        return cls(**{k: v for k, v in data.items() if k in known})

    def shifted(self, offset: float, **changes: Any) -> BlockRecord:
        """The record ``offset`` seconds later in a longer clip, with other fields ``changes``."""
        return replace(self, start=round(self.start + offset, 6), **changes)
