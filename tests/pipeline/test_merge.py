"""The workflow's fan-out, played locally: each beat rendered in its own clean clone, merged, joined.

Every clone is a fresh copy of this checkout (its tracked and new files, no
media, no caches) with its own media folder and voice cache, as each CI job
gets. The beats speak (flite), so the voice cache travels with the parts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scenes.files import decode_audio
from scenes.pipeline.build import ROOT
from tests.pipeline.test_build_faults import file_hash, frame_hashes

pytestmark = pytest.mark.slow

LECTURE = "tests/pipeline/fixture_beats.py:SCENES_IN_ORDER"


def clone(dest: Path) -> Path:
    """A clean copy of this checkout's files (what ``git ls-files`` lists, with new files), nothing else."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def scenes(checkout: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    """``python -m scenes ...`` run from ``checkout`` (its own code, its own ./media)."""
    return subprocess.run([sys.executable, "-m", "scenes", *args], cwd=checkout, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def env(tiny_env) -> dict:
    """Tiny renders with the default voice; each clone keeps its voice cache in its own media folder."""
    env = {k: v for k, v in tiny_env.items() if k != "LECTURE_VOICE_CACHE"}
    env["LECTURE_VOICE"] = "flite:rms"
    return env


def published(media: Path) -> dict[str, str]:
    return {p.relative_to(media).as_posix(): file_hash(p) for p in sorted(media.rglob("*"))
            if p.is_file() and ".staging" not in p.parts and ".lock" != p.name}


def test_beats_rendered_apart_merge_into_the_one_machine_lecture(tmp_path, env):
    """With a lesson file, as the workflow's dispatch: its media folder is media/big-eta/low."""
    lesson = ("--lesson", "big-eta.toml")
    # One job per beat, each in its own clean clone and media folder.
    parts = []
    for beat in ("Tiny", "Other"):
        worker = clone(tmp_path / f"job-{beat}")
        done = scenes(worker, "render", "--lecture", LECTURE, "--beat", beat, *lesson, env=env)
        assert done.returncode == 0, done.stderr
        assert "lecture not assembled" in done.stdout
        parts.append(worker / "media")
    assert any((parts[0] / "voice").glob("*.wav")), "the voice cache is part of what a job uploads"

    # The join job: merge, then the usual render, which verifies every stamp and renders nothing.
    join = clone(tmp_path / "join")
    merged = scenes(join, "merge", *map(str, parts), "--lecture", LECTURE, *lesson, env=env)
    assert merged.returncode == 0, merged.stderr
    assert merged.stdout.count("merged 0") == 2 and "Merged 2 beat(s) from 2 part(s)" in merged.stdout
    summary = tmp_path / "summary.md"
    joined = scenes(join, "render", "--lecture", LECTURE, "--summary", str(summary), *lesson, env=env)
    assert joined.returncode == 0, joined.stderr
    assert joined.stdout.count("up to date") == 2 and "rendered in" not in joined.stdout, joined.stdout
    assert "0 of 2 beat(s) rendered, 2 up to date" in summary.read_text()

    # The same lecture built on one machine: identical frames and sound.
    alone = clone(tmp_path / "one-machine")
    built = scenes(alone, "render", "--lecture", LECTURE, *lesson, env=env)
    assert built.returncode == 0, built.stderr
    ours, theirs = (c / "media" / "big-eta" / "low" / "lecture.mp4" for c in (join, alone))
    assert frame_hashes(ours) == frame_hashes(theirs)
    sound = decode_audio(ours)
    assert np.abs(sound).max() > 0.05, "the lecture speaks"
    assert np.array_equal(sound, decode_audio(theirs))

    # A job whose checkout differs (an edited beat) is refused by name, and nothing of it is merged.
    edited = clone(tmp_path / "job-edited")
    fixture = edited / "tests" / "pipeline" / "fixture_beats.py"
    fixture.write_text(fixture.read_text() + "\n# an edit made on another machine\n")
    done = scenes(edited, "render", "--lecture", LECTURE, "--beat", "Other", *lesson, env=env)
    assert done.returncode == 0, done.stderr
    before = published(join / "media")
    refused = scenes(join, "merge", str(parts[0]), str(edited / "media"), "--lecture", LECTURE, *lesson, env=env)
    assert refused.returncode == 2
    assert (f"{edited / 'media'}: 02-beats (Other): tests/pipeline/fixture_beats.py differs from this checkout"
            in refused.stderr), refused.stderr
    assert "nothing merged" in refused.stderr and "Traceback" not in refused.stderr
    assert published(join / "media") == before


def test_a_damaged_part_or_a_missing_beat_is_refused(tmp_path, env):
    worker = clone(tmp_path / "job")
    assert scenes(worker, "render", "--lecture", LECTURE, "--beat", "Tiny", env=env).returncode == 0
    join = clone(tmp_path / "join")
    missing = scenes(join, "merge", str(worker / "media"), "--lecture", LECTURE, env=env)
    assert missing.returncode == 2 and "no part holds 02-beats" in missing.stderr, missing.stderr
    video = worker / "media" / "low" / "beats" / "01-beats.mp4"
    video.write_bytes(video.read_bytes()[:-100])
    damaged = scenes(join, "merge", str(worker / "media"), "--beat", "Tiny", "--lecture", LECTURE, env=env)
    assert damaged.returncode == 2
    assert "01-beats (Tiny): damaged: " in damaged.stderr and "01-beats.mp4" in damaged.stderr, damaged.stderr
    assert not (join / "media" / "low" / "beats").exists() or not any((join / "media" / "low" / "beats").iterdir())
    not_a_folder = scenes(join, "merge", str(tmp_path / "nowhere"), "--lecture", LECTURE, env=env)
    assert not_a_folder.returncode == 2 and "nowhere': not a folder" in not_a_folder.stderr
    assert os.path.isdir(join)
