"""Every output verified before reuse: a damaged file is named, rebuilt, and the run exits 0.

One tiny lecture (``fixture_beats.py``: Tiny and Other, 160×90 at 5 fps) is
rendered once, into a folder whose name has both quotes and a non-ASCII
letter; each test damages a copy of it and runs the command again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scenes.pipeline.build import ROOT
from scenes.pipeline.worker import OVERRIDES_ENV
from tests.pipeline.test_build_faults import FIXTURE, TINY, file_hash, frame_hashes

pytestmark = pytest.mark.slow

ENV = {**os.environ, OVERRIDES_ENV: TINY}


def render(media: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "scenes", "render", "--lecture", f"{FIXTURE}:SCENES_IN_ORDER",
           "--media", str(media), *args]
    return subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The tiny lecture rendered into ``it's a "test" ü``; its ``media`` folder."""
    media = tmp_path_factory.mktemp("repair") / "it's a \"test\" ü"
    done = render(media)
    assert done.returncode == 0, done.stderr
    return media


@pytest.fixture
def media(published: Path, tmp_path: Path) -> Path:
    """A copy of the published lecture, this test's to damage."""
    copy = tmp_path / "it's a \"test\" ü"
    shutil.copytree(published, copy)
    return copy


def hashes(media: Path) -> dict[str, str]:
    """sha256 of every published video, captions and chapter list (not the stamps' timings)."""
    low = media / "low"
    return {p.relative_to(low).as_posix(): file_hash(p)
            for p in [*low.glob("beats/*.mp4"), *low.glob("beats/*.srt"), *low.glob("lecture.*")]}


def truncate(path: Path, size: int) -> None:
    with open(path, "r+b") as f:
        f.truncate(size)


def corrupt(path: Path) -> None:
    """Flip bytes in the middle: same size, other content."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 8] = bytes(b ^ 0xFF for b in data[middle:middle + 8])
    path.write_bytes(bytes(data))


def test_a_folder_with_quotes_in_its_name_renders_and_joins(published: Path) -> None:
    low = published / "low"
    beats = sorted((low / "beats").glob("*.mp4"))
    assert [b.name for b in beats] == ["01-beats.mp4", "02-beats.mp4"]
    assert frame_hashes(low / "lecture.mp4") == frame_hashes(beats[0]) + frame_hashes(beats[1])
    assert "A square." in (low / "lecture.srt").read_text()


def test_damaged_beat_files_are_named_and_rendered_again(media: Path) -> None:
    good = hashes(media)
    beats = media / "low" / "beats"
    video, captions = beats / "01-beats.mp4", beats / "02-beats.srt"
    size = video.stat().st_size

    truncate(video, 1000)
    one = render(media, "--beat", "Tiny")  # the issue's `--beat sigma-prime`, which exited 0 on a broken file
    assert one.returncode == 0, one.stderr
    assert f"damaged: {video} (size 1000, expected {size}): re-rendering" in one.stdout
    assert "01-beats" in one.stdout and "rendered in" in one.stdout
    assert file_hash(video) == good["beats/01-beats.mp4"]  # the same frames, bit for bit

    captions_size = captions.stat().st_size
    truncate(captions, 0)
    corrupt(beats / "01-beats.mp4")
    both = render(media)
    assert both.returncode == 0, both.stderr
    assert f"damaged: {captions} (empty, expected {captions_size} bytes): re-rendering" in both.stdout
    assert f"damaged: {video} (contents changed (sha256 differs)): re-rendering" in both.stdout
    assert hashes(media) == good
    assert render(media).stdout.count("up to date") == 2


def test_a_damaged_stamp_renders_its_beat_again(media: Path) -> None:
    good = hashes(media)
    stamp = media / "low" / "beats" / "02-beats.json"
    stamp.write_text('{"key": "abc", "files": ')
    again = render(media)
    assert again.returncode == 0, again.stderr
    assert f"damaged: {stamp} (not a valid stamp): re-rendering" in again.stdout
    assert "01-beats" in again.stdout and again.stdout.count("up to date") == 1
    assert json.loads(stamp.read_text())["files"]["02-beats.mp4"]["bytes"] > 0
    assert hashes(media) == good


@pytest.mark.parametrize("damage", ["truncate", "corrupt", "empty"])
def test_a_damaged_lecture_is_joined_again_from_its_parts(media: Path, damage: str) -> None:
    good = hashes(media)
    low = media / "low"
    video, captions = low / "lecture.mp4", low / "lecture.srt"
    if damage == "truncate":
        truncate(video, video.stat().st_size // 2)
        truncate(captions, 10)
    elif damage == "corrupt":
        corrupt(video)
        corrupt(captions)
    else:
        truncate(video, 0)
        (low / "lecture.json").write_text("")
    again = render(media)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("up to date") == 2  # the beats are sound: only the join is redone
    damaged = [line for line in again.stdout.splitlines() if line.startswith("damaged: ")]
    assert damaged and all(line.endswith(": joining the lecture again") for line in damaged)
    assert any(str(video) in line for line in damaged) or damage == "empty"
    assert "Traceback" not in again.stderr
    assert hashes(media) == good
