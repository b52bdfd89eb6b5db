"""The export for educators: clips, manifest, gallery page (in a real Chromium), CLI errors.

The clips are exported from a tiny real render of the Setup beat (160×90,
5 fps), used twice so the lecture has two chapters; the second copy loops
by a class attribute. Every expectation here is derived independently:
frames are counted by decoding, captions parsed from the files, boxes of
the MP4 read by hand, and the page is driven in Debian's Chromium.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, replace
from pathlib import Path

import av
import numpy as np
import pytest
import srt
from PIL import Image

from neuron import LESSON
from tests.pipeline.browser import open_page, serve
from scenes.pipeline.build import Beat, BeatResult, QUALITIES
from scenes.pipeline.export import export_results
from scenes.pipeline.formats import Loop
from scenes.pipeline.media import probe
from scenes.s01_setup import Setup

ROOT = Path(__file__).resolve().parents[2]
FPS = 5
TINY = {"pixel_width": 160, "pixel_height": 90, "frame_rate": FPS, "disable_caching": True,
        "progress_bar": "none", "verbosity": "WARNING"}
GIF_SECONDS = (1.0, 3.0)


class SetupAgain(Setup):
    """The same beat under another title, looping by class attribute."""

    title = "The setup, again"
    loop = Loop(seconds=GIF_SECONDS)


# -- the export under test -------------------------------------------------------------
def _tiny_render(media: Path) -> tuple[Path, Path, list]:
    """Render Setup at 160×90, 5 fps into ``media``; return its MP4 and captions."""
    from manim import config, tempconfig

    with tempconfig({**TINY, "media_dir": str(media / "render"), "tex_dir": str(ROOT / "media" / ".tex" / "tests")}):
        config.write_to_movie = True
        scene = Setup()
        scene.render()
        video = Path(scene.renderer.file_writer.movie_file_path)
    return video, video.with_suffix(".srt"), scene.blocks


def _publish_beat(media: Path, beat: Beat, video: Path, captions: Path, blocks: list) -> BeatResult:
    """Place a render where the build publishes beats, as a BeatResult (its blocks as its sections)."""
    beats = media / "low" / "beats"
    beats.mkdir(parents=True, exist_ok=True)
    shutil.copy(video, beats / f"{beat.slug}.mp4")
    shutil.copy(captions, beats / f"{beat.slug}.srt")
    sections = [replace(b.record(), file=f"{beat.slug}.mp4", chapter=beat.order, title=beat.title) for b in blocks]
    return BeatResult(beat, beats / f"{beat.slug}.mp4", beats / f"{beat.slug}.srt",
                      probe(video).duration, 0.0, rendered=True, sections=sections)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict:
    """Two tiny beats and their lecture, exported; the manifest and where it lives."""
    media = tmp_path_factory.mktemp("media")
    video, captions, blocks = _tiny_render(media)
    results = [_publish_beat(media, Beat(1, Setup), video, captions, blocks),
               _publish_beat(media, Beat(2, SetupAgain), video, captions, blocks)]
    lines: list[str] = []
    manifest = export_results(results, "low", media=media, report=lines.append)
    folder = media / "low" / "clips"
    return {"media": media, "folder": folder, "manifest": manifest, "results": results, "report": lines,
            "source_captions": captions, "source_duration": probe(video).duration, "blocks": blocks}


def _entries(manifest: dict) -> list[dict]:
    return [*manifest["clips"], manifest["lecture"]]


# -- independent readers ----------------------------------------------------------------
def _decode(path: Path) -> tuple[int, int, int]:
    """Decode every frame: (count, width, height)."""
    with av.open(str(path)) as container:
        n, size = 0, (0, 0)
        for frame in container.decode(video=0):
            n, size = n + 1, (frame.width, frame.height)
    return n, *size


def _top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types, in file order."""
    boxes, data = [], path.read_bytes()
    i = 0
    while i + 8 <= len(data):
        size, kind = int.from_bytes(data[i:i + 4], "big"), data[i + 4:i + 8].decode("latin-1")
        if size == 1:
            size = int.from_bytes(data[i + 8:i + 16], "big")
        boxes.append(kind)
        if size < 8:
            break
        i += size
    return boxes


def _parse_vtt(text: str) -> list[tuple[float, float, str]]:
    """Cues of a WebVTT file: (start, end, text unescaped)."""
    def seconds(stamp: str) -> float:
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    assert text.startswith("WEBVTT")
    cues = []
    for block in re.split(r"\n\s*\n", text.strip())[1:]:
        lines = block.splitlines()
        at = next(i for i, line in enumerate(lines) if "-->" in line)
        start, end = (part.strip() for part in lines[at].split("-->"))
        cues.append((seconds(start), seconds(end), html.unescape("\n".join(lines[at + 1:]))))
    return cues


def _srt_cues(path: Path) -> list[tuple[float, float, str]]:
    return [(s.start.total_seconds(), s.end.total_seconds(), s.content) for s in srt.parse(path.read_text())]


# -- manifest and files -------------------------------------------------------------------
@pytest.mark.slow
def test_every_manifest_file_exists_with_its_stated_size(exported):
    folder, manifest = exported["folder"], exported["manifest"]
    assert json.loads((folder / "manifest.json").read_text()) == manifest
    assert len(manifest["clips"]) == 2 and manifest["lecture"] is not None
    for entry in _entries(manifest):
        assert {"mp4", "webm", "poster", "srt", "vtt"} <= set(entry["files"])
        for f in entry["files"].values():
            path = folder / f["name"]
            assert path.is_file(), path
            assert f["bytes"] == path.stat().st_size > 0
            assert path.stat().st_mode & 0o044 == 0o044, f"{path.name} is not readable by a web server"
    leftovers = [p.name for p in folder.iterdir() if ".part" in p.name or ".concat" in p.name]
    assert not leftovers


@pytest.mark.slow
def test_videos_decode_to_their_stated_duration_and_size(exported):
    folder, one = exported["folder"], exported["source_duration"]
    expected = {"01-setup": one, "02-export": one, "lecture": 2 * one}
    for entry in _entries(exported["manifest"]):
        assert entry["duration"] == pytest.approx(expected[entry["slug"]], abs=1 / FPS)
        for kind in ("mp4", "webm"):
            f = entry["files"][kind]
            n, width, height = _decode(folder / f["name"])
            assert n / FPS == pytest.approx(f["duration"], abs=1 / FPS), f["name"]
            assert n / FPS == pytest.approx(expected[entry["slug"]], abs=1 / FPS), f["name"]
            assert (width, height) == (f["width"], f["height"]) == (entry["width"], entry["height"]) == (160, 90)


@pytest.mark.slow
def test_mp4_streams_and_webm_is_vp9(exported):
    folder = exported["folder"]
    for entry in _entries(exported["manifest"]):
        mp4 = folder / entry["files"]["mp4"]["name"]
        boxes = _top_level_boxes(mp4)
        assert boxes.index("moov") < boxes.index("mdat"), f"{mp4.name}: index after the data, no faststart"
        with av.open(str(mp4)) as c:
            assert (c.streams.video[0].codec_context.name, c.streams.video[0].codec_context.pix_fmt) == \
                ("h264", "yuv420p")
        with av.open(str(folder / entry["files"]["webm"]["name"])) as c:
            assert c.format.name.startswith("matroska") and c.streams.video[0].codec_context.name == "vp9"


@pytest.mark.slow
def test_posters_show_the_clip_not_a_blank_frame(exported):
    folder = exported["folder"]
    for entry in _entries(exported["manifest"]):
        poster = Image.open(folder / entry["files"]["poster"]["name"]).convert("RGB")
        assert poster.size == (entry["width"], entry["height"])
        pixels = np.asarray(poster, dtype=int)
        background = np.array([0x11, 0x13, 0x18])
        drawn = (np.abs(pixels - background).sum(axis=2) > 60).mean()
        assert drawn > 0.02, f"{entry['slug']}: poster is {drawn:.1%} non-background"


@pytest.mark.slow
def test_srt_and_vtt_carry_the_same_cues_as_the_render(exported):
    folder, rendered = exported["folder"], _srt_cues(exported["source_captions"])
    one = exported["source_duration"]
    lecture = rendered + [(s + one, e + one, t) for s, e, t in rendered]
    expected = {"01-setup": rendered, "02-export": rendered, "lecture": lecture}
    for entry in _entries(exported["manifest"]):
        from_srt = _srt_cues(folder / entry["files"]["srt"]["name"])
        from_vtt = _parse_vtt((folder / entry["files"]["vtt"]["name"]).read_text())
        assert len(from_srt) == len(from_vtt) == entry["files"]["vtt"]["cues"] > 0
        for a, b, want in zip(from_srt, from_vtt, expected[entry["slug"]]):
            assert a[2] == b[2] == want[2]
            assert a[0] == pytest.approx(b[0], abs=1e-3) and a[0] == pytest.approx(want[0], abs=2e-3)
            assert a[1] == pytest.approx(b[1], abs=1e-3) and a[1] == pytest.approx(want[1], abs=2e-3)


@pytest.mark.slow
def test_gifs_loop_where_asked(exported):
    folder = exported["folder"]
    clips = {e["slug"]: e for e in exported["manifest"]["clips"]}
    by_attribute = clips["02-export"]["files"]["gif"]
    assert (by_attribute["start"], by_attribute["end"]) == GIF_SECONDS
    # Setup loops over the block it narrates with loop=True: the descent, the whole block.
    by_block = clips["01-setup"]["files"]["gif"]
    (descent,) = [b for b in exported["blocks"] if b.loop]
    assert "Gradient descent" in descent.text
    assert (by_block["start"], by_block["end"]) == (pytest.approx(descent.start, abs=1e-3),
                                                    pytest.approx(descent.end, abs=1e-3))
    for gif in (by_attribute, by_block):
        with Image.open(folder / gif["name"]) as im:
            assert im.info.get("loop") == 0, "GIF does not loop forever"
            total_ms = 0
            for i in range(im.n_frames):
                im.seek(i)
                total_ms += im.info["duration"]
            assert im.size == (gif["width"], gif["height"])
        assert total_ms / 1000 == pytest.approx(gif["end"] - gif["start"], abs=0.1)
        assert total_ms / 1000 == pytest.approx(gif["duration"], abs=0.1)


@pytest.mark.slow
def test_manifest_names_each_clip_and_its_preset(exported):
    manifest = exported["manifest"]
    assert [(e["order"], e["title"], e["scene"]) for e in manifest["clips"]] == \
        [(1, "The setup", "Setup"), (2, "The setup, again", "SetupAgain")]
    for entry in manifest["clips"]:
        assert entry["lesson"] == json.loads(json.dumps(asdict(LESSON)))
    one = exported["source_duration"]
    chapters = manifest["lecture"]["chapters"]
    assert [c["title"] for c in chapters] == ["The setup", "The setup, again"]
    assert [c["start"] for c in chapters] == pytest.approx([0.0, one], abs=1e-3)


@pytest.mark.slow
def test_export_again_writes_nothing(exported):
    folder = exported["folder"]
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.name not in ("index.html", "manifest.json")}
    lines: list[str] = []
    again = export_results(exported["results"], "low", media=exported["media"], report=lines.append)
    after = {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.name not in ("index.html", "manifest.json")}
    assert again == exported["manifest"]
    assert after == before
    assert sum("up to date" in line for line in lines) == 3


@pytest.mark.slow
def test_embed_snippets_point_at_files_that_exist(exported):
    folder = exported["folder"]
    page = (folder / "index.html").read_text()
    snippets = [html.unescape(s) for s in re.findall(r"<textarea[^>]*>(.*?)</textarea>", page, re.S)]
    assert len(snippets) == 2 + 1 + 2  # a clip each, the lecture, a loop per clip
    for snippet in snippets:
        refs = re.findall(r'(?:src|poster)="([^"]+)"', snippet)
        assert refs
        for ref in refs:
            assert "/" not in ref and (folder / ref).is_file(), ref
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", page), "the page must not reach the network"


# -- command line errors ------------------------------------------------------------------------
def _run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scenes", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=env)


def _snapshot(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


@pytest.mark.parametrize("args, valid", [
    (["--quality", "ultra"], list(QUALITIES)),
    (["--quality", "low", "--beat", "NoSuchBeat"], ["Setup"]),
])
def test_bad_names_fail_listing_valid_ones_and_write_nothing(tmp_path, args, valid):
    media = tmp_path / "media"
    media.mkdir()
    (media / "keep.txt").write_text("untouched")
    before = _snapshot(media)
    proc = _run_cli("export", *args, "--media", str(media))
    assert proc.returncode != 0
    assert all(name in proc.stderr for name in valid), proc.stderr
    assert _snapshot(media) == before
    missing = tmp_path / "never-created"
    proc = _run_cli("export", *args, "--media", str(missing))
    assert proc.returncode != 0 and not missing.exists()


@pytest.mark.slow
def test_export_command_renders_then_exports_one_beat(tmp_path, tiny_env):
    """``export --lecture`` takes the tiny fixture beats, as ``render`` does; a second export reuses the clip."""
    from scenes.pipeline.worker import OVERRIDES_ENV
    from tests.pipeline.test_build_faults import FIXTURE

    media = tmp_path / "media"
    args = ("export", "--quality", "low", "--lecture", f"{FIXTURE}:SCENES_IN_ORDER", "--beat", "Tiny",
            "--media", str(media))
    proc = _run_cli(*args, env=tiny_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    folder = media / "low" / "clips"
    manifest = json.loads((folder / "manifest.json").read_text())
    (entry,) = manifest["clips"]
    assert manifest["lecture"] is None and entry["scene"] == "Tiny"
    overrides = json.loads(tiny_env[OVERRIDES_ENV])
    width, height, fps = overrides["pixel_width"], overrides["pixel_height"], overrides["frame_rate"]
    n, w, h = _decode(folder / entry["files"]["mp4"]["name"])
    assert (w, h) == (width, height) == (entry["width"], entry["height"])
    assert n / fps == pytest.approx(entry["duration"], abs=1 / fps)
    assert (folder / "index.html").is_file()
    again = _run_cli(*args, env=tiny_env)
    assert again.returncode == 0 and "up to date" in again.stdout and "rendered in" not in again.stdout


# -- the page in a real Chromium -----------------------------------------------------------------
@pytest.fixture(scope="module")
def served(exported):
    """The clips folder over http://127.0.0.1 (Range-capable), for the test's length."""
    with serve(exported["folder"]) as address:
        yield address + "index.html"


def _open(browser, url: str):
    return open_page(browser, url)


VIDEOS_READY = "[...document.querySelectorAll('video')].every(v => v.readyState >= 1 && v.duration > 0)"
#: Every clip's captions are loaded; the lecture's chapters and (it asks checkpoints) its metadata track too.
TRACKS_READY = """[...document.querySelectorAll('video')].every(v =>
    v.textTracks.length === (v.id === 'video-lecture' ? 3 : 1)
    && [...v.textTracks].every(t => t.cues && t.cues.length > 0))"""
VIDEO_FACTS = """[...document.querySelectorAll('video')].map(v => ({
    clip: v.dataset.clip, duration: v.duration, src: v.currentSrc,
    cues: v.textTracks[0].cues.length, first: v.textTracks[0].cues[0].text,
    trackElements: v.querySelectorAll('track').length}))"""


def _check_page(page, exported, *, served: bool) -> None:
    page.wait_for_function(VIDEOS_READY, timeout=20_000)
    page.wait_for_function(TRACKS_READY, timeout=20_000)
    facts = page.evaluate(VIDEO_FACTS)
    entries = {e["slug"]: e for e in _entries(exported["manifest"])}
    assert sorted(f["clip"] for f in facts) == sorted(entries)
    first_cue = next(srt.parse(exported["source_captions"].read_text())).content
    for f in facts:
        entry = entries[f["clip"]]
        assert f["duration"] == pytest.approx(entry["duration"], abs=0.5)
        assert f["cues"] == entry["files"]["vtt"]["cues"]
        assert html.unescape(f["first"]) == first_cue
        # Served, the page loads the .vtt files (captions, and the lecture's chapters and checkpoints);
        # from disk it inlines them.
        assert f["trackElements"] == ((3 if f["clip"] == "lecture" else 1) if served else 0)


def _seek_by_chapter(page, exported) -> None:
    one = exported["source_duration"]
    page.click("nav.chapters li:nth-child(2) a")
    page.wait_for_function(
        f"(() => {{ const v = document.getElementById('video-lecture');"
        f" return !v.seeking && Math.abs(v.currentTime - {one}) < 1; }})()", timeout=10_000)
    page.evaluate("document.getElementById('video-lecture').pause()")
    at = page.evaluate("document.getElementById('video-lecture').currentTime")
    assert at == pytest.approx(one, abs=1)
    assert page.evaluate("location.hash") == f"#t={exported['manifest']['lecture']['chapters'][1]['start']:g}"
    page.click("nav.chapters li:nth-child(1) a")
    page.wait_for_function("(() => { const v = document.getElementById('video-lecture');"
                           " return !v.seeking && v.currentTime < 1; })()", timeout=10_000)
    page.evaluate("document.getElementById('video-lecture').pause()")
    # The chapters track holds every chapter, as the desktop players' chapter list does.
    titles = page.evaluate("[...[...document.getElementById('video-lecture').textTracks]"
                           ".find(t => t.kind === 'chapters').cues].map(c => c.text)")
    assert titles == [c["title"] for c in exported["manifest"]["lecture"]["chapters"]]


@pytest.mark.slow
@pytest.mark.browser
def test_gallery_from_disk(browser, exported):
    page, errors = _open(browser, (exported["folder"] / "index.html").as_uri())
    _check_page(page, exported, served=False)
    _seek_by_chapter(page, exported)
    page.click("#clip-01-setup button.copy")
    page.wait_for_function("document.querySelector('#clip-01-setup button.copy').textContent === 'Copied'")
    # Show the lecture's second chapter with its caption for the screenshot.
    page.evaluate("""(async () => { const v = document.getElementById('video-lecture');
        v.currentTime = %f; await new Promise(r => v.addEventListener('seeked', r, {once: true})); })()"""
                  % (exported["source_duration"] + 2))
    page.wait_for_timeout(1000)  # let the players' loading spinners settle
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / "gallery.png"), full_page=True)
    assert errors == []
    page.close()


@pytest.mark.slow
@pytest.mark.browser
def test_gallery_served_over_http(browser, exported, served):
    page, errors = _open(browser, served)
    _check_page(page, exported, served=True)
    states = page.evaluate("[...document.querySelectorAll('track')].map(t => t.readyState)")
    assert states and all(s == 2 for s in states), f"a .vtt did not load: {states}"  # 2 = LOADED
    _seek_by_chapter(page, exported)
    assert errors == []
    page.close()


@pytest.mark.slow
@pytest.mark.browser
def test_embed_snippet_plays_on_its_own(browser, exported, served):
    """Paste a clip's snippet into an empty page next to the files: it loads, with captions."""
    page, errors = _open(browser, served)
    snippet = page.input_value("#embed-01-setup")
    page.evaluate("html => { document.body.innerHTML = html; }", snippet)
    page.wait_for_function("(() => { const v = document.querySelector('video');"
                           " return v.readyState >= 1 && v.textTracks[0].cues && v.textTracks[0].cues.length > 0; })()",
                           timeout=10_000)
    assert page.evaluate("document.querySelector('track').readyState") == 2
    assert errors == []
    page.close()


@pytest.mark.slow
@pytest.mark.browser
def test_a_shared_chapter_link_starts_the_lecture_there(browser, exported, served):
    second = exported["manifest"]["lecture"]["chapters"][1]
    page, errors = _open(browser, served)
    page.wait_for_function(VIDEOS_READY, timeout=20_000)
    # The Link button of the second chapter copies an address that starts there.
    link = page.get_attribute("nav.chapters li:nth-child(2) button.link", "data-href")
    assert link == f"#t={second['start']:g}"
    page.close()
    page, errors = _open(browser, served + link)
    page.wait_for_function(f"Math.abs(document.getElementById('video-lecture').currentTime - {second['start']}) < 0.5",
                           timeout=15_000)
    # A clip's own link opens that clip.
    page_link = page.get_attribute("#clip-01-setup button.link", "data-href")
    page.evaluate(f"location.hash = {page_link.split('#', 1)[1]!r}")
    page.wait_for_function("document.getElementById('video-01-setup').readyState >= 1", timeout=15_000)
    assert page.evaluate("document.getElementById('clip-01-setup').getBoundingClientRect().top") < 200
    assert errors == []
    page.close()
