"""Lesson variants without Python: --lesson / --set, a folder per variant, the lesson named in the gallery."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).with_name("fixture_beats.py")


def cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scenes", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
def test_variants_render_side_by_side_each_with_its_cache(tmp_path: Path, tiny_env: dict) -> None:
    media = tmp_path / "media"
    lesson = tmp_path / "steep.toml"
    lesson.write_text('name = "steep"\n[lesson]\neta = 0.6\n')
    runs = {"default": [], "steep": ["--lesson", str(lesson)], "default+eta=0.3": ["--set", "eta=0.3"]}
    for folder, options in runs.items():
        done = cli("render", "--lecture", str(FIXTURE), "--media", str(media), *options, env=tiny_env)
        assert done.returncode == 0, done.stderr
    assert (media / "low" / "lecture.mp4").is_file()  # the default lesson keeps media/<quality>
    assert (media / "steep" / "low" / "lecture.mp4").is_file()
    assert (media / "default+eta=0.3" / "low" / "lecture.mp4").is_file()
    for folder, options in runs.items():  # each kept its cache: nothing renders again
        again = cli("render", "--lecture", str(FIXTURE), "--media", str(media), *options, env=tiny_env)
        assert again.stdout.count("up to date") == 2, (folder, again.stdout)


@pytest.mark.slow
def test_the_gallery_names_the_lesson_and_its_values(tmp_path: Path, tiny_env: dict) -> None:
    media = tmp_path / "media"
    done = cli("export", "--beat", "Outro", "--media", str(media), "--set", "eta=0.3", "--set", "y=0.2",
               env=tiny_env)
    assert done.returncode == 0, done.stderr
    clips = media / "default+eta=0.3+y=0.2" / "low" / "clips"
    manifest = json.loads((clips / "manifest.json").read_text())
    assert manifest["lesson"]["name"] == "default+eta=0.3+y=0.2"
    assert manifest["lesson"]["values"]["eta"] == 0.3 and manifest["lesson"]["values"]["y"] == 0.2
    assert manifest["clips"][0]["lesson"]["eta"] == 0.3  # the beat was computed from it
    page = (clips / "index.html").read_text()
    assert "default+eta=0.3+y=0.2" in page and "<code>eta = 0.3</code>" in page


@pytest.mark.parametrize("options, words", [
    (["--set", "eta=-1"], "eta must be a finite number > 0, got -1"),
    (["--set", "etta=1"], "etta"),
    (["--set", "eta"], "expected key=value"),
    (["--lesson", "nowhere.toml"], "no such file"),
    (["--voice", "klingon"], "unknown voice 'klingon'"),
    (["--voice", "none", "--voice-cmd", "x {wav}"], "choose one of --voice, --voice-cmd"),
])
def test_a_bad_lesson_or_voice_is_one_line_and_writes_nothing(tmp_path: Path, tiny_env: dict, options, words) -> None:
    media = tmp_path / "media"
    done = cli("render", "--lecture", str(FIXTURE), "--media", str(media), *options, env=tiny_env)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ") and words in done.stderr, done.stderr
    assert not media.exists()


def test_the_command_line_is_loaded_before_the_core_reads_the_lesson() -> None:
    """Importing the CLI (and the core's lesson-file reader) leaves the presets unread: --set can still choose them."""
    code = "import sys, scenes.pipeline.cli, neuron.lessonfile; sys.exit('neuron.presets' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=120).returncode == 0
