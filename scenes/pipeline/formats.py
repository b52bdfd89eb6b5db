"""The formats a clip is exported in: one registry, one class per format.

Like manim-slides' converters, each output format is a subclass of
:class:`Format`, registered by its ``name`` when the class is defined, and
found with :meth:`Format.from_string`. The export writes every format that
applies to a clip, in registry order (a format may read one written before
it: the poster and the GIF read the MP4); the manifest lists each file under
its format's name, and the gallery labels the downloads from the registry.
Adding a format is one class here.

Also here, the writers the formats use (MP4, WebM, poster, GIF, captions)
and :func:`frames_at`, which the preview uses too.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import av
import numpy as np
import srt
from PIL import Image

from scenes.pipeline.audio import decode_audio, has_audio
from scenes.pipeline.build import BuildError
from scenes.pipeline.chapters import chapters_vtt, with_chapters
from scenes.pipeline.questions import checkpoints_vtt, lecture_checkpoints
from scenes.pipeline.media import VideoInfo, atomic_path, concat_videos, probe, read_srt, sha256_file, srt_to_vtt
from scenes.pipeline.slides import Slide, write_pptx, write_slides_html
from scenes.pipeline.transcript import write_transcript
from scenes.style import BACKGROUND

__all__ = [
    "Format",
    "FORMATS",
    "Job",
    "ClipSource",
    "Loop",
    "SETTINGS",
    "frames_at",
    "ink",
    "write_mp4",
    "write_webm",
    "concat_webm",
    "write_poster",
    "write_gif",
    "vtt_cues",
]

#: libvpx's realtime mode at speed 7: 15× faster than "good" at speed 4 for
#: the lecture's flat graphics, files ~8 % larger, PSNR within 1 dB (measured).
VP9_CRF = 32
VP9_OPTIONS = {"crf": str(VP9_CRF), "b": "0", "deadline": "realtime", "cpu-used": "7", "row-mt": "1"}
GIF_FPS = 10
GIF_WIDTH = 480
#: Where a poster may come from, as fractions of the clip (busiest frame wins).
POSTER_FRACTIONS = (0.7, 0.85, 1.0, 0.55)
#: A pixel is "ink" when its RGB differs from the background by more than this (sum).
INK_THRESHOLD = 60
BACKGROUND_RGB = tuple(int(c) for c in BACKGROUND.to_int_rgb())
#: Export settings; part of every clip's key, so changing one re-exports.
SETTINGS = {"version": 2, "vp9": VP9_OPTIONS, "gif_fps": GIF_FPS, "gif_width": GIF_WIDTH,
            "poster": list(POSTER_FRACTIONS)}

#: Every file the export writes goes through a temporary name, then a rename.
_publish = atomic_path


@dataclass(frozen=True)
class Loop:
    """Where a beat loops: the span of one of its captions, or explicit seconds.

    A caption number follows the narration: if the beat's timing changes,
    the loop still covers the same moment.

    Parameters
    ----------
    caption
        1-based number of the caption whose span is the loop.
    seconds
        ``(start, end)`` in seconds, used when ``caption`` is not given.

    Examples
    --------
    >>> Loop(caption=4)  # the span of the fourth caption
    Loop(caption=4, seconds=None)
    """

    caption: int | None = None
    seconds: tuple[float, float] | None = None

    def span(self, captions: Sequence[srt.Subtitle], duration: float) -> tuple[float, float]:
        """The loop's ``(start, end)`` in seconds, clipped to the video."""
        if self.caption is not None:
            if not 1 <= self.caption <= len(captions):
                raise BuildError(f"loop caption {self.caption} out of range (the clip has {len(captions)})")
            sub = captions[self.caption - 1]
            start, end = sub.start.total_seconds(), sub.end.total_seconds()
        elif self.seconds is not None:
            start, end = self.seconds
        else:
            raise BuildError("a Loop needs a caption number or (start, end) seconds")
        start, end = max(0.0, float(start)), min(float(end), duration)
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
        One dict per narrated block, in order: ``video`` (the section's
        MP4), ``block`` (its id), ``notes`` (its narration), ``chapter`` (the
        beat's order), ``title`` (the beat's), ``start`` (in this clip),
        ``duration`` and ``loop``: the beat's GIF, and for the lecture the
        live slides and the transcript.
    """

    slug: str
    title: str
    order: int
    video: Path
    captions: Path
    scene: type | None = None
    chapters: tuple[dict, ...] = field(default_factory=tuple)
    sections: tuple[dict, ...] = field(default_factory=tuple)

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
        looping = next((s for s in self.sections if s.get("loop")), None)
        return None if looping is None else Loop(seconds=(looping["start"], looping["start"] + looping["duration"]))

    def key(self) -> str:
        """Hash of the source files, what the manifest says of them and the export settings."""
        lesson = repr(getattr(self.scene, "lesson", None))
        h = hashlib.sha256(json.dumps([SETTINGS, FORMAT_VERSIONS(), repr(self.loop), self.title, lesson,
                                       self.chapters, [{k: v for k, v in s.items() if k != "video"}
                                                       for s in self.sections]]).encode())
        for path in (self.video, self.captions, *(s["video"] for s in self.sections)):
            h.update(sha256_file(path).encode())
        return h.hexdigest()



# -- writers ------------------------------------------------------------------------
def write_mp4(source: Path, target: Path) -> None:
    """Copy ``source`` into a streamable MP4 (``+faststart``), with its sound (AAC).

    H.264 in yuv420p is copied packet by packet; anything else is
    re-encoded with libx264 so every browser can play it.
    """
    with av.open(str(source)) as src:
        stream = src.streams.video[0]
        copy = stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
    if copy:
        concat_videos([source], target)  # a remux, atomic itself
    else:
        _encode(source, target, "mp4", "libx264", {"crf": "20", "preset": "medium"})


def _encode(source: Path, target: Path, fmt: str, codec: str, options: dict[str, str]) -> None:
    """Re-encode ``source``'s picture into ``target`` (yuv420p, same size and rate), then add its sound.

    The picture is encoded into a hidden file beside ``target``; the sound
    is joined in by :func:`~scenes.pipeline.media.concat_videos`, which
    writes ``target`` atomically.
    """
    picture = target.with_name(f".{target.name}.picture.part")
    try:
        with av.open(str(source)) as src, av.open(str(picture), mode="w", format=fmt) as dst:
            in_stream = src.streams.video[0]
            in_stream.thread_type = "AUTO"
            rate = in_stream.base_rate or in_stream.guessed_rate or in_stream.average_rate
            out = dst.add_stream(codec, rate=rate, options=options)
            out.width, out.height = in_stream.codec_context.width, in_stream.codec_context.height
            out.pix_fmt = "yuv420p"
            out.thread_count = os.cpu_count() or 1
            for frame in src.decode(in_stream):
                if frame.format.name != "yuv420p":
                    frame = frame.reformat(format="yuv420p")
                dst.mux(out.encode(frame))
            dst.mux(out.encode(None))
        concat_videos([picture], target, fmt=fmt, audio=decode_audio(source) if has_audio(source) else None)
    finally:
        picture.unlink(missing_ok=True)


def write_webm(source: Path, target: Path) -> None:
    """Encode ``source`` as VP9 in WebM (constant quality, :data:`VP9_CRF`), its sound as Opus."""
    _encode(source, target, "webm", "libvpx-vp9", VP9_OPTIONS)


def concat_webm(inputs: Sequence[Path], target: Path) -> None:
    """Join WebMs encoded alike into one, packets copied (no re-encoding)."""
    concat_videos(inputs, target, fmt="webm")


def frames_at(video: Path, times: Sequence[float], seek_gap: float = 2.0) -> list[Image.Image]:
    """The frames on screen at ``times`` (seconds), as RGB images, in the order given.

    Decodes forward from the nearest keyframe; jumps (seeks) only when the
    next time is more than ``seek_gap`` seconds ahead, so a run of close
    times (a GIF) decodes each frame once.
    """
    order = sorted(range(len(times)), key=lambda i: times[i])
    result: list[Image.Image | None] = [None] * len(times)
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        frames, shown, upcoming = None, None, None
        for i in order:
            t = float(times[i])
            if frames is None or (upcoming is not None and t - upcoming.time > seek_gap):
                container.seek(max(0, int(t / float(stream.time_base))), stream=stream, backward=True)
                frames = container.decode(stream)
                shown, upcoming = None, next(frames, None)
            while upcoming is not None and upcoming.time <= t + 1e-6:
                shown, upcoming = upcoming, next(frames, None)
            frame = shown or upcoming
            if frame is None:
                raise BuildError(f"{video}: no frame at {t:.3f} s")
            result[i] = frame.to_image()
    return result  # type: ignore[return-value]


def ink(image: Image.Image) -> float:
    """Fraction of pixels that are not background: how much a frame shows."""
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    return float((np.abs(pixels - np.array(BACKGROUND_RGB)).sum(axis=2) > INK_THRESHOLD).mean())


def write_poster(video: Path, target: Path, duration: float) -> dict:
    """Save the busiest of the frames at :data:`POSTER_FRACTIONS` of the clip as PNG."""
    times = [min(f * duration, duration) for f in POSTER_FRACTIONS]
    images = frames_at(video, times)
    best = max(range(len(images)), key=lambda i: ink(images[i]))
    with _publish(target) as tmp:
        images[best].save(tmp, format="PNG", optimize=True)
    return {"time": round(times[best], 3), "width": images[best].width, "height": images[best].height}


def write_gif(video: Path, target: Path, start: float, end: float,
              fps: int = GIF_FPS, width: int = GIF_WIDTH) -> dict:
    """Save ``start``…``end`` of ``video`` as a looping GIF, ``fps`` frames a second.

    One palette (from frames across the loop) for every frame, no dithering:
    the flat colours of the lecture stay flat and do not shimmer.
    """
    count = max(1, int(round((end - start) * fps)))
    images = frames_at(video, [start + i / fps for i in range(count)])
    w = min(width, images[0].width)
    h = int(round(images[0].height * w / images[0].width / 2)) * 2
    images = [im.resize((w, h), Image.Resampling.LANCZOS) for im in images]
    palette = _palette([images[i] for i in np.linspace(0, count - 1, min(count, 6)).astype(int)])
    frames = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    with _publish(target) as tmp:
        frames[0].save(tmp, format="GIF", save_all=True, append_images=frames[1:],
                       duration=int(round(1000 / fps)), loop=0, optimize=False, disposal=1)
    return {"start": round(start, 3), "end": round(end, 3), "fps": fps, "frames": count,
            "duration": round(count / fps, 3), "width": w, "height": h}


def _palette(samples: Sequence[Image.Image]) -> Image.Image:
    """A 256-colour palette covering every sample image."""
    strip = Image.new("RGB", (samples[0].width, samples[0].height * len(samples)))
    for i, im in enumerate(samples):
        strip.paste(im, (0, i * im.height))
    return strip.quantize(colors=256, method=Image.Quantize.MEDIANCUT)


def vtt_cues(subtitles: Iterable[srt.Subtitle]) -> list[srt.Subtitle]:
    """Captions made safe for WebVTT: ``&``, ``<``, ``>`` escaped, no ``-->`` or blank lines."""
    safe = []
    for sub in subtitles:
        text = html.escape(sub.content, quote=False).replace("--&gt;", "→")
        text = re.sub(r"\n\s*\n", "\n", text).strip()
        safe.append(srt.Subtitle(index=sub.index, start=sub.start, end=sub.end, content=text))
    return safe


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

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        return write_poster(job.path("mp4"), job.path("poster"), job.info.duration)


class SRT(Format):
    """SubRip captions, for desktop players and video sites."""

    name, suffix, label, media_type = "srt", ".srt", "SRT", "application/x-subrip"

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        with _publish(job.path("srt")) as tmp:
            tmp.write_text(srt.compose(job.cues, reindex=True), encoding="utf-8")
        return {"cues": len(job.cues)}


class VTT(Format):
    """WebVTT captions (the same cues), for ``<track>``."""

    name, suffix, label, media_type = "vtt", ".vtt", "VTT", "text/vtt"

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        with _publish(job.path("vtt")) as tmp:
            tmp.write_text(srt_to_vtt(vtt_cues(job.cues)), encoding="utf-8")
        return {"cues": len(job.cues)}


class GIF(Format):
    """A short silent loop, for beats with a block narrated with ``loop=True`` (or a :class:`Loop`)."""

    name, suffix, label, media_type = "gif", ".gif", "GIF", "image/gif"

    @classmethod
    def applies(cls, src: ClipSource) -> bool:
        return src.loop is not None

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        try:
            start, end = job.src.loop.span(job.cues, job.info.duration)
        except BuildError as e:
            raise BuildError(f"{job.src.slug}: {e} (see the beat's narrate(..., loop=True))") from None
        return write_gif(job.path("mp4"), job.path("gif"), start, end)


class Chapters(Format):
    """The lecture's chapters as a WebVTT ``kind="chapters"`` track."""

    name, suffix, label, media_type = "chapters", ".chapters.vtt", "Chapters", "text/vtt"
    kinds = frozenset({"lecture"})

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

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        paragraphs = [{"chapter": s["chapter"], "block_id": s["block"], "start": s["start"],
                       "duration": s["duration"], "text": s["notes"],
                       **({"checkpoint": s["checkpoint"]} if s.get("checkpoint") else {})}
                      for s in job.src.sections if s["notes"]]
        write_transcript(job.src.chapters, paragraphs, job.path("transcript"), job.src.title,
                         video_href=job.path("mp4").name)
        return {"paragraphs": len(paragraphs)}


class Checkpoints(NarratedLectureFormat):
    """The lecture's checkpoints as a WebVTT ``kind="metadata"`` track (JSON cues), beside captions and chapters."""

    name, suffix, label, media_type = "checkpoints", ".checkpoints.vtt", "Checkpoints", "text/vtt"

    @classmethod
    def applies(cls, src: ClipSource) -> bool:
        return super().applies(src) and any(s.get("checkpoint") for s in src.sections)

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        found = lecture_checkpoints(job.src.sections)
        with _publish(job.path("checkpoints")) as tmp:
            tmp.write_text(checkpoints_vtt(found), encoding="utf-8")
        return {"checkpoints": len(found)}


def _slides(src: ClipSource) -> list[Slide]:
    return [Slide(Path(s["video"]), s["title"], s["notes"], s["chapter"], s["block"], s.get("loop", False),
                  s.get("checkpoint"))
            for s in src.sections]


class SlidesHTML(NarratedLectureFormat):
    """Live slides: one self-contained page, a stop at every narrated block, the narration as notes."""

    name, suffix, label, media_type = "slides", ".slides.html", "Slides", "text/html"

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        return write_slides_html(_slides(job.src), job.path("slides"), job.src.title)


class PowerPoint(NarratedLectureFormat):
    """The same slides as a PowerPoint file (a movie per slide, the narration as notes)."""

    name, suffix, label, media_type = ("pptx", ".pptx", "PowerPoint",
                                       "application/vnd.openxmlformats-officedocument.presentationml.presentation")

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        return write_pptx(_slides(job.src), job.path("pptx"), job.src.title)


#: Every registered format, by name, in the order they are written.
FORMATS = Format.registry


def FORMAT_VERSIONS() -> dict[str, int]:
    """Each format's version (part of every clip's key)."""
    return {name: fmt.fingerprint() for name, fmt in FORMATS.items()}

