"""Chapters: the WebVTT track, chapters inside MP4 and WebM, links to a time.

The videos are made here with PyAV: three seconds of H.264 + AAC (MP4) and
VP9 + Opus (WebM), so nothing is rendered with Manim.
"""

from __future__ import annotations

import base64
import doctest
import re
import struct
from pathlib import Path

import av
import numpy as np
import pytest

from scenes.pipeline import chapters as chapters_module
from scenes.pipeline.chapters import (FRAGMENT_JS, chapter_link, chapters_vtt, gallery_link, read_chapters,
                                      with_chapters)

SECONDS, FPS, RATE = 3.0, 10, 48_000
CHAPTERS = [
    {"order": 1, "slug": "01-setup", "title": "The setup", "start": 0.0, "duration": 1.2},
    {"order": 2, "slug": "02-flatline", "title": "Flat <for> a while & then --> down", "start": 1.2, "duration": 0.8},
    {"order": 3, "slug": "03-sigma-prime", "title": "σ′ is small", "start": 2.0, "duration": 1.0},
]
CODECS = {"mp4": ("libx264", "aac", "fltp"), "webm": ("libvpx-vp9", "libopus", "flt")}


def make_clip(path: Path, seconds: float = SECONDS) -> Path:
    """A tiny 160×90 video with a sine tone: H.264 + AAC in .mp4, VP9 + Opus in .webm."""
    kind = path.suffix[1:]
    vcodec, acodec, sample_fmt = CODECS[kind]
    with av.open(str(path), "w", format=kind) as out:
        video = out.add_stream(vcodec, rate=FPS)
        video.width, video.height, video.pix_fmt = 160, 90, "yuv420p"
        audio = out.add_stream(acodec, rate=RATE)
        audio.layout = "mono"
        count = int(seconds * FPS)
        for i in range(count):
            pixels = np.full((90, 160, 3), (40, 60, 90), np.uint8)
            pixels[:, : 160 * (i + 1) // count] = (230, 90, 80)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts = i
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        step = audio.codec_context.frame_size or 960
        for start in range(0, int(seconds * RATE), step):
            t = np.arange(start, start + step) / RATE
            samples = (0.1 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None]
            frame = av.AudioFrame.from_ndarray(samples, format=sample_fmt, layout="mono")
            frame.sample_rate, frame.pts = RATE, start
            out.mux(audio.encode(frame))
        out.mux(audio.encode(None))
    return path


def _packets(path: Path) -> dict[str, list[tuple[int | None, bytes]]]:
    """Every video and audio packet's (pts, bytes), by stream type."""
    out: dict[str, list] = {"video": [], "audio": []}
    with av.open(str(path)) as c:
        for packet in c.demux([s for s in c.streams if s.type in out]):
            if packet.size:
                out[packet.stream.type].append(bytes(packet))
    return out


def _top_level_boxes(path: Path) -> list[str]:
    data, boxes, at = path.read_bytes(), [], 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        boxes.append(kind.decode("latin-1"))
        at += size if size >= 8 else len(data)
    return boxes


def parse_vtt(text: str) -> list[tuple[str, float, float, str]]:
    """(identifier, start, end, text) per cue; a strict little WebVTT reader."""
    blocks = text.strip("\n").split("\n\n")
    assert blocks[0].splitlines()[0] == "WEBVTT"
    stamp = r"(\d{2,}):(\d{2}):(\d{2})\.(\d{3})"

    def seconds(m: tuple[str, ...]) -> float:
        h, mi, s, ms = map(int, m)
        return h * 3600 + mi * 60 + s + ms / 1000

    cues = []
    for block in blocks[1:]:
        lines = block.split("\n")
        ident = "" if "-->" in lines[0] else lines.pop(0)
        m = re.fullmatch(f"{stamp} --> {stamp}", lines[0])
        assert m, f"bad timing line {lines[0]!r}"
        assert len(lines) == 2, f"a chapter cue is one line of text: {lines[1:]!r}"
        assert "-->" not in lines[1] and "<" not in lines[1]
        cues.append((ident, seconds(m.groups()[:4]), seconds(m.groups()[4:]), lines[1]))
    return cues


# -- the WebVTT chapters track -----------------------------------------------------------------
def test_vtt_has_one_cue_per_chapter_at_its_times_titles_escaped():
    cues = parse_vtt(chapters_vtt(list(reversed(CHAPTERS))))  # any order in, time order out
    assert [c[0] for c in cues] == [c["slug"] for c in CHAPTERS]
    assert [(c[1], c[2]) for c in cues] == [(c["start"], c["start"] + c["duration"]) for c in CHAPTERS]
    assert cues[0][3] == "The setup"
    assert cues[1][3] == "Flat &lt;for&gt; a while &amp; then → down"
    assert cues[2][3] == "σ′ is small"


def test_vtt_times_past_an_hour():
    (cue,) = parse_vtt(chapters_vtt([{"order": 1, "slug": "x", "title": "t", "start": 3723.456, "duration": 1}]))
    assert cue[1:3] == (3723.456, 3724.456)


@pytest.mark.browser
def test_chromium_reads_the_vtt_as_a_chapters_track(browser, tmp_path):
    video = make_clip(tmp_path / "lecture.mp4")
    track = "data:text/vtt;base64," + base64.b64encode(chapters_vtt(CHAPTERS).encode()).decode()
    (tmp_path / "page.html").write_text(
        f'<!doctype html><meta charset="utf-8"><video src="{video.name}" preload="auto">'
        f'<track kind="chapters" srclang="en" default src="{track}"></video>', encoding="utf-8")
    page = browser.new_page()
    page.goto((tmp_path / "page.html").as_uri())
    page.wait_for_function("document.querySelector('track').readyState === 2", timeout=10_000)
    cues = page.evaluate("[...document.querySelector('video').textTracks[0].cues]"
                         ".map(c => [c.startTime, c.endTime, c.getCueAsHTML().textContent])")
    assert page.evaluate("document.querySelector('video').textTracks[0].kind") == "chapters"
    # The cue text as the browser shows it: the escapes read back as the title's characters.
    assert cues == [[c["start"], c["start"] + c["duration"], shown]
                    for c, shown in zip(CHAPTERS, ["The setup", "Flat <for> a while & then → down", "σ′ is small"])]
    page.close()


# -- chapters inside the video file --------------------------------------------------------------
@pytest.mark.parametrize("kind", ["mp4", "webm"])
def test_chapters_read_back_from_the_container_and_every_packet_is_copied(tmp_path, kind):
    source = make_clip(tmp_path / f"source.{kind}")
    target = tmp_path / f"lecture.{kind}"
    facts = with_chapters(source, target, CHAPTERS)
    assert facts == {"chapters": 3, "streams": 2, "bytes": target.stat().st_size}
    got = read_chapters(target)
    assert [c["title"] for c in got] == [c["title"] for c in CHAPTERS]
    assert [c["start"] for c in got] == pytest.approx([c["start"] for c in CHAPTERS], abs=1e-3)
    assert [c["end"] for c in got] == pytest.approx([c["start"] + c["duration"] for c in CHAPTERS], abs=0.02)
    assert _packets(target) == _packets(source)
    with av.open(str(source)) as a, av.open(str(target)) as b:
        assert b.duration == pytest.approx(a.duration, abs=20_000)  # µs
        assert [(s.type, s.codec_context.name) for s in b.streams if s.type in ("video", "audio")] == \
               [(s.type, s.codec_context.name) for s in a.streams]
    if kind == "mp4":
        boxes = _top_level_boxes(target)
        assert boxes.index("moov") < boxes.index("mdat"), f"not streamable: {boxes}"
    assert not list(tmp_path.glob(".*.part*")), "a temporary file was left behind"


def test_chapters_can_be_added_in_place_and_replaced(tmp_path):
    video = make_clip(tmp_path / "lecture.mp4")
    with_chapters(video, video, CHAPTERS)
    with_chapters(video, video, CHAPTERS[:2])
    assert [c["title"] for c in read_chapters(video)] == [c["title"] for c in CHAPTERS[:2]]


def test_a_container_without_chapters_is_refused_and_nothing_written(tmp_path):
    video = make_clip(tmp_path / "lecture.mp4")
    with pytest.raises(ValueError, match="chapters are written into"):
        with_chapters(video, tmp_path / "lecture.gif", CHAPTERS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lecture.mp4"]


# -- links -----------------------------------------------------------------------------------
def test_links_to_a_time():
    assert chapter_link("lecture.mp4", 83.4) == "lecture.mp4#t=83.4"
    assert chapter_link("lecture.mp4#t=1", 0) == "lecture.mp4#t=0"
    assert chapter_link("01-setup.webm", 2.0, 7.25) == "01-setup.webm#t=2,7.25"
    assert gallery_link(83.4) == "index.html#t=83.4"
    assert gallery_link(5, clip="01-setup") == "index.html#clip=01-setup&t=5"
    assert gallery_link(1 / 3, page="clips/index.html") == "clips/index.html#t=0.333"


def test_docstring_examples():
    assert doctest.testmod(chapters_module).failed == 0


@pytest.mark.browser
def test_gallery_fragment_script_seeks_the_lecture_and_a_clip(browser, tmp_path):
    """FRAGMENT_JS on a page shaped like the gallery, opened at ``#t=`` and ``#clip=…&t=``."""
    with_chapters(make_clip(tmp_path / "source.mp4"), tmp_path / "lecture.mp4", CHAPTERS)
    make_clip(tmp_path / "01-setup.mp4")
    (tmp_path / "index.html").write_text(
        '<!doctype html><meta charset="utf-8"><body style="height:4000px">'
        '<section id="lecture"><video id="video-lecture" src="lecture.mp4" preload="metadata"></video></section>'
        '<div style="height:2500px"></div>'
        '<article id="clip-01-setup"><video id="video-01-setup" src="01-setup.mp4" preload="none"></video></article>'
        f"<script>{FRAGMENT_JS}</script>", encoding="utf-8")
    page = browser.new_page(viewport={"width": 800, "height": 600})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((tmp_path / "index.html").as_uri() + "#t=2.1")
    at = "(id, t) => { const v = document.getElementById(id); return !v.seeking && Math.abs(v.currentTime - t) < 0.15; }"
    page.wait_for_function(f"({at})('video-lecture', 2.1)", timeout=10_000)
    page.evaluate("location.hash = '#clip=01-setup&t=0.5'")
    page.wait_for_function(f"({at})('video-01-setup', 0.5)", timeout=10_000)
    assert page.evaluate("window.scrollY") > 2000  # the clip was scrolled into view
    assert errors == []
    page.close()
