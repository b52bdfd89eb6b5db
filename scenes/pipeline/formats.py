"""The formats a clip is exported in: one registry, one class per format.

Like manim-slides' converters, each output format is a subclass of
:class:`Format`, registered by its ``name`` when the class is defined, and
found with :meth:`Format.from_string`. The export writes every format that
applies to a clip, in registry order (a format may read one written before
it: the poster and the GIF read the MP4); the manifest lists each file under
its format's name, and the gallery labels and plays the downloads from the
registry alone. Adding a format is one class here (its writer may live in
:mod:`scenes.pipeline.writers`, with the MP4, WebM, poster and GIF writers).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import srt

from scenes.block import BlockRecord
from scenes.files import sha256_file
from scenes.pipeline.chapters import chapters_vtt, with_chapters
from scenes.pipeline.errors import BuildError
from scenes.pipeline.media import VideoInfo, atomic_path, probe, read_srt, srt_to_vtt
from scenes.pipeline.questions import checkpoints_vtt, lecture_checkpoints
from scenes.pipeline.slides import write_pptx, write_slides_html
from scenes.pipeline.transcript import write_transcript
from scenes.pipeline.writers import (GIF_FPS, GIF_WIDTH, POSTER_FRACTIONS, VP9_OPTIONS, concat_webm, frames_at, ink,
                                     vtt_cues, write_gif, write_mp4, write_poster, write_webm)

__all__ = [
    "Format",
    "FORMATS",
    "Job",
    "ClipSource",
    "Loop",
    "SETTINGS",
    "format_versions",
    "with_role",
    "frames_at",
    "ink",
    "write_mp4",
    "write_webm",
    "concat_webm",
    "write_poster",
    "write_gif",
    "vtt_cues",
]

SETTINGS = {"version": 2, "vp9": VP9_OPTIONS, "gif_fps": GIF_FPS, "gif_width": GIF_WIDTH,
            "poster": list(POSTER_FRACTIONS)}

#: Every file the export writes goes through a temporary name, then a rename.
_publish = atomic_path


@dataclass(frozen=True)
class Loop:
    """Where a beat loops, in seconds: a beat's own ``loop`` attribute, for a span no block marks.

    Most beats mark their loop with ``narrate(..., loop=True)`` instead.

    Examples
    --------
    >>> Loop((1.0, 3.0)).span(2.5)
    (1.0, 2.5)
    """

    seconds: tuple[float, float]

    def span(self, duration: float) -> tuple[float, float]:
        """The loop's ``(start, end)`` in seconds, clipped to the video."""
        start, end = max(0.0, float(self.seconds[0])), min(float(self.seconds[1]), duration)
        if end - start < 0.5:
            raise BuildError(f"loop ({start:.2f} s to {end:.2f} s) is shorter than half a second")
        return start, end


@dataclass(frozen=True)
class ClipSource:
    """One clip to export: a rendered video and its captions.

    Attributes
    ----------
    slug
        File stem of every output (``"01-setup"``, ``"lecture"``).
    title, order
        Shown in the gallery; ``order`` is 0 for the whole lecture.
    video, captions
        The rendered MP4 and its ``.srt``.
    scene
        The beat's scene class (``None`` for the lecture).
    chapters
        For the lecture: one dict per beat (order, slug, title, start, duration).
    sections
        One :class:`~scenes.block.BlockRecord` per narrated block, in order,
        its ``file`` a whole path and its ``start`` in this clip: the beat's
        GIF, and for the lecture the live slides and the transcript.
    """

    slug: str
    title: str
    order: int
    video: Path
    captions: Path
    scene: type | None = None
    chapters: tuple[dict, ...] = field(default_factory=tuple)
    sections: tuple[BlockRecord, ...] = field(default_factory=tuple)

    @property
    def kind(self) -> str:
        return "beat" if self.scene is not None else "lecture"

    @property
    def loop(self) -> Loop | None:
        """A beat's loop: its own ``loop`` (a :class:`Loop`), else its first block narrated with ``loop=True``."""
        if self.scene is None:
            return None
        own = getattr(self.scene, "loop", None)
        if isinstance(own, Loop):
            return own
        looping = next((s for s in self.sections if s.loop), None)
        return None if looping is None else Loop((looping.start, looping.start + looping.duration))

    def key(self) -> str:
        """Hash of the source files, what the manifest says of them and the export settings."""
        lesson = repr(getattr(self.scene, "lesson", None))
        h = hashlib.sha256(json.dumps([SETTINGS, format_versions(), repr(self.loop), self.title, lesson,
                                       self.chapters, [{k: v for k, v in s.to_json().items() if k != "file"}
                                                       for s in self.sections]]).encode())
        for path in (self.video, self.captions, *(s.file for s in self.sections)):
            h.update(sha256_file(path).encode())
        return h.hexdigest()



# -- the registry -----------------------------------------------------------------
@dataclass
class Job:
    """One clip being exported: where its files go and what earlier formats learnt.

    Attributes
    ----------
    src
        The clip.
    folder
        The clips folder.
    parts
        For the lecture: each beat's published files in ``folder``, by
        format name (``{"webm": [Path, ...]}``), for formats that join
        instead of encoding.
    facts
        Shared facts (``"info"``: the MP4's :class:`VideoInfo`, ``"cues"``).
    """

    src: ClipSource
    folder: Path
    parts: dict[str, list[Path]] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def path(self, name: str) -> Path:
        """Where format ``name`` puts this clip's file."""
        return self.folder / f"{self.src.slug}{Format.from_string(name).suffix}"

    @property
    def info(self) -> VideoInfo:
        if "info" not in self.facts:
            self.facts["info"] = probe(self.path("mp4"))
        return self.facts["info"]

    @property
    def cues(self) -> list[srt.Subtitle]:
        if "cues" not in self.facts:
            self.facts["cues"] = read_srt(self.src.captions)
        return self.facts["cues"]


class Format:
    """One kind of file written for a clip.

    Subclasses set :attr:`name` (the manifest's key), :attr:`suffix`,
    :attr:`label` (the gallery's download label) and :attr:`media_type`, and
    implement :meth:`write`; they are registered by defining them.

    Examples
    --------
    >>> Format.from_string("webm").suffix
    '.webm'
    """

    name: ClassVar[str]
    suffix: ClassVar[str]
    label: ClassVar[str]
    media_type: ClassVar[str] = "application/octet-stream"
    #: Part of every clip's key: raise it when the format's output changes.
    version: ClassVar[int] = 1
    #: Which clips get this format: ``"beat"``, ``"lecture"`` or both.
    kinds: ClassVar[frozenset[str]] = frozenset({"beat", "lecture"})
    #: What the gallery does with the file: ``"source"`` (a ``<source>`` of the video), ``"poster"``,
    #: ``"captions"`` / ``"chapters"`` (a ``<track>``), ``"subtitles"`` (the cues it reads), ``"loop"``
    #: (a looping picture), ``"page"`` (a link, :attr:`link_text`), or only ``"download"``.
    role: ClassVar[str] = "download"
    #: For a ``"page"``: the words of its link.
    link_text: ClassVar[str] = ""

    registry: ClassVar[dict[str, type[Format]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:  # an abstract middle class (shared behaviour, no file of its own)
            return
        if cls.name in Format.registry:
            raise ValueError(f"format {cls.name!r} is registered twice")
        Format.registry[cls.name] = cls

    @classmethod
    def from_string(cls, name: str) -> type[Format]:
        """The format registered as ``name``."""
        try:
            return cls.registry[name]
        except KeyError:
            raise BuildError(f"unknown format {name!r}; known: {', '.join(cls.registry)}") from None

    @classmethod
    def fingerprint(cls) -> Any:
        """What of this format goes into every clip's key: its :attr:`version` (and any setting it reads)."""
        return cls.version

    @classmethod
    def applies(cls, src: ClipSource) -> bool:
        """Whether ``src`` gets a file in this format."""
        return src.kind in cls.kinds

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        """Write ``job``'s file (atomically) and return facts for the manifest."""
        raise NotImplementedError


def _video_facts(path: Path) -> dict[str, Any]:
    info = probe(path)
    return {"duration": round(info.duration, 3), "width": info.width, "height": info.height,
            "fps": round(info.fps, 3), "codec": info.codec}


class MP4(Format):
    """H.264, yuv420p, index at the front (``+faststart``): streams and plays everywhere."""

    name, suffix, label, media_type = "mp4", ".mp4", "MP4", "video/mp4"
    version = 2  # sound; the lecture's chapters inside
    role = "source"

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        write_mp4(job.src.video, job.path("mp4"))
        if job.src.chapters:
            with_chapters(job.path("mp4"), job.path("mp4"), job.src.chapters)
        job.facts.pop("info", None)
        return _video_facts(job.path("mp4"))


class WebM(Format):
    """VP9 in WebM; the lecture's is its beats' WebMs joined, not re-encoded."""

    name, suffix, label, media_type = "webm", ".webm", "WebM", "video/webm"
    version = 2  # sound (Opus); the lecture's chapters inside
    role = "source"

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        if job.parts.get("webm"):
            concat_webm(job.parts["webm"], job.path("webm"))
        else:
            write_webm(job.path("mp4"), job.path("webm"))
        if job.src.chapters:
            with_chapters(job.path("webm"), job.path("webm"), job.src.chapters)
        return _video_facts(job.path("webm"))


class Poster(Format):
    """A PNG poster frame: the busiest of a few late frames, never the title card."""

    name, suffix, label, media_type = "poster", ".png", "Poster", "image/png"
    role = "poster"

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        return write_poster(job.path("mp4"), job.path("poster"), job.info.duration)


class SRT(Format):
    """SubRip captions, for desktop players and video sites."""

    name, suffix, label, media_type = "srt", ".srt", "SRT", "application/x-subrip"
    role = "subtitles"

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        with _publish(job.path("srt")) as tmp:
            tmp.write_text(srt.compose(job.cues, reindex=True), encoding="utf-8")
        return {"cues": len(job.cues)}


class VTT(Format):
    """WebVTT captions (the same cues), for ``<track>``."""

    name, suffix, label, media_type = "vtt", ".vtt", "VTT", "text/vtt"
    role = "captions"

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        with _publish(job.path("vtt")) as tmp:
            tmp.write_text(srt_to_vtt(vtt_cues(job.cues)), encoding="utf-8")
        return {"cues": len(job.cues)}


class GIF(Format):
    """A short silent loop, for beats with a block narrated with ``loop=True`` (or a :class:`Loop`)."""

    name, suffix, label, media_type = "gif", ".gif", "GIF", "image/gif"
    role = "loop"

    @classmethod
    def applies(cls, src: ClipSource) -> bool:
        return src.loop is not None

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        try:
            start, end = job.src.loop.span(job.info.duration)
        except BuildError as e:
            raise BuildError(f"{job.src.slug}: {e} (see the beat's narrate(..., loop=True))") from None
        return write_gif(job.path("mp4"), job.path("gif"), start, end)


class Chapters(Format):
    """The lecture's chapters as a WebVTT ``kind="chapters"`` track."""

    name, suffix, label, media_type = "chapters", ".chapters.vtt", "Chapters", "text/vtt"
    kinds = frozenset({"lecture"})
    role = "chapters"

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        with _publish(job.path("chapters")) as tmp:
            tmp.write_text(chapters_vtt(job.src.chapters), encoding="utf-8")
        return {"chapters": len(job.src.chapters)}


class NarratedLectureFormat(Format):
    """A format of the lecture built from its narrated sections (none without them)."""

    kinds = frozenset({"lecture"})

    @classmethod
    def applies(cls, src: ClipSource) -> bool:
        return src.kind == "lecture" and bool(src.sections)


class TranscriptPage(NarratedLectureFormat):
    """The narration as a page, by chapter, each paragraph linked to its time."""

    name, suffix, label, media_type = "transcript", ".transcript.html", "Transcript", "text/html"
    role = "page"
    link_text = "Transcript"

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        paragraphs = [s for s in job.src.sections if s.text]
        write_transcript(job.src.chapters, paragraphs, job.path("transcript"), job.src.title,
                         video_href=job.path("mp4").name)
        return {"paragraphs": len(paragraphs)}


class Checkpoints(NarratedLectureFormat):
    """The lecture's checkpoints as a WebVTT ``kind="metadata"`` track (JSON cues), beside captions and chapters."""

    name, suffix, label, media_type = "checkpoints", ".checkpoints.vtt", "Checkpoints", "text/vtt"
    role = "checkpoints"

    @classmethod
    def applies(cls, src: ClipSource) -> bool:
        return super().applies(src) and any(s.checkpoint for s in src.sections)

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        found = lecture_checkpoints(job.src.sections)
        with _publish(job.path("checkpoints")) as tmp:
            tmp.write_text(checkpoints_vtt(found), encoding="utf-8")
        return {"checkpoints": len(found)}


class SlidesHTML(NarratedLectureFormat):
    """Live slides: one self-contained page, a stop at every narrated block, the narration as notes."""

    name, suffix, label, media_type = "slides", ".slides.html", "Slides", "text/html"
    role = "page"
    link_text = "Present live (slides)"

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        return write_slides_html(job.src.sections, job.path("slides"), job.src.title)


class PowerPoint(NarratedLectureFormat):
    """The same slides as a PowerPoint file (a movie per slide, the narration as notes)."""

    name, suffix, label, media_type = ("pptx", ".pptx", "PowerPoint",
                                       "application/vnd.openxmlformats-officedocument.presentationml.presentation")
    role = "page"
    link_text = "PowerPoint"

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        return write_pptx(job.src.sections, job.path("pptx"), job.src.title)


#: Every registered format, by name, in the order they are written.
FORMATS = Format.registry


def with_role(entry: dict, role: str) -> list[tuple[type[Format], dict]]:
    """The manifest entry's files whose format plays ``role``, in registry order, with their format."""
    return [(fmt, entry["files"][name]) for name, fmt in FORMATS.items()
            if fmt.role == role and name in entry["files"]]


def format_versions() -> dict[str, int]:
    """Each format's version (part of every clip's key)."""
    return {name: fmt.fingerprint() for name, fmt in FORMATS.items()}

