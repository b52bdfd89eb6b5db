"""The build end to end on tiny beats: the lecture is the beats, in order, captions in step."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import av
import pytest

from scenes.pipeline.build import ROOT
from scenes.pipeline.media import probe, read_srt
from tests.pipeline.test_build_faults import FIXTURE, frame_hashes

pytestmark = pytest.mark.slow


def render(media: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "scenes", "render", "--lecture", f"{FIXTURE}:SCENES_IN_ORDER",
           "--media", str(media), *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_the_lecture_plays_the_beats_in_order_with_captions_in_step(tmp_path, tiny_env):
    media = tmp_path / "media"
    # A beat of an earlier order of the lecture (its stamp records it), which the build must clear away,
    # and a file of the user's beside it, which it must leave alone.
    (media / "low" / "beats").mkdir(parents=True)
    orphan = media / "low" / "beats" / "07-old-beat.mp4"
    orphan.write_bytes(b"stale")
    stamp = orphan.with_suffix(".json")
    stamp.write_text(json.dumps({"key": "old", "files": {orphan.name: {"bytes": 5, "sha256": "0" * 64}}}))
    mine = media / "low" / "beats" / "08-my-intro.mp4"
    mine.write_bytes(b"the user's")

    out = render(media, env=tiny_env)
    assert out.returncode == 0, out.stderr
    low = media / "low"
    beats = sorted((low / "beats").glob("0[12]-*.mp4"))
    assert [b.name[:3] for b in beats] == ["01-", "02-"], "the two beats are there"
    assert not orphan.exists() and not stamp.exists(), "the orphan its stamp recorded is gone"
    assert mine.read_bytes() == b"the user's"
    assert "[2/2]" in out.stdout and "lecture.mp4" in out.stdout and "2 chapters" in out.stdout

    lecture = low / "lecture.mp4"
    # Frames: the lecture's are the beats' one after the other, exactly.
    assert frame_hashes(lecture) == frame_hashes(beats[0]) + frame_hashes(beats[1])
    first = probe(beats[0]).duration
    assert probe(lecture).duration == pytest.approx(first + probe(beats[1]).duration, abs=0.25)

    # Captions: the second beat's cues are shifted by the first beat's length.
    cues = read_srt(low / "lecture.srt")
    own = [read_srt(b.with_suffix(".srt")) for b in beats]
    assert [c.content for c in cues] == [c.content for part in own for c in part] == ["A circle.", "A square."]
    assert cues[1].start.total_seconds() == pytest.approx(first + own[1][0].start.total_seconds(), abs=1e-3)

    chapters = json.loads((low / "lecture.json").read_text())["chapters"]
    assert [c["title"] for c in chapters] == ["Tiny", "Other"]
    assert chapters[1]["start"] == pytest.approx(first, abs=1e-3)
    # The lecture itself carries them, as the exported copy does (what a player's chapter menu shows).
    with av.open(str(lecture)) as container:
        inside = container.chapters()
    assert [c["metadata"]["title"] for c in inside] == ["Tiny", "Other"]
    assert float(inside[1]["start"] * inside[1]["time_base"]) == pytest.approx(first, abs=1e-3)

    first_run = json.loads((low / "last-run.json").read_text())  # what the benchmark reads
    assert set(first_run["beats"].values()) == {"not rendered before"} and len(first_run["beats"]) == 2
    again = render(media, env=tiny_env)
    assert again.returncode == 0 and again.stdout.count("up to date") == 2
    assert set(json.loads((low / "last-run.json").read_text())["beats"].values()) == {"up to date"}


def test_bad_quality_or_beat_writes_nothing(tmp_path, tiny_env):
    media = tmp_path / "media"
    bad_quality = render(media, "--quality", "ultra", env=tiny_env)
    assert bad_quality.returncode == 2
    assert "invalid choice: 'ultra' (choose from 'low', 'medium', 'high', '4k')" in bad_quality.stderr
    bad_beat = render(media, "--beat", "Nope", env=tiny_env)
    assert bad_beat.returncode == 2
    assert "unknown beat 'Nope'; valid beats: Tiny" in bad_beat.stderr and "Other" in bad_beat.stderr
    assert not media.exists()


@pytest.mark.parametrize("args,bad", [(["render", "--jobs", "0"], "'0'"), (["export", "-j", "two"], "'two'"),
                                      (["bench", "--repeat", "-1"], "'-1'")])
def test_counts_must_be_positive(args, bad, tmp_path):
    out = subprocess.run([sys.executable, "-m", "scenes", *args, *(["--media", str(tmp_path / "m")]
                          if args[0] != "bench" else ["--work", str(tmp_path / "m")])],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert f"must be a whole number ≥ 1, got {bad}" in out.stderr
    assert not (tmp_path / "m").exists()


def test_an_invalid_preset_is_named_and_nothing_is_written(tmp_path):
    lecture = tmp_path / "my_lecture.py"
    lecture.write_text(
        "from dataclasses import replace\n"
        "from neuron.presets import LESSON\n"
        "from scenes.s01_setup import Setup\n"
        "class Faster(Setup):\n"
        "    lesson = replace(LESSON, eta=-0.1)\n"
        "SCENES_IN_ORDER = [Faster]\n")
    media = tmp_path / "media"
    out = subprocess.run([sys.executable, "-m", "scenes", "render", "--lecture", str(lecture), "--media", str(media)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "invalid preset: eta must be a finite number > 0, got -0.1" in out.stderr
    assert "Traceback" not in out.stderr
    assert not media.exists()
