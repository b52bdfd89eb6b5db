"""Real renders: a beat becomes a playable MP4 with its captions beside it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import av
import numpy as np
import pytest
import srt

from scenes.pipeline.media import concat_srt, concat_videos, probe, read_srt, srt_to_vtt
from scenes.s01_setup import Setup
from scenes.s10_outro import Outro


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Render the Outro for real at 160×90, 5 fps; return (scene, mp4, srt)."""
    from manim import tempconfig

    from tests.conftest import TEX_DIR, TINY

    media = tmp_path_factory.mktemp("media")
    with tempconfig({**TINY, "media_dir": str(media), "tex_dir": str(TEX_DIR), "write_to_movie": True}):
        scene = Outro()
        scene.render()
        video = Path(scene.renderer.file_writer.movie_file_path)
        frame = scene.renderer.get_frame().copy()
    return scene, video, video.with_suffix(".srt"), frame


@pytest.mark.slow
def test_a_beat_renders_to_mp4_with_captions(rendered):
    scene, video, captions, last_frame = rendered
    info = probe(video)
    assert (info.width, info.height, info.codec) == (160, 90, "h264")
    assert info.duration == pytest.approx(scene.time, abs=0.25)
    cues = read_srt(captions)
    assert len(cues) == len(scene.renderer.file_writer.subcaptions) > 0
    assert cues[-1].end.total_seconds() <= info.duration + 0.25
    # The last frame shows something: not a blank background.
    assert last_frame[..., :3].std() > 5


@pytest.mark.slow
def test_beats_join_without_reencoding_and_captions_shift(rendered, tmp_path):
    _, video, captions, _ = rendered
    joined = tmp_path / "joined.mp4"
    concat_videos([video, video], joined)
    one, two = probe(video), probe(joined)
    assert two.duration == pytest.approx(2 * one.duration, abs=2 / one.fps)
    with av.open(str(video)) as a, av.open(str(joined)) as b:
        pa = [bytes(p) for p in a.demux(video=0) if p.size]
        pb = [bytes(p) for p in b.demux(video=0) if p.size]
    assert pb == pa + pa, "packets copied as they are, not re-encoded"
    cues = read_srt(captions)
    both = concat_srt([(cues, 0.0), (cues, one.duration)])
    assert len(both) == 2 * len(cues)
    assert both[len(cues)].start == cues[0].start + timedelta(seconds=one.duration)


def test_vtt_carries_the_same_cues():
    cues = [srt.Subtitle(1, timedelta(seconds=0), timedelta(seconds=1.5), "one"),
            srt.Subtitle(2, timedelta(seconds=61.25), timedelta(hours=1, seconds=2), "two")]
    vtt = srt_to_vtt(cues)
    assert vtt.startswith("WEBVTT\n")
    assert "00:00:00.000 --> 00:00:01.500\none" in vtt
    assert "00:01:01.250 --> 01:00:02.000\ntwo" in vtt


def test_setup_last_frame_is_not_blank(run_scene):
    scene = run_scene(Setup, dry_run=False)
    frame = scene.renderer.get_frame()
    assert frame.shape[:2] == (90, 160)
    background = np.array([0x11, 0x13, 0x18])
    differs = np.any(np.abs(frame[..., :3].astype(int) - background) > 30, axis=-1)
    assert differs.mean() > 0.02, "curve, diagram and readouts are drawn"
