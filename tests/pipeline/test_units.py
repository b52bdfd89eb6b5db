"""A beat built from units, and an edit that re-renders only the units it touches.

The fixture is a lecture file of one beat written into the test's folder
(three narrated blocks, flite's voice, 160×90 at 5 fps), like
:class:`tests.pipeline.fixture_beats.Units`: a dot moved by a time-based
updater, plays of no whole number of frames, static and live waits. The
scene counts its own runs (each worker appends its animation range to a
file), so what rendered is counted outside the build.

1. Rendered once (whole), then again with ``--force --unit-seconds 1``: three
   units, one per block, in parallel. The joined beat decodes to the same
   frames as the whole render, its sound is the same sample for sample, its
   captions and sections the same.
2. The second block's words are edited: only that block's unit renders (after
   a dry pass that checks the others still start from the same picture); the
   result equals a whole render of the edited file in a fresh folder.
3. The first block's words are edited: the dot runs longer, so the second
   block starts from another picture: every unit after it renders too.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from scenes.pipeline.audio import decode_audio
from scenes.pipeline.media import read_srt
from scenes.pipeline.worker import OVERRIDES_ENV

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("flite") is None, reason="flite not installed")]

SOURCE = '''
import os

from manim import RIGHT, UP, Circle, Create, Dot, FadeIn, Square

from scenes.base import LectureScene


def _count() -> None:
    with open(os.environ["UNITS_COUNTER"], "a") as f:
        f.write((os.environ.get("LECTURE_RANGE") or "whole") + "\\n")


class Edited(LectureScene):
    title = "Edited"

    def construct(self) -> None:
        _count()
        square = Square()
        dot = Dot().to_edge(UP)
        with self.narrate("FIRST"):
            self.play(FadeIn(square), run_time=1.1)
            dot.add_updater(lambda m, dt: m.shift(RIGHT * dt * 0.3))
            self.add(dot)
            self.wait(0.7)
        with self.narrate("SECOND"):
            self.play(square.animate.rotate(0.5), run_time=0.9)
            dot.clear_updaters()
            self.wait(0.5)
        with self.narrate("THIRD"):
            self.play(Create(Circle()), run_time=0.7)


SCENES_IN_ORDER = [Edited]
'''

WORDS = {"FIRST": "A square.", "SECOND": "It turns.", "THIRD": "A circle."}


def write_lecture(path: Path, **words: str) -> None:
    text = SOURCE
    for slot, default in WORDS.items():
        text = text.replace(f'"{slot}"', json.dumps(words.get(slot.lower(), default)))
    path.write_text(text)


def render(lecture: Path, media: Path, env: dict, *args: str) -> list[str]:
    """Render the lecture file; return the animation ranges its workers ran (counted by the scene)."""
    counter = Path(env["UNITS_COUNTER"])
    counter.write_text("")
    cmd = [sys.executable, "-m", "scenes", "render", "--lecture", f"{lecture}:SCENES_IN_ORDER", "--media",
           str(media), "--jobs", "2", *args]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return counter.read_text().split()


def frames(path: Path) -> list[str]:
    with av.open(str(path)) as container:
        return [hashlib.sha256(f.to_ndarray(format="rgb24").tobytes()).hexdigest()
                for f in container.decode(video=0)]


def beat(media: Path) -> Path:
    (video,) = (media / "low" / "beats").glob("*.mp4")
    return video


def stamp(media: Path) -> dict:
    return json.loads(beat(media).with_suffix(".json").read_text())


def assert_same_beat(got: Path, want: Path) -> None:
    """Same frames, same sound (sample for sample), same captions (to the millisecond), same sections."""
    a, b = frames(got), frames(want)
    assert len(a) == len(b)
    assert [i for i, (x, y) in enumerate(zip(a, b)) if x != y] == []
    s, t = decode_audio(got), decode_audio(want)
    assert len(s) == len(t) and np.abs(t).max() > 0.01
    assert np.array_equal(s, t)
    c, d = read_srt(got.with_suffix(".srt")), read_srt(want.with_suffix(".srt"))
    assert [x.content for x in c] == [y.content for y in d] and len(c) == 3
    for x, y in zip(c, d):
        assert abs((x.start - y.start).total_seconds()) <= 1e-3 and abs((x.end - y.end).total_seconds()) <= 1e-3
    sections = lambda media: [(s["id"], round(s["start"], 3), round(s["duration"], 3), frames(  # noqa: E731
        media / "low" / "beats" / s["file"])) for s in stamp(media)["sections"]]
    assert sections(got.parents[2]) == sections(want.parents[2])


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("units-env")
    env = {k: v for k, v in os.environ.items() if k != "LECTURE_VOICE"}  # flite, the default voice
    return env | {OVERRIDES_ENV: json.dumps({"pixel_width": 160, "pixel_height": 90, "frame_rate": 5}),
                  "LECTURE_VOICE_CACHE": str(tmp / "voice"), "UNITS_COUNTER": str(tmp / "ranges.txt")}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, env: dict) -> tuple[Path, Path, Path, list[str]]:
    """The lecture rendered whole (``whole``), then as units (``units``); the ranges the units ran."""
    tmp = tmp_path_factory.mktemp("units")
    lecture = tmp / "edited_lecture.py"
    write_lecture(lecture)
    assert render(lecture, tmp / "whole", env) == ["whole"]  # never rendered: no cut known yet
    shutil.copytree(tmp / "whole", tmp / "units")
    ranges = render(lecture, tmp / "units", env, "--force", "--unit-seconds", "1")
    return lecture, tmp / "whole", tmp / "units", ranges


def test_a_beat_joined_from_units_is_the_beat_rendered_whole(built) -> None:
    lecture, whole, units, ranges = built
    assert sorted(ranges) == ["0,1", "2,3", f"4,{10**9}"]  # one unit per block, cut where each starts
    listed = stamp(units)["worker"]["units"]
    assert [u["sections"] for u in listed] == [["Edited-01"], ["Edited-02"], ["Edited-03"]]
    assert all(u["rendered"] for u in listed)
    assert_same_beat(beat(units), beat(whole))


def test_editing_one_block_renders_only_its_unit(built, env: dict, tmp_path: Path) -> None:
    lecture, _, units, _ = built
    media = tmp_path / "media"
    shutil.copytree(units, media)
    write_lecture(lecture, second="It turns a little, slowly, while the dot stays.")
    ranges = render(lecture, media, env, "--unit-seconds", "1")
    # The dry pass, then the edited block's unit alone: its longer words add a wait (play 4), so the
    # reused third unit now starts at play 5.
    assert ranges == [f"{10**9},{10**9}", "2,4"]
    assert [u["rendered"] for u in stamp(media)["worker"]["units"]] == [False, True, False]
    fresh = tmp_path / "fresh"
    assert render(lecture, fresh, env) == ["whole"]
    assert_same_beat(beat(media), beat(fresh))
    assert render(lecture, media, env, "--unit-seconds", "1") == []  # and now it is up to date


def test_a_block_that_changes_what_later_blocks_start_from_renders_them_too(built, env: dict,
                                                                               tmp_path: Path) -> None:
    lecture, _, units, _ = built
    media = tmp_path / "media"
    shutil.copytree(units, media)
    # Longer words: the first block waits longer, and the dot (moving with time) ends elsewhere.
    write_lecture(lecture, first="A square, and a dot that drifts to the right for as long as this lasts.")
    ranges = render(lecture, media, env, "--unit-seconds", "1")
    # (and waits once more: every later block starts one play later)
    assert ranges[0] == f"{10**9},{10**9}" and sorted(ranges[1:]) == ["0,2", "3,4", f"5,{10**9}"]
    fresh = tmp_path / "fresh"
    render(lecture, fresh, env)
    assert_same_beat(beat(media), beat(fresh))


def test_a_cut_that_no_longer_falls_on_its_blocks_renders_the_beat_whole(built, env: dict, tmp_path: Path) -> None:
    lecture, _, units, _ = built
    media = tmp_path / "media"
    shutil.copytree(units, media)
    write_lecture(lecture)
    # A pause before the first block: the code changed (no unit is reused), and every block now
    # starts one play later than where the last render cut the beat.
    lecture.write_text(lecture.read_text().replace("        with self.narrate(",
                                                   "        self.wait(0.4)\n        with self.narrate(", 1))
    ranges = render(lecture, media, env, "--unit-seconds", "1")
    assert sorted(ranges) == sorted(["0,1", "2,3", f"4,{10**9}", "whole"])  # the stale cut, then whole
    assert len(stamp(media)["worker"]["units"]) == 1
    fresh = tmp_path / "fresh"
    render(lecture, fresh, env)
    assert_same_beat(beat(media), beat(fresh))
