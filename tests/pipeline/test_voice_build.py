"""The lecture speaks, with each way of giving it a voice, in step with its picture.

The fixture lecture (two tiny beats, three narrated blocks) is rendered
through the real CLI with the default engine (flite), ``--voice none``, a
``--voice-cmd`` template and a folder of recordings made here, one file per
block, from another flite voice. For each: every beat has sound at the
loudness target (EBU R128, measured with FFmpeg's ebur128 filter), the
joined lecture's sound at every chapter boundary is the beats' own sound,
to within a video frame, with nothing added at the join, and each block
lasts at least as long as its voice.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from scenes.loudness import integrated_loudness
from scenes.pipeline.audio import RATE, decode_audio

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).with_name("voice_beats.py")
TARGET_LUFS = -16.0
FPS = 5

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("flite") is None, reason="flite not installed")]


def render(media: Path, env: dict, *options: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "scenes", "render", "--lecture", str(FIXTURE), "--media", str(media), *options]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


@pytest.fixture
def env(tiny_env: dict, tmp_path: Path) -> dict:
    """The CLI's environment: tiny frames, its own voice cache, the voice left to the options."""
    out = {k: v for k, v in tiny_env.items() if k != "LECTURE_VOICE"}
    out["LECTURE_VOICE_CACHE"] = str(tmp_path / "voice-cache")
    return out


def blocks(out: Path) -> list[dict]:
    found = []
    for stamp in sorted((out / "beats").glob("*.json")):
        found += json.loads(stamp.read_text())["worker"]["blocks"]
    return found


def check_lecture(out: Path, *, speaks: bool) -> None:
    """Loudness of each beat, and the lecture's sound at each join against the beats' own."""
    chapters = json.loads((out / "lecture.json").read_text())["chapters"]
    lecture = decode_audio(out / "lecture.mp4")
    if not speaks:
        assert not len(lecture) or not np.any(np.abs(lecture) > 1e-3), "--voice none must be silent"
        return
    parts = []
    for c in chapters:
        beat = out / "beats" / f"{c['slug']}.mp4"
        sound = decode_audio(beat)
        assert abs(integrated_loudness(sound) - TARGET_LUFS) <= 1.0, (c["slug"], integrated_loudness(sound))
        parts.append(sound[: int(round(picture_seconds(beat) * RATE))])
    assert abs(integrated_loudness(lecture) - TARGET_LUFS) <= 1.0
    # The picture's joins: the sound there is the beats' sound, shifted by at most a frame, nothing inserted.
    expected = np.concatenate(parts)
    assert abs(len(lecture) - len(expected)) <= RATE / FPS
    for c in chapters[1:]:
        at = int(round(c["start"] * RATE))
        window = slice(max(0, at - RATE // 2), at + RATE // 2)
        lag = best_lag(lecture, expected, window, RATE // FPS)
        assert abs(lag) <= RATE / FPS, f"sound off by {lag / RATE:.3f} s at {c['slug']}"
        err = lecture[window] - expected[window.start + lag:window.stop + lag]
        assert np.sqrt(np.mean(err ** 2)) < 0.05 * max(1e-3, np.sqrt(np.mean(expected[window] ** 2))) + 0.01


def picture_seconds(video: Path) -> float:
    """A video's picture length, counted independently: decoded frames over the frame rate."""
    import av

    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        return sum(1 for _ in container.decode(stream)) / float(stream.average_rate)


def best_lag(signal: np.ndarray, reference: np.ndarray, window: slice, most: int) -> int:
    """The shift of ``reference`` (in samples, |shift| ≤ ``most``) that best matches ``signal`` in ``window``."""
    target = signal[window]

    def error(lag: int) -> float:
        ref = reference[window.start + lag:window.stop + lag]
        return float(np.mean((target - ref) ** 2)) if len(ref) == len(target) else float("inf")

    coarse = min(range(-most, most + 1, 8), key=error)
    return min(range(coarse - 8, coarse + 9), key=error)


def test_default_voice_speaks_every_block_in_step(tmp_path: Path, env: dict) -> None:
    render(tmp_path / "media", env)
    out = tmp_path / "media" / "low"
    check_lecture(out, speaks=True)
    cache = sorted((tmp_path / "voice-cache").rglob("*.wav"))
    assert len(cache) == len(blocks(out)) == 3
    for block, wav in zip(sorted(blocks(out), key=lambda b: b["id"]), cache):
        assert block["duration"] >= min(wav_seconds(w) for w in cache) - 1e-6
    # Changing nothing re-synthesises and re-renders nothing.
    again = render(tmp_path / "media", env)
    assert again.stdout.count("up to date") == 2


def test_voice_none_gives_silent_clips_paced_for_reading(tmp_path: Path, env: dict) -> None:
    render(tmp_path / "media", env, "--voice", "none")
    out = tmp_path / "media" / "low"
    check_lecture(out, speaks=False)
    for b in blocks(out):
        assert b["duration"] >= max(1.2, len(b["text"]) / 15) - 1e-6


def test_a_voice_command_template(tmp_path: Path, env: dict) -> None:
    render(tmp_path / "media", env, "--voice-cmd", "flite -voice slt -t {text} -o {wav}")
    check_lecture(tmp_path / "media" / "low", speaks=True)


def test_the_teachers_own_recordings(tmp_path: Path, env: dict) -> None:
    script = tmp_path / "script.tsv"
    done = subprocess.run([sys.executable, "-m", "scenes", "script", "--lecture", str(FIXTURE), "--out", str(script)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in script.read_text().splitlines() if not line.startswith("#")]
    assert [r[0] for r in rows] == ["VoiceOne-01", "VoiceOne-02", "VoiceTwo-01"]
    folder = tmp_path / "recordings"
    folder.mkdir()
    for block_id, _, text in rows:  # the "teacher": a slower voice, one file per block
        subprocess.run(["flite", "-voice", "awb", "--setf", "duration_stretch=1.6", "-t", text,
                        "-o", str(folder / f"{block_id}.wav")], check=True)
    render(tmp_path / "media", env, "--recordings", str(folder))
    out = tmp_path / "media" / "low"
    check_lecture(out, speaks=True)
    for b in blocks(out):  # each block re-timed to its recording
        assert b["duration"] >= wav_seconds(folder / f"{b['id']}.wav") * 0.9
    # A re-recorded block renders its beat again, and only its beat.
    subprocess.run(["flite", "-voice", "slt", "-t", rows[2][2], "-o", str(folder / "VoiceTwo-01.wav")], check=True)
    again = render(tmp_path / "media", env, "--recordings", str(folder))
    assert again.stdout.count("up to date") == 1 and "VoiceTwo" not in again.stdout.split("up to date")[0][-60:]
