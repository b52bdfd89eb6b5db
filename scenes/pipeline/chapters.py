"""The lecture's chapters, everywhere a player can use them.

One chapter list (``{"order", "slug", "title", "start", "duration"}``,
seconds, as in ``media/<quality>/lecture.json``) becomes:

* a WebVTT chapters track (:func:`chapters_vtt`) for ``<track kind="chapters">``
  or the gallery's own chapter list;
* chapters inside the video file (:func:`with_chapters`): an MP4 or WebM
  remuxed, packets copied, with container chapters, so desktop players
  (VLC, mpv, …) list them;
* links that open the lecture at a time: a media fragment on the file
  (:func:`chapter_link`, ``lecture.mp4#t=83.4``) and a gallery link
  (:func:`gallery_link`, ``index.html#t=83.4``), which the gallery reads with
  :data:`FRAGMENT_JS`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from scenes.pipeline.media import atomic_path, vtt_time

__all__ = ["chapters_vtt", "with_chapters", "read_chapters", "chapter_link", "gallery_link", "seconds_text",
           "FRAGMENT_JS", "CHAPTER_TIME_BASE"]

#: Chapter times are written in milliseconds.
CHAPTER_TIME_BASE = Fraction(1, 1000)
#: Containers whose muxers write chapters (``mov``/``ipod`` write them too, as an MP4 does).
_FORMATS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".webm": "webm", ".mkv": "matroska"}


def seconds_text(t: float) -> str:
    """Seconds as a short decimal for a link: ``83.4`` → ``"83.4"``, ``5.0`` → ``"5"``.

    Examples
    --------
    >>> seconds_text(83.40000001), seconds_text(5.0), seconds_text(0.1234)
    ('83.4', '5', '0.123')
    """
    text = f"{max(0.0, float(t)):.3f}".rstrip("0").rstrip(".")
    return text or "0"


def _vtt_text(title: str) -> str:
    """A cue's text on one line, safe for WebVTT (``&``, ``<``, ``>`` escaped, no ``-->``)."""
    text = " ".join(str(title).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("--&gt;", "→") or "—"


def chapters_vtt(chapters: Sequence[Mapping[str, Any]]) -> str:
    """A WebVTT chapters track: one cue per chapter, ``start`` to ``start + duration``.

    Each cue's identifier is the chapter's slug (or its order), its text the
    title, escaped. Load it with ``<track kind="chapters" src=...>`` or parse
    it back with any WebVTT reader.

    Examples
    --------
    >>> print(chapters_vtt([{"order": 1, "slug": "01-setup", "title": "A & B", "start": 0, "duration": 83.4}]))
    WEBVTT
    <BLANKLINE>
    01-setup
    00:00:00.000 --> 00:01:23.400
    A &amp; B
    <BLANKLINE>
    """
    lines = ["WEBVTT", ""]
    for c in sorted(chapters, key=lambda c: float(c["start"])):
        start = float(c["start"])
        end = start + max(float(c["duration"]), 0.001)
        ident = re.sub(r"\s+|-->", "-", str(c.get("slug") or c.get("order") or ""))
        if ident:
            lines.append(ident)
        lines += [f"{vtt_time(start)} --> {vtt_time(end)}", _vtt_text(c["title"]), ""]
    return "\n".join(lines)


def chapter_link(href: str, start: float, end: float | None = None) -> str:
    """``href`` opened at ``start`` seconds: a media fragment (``lecture.mp4#t=83.4``).

    Browsers start a video opened by such a link at that time; with ``end`` it
    stops there (``#t=83.4,95``). Any fragment ``href`` had is replaced.

    Examples
    --------
    >>> chapter_link("lecture.mp4", 83.4), chapter_link("clip.mp4#x", 0, 12.5)
    ('lecture.mp4#t=83.4', 'clip.mp4#t=0,12.5')
    """
    base = href.split("#", 1)[0]
    span = seconds_text(start) if end is None else f"{seconds_text(start)},{seconds_text(end)}"
    return f"{base}#t={span}"


def gallery_link(start: float, clip: str | None = None, page: str = "index.html") -> str:
    """A link to the gallery that plays the lecture (or ``clip``) from ``start`` seconds.

    ``index.html#t=83.4`` for the lecture, ``index.html#clip=01-setup&t=5``
    for a clip; :data:`FRAGMENT_JS` in the gallery reads both.

    Examples
    --------
    >>> gallery_link(83.4), gallery_link(5, clip="01-setup")
    ('index.html#t=83.4', 'index.html#clip=01-setup&t=5')
    """
    base = page.split("#", 1)[0]
    return f"{base}#clip={clip}&t={seconds_text(start)}" if clip else f"{base}#t={seconds_text(start)}"


def _container_chapters(chapters: Sequence[Mapping[str, Any]], duration: float) -> list[dict]:
    """PyAV's chapter dicts (``id``, ``start``, ``end``, ``time_base``, ``metadata``), in ms."""
    out = []
    ordered = sorted(chapters, key=lambda c: float(c["start"]))
    for i, c in enumerate(ordered):
        start = int(round(float(c["start"]) * 1000))
        end = int(round((float(c["start"]) + float(c["duration"])) * 1000))
        if i + 1 < len(ordered):  # no gap or overlap between neighbours
            end = int(round(float(ordered[i + 1]["start"]) * 1000))
        if duration > 0:
            end = min(end, int(round(duration * 1000)))
        out.append({"id": i + 1, "start": start, "end": max(end, start + 1), "time_base": CHAPTER_TIME_BASE,
                    "metadata": {"title": str(c["title"])}})
    return out


def with_chapters(source: Path, target: Path, chapters: Sequence[Mapping[str, Any]]) -> dict:
    """Copy ``source`` into ``target`` with ``chapters`` inside the container.

    Every video and audio stream is copied packet by packet (no
    re-encoding). The container follows ``target``'s suffix: ``.mp4`` (index
    at the front, ``+faststart``; FFmpeg writes the chapters both as a
    QuickTime chapter text track and as a Nero ``chpl`` list) or ``.webm``
    (a Matroska ``Chapters`` element). ``source`` and ``target`` may be the
    same file: the copy is written beside it and renamed over it.

    Returns
    -------
    dict
        ``{"chapters": count, "streams": copied streams, "bytes": size}``.
    """
    source, target = Path(source), Path(target)
    fmt = _FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise ValueError(f"{target.name}: chapters are written into {', '.join(sorted(_FORMATS))} files")
    options = {"movflags": "+faststart"} if fmt in ("mp4", "mov") else {}
    with atomic_path(target) as tmp:
        with av.open(str(source)) as src, av.open(str(tmp), mode="w", format=fmt, options=options) as dst:
            duration = src.duration / av.time_base if src.duration else 0.0
            streams = {}
            for stream in src.streams:
                if stream.type in ("video", "audio"):
                    streams[stream.index] = dst.add_stream_from_template(template=stream)
            if not streams:
                raise ValueError(f"{source}: no video or audio stream to copy")
            dst.set_chapters(_container_chapters(chapters, duration))
            for packet in src.demux([s for s in src.streams if s.index in streams]):
                if packet.dts is None:  # the demuxer's flushing packet
                    continue
                packet.stream = streams[packet.stream.index]
                dst.mux(packet)
        size = tmp.stat().st_size
    return {"chapters": len(chapters), "streams": len(streams), "bytes": size}


def read_chapters(path: Path) -> list[dict]:
    """The chapters inside a video file, as ``{"title", "start", "end"}`` in seconds."""
    with av.open(str(path)) as container:
        return [{"title": c["metadata"].get("title", ""), "start": float(c["start"] * c["time_base"]),
                 "end": float(c["end"] * c["time_base"])} for c in container.chapters()]


#: For the gallery page: opens the lecture (or a clip) at the time a link's
#: fragment names, on load and whenever the fragment changes.
#: ``#t=83.4`` seeks ``#video-lecture``; ``#clip=01-setup&t=5`` scrolls to
#: ``#clip-01-setup`` and seeks ``#video-01-setup``. Playback starts if the
#: browser allows it (a link click does); otherwise the video waits at that time.
FRAGMENT_JS = r"""
(() => {
  "use strict";
  function openFragment() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    const t = Number.parseFloat(params.get("t"));
    if (!Number.isFinite(t)) return;
    const clip = params.get("clip");
    const video = document.getElementById(clip ? "video-" + clip : "video-lecture");
    if (!video) return;
    const seek = () => {
      video.currentTime = Math.min(t, Math.max(0, (video.duration || t) - 0.05));
      video.play().catch(() => {});
    };
    (document.getElementById(clip ? "clip-" + clip : "lecture") || video).scrollIntoView({block: "start"});
    if (video.readyState >= 1) seek(); else video.addEventListener("loadedmetadata", seek, {once: true});
    if (video.preload === "none") video.load();
  }
  window.addEventListener("hashchange", openFragment);
  openFragment();
})();
"""
