"""Video and caption plumbing for assembling and exporting the lecture.

No scene code here: probing, concatenating without re-encoding, shifting
captions, writing files so a reader never sees a half-written one, and
recording what a published file was (:func:`file_record`) so it is reused
only while it still is that file (:func:`verify`).
"""

from __future__ import annotations

import hashlib
import json

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import srt
from numpy.typing import NDArray

from scenes.files import atomic_path, sha256_file
from scenes.pipeline.audio import add_audio_stream, decode_audio, encode_audio, fit, has_audio, join_audio

__all__ = [
    "VideoInfo",
    "probe",
    "atomic_path",
    "sha256_file",
    "file_record",
    "verify",
    "sealed",
    "intact",
    "concat_videos",
    "read_srt",
    "write_srt",
    "concat_srt",
    "srt_to_vtt",
    "vtt_time",
]


@dataclass(frozen=True)
class VideoInfo:
    """What a video file holds: its duration, size, rate and codec."""

    duration: float
    width: int
    height: int
    fps: float
    frames: int
    codec: str
    pix_fmt: str


def probe(path: str | os.PathLike) -> VideoInfo:
    """Read a video's stream header (and its duration) with PyAV."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        # The picture's duration: with sound, the container's may run a few samples longer.
        if stream.duration is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / av.time_base
        else:
            duration = 0.0
        return VideoInfo(
            duration=float(duration),
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            fps=float(stream.average_rate or stream.guessed_rate or 0),
            frames=int(stream.frames),
            codec=stream.codec_context.name,
            pix_fmt=str(stream.codec_context.pix_fmt),
        )


def file_record(path: str | os.PathLike) -> dict[str, int | str]:
    """What a published file is: ``{"bytes": size, "sha256": hex}``.

    Store it when the file is published; :func:`verify` later tells whether
    the file on disk is still that file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.srt"
    >>> _ = p.write_text("hi")
    >>> file_record(p)["bytes"]
    2
    """
    return {"bytes": os.stat(path).st_size, "sha256": sha256_file(path)}


def _seal_of(data: dict) -> str:
    body = {k: v for k, v in data.items() if k != "seal"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def sealed(data: dict, indent: int | None = 2) -> str:
    """``data`` as JSON with a ``"seal"``: the sha256 of the rest, so a damaged record is told from a whole one.

    A stamp or manifest whose bytes were changed may still parse; :func:`intact`
    tells it apart from the record the build wrote.
    """
    return json.dumps({**data, "seal": _seal_of(data)}, indent=indent, ensure_ascii=False)


def intact(data: object) -> bool:
    """Whether a parsed record is as :func:`sealed` wrote it (a record without a seal, from an older build, is taken as it is)."""
    return isinstance(data, dict) and ("seal" not in data or data["seal"] == _seal_of(data))


def verify(path: str | os.PathLike, record: object) -> str | None:
    """``None`` if ``path`` still matches its :func:`file_record`, else why not.

    The reason is short, for a message such as ``damaged: <path> (<reason>)``:
    ``"missing"``, ``"empty, expected 1234 bytes"``, ``"size 1000, expected
    1234"``, ``"contents changed (sha256 differs)"``, ``"no record of it"``
    (``record`` is not a record: an old or damaged stamp), or ``"unreadable:
    <cause>"``. The size is checked first, so a truncated file costs no read.
    """
    if not (isinstance(record, dict) and isinstance(record.get("bytes"), int)
            and isinstance(record.get("sha256"), str)):
        return "no record of it"
    try:
        size = os.stat(path).st_size
        if size != record["bytes"]:
            return (f"empty, expected {record['bytes']} bytes" if size == 0
                    else f"size {size}, expected {record['bytes']}")
        if sha256_file(path) != record["sha256"]:
            return "contents changed (sha256 differs)"
    except FileNotFoundError:
        return "missing"
    except OSError as e:
        return f"unreadable: {e.strerror or e}"
    return None


def concat_videos(inputs: Sequence[str | os.PathLike], output: str | os.PathLike, fmt: str = "mp4",
                  audio: NDArray[np.float32] | None = None) -> None:
    """Join videos with identical encoding into one, the picture without re-encoding.

    Video packets are copied as they are (like ``ffmpeg -f concat -c copy``),
    each input's timestamps shifted to start where the previous input's
    picture ended. Every input is opened by its own path, so no listing file
    has to quote it: any file name works. An MP4 gets its index at the front
    (``+faststart``) so it streams. The output is written atomically.

    Sound (see :mod:`scenes.pipeline.audio`): if any input has audio, each
    input's sound is decoded, fitted to exactly its picture's duration and
    the whole track encoded once (AAC in MP4, Opus in WebM), interleaved
    with the picture, so at every join sound and picture meet to the sample.
    ``audio`` (mono float32 at :data:`~scenes.pipeline.audio.RATE`) replaces
    the inputs' sound.

    Parameters
    ----------
    inputs
        Video files encoded alike (same codec, size, rate).
    output
        The file to write.
    fmt
        Container: ``"mp4"`` or ``"webm"``.
    audio
        The output's sound, instead of the inputs' (fitted to the picture).
    """
    if not inputs:
        raise ValueError("concat_videos needs at least one input")
    spans = [_picture_span(p) for p in inputs]
    if audio is None and any(has_audio(p) for p in inputs):
        audio = join_audio([(decode_audio(p), float(span)) for p, span in zip(inputs, spans)])
    options = {"movflags": "+faststart"} if fmt == "mp4" else {}
    with atomic_path(output) as tmp, av.open(str(tmp), mode="w", format=fmt, options=options) as dst:
        with av.open(str(inputs[0])) as first:
            out_stream = dst.add_stream_from_template(template=first.streams.video[0])
        sound: list[av.Packet] = []
        if audio is not None:
            audio_stream = add_audio_stream(dst, fmt)
            sound = encode_audio(audio_stream, fit(audio, float(sum(spans))))
        pending = iter(sound)
        upcoming = next(pending, None)
        offset = Fraction(0)  # seconds: where the current input starts in the output
        for path, span in zip(inputs, spans):
            with av.open(str(path)) as src:
                in_stream = src.streams.video[0]
                tb = in_stream.time_base
                shift = round(offset / tb) - (in_stream.start_time or 0)
                for packet in src.demux(in_stream):
                    if packet.dts is None:  # the demuxer's flushing packet
                        continue
                    packet.pts += shift
                    packet.dts += shift
                    packet.stream = out_stream
                    # Interleave: the sound up to this picture goes first.
                    while upcoming is not None and upcoming.pts * upcoming.time_base <= packet.dts * tb:
                        dst.mux(upcoming)
                        upcoming = next(pending, None)
                    dst.mux(packet)
            offset += span
        while upcoming is not None:
            dst.mux(upcoming)
            upcoming = next(pending, None)


def _picture_span(path: str | os.PathLike) -> Fraction:
    """Seconds from a video's first frame to the end of its last (its picture, not its sound)."""
    with av.open(str(path)) as src:
        stream = src.streams.video[0]
        start = stream.start_time or 0
        end = start
        for packet in src.demux(stream):
            if packet.pts is not None:
                end = max(end, packet.pts + (packet.duration or 0))
        return (end - start) * stream.time_base


def read_srt(path: str | os.PathLike) -> list[srt.Subtitle]:
    """Parse an ``.srt`` file (an empty list for an empty file)."""
    return list(srt.parse(Path(path).read_text(encoding="utf-8")))


def write_srt(subtitles: Sequence[srt.Subtitle], path: str | os.PathLike) -> None:
    """Write captions atomically, renumbered from 1."""
    with atomic_path(path) as tmp:
        tmp.write_text(srt.compose(list(subtitles), reindex=True), encoding="utf-8")


def concat_srt(parts: Sequence[tuple[Sequence[srt.Subtitle], float]]) -> list[srt.Subtitle]:
    """Join caption lists, each shifted by its clip's start time in seconds."""
    out: list[srt.Subtitle] = []
    for subtitles, offset in parts:
        shift = timedelta(seconds=offset)
        for sub in subtitles:
            out.append(srt.Subtitle(index=len(out) + 1, start=sub.start + shift, end=sub.end + shift,
                                    content=sub.content))
    return out


def vtt_time(t: float | timedelta) -> str:
    """A WebVTT timestamp: ``83.4`` (seconds, or a ``timedelta``) → ``"00:01:23.400"``.

    Examples
    --------
    >>> vtt_time(3723.0456), vtt_time(timedelta(seconds=1.5))
    ('01:02:03.046', '00:00:01.500')
    """
    seconds = t.total_seconds() if isinstance(t, timedelta) else float(t)
    ms = int(round(max(0.0, seconds) * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def srt_to_vtt(subtitles: Sequence[srt.Subtitle]) -> str:
    """The same cues as WebVTT (what an HTML ``<track>`` reads)."""
    lines = ["WEBVTT", ""]
    for i, sub in enumerate(subtitles, 1):
        lines += [str(i), f"{vtt_time(sub.start)} --> {vtt_time(sub.end)}", sub.content, ""]
    return "\n".join(lines)
