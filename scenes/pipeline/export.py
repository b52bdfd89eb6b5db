"""Embeddable clips for educators: ``python -m scenes export``.

After the beats are rendered (and, for a full export, the lecture
assembled), every beat and the whole lecture are written into
``media/<quality>/clips/`` as

* ``<slug>.mp4``  H.264, yuv420p, index at the front (``+faststart``) so it streams;
* ``<slug>.webm`` VP9 (the lecture's is the beats' WebMs joined, not re-encoded);
* ``<slug>.png``  a poster frame (the busiest of a few late frames, never a blank start);
* ``<slug>.srt`` and ``<slug>.vtt``  the same captions for players and for ``<track>``;
* ``<slug>.gif``  a short silent loop, for the beats listed in :data:`LOOPS`;

plus ``manifest.json`` (what each file holds, its size, the preset it was
computed from) and ``index.html``, the gallery page (:mod:`scenes.pipeline.gallery`).
Every file is written under a temporary name and renamed. A clip whose
source video and captions (and the export settings) have not changed is
not written again.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import av
import numpy as np
import srt
from PIL import Image

from scenes.pipeline.build import (
    BeatResult,
    BuildError,
    _build_lock,
    assemble_lecture,
    beats,
    check_quality,
    output_dir,
    render_beats,
    select_beats,
)
from scenes.pipeline.media import atomic_path, concat_videos, probe, read_srt, srt_to_vtt
from scenes.style import BACKGROUND

__all__ = [
    "CLIPS",
    "MANIFEST",
    "LECTURE_TITLE",
    "Loop",
    "LOOPS",
    "ClipSource",
    "clips_dir",
    "export",
    "export_results",
    "export_clips",
    "export_clip",
    "frames_at",
    "ink",
    "write_mp4",
    "write_webm",
    "concat_webm",
    "write_poster",
    "write_gif",
    "write_captions",
    "vtt_cues",
]

#: Folder (inside ``media/<quality>``) that holds everything an educator needs.
CLIPS = "clips"
MANIFEST = "manifest.json"
#: The gallery's heading, unless ``scenes.lecture`` defines ``TITLE``.
LECTURE_TITLE = "Why cross-entropy beats the quadratic cost for a sigmoid neuron"

#: Export settings; part of every clip's key, so changing one re-exports.
VP9_CRF = 32
#: libvpx's realtime mode at speed 7: 15× faster than "good" at speed 4 for
#: the lecture's flat graphics, files ~8 % larger, PSNR within 1 dB (measured).
VP9_OPTIONS = {"crf": str(VP9_CRF), "b": "0", "deadline": "realtime", "cpu-used": "7", "row-mt": "1"}
GIF_FPS = 10
GIF_WIDTH = 480
#: Where a poster may come from, as fractions of the clip (busiest frame wins).
POSTER_FRACTIONS = (0.7, 0.85, 1.0, 0.55)
#: A pixel is "ink" when its RGB differs from the background by more than this (sum).
INK_THRESHOLD = 60
BACKGROUND_RGB = tuple(int(c) for c in BACKGROUND.to_int_rgb())
SETTINGS = {"version": 1, "vp9": VP9_OPTIONS, "gif_fps": GIF_FPS, "gif_width": GIF_WIDTH,
            "poster": list(POSTER_FRACTIONS)}


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


#: Beats with a natural loop, by scene name. A scene may instead carry a
#: ``loop`` class attribute (a :class:`Loop`), which wins.
LOOPS: dict[str, Loop] = {
    # Gradient descent from the good start: the cost curve traces down, then again.
    "Setup": Loop(caption=4),
}


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
    """

    slug: str
    title: str
    order: int
    video: Path
    captions: Path
    scene: type | None = None
    chapters: tuple[dict, ...] = field(default_factory=tuple)

    @property
    def kind(self) -> str:
        return "beat" if self.scene is not None else "lecture"

    @property
    def loop(self) -> Loop | None:
        if self.scene is None:
            return None
        own = getattr(self.scene, "loop", None)
        return own if isinstance(own, Loop) else LOOPS.get(self.scene.__name__)

    def key(self) -> str:
        """Hash of the source files, what the manifest says of them and the export settings."""
        preset = self.scene.presets_fingerprint() if self.scene is not None else ""
        h = hashlib.sha256(json.dumps([SETTINGS, repr(self.loop), self.title, preset, self.chapters]).encode())
        for path in (self.video, self.captions):
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
        return h.hexdigest()


def clips_dir(quality: str, media: Path | None = None) -> Path:
    """``media/<quality>/clips``: where the export writes."""
    return output_dir(quality, media) / CLIPS


# -- writing files ------------------------------------------------------------
#: Every file the export writes goes through a temporary name, then a rename.
_publish = atomic_path


def write_mp4(source: Path, target: Path) -> None:
    """Copy ``source`` into a streamable MP4 (``+faststart``).

    H.264 in yuv420p is copied packet by packet; anything else is
    re-encoded with libx264 so every browser can play it.
    """
    with av.open(str(source)) as src:
        stream = src.streams.video[0]
        copy = stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
    if copy:
        concat_videos([source], target)  # a remux, atomic itself
        return
    with _publish(target) as tmp:
        _encode(source, tmp, "mp4", "libx264", {"crf": "20", "preset": "medium"},
                container_options={"movflags": "+faststart"})


def _encode(source: Path, tmp: Path, fmt: str, codec: str, options: dict[str, str],
            container_options: dict[str, str] | None = None) -> None:
    """Re-encode ``source``'s video into ``tmp`` (yuv420p, same size and rate)."""
    with av.open(str(source)) as src, \
            av.open(str(tmp), mode="w", format=fmt, options=container_options or {}) as dst:
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


def write_webm(source: Path, target: Path) -> None:
    """Encode ``source`` as VP9 in WebM (constant quality, :data:`VP9_CRF`)."""
    with _publish(target) as tmp:
        _encode(source, tmp, "webm", "libvpx-vp9", VP9_OPTIONS)


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


def write_captions(source: Path, srt_target: Path, vtt_target: Path) -> list[srt.Subtitle]:
    """Copy the ``.srt`` and write the same cues as ``.vtt``; return the cues."""
    subtitles = read_srt(source)
    with _publish(srt_target) as tmp:
        tmp.write_text(srt.compose(subtitles, reindex=True), encoding="utf-8")
    with _publish(vtt_target) as tmp:
        tmp.write_text(srt_to_vtt(vtt_cues(subtitles)), encoding="utf-8")
    return subtitles


# -- one clip -------------------------------------------------------------------
def _file(folder: Path, name: str, **facts) -> dict:
    return {"name": name, "bytes": (folder / name).stat().st_size, **facts}


def _video_facts(path: Path) -> dict:
    info = probe(path)
    return {"duration": round(info.duration, 3), "width": info.width, "height": info.height,
            "fps": round(info.fps, 3), "codec": info.codec}


def export_clip(src: ClipSource, folder: Path, webm_parts: Sequence[Path] = ()) -> dict:
    """Write every file of one clip into ``folder``; return its manifest entry.

    ``webm_parts``, when given, are WebMs to join instead of encoding one.
    """
    key = src.key()
    stem = src.slug
    write_mp4(src.video, folder / f"{stem}.mp4")
    info = probe(folder / f"{stem}.mp4")
    if webm_parts:
        concat_webm(webm_parts, folder / f"{stem}.webm")
    else:
        write_webm(folder / f"{stem}.mp4", folder / f"{stem}.webm")
    poster = write_poster(folder / f"{stem}.mp4", folder / f"{stem}.png", info.duration)
    subtitles = write_captions(src.captions, folder / f"{stem}.srt", folder / f"{stem}.vtt")
    files = {
        "mp4": _file(folder, f"{stem}.mp4", **_video_facts(folder / f"{stem}.mp4")),
        "webm": _file(folder, f"{stem}.webm", **_video_facts(folder / f"{stem}.webm")),
        "poster": _file(folder, f"{stem}.png", **poster),
        "srt": _file(folder, f"{stem}.srt", cues=len(subtitles)),
        "vtt": _file(folder, f"{stem}.vtt", cues=len(subtitles)),
    }
    if src.loop is not None:
        try:
            start, end = src.loop.span(subtitles, info.duration)
        except BuildError as e:
            raise BuildError(f"{src.slug}: {e} (see LOOPS in scenes/pipeline/export.py)") from None
        gif = write_gif(folder / f"{stem}.mp4", folder / f"{stem}.gif", start, end)
        files["gif"] = _file(folder, f"{stem}.gif", **gif)
    return {**_describe(src, info), "key": key, "files": files}


def _describe(src: ClipSource, info) -> dict:
    """The manifest's words about a clip: what it is and what it was computed from."""
    entry = {"kind": src.kind, "slug": src.slug, "title": src.title, "order": src.order,
             "duration": round(info.duration, 3), "frames": info.frames, "fps": round(info.fps, 3),
             "width": info.width, "height": info.height}
    if src.scene is not None:
        entry["scene"] = src.scene.__name__
        entry["lesson"] = asdict(src.scene.lesson)
        entry["presets_fingerprint"] = src.scene.presets_fingerprint()
    else:
        entry["chapters"] = list(src.chapters)
    return entry


def _fresh(entry: dict | None, src: ClipSource, folder: Path) -> bool:
    """Does the previous manifest entry still describe ``src``'s files on disk?"""
    if not entry or entry.get("key") != src.key():
        return False
    return all((folder / f["name"]).exists() for f in entry["files"].values())


# -- the whole export --------------------------------------------------------------
def export_clips(
    sources: Sequence[ClipSource],
    folder: Path,
    quality: str,
    *,
    keep: Sequence[ClipSource] = (),
    report: Callable[[str], None] = print,
) -> dict:
    """Export ``sources`` into ``folder``, write the manifest and the gallery.

    Clips already exported from the same source files are kept as they are.
    ``keep`` lists clips not to export now but to keep in the manifest if
    their previous export is still fresh (beats not chosen with ``--beat``).
    A lecture source (``order == 0``) is joined from its beats' WebMs.

    Returns
    -------
    dict
        The manifest (also written to ``folder / MANIFEST``).
    """
    from scenes.pipeline.gallery import write_gallery

    with _build_lock(folder, report):  # one export at a time writes this folder
        for leftover in folder.glob(".*.part*"):  # of a killed export
            leftover.unlink(missing_ok=True)
        entries = _export_entries(sources, keep, folder, report)
        manifest = _manifest(entries, quality)
        write_gallery(folder, manifest)
        with _publish(folder / MANIFEST) as tmp:
            tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        _remove_orphans(folder, manifest)
    return manifest


def _export_entries(sources: Sequence[ClipSource], keep: Sequence[ClipSource], folder: Path,
                    report: Callable[[str], None]) -> list[dict]:
    """Each clip's manifest entry: the previous one if still fresh, else a new export."""
    previous = _read_manifest(folder)
    entries: dict[str, dict] = {}
    for src in sorted([*sources, *keep], key=lambda s: (s.order == 0, s.order)):
        old = previous.get(src.slug)
        if _fresh(old, src, folder):
            entries[src.slug] = old
            report(f"  {src.slug:<22} up to date")
        elif src in sources:
            parts = [folder / entries[c["slug"]]["files"]["webm"]["name"] for c in src.chapters] \
                if src.kind == "lecture" else []
            entries[src.slug] = export_clip(src, folder, parts)
            report(f"  {src.slug:<22} exported ({_total(entries[src.slug]) / 1e6:.1f} MB)")
    return list(entries.values())


def _total(entry: dict) -> int:
    return sum(f["bytes"] for f in entry["files"].values())


def _manifest(entries: Iterable[dict], quality: str) -> dict:
    entries = list(entries)
    return {
        "title": _lecture_title(),
        "quality": quality,
        "settings": SETTINGS,
        "clips": [e for e in entries if e["kind"] == "beat"],
        "lecture": next((e for e in entries if e["kind"] == "lecture"), None),
    }


def _lecture_title() -> str:
    import scenes.lecture

    return getattr(scenes.lecture, "TITLE", LECTURE_TITLE)


def _read_manifest(folder: Path) -> dict[str, dict]:
    """The previous manifest's entries by slug (empty if there is none)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entries = [*manifest.get("clips", []), manifest.get("lecture")]
    return {e["slug"]: e for e in entries if e and "slug" in e and "files" in e}


def _remove_orphans(folder: Path, manifest: dict) -> None:
    """Delete clip files no entry names any more (a renamed or dropped beat)."""
    named = {MANIFEST, "index.html"}
    for entry in [*manifest["clips"], manifest["lecture"]]:
        if entry:
            named |= {f["name"] for f in entry["files"].values()}
    for path in folder.iterdir():
        if (path.is_file() and not path.name.startswith(".") and path.name not in named
                and path.suffix in {".mp4", ".webm", ".png", ".gif", ".srt", ".vtt"}):
            path.unlink()


def _source(r: BeatResult) -> ClipSource:
    return ClipSource(r.beat.slug, r.beat.title, r.beat.order, r.video, r.captions, r.beat.scene)


def _published(quality: str, media: Path | None, skip: set[str]) -> list[ClipSource]:
    """Beats rendered earlier (not in ``skip``) whose MP4 and captions exist."""
    beat_dir = output_dir(quality, media) / "beats"
    found = []
    for b in beats():
        video, captions = beat_dir / f"{b.slug}.mp4", beat_dir / f"{b.slug}.srt"
        if b.slug not in skip and video.exists() and captions.exists():
            found.append(ClipSource(b.slug, b.title, b.order, video, captions, b.scene))
    return found


def export(
    quality: str,
    names: Sequence[str] | None = None,
    *,
    media: Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    report: Callable[[str], None] = print,
) -> dict:
    """Render (what is not up to date), then export clips, manifest and gallery.

    With ``names`` only those beats are rendered and exported, and the
    lecture is not assembled; the lecture and the other beats stay in the
    gallery while their earlier export still matches their rendered files.

    Raises
    ------
    BuildError
        For a bad quality or beat name (before anything is written) or a failed render.
    """
    check_quality(quality)
    chosen = select_beats(names)
    results = render_beats(chosen, quality, jobs=jobs, media=media, force=force, report=report)
    return export_results(results, quality, media=media, lecture=not names, report=report)


def export_results(
    results: Sequence[BeatResult],
    quality: str,
    *,
    media: Path | None = None,
    lecture: bool = True,
    report: Callable[[str], None] = print,
) -> dict:
    """Export rendered beats (and, with ``lecture``, the lecture assembled from them).

    Returns
    -------
    dict
        The manifest written beside the clips.
    """
    sources = [_source(r) for r in results]
    keep = _published(quality, media, {s.slug for s in sources})
    if lecture:
        joined = assemble_lecture(results, quality, media=media)
        sources.append(ClipSource("lecture", _lecture_title(), 0, joined["video"], joined["captions"],
                                  chapters=tuple(joined["chapters"])))
    elif (output_dir(quality, media) / "lecture.mp4").exists():
        keep.append(_previous_lecture(quality, media))
    folder = clips_dir(quality, media)
    report(f"Exporting {len(sources)} clip(s) into {folder} ...")
    return export_clips(sources, folder, quality, keep=keep, report=report)


def _previous_lecture(quality: str, media: Path | None) -> ClipSource:
    out = output_dir(quality, media)
    try:
        chapters = json.loads((out / "lecture.json").read_text())["chapters"]
    except (OSError, ValueError, KeyError):
        chapters = []
    return ClipSource("lecture", _lecture_title(), 0, out / "lecture.mp4", out / "lecture.srt",
                      chapters=tuple(chapters))
