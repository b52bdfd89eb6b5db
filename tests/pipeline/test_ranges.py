"""A beat rendered as units equals the beat rendered whole (:mod:`scenes.pipeline.ranges`).

The fixture beat :class:`~tests.pipeline.fixture_beats.Units` is rendered by
the real worker, once whole and once as three units (animation ranges, one
worker each); the units' pictures are joined without re-encoding. The
joined picture must decode to the same frames, and the sounds the units
recorded (flite's voice for each block, started in whichever unit) must be
the whole render's, so the laid soundtrack is the same sample for sample.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import av
import numpy as np
import pytest

from scenes.pipeline.audio import RATE, decode_audio, lay_sounds
from scenes.pipeline.build import lay_soundtrack
from scenes.pipeline.media import concat_videos
from scenes.pipeline.ranges import RANGE_ENV

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).with_name("fixture_beats.py")

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("flite") is None, reason="flite not installed")]


def _work(media: Path, env: dict, unit: tuple[int, int] | None = None) -> dict:
    """Render :class:`Units` (or one unit of it) with the real worker; return its facts."""
    env = {**env, RANGE_ENV: f"{unit[0]},{unit[1]}" if unit else ""}
    cmd = [sys.executable, "-m", "scenes.pipeline.worker", str(FIXTURE), "Units", "low", str(media),
           str(ROOT / "media" / ".tex" / "tests")]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1].removeprefix("WORKER "))


def _frames(path: Path) -> list[str]:
    with av.open(str(path)) as container:
        return [hashlib.sha256(f.to_ndarray(format="rgb24").tobytes()).hexdigest()
                for f in container.decode(video=0)]


def _sounds(facts: dict) -> list[tuple[str, float, float | None]]:
    return [(s["path"], s["start"], s["gain"]) for s in facts["sounds"]]


def _lag(got: np.ndarray, want: np.ndarray) -> int:
    """Samples by which ``got`` trails ``want`` (cross-correlation peak)."""
    n = min(len(got), len(want))
    size = 2 * n
    corr = np.fft.irfft(np.fft.rfft(got[:n], size) * np.conj(np.fft.rfft(want[:n], size)), size)
    peak = int(np.argmax(corr))
    return peak if peak < n else peak - size


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, list[dict], Path]:
    """The beat whole, then as three units rendered two at a time; and a scratch folder."""
    import os

    from scenes.pipeline.worker import OVERRIDES_ENV

    tmp = tmp_path_factory.mktemp("units")
    env = {k: v for k, v in os.environ.items() if k != "LECTURE_VOICE"}  # flite, the default voice
    env |= {OVERRIDES_ENV: json.dumps({"pixel_width": 160, "pixel_height": 90, "frame_rate": 5}),
            "LECTURE_VOICE_CACHE": str(tmp / "voice")}
    whole = _work(tmp / "whole", env)
    plays = whole["plays"]
    # Cut after the first play (1.1 s: 6 frames), and inside the second block (after the live wait).
    ranges = [(0, 0), (1, plays - 3), (plays - 2, plays - 1)]
    with ThreadPoolExecutor(2) as pool:
        units = list(pool.map(lambda i: _work(tmp / f"unit{i}", env, ranges[i]), range(len(ranges))))
    return whole, units, tmp


def test_units_join_into_the_whole_beat_frame_for_frame(renders) -> None:
    whole, units, tmp = renders
    assert whole["plays"] >= 6 and [u["range"] for u in units][1][0] == 1
    joined = tmp / "joined.mp4"
    concat_videos([u["video"] for u in units], joined)
    expected, got = _frames(Path(whole["video"])), _frames(joined)
    assert len(got) == len(expected)
    different = [i for i, (a, b) in enumerate(zip(expected, got)) if a != b]
    assert not different, f"frames {different} differ from the whole render"
    assert units[-1]["video_seconds"] == whole["video_seconds"]


def test_units_record_every_sound_at_the_whole_beats_times(renders) -> None:
    whole, units, tmp = renders
    sounds = _sounds(whole)
    assert len(sounds) == 3  # one voice per block
    for unit in units:  # each unit records every sound up to its end, skipped or not
        assert _sounds(unit) == sounds[: len(_sounds(unit))]
    assert _sounds(units[-1]) == sounds
    assert units[-1]["section_starts"] == whole["section_starts"]
    assert [s["play"] for s in whole["section_starts"]] == [0, 2, 4]  # each block: a play and a wait
    # The units' pictures joined with the sound laid from their records sound exactly like the
    # whole beat as the build publishes it (its sound laid from its own records).
    whole_video = tmp / "whole-sound.mp4"
    shutil.copyfile(whole["video"], whole_video)
    lay_soundtrack(whole_video, whole)
    unit_sounds = list(dict.fromkeys(s for u in units for s in _sounds(u)))
    concat_videos([u["video"] for u in units], tmp / "units-sound.mp4", audio=lay_sounds(unit_sounds))
    a, b = decode_audio(whole_video), decode_audio(tmp / "units-sound.mp4")
    assert len(a) == len(b) and np.abs(a).max() > 0.01
    assert np.array_equal(a, b)
    # ... and the laid sound is the voice where the records put it: each block's voice starts at its time.
    for path, start, _ in sounds:
        voice = decode_audio(path)
        at = int(round(start * RATE))
        lag = _lag(a[at:at + len(voice)], voice)
        assert abs(lag) <= RATE // 1000, (path, start, lag)  # within a millisecond
