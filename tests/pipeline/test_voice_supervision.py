"""A speech command is supervised: it shows, it is stopped, it is named when it fails, it leaves nothing running.

Each case renders one tiny narrated beat (``VoiceTwo``, one block) through the
real CLI with a ``--voice-cmd`` that hangs, fails, writes something that is
not audio, or returns a recording far longer than the block's words. Every
failure is one line naming the block and the command, with exit status 2;
afterwards no process of the command is left.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import av.error
import pytest

import scenes.pipeline.publish as publish
import scenes.pipeline.cli as cli
from tests.pipeline.test_confinement import _tone_script

ROOT = Path(__file__).resolve().parents[2]
VOICES = Path(__file__).with_name("voice_beats.py")

pytestmark = pytest.mark.slow


@pytest.fixture
def env(tiny_env: dict, tmp_path: Path) -> dict:
    out = {k: v for k, v in tiny_env.items() if k != "LECTURE_VOICE"}
    out["LECTURE_VOICE_CACHE"] = str(tmp_path / "voice-cache")
    return out


def render(tmp_path: Path, env: dict, *options: str, beat: str = "VoiceTwo") -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "scenes", "render", "--lecture", str(VOICES), "--media", str(tmp_path / "media"),
           "--beat", beat, *options]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


#: A sleep no other run on this machine uses (another checkout may run these tests at the same time).
NAP = f"600.{os.getpid():07d}"


def alive(marker: str) -> list[str]:
    """Command lines of the processes still running with ``marker`` in them."""
    found = subprocess.run(["pgrep", "-af", marker], capture_output=True, text=True).stdout.splitlines()
    return [line for line in found if "pgrep" not in line]


def error_line(done: subprocess.CompletedProcess) -> str:
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stdout + done.stderr
    return lines[0]


def test_a_hanging_command_is_shown_stopped_and_leaves_no_process(tmp_path: Path, env: dict) -> None:
    command = f"sleep {NAP}1; true {{wav}}"
    done = render(tmp_path, env, "--voice-cmd", command, "--voice-timeout", "7")
    line = error_line(done)
    assert "block VoiceTwo-01" in line and f"voice command {command!r}" in line
    assert "no audio after 7 s, so it was stopped (--voice-timeout SECONDS allows longer)" in line
    assert "VoiceTwo-01: voice still working after 5 s" in done.stdout, "the wait shows on the console"
    assert alive(f"^sleep {NAP}1") == []


def test_ctrl_c_ends_the_command_and_every_worker(tmp_path: Path, env: dict) -> None:
    cmd = [sys.executable, "-m", "scenes", "render", "--lecture", str(VOICES), "--media", str(tmp_path / "media"),
           "--beat", "VoiceTwo", "--voice-cmd", f"sleep {NAP}2; true {{wav}}"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not alive(f"^sleep {NAP}2") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert alive(f"^sleep {NAP}2"), "the voice command started"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    time.sleep(0.5)
    assert alive(f"^sleep {NAP}2") == []
    assert alive(str(tmp_path / "media")) == [], "no worker is left"


def test_a_failing_command_is_named_with_what_it_said(tmp_path: Path, env: dict) -> None:
    command = "echo 'piper: no such model my.onnx' >&2; exit 1; true {wav}"
    line = error_line(render(tmp_path, env, "--voice-cmd", command))
    assert f"block VoiceTwo-01: voice command {command!r}: failed (exit 1): piper: no such model my.onnx" in line


def test_a_silent_failure_says_it_printed_nothing(tmp_path: Path, env: dict) -> None:
    line = error_line(render(tmp_path, env, "--voice-cmd", "exit 3; true {wav}"))
    assert "block VoiceTwo-01" in line and "failed (exit 3), and printed nothing" in line


def test_a_command_that_writes_no_audio_is_named(tmp_path: Path, env: dict) -> None:
    command = "echo garbage > {wav}"
    line = error_line(render(tmp_path, env, "--voice-cmd", command))
    assert f"block VoiceTwo-01: voice command {command!r}: not audio FFmpeg can read" in line
    assert "/tmp/" not in line.split("(full log")[0], "no deleted temporary file is named"


def test_audio_far_longer_than_its_words_is_refused_unless_allowed(tmp_path: Path, env: dict) -> None:
    tone = _tone_script(tmp_path, 12.0)
    command = f"{sys.executable} {tone} {{wav}}"
    line = error_line(render(tmp_path, env, "--voice-cmd", command))
    # "The end of the tiny lecture.": 28 characters, 1.9 s to read: the limit is the 10 s floor.
    assert "block VoiceTwo-01" in line and "its audio lasts 12.0 s, far longer than its 28 characters could need" \
        in line and "limit 10.0 s" in line and "--allow-long-audio" in line
    allowed = render(tmp_path, env, "--voice-cmd", command, "--allow-long-audio")
    assert allowed.returncode == 0, allowed.stderr


def test_recordings_missing_or_misnamed_are_listed_on_the_console(tmp_path: Path, env: dict) -> None:
    folder = tmp_path / "recordings"
    folder.mkdir()
    tone = _tone_script(tmp_path, 1.0)
    for name in ("VoiceOne-01.wav", "VoiceOne-2.wav", "VoiceTwo-01.opus", "stray.wav"):
        subprocess.run([sys.executable, str(tone), str(folder / name)], check=True)
    done = subprocess.run([sys.executable, "-m", "scenes", "render", "--lecture", str(VOICES), "--media",
                           str(tmp_path / "media"), "--recordings", str(folder)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    summary = done.stdout.split("\nRecordings:\n", 1)[1]
    assert "no recording for 2 block(s), left silent and paced for reading: VoiceOne-02, VoiceTwo-01" in summary
    assert "VoiceOne-2.wav (no block has the id 'VoiceOne-2')" in summary
    assert "stray.wav (no block has the id 'stray')" in summary
    assert "VoiceTwo-01.opus (the voice reads .wav, .mp3, .ogg, .flac, .m4a)" in summary
    # As each beat renders, too, not only in a log.
    assert "VoiceOne: no recording for VoiceOne-02" in done.stdout.split("\nWrote:", 1)[0]


def test_a_full_disk_while_publishing_sections_says_so_and_leaves_no_part(
        tmp_path: Path, tiny_env: dict, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    """The disk fills while a section is written: the cause is named, the half-filled folder goes."""
    def full(inputs, output, **kwargs):
        raise av.error.OSError(errno.ENOSPC, "No space left on device", str(output))

    monkeypatch.setattr(publish, "concat_videos", full)  # where the sections are written
    media = tmp_path / "media"
    code = cli.main(["render", "--lecture", str(VOICES), "--media", str(media), "--beat", "VoiceTwo"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and err.rstrip().endswith(".mp4: no space left on device"), err
    assert "not a readable video" not in err
    assert not list((media / "low" / "beats").glob(".*.part")), "no partial sections folder is left"
    assert not (media / "low" / "beats" / "02-beats.json").exists(), "no stamp vouches for what was not published"
