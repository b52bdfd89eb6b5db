"""A damaged clip is never served: the next export names it and writes it again.

Two tiny fixture beats (160×90, 5 fps, rendered once) and their lecture are
exported; then one file of one kind is truncated, corrupted (same size,
different bytes) or emptied, and the export runs again. Each run must end
with every file matching a fresh export of the same sources: sizes and
decoded frame counts are checked independently of the manifest.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import av
import pytest

from scenes.pipeline.build import Beat, BeatResult
from scenes.pipeline.export import export_results
from scenes.pipeline.formats import Loop
from scenes.pipeline.media import probe
from tests.pipeline.fixture_beats import Other, Tiny

ROOT = Path(__file__).resolve().parents[2]
TINY = {"pixel_width": 160, "pixel_height": 90, "frame_rate": 5, "disable_caching": True,
        "progress_bar": "none", "verbosity": "WARNING"}


class Looping(Other):
    """Other, with a GIF loop (so every kind of file is exported)."""

    title = "Looping"
    loop = Loop(seconds=(0.0, 1.0))


def _render(scene_cls, media: Path) -> tuple[Path, Path]:
    from manim import config, tempconfig

    with tempconfig({**TINY, "media_dir": str(media), "tex_dir": str(ROOT / "media" / ".tex" / "tests")}):
        config.write_to_movie = True
        scene = scene_cls()
        scene.render()
        video = Path(scene.renderer.file_writer.movie_file_path)
    return video, video.with_suffix(".srt")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> list[tuple[type, Path, Path]]:
    media = tmp_path_factory.mktemp("render")
    return [(cls, *_render(cls, media / cls.__name__)) for cls in (Tiny, Looping)]


def _export(media: Path, rendered) -> tuple[dict, list[str]]:
    results = []
    beats = media / "low" / "beats"
    beats.mkdir(parents=True, exist_ok=True)
    for order, (cls, video, captions) in enumerate(rendered, 1):
        beat = Beat(order, cls)
        if not (beats / f"{beat.slug}.mp4").exists():
            shutil.copy(video, beats / f"{beat.slug}.mp4")
            shutil.copy(captions, beats / f"{beat.slug}.srt")
        results.append(BeatResult(beat, beats / f"{beat.slug}.mp4", beats / f"{beat.slug}.srt",
                                  probe(video).duration, 0.0, rendered=False))
    lines: list[str] = []
    return export_results(results, "low", media=media, report=lines.append), lines


def _frames(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(data[: max(1, len(data) // 3)])
    elif how == "empty":
        path.write_bytes(b"")
    else:  # same size, other bytes: only a hash can tell
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes(b ^ 0x5A for b in data[middle:middle + 64]) + data[middle + 64:])


FIRST, SECOND = Beat(1, Tiny).slug, Beat(2, Looping).slug
KINDS = {"mp4": f"{SECOND}.mp4", "webm": f"{FIRST}.webm", "srt": f"{SECOND}.srt", "vtt": f"{FIRST}.vtt",
         "png": f"{SECOND}.png", "gif": f"{SECOND}.gif", "lecture-webm": "lecture.webm",
         "manifest": "manifest.json"}


@pytest.mark.slow
@pytest.mark.parametrize("how", ["truncate", "corrupt", "empty"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_a_damaged_clip_file_is_rebuilt(tmp_path: Path, rendered, kind: str, how: str) -> None:
    media = tmp_path / "media"
    good, _ = _export(media, rendered)
    folder = media / "low" / "clips"
    before = {p.name: p.stat().st_size for p in folder.iterdir() if p.is_file()}
    target = folder / KINDS[kind]
    _damage(target, how)

    manifest, lines = _export(media, rendered)

    if kind != "manifest":  # a damaged manifest is simply not trusted: every clip is exported again
        assert any(f"damaged: {target}" in line for line in lines), lines
    for entry in [*manifest["clips"], manifest["lecture"]]:
        for f in entry["files"].values():
            path = folder / f["name"]
            assert path.stat().st_size == f["bytes"] and f["bytes"] > 0
    # Sizes as a clean export wrote them (the encoders are deterministic here), and whole videos.
    assert {p.name: p.stat().st_size for p in folder.iterdir() if p.is_file()
            if p.name in before and not p.name.endswith((".webm", ".json", ".html"))} == \
        {n: s for n, s in before.items() if not n.endswith((".webm", ".json", ".html"))}
    beat_frames = sum(_frames(folder / f"{s}.webm") for s in (FIRST, SECOND))
    assert _frames(folder / "lecture.webm") == beat_frames == _frames(folder / "lecture.mp4")
    assert json.loads((folder / "manifest.json").read_text())["lecture"]["slug"] == "lecture"
    assert good["lecture"]["frames"] == manifest["lecture"]["frames"]
