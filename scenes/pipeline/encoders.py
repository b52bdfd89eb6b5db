"""Choose the encoder by measurement: ``python -m scenes bench --encoders``.

A beat is rendered once, and every frame Manim hands its encoder is also
written to a lossless RGB file (``libx264rgb``, ``qp=0``), with the frame
count of each segment (Manim encodes each animation into its own segment).
Each candidate :class:`Encoding` then encodes those same frames, segment by
segment, the way the build does (each distinct frame converted to
``yuv420p`` once, repeats re-sent): CPU seconds (what two render processes
on two cores compete for), wall seconds, file size, and PSNR of sampled
frames against the lossless ones. The first candidate, ``today``, is what
Manim does with this project's ``manim.cfg`` before any choice (``crf=23``,
preset medium, ``rc-lookahead=10``, x264's own threads); the issue's quality
bar is within 0.3 dB of its PSNR and at most 1.3x its size.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from scenes.pipeline.holds import rgba_frame

__all__ = ["Encoding", "CANDIDATES", "configured", "PSNR_SLACK_DB", "SIZE_LIMIT", "captured", "measure", "acceptable",
           "format_table"]

#: The quality bar: PSNR no more than this below today's, size at most this many times today's.
PSNR_SLACK_DB = 0.3
SIZE_LIMIT = 1.3


@dataclass(frozen=True)
class Encoding:
    """One way to encode: a name and libx264 options (on top of ``crf=23``, ``rc-lookahead=10``)."""

    name: str
    options: dict[str, str] = field(default_factory=dict)

    def all_options(self) -> dict[str, str]:
        """The options given to libx264."""
        return {"crf": "23", "rc-lookahead": "10", **self.options}


#: What is tried; the first is today's encoding, the reference.
CANDIDATES: tuple[Encoding, ...] = (
    Encoding("today (medium)"),
    Encoding("medium, 1 thread", {"threads": "1"}),
    Encoding("medium, tune animation", {"tune": "animation"}),
    Encoding("fast", {"preset": "fast"}),
    Encoding("faster", {"preset": "faster"}),
    Encoding("veryfast", {"preset": "veryfast"}),
    Encoding("veryfast, tune animation", {"preset": "veryfast", "tune": "animation"}),
    Encoding("veryfast, animation, 1 thread", {"preset": "veryfast", "tune": "animation", "threads": "1"}),
    Encoding("superfast, tune animation", {"preset": "superfast", "tune": "animation"}),
    Encoding("ultrafast", {"preset": "ultrafast"}),
)


def configured(cfg: Path | None = None) -> Encoding:
    """The encoding ``manim.cfg`` chooses (its ``[video_encoder.options]`` over Manim's ``crf=23``)."""
    import configparser

    parser = configparser.ConfigParser()
    parser.read(cfg or Path(__file__).resolve().parents[2] / "manim.cfg")
    options = dict(parser["video_encoder.options"]) if parser.has_section("video_encoder.options") else {}
    return Encoding("chosen (manim.cfg)", {k: v for k, v in options.items()})


@contextmanager
def captured(path: Path) -> Iterator[list[int]]:
    """Write every frame Manim encodes into ``path`` too (lossless RGB); yield the segments' frame counts.

    Wraps ``SceneFileWriter.write_frame`` (upstream of the encoder threads and
    of :mod:`scenes.pipeline.holds`), so the render itself is unchanged.
    """
    import av
    from manim.scene.scene_file_writer import SceneFileWriter

    segments: list[int] = []
    store: dict[str, Any] = {}
    write_frame = SceneFileWriter.__dict__["write_frame"]

    def capture(writer: Any, pixels: np.ndarray, *, repeat: int = 1) -> None:
        job = writer._current_encode_job
        if job is not None:
            spec = job.encoder.spec
            if "stream" not in store:
                container = av.open(str(path), "w", format="matroska")
                stream = container.add_stream("libx264rgb", rate=spec.frame_rate,
                                              options={"qp": "0", "preset": "ultrafast"})
                stream.pix_fmt, stream.width, stream.height = "rgb24", spec.width, spec.height
                store.update(container=container, stream=stream, pts=0)
            if store.get("job") is not job:  # each animation is its own segment
                store["job"] = job
                segments.append(0)
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(pixels[..., :3]), format="rgb24")
            for _ in range(repeat):
                frame.pts = store["pts"]
                store["pts"] += 1
                for packet in store["stream"].encode(frame):
                    store["container"].mux(packet)
            segments[-1] += repeat
        write_frame(writer, pixels, repeat=repeat)

    SceneFileWriter.write_frame = capture
    try:
        yield segments
    finally:
        SceneFileWriter.write_frame = write_frame
        if "stream" in store:
            for packet in store["stream"].encode():
                store["container"].mux(packet)
            store["container"].close()


def _frames(path: Path, limit: int | None) -> Iterator[np.ndarray]:
    """The lossless frames as RGBA arrays (alpha 255, as Manim hands them over)."""
    import av

    with av.open(str(path)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if limit is not None and i >= limit:
                return
            rgb = frame.to_ndarray(format="rgb24")
            rgba = np.empty((*rgb.shape[:2], 4), np.uint8)
            rgba[..., :3] = rgb
            rgba[..., 3] = 255
            yield rgba


def _psnr(mse: float) -> float:
    return float("inf") if mse == 0 else 10 * math.log10(255.0**2 / mse)


def measure(lossless: Path, segments: Sequence[int], encoding: Encoding, work: Path, fps: int,
            limit: int | None = None, sample_every: int = 10) -> dict[str, Any]:
    """Encode the captured frames with ``encoding``; return CPU and wall seconds, bytes, PSNR.

    Each segment is its own file, as Manim writes them; identical
    consecutive frames are converted once and re-sent, as the build does.
    Decoding the lossless file is not counted.
    """
    import av

    work.mkdir(parents=True, exist_ok=True)
    bounds = np.cumsum([0, *segments])
    cpu = wall = 0.0
    size = 0
    container = stream = None
    last = converted = None
    seg = -1
    files: list[Path] = []
    time_base = Fraction(1, fps)
    rgba = None
    count = 0

    def close() -> None:
        nonlocal cpu, wall
        c0, w0 = time.process_time(), time.perf_counter()
        for packet in stream.encode():
            container.mux(packet)
        container.close()
        cpu += time.process_time() - c0
        wall += time.perf_counter() - w0

    for i, pixels in enumerate(_frames(lossless, limit)):
        count += 1
        c0, w0 = time.process_time(), time.perf_counter()
        if i >= bounds[seg + 1]:
            if container is not None:
                cpu += time.process_time() - c0
                wall += time.perf_counter() - w0
                close()
                c0, w0 = time.process_time(), time.perf_counter()
            seg += 1
            files.append(work / f"{seg:04d}.mp4")
            container = av.open(str(files[-1]), "w", format="mp4")
            stream = container.add_stream("libx264", rate=fps, options=encoding.all_options())
            stream.pix_fmt, stream.width, stream.height = "yuv420p", pixels.shape[1], pixels.shape[0]
            last = None
        if last is None or not np.array_equal(last, pixels):
            rgba = rgba_frame(pixels)
            converted = rgba.reformat(format="yuv420p", threads=stream.codec_context.thread_count)
            last = pixels
        converted.pts = i - bounds[seg]
        converted.time_base = time_base
        for packet in stream.encode(converted):
            container.mux(packet)
        cpu += time.process_time() - c0
        wall += time.perf_counter() - w0
    if container is not None:
        close()
    size = sum(f.stat().st_size for f in files)

    # PSNR of every sample_every-th frame against the lossless one.
    errors = []
    decoded = _decoded(files)
    for i, reference in enumerate(_frames(lossless, limit)):
        frame = next(decoded)
        if i % sample_every == 0:
            diff = frame.astype(np.int32) - reference[..., :3]
            errors.append(float(np.mean(diff * diff)))
    for f in files:
        f.unlink()
    return {"name": encoding.name, "options": encoding.all_options(), "frames": count,
            "cpu_seconds": cpu, "wall_seconds": wall, "bytes": size,
            "psnr_db": _psnr(float(np.mean(errors))) if errors else None, "samples": len(errors)}


def _decoded(files: Sequence[Path]) -> Iterator[np.ndarray]:
    import av

    for f in files:
        with av.open(str(f)) as container:
            for frame in container.decode(video=0):
                yield frame.to_ndarray(format="rgb24")


def acceptable(row: dict[str, Any], today: dict[str, Any]) -> bool:
    """Whether ``row`` meets the quality bar against ``today``'s encoding."""
    return (row["psnr_db"] >= today["psnr_db"] - PSNR_SLACK_DB
            and row["bytes"] <= SIZE_LIMIT * today["bytes"])


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """A Markdown table: speed (CPU and wall against today), size, PSNR, whether it passes the bar."""
    today = rows[0]
    lines = ["| encoding | CPU s | CPU ms/frame | × today's CPU | wall s | size | × today's size | PSNR dB | Δ dB | meets the bar |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        lines.append(
            f"| {row['name']} | {row['cpu_seconds']:.1f} | {1e3 * row['cpu_seconds'] / row['frames']:.1f} "
            f"| {row['cpu_seconds'] / today['cpu_seconds']:.2f} | {row['wall_seconds']:.1f} "
            f"| {row['bytes'] / 1e6:.2f} MB | {row['bytes'] / today['bytes']:.2f} | {row['psnr_db']:.2f} "
            f"| {row['psnr_db'] - today['psnr_db']:+.2f} | {'yes' if acceptable(row, today) else 'no'} |")
    return "\n".join(lines)


def run_encoders(target: str, scene: str, quality: str, work: Path, limit: int | None,
                 candidates: Sequence[Encoding] = CANDIDATES,
                 report: Callable[[str], None] = print) -> dict[str, Any]:
    """Render ``scene`` once capturing its frames, then measure every candidate on them."""
    from scenes.pipeline.worker import render

    work.mkdir(parents=True, exist_ok=True)
    lossless = work / "lossless.mkv"
    tex = work / "tex"
    with captured(lossless) as segments:
        facts = render(target, scene, quality, str(work / "media"), str(tex))
    report(f"encoders: captured {sum(segments)} frames in {len(segments)} segments of {scene} at {quality}")
    chosen = configured()
    same = next((c for c in candidates if c.all_options() == chosen.all_options()), None)
    if same is None:
        candidates = [*candidates, chosen]
    rows = []
    for encoding in candidates:
        row = measure(lossless, segments, encoding, work / "out", facts["fps"], limit)
        rows.append(row)
        report(f"encoders: {row['name']}: {row['cpu_seconds']:.1f} s CPU, {row['bytes'] / 1e6:.2f} MB, "
               f"{row['psnr_db']:.2f} dB")
    table = format_table(rows)
    report(table)
    return {"scene": scene, "quality": quality, "frames": rows[0]["frames"], "segments": len(segments),
            "rows": rows, "table": table, "chosen": (same or chosen).name}
