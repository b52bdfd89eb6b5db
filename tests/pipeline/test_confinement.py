"""Nothing is written outside the chosen media folder, and nothing of the user's is deleted.

A lesson file's stem or name, an override, a beat's slug and a block's id all
become parts of paths. Each is checked by one rule (:func:`neuron.checks.safe_name`)
and every folder the build writes must resolve inside the media folder
(:func:`scenes.files.inside`). Files the user put beside the build's own
survive every render and export; a file of theirs in the way of one the build
must write stops the build with one line instead of being replaced.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scenes.pipeline.cli as cli
from scenes.files import OutsideError, inside
from scenes.pipeline.build import BuildError
from tests.pipeline.test_build_faults import FIXTURE

ROOT = Path(__file__).resolve().parents[2]
LECTURE = f"{FIXTURE}:SCENES_IN_ORDER"
VOICES = Path(__file__).with_name("voice_beats.py")


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    """``python -m scenes ARGV`` in this process: (exit status, stdout, stderr)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` (but ``skip``), with its size and modification time."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in skip]
        for name in filenames:
            path = Path(dirpath) / name
            try:
                st_ = path.lstat()
            except FileNotFoundError:
                continue
            found[str(path.relative_to(folder))] = (st_.st_size, st_.st_mtime_ns)
    return found


# -- lesson names that could lead out of the media folder --------------------------------
@pytest.mark.parametrize("file_name", ["..toml", "...toml", "....toml", ".hidden.toml"])
def test_a_lesson_stem_that_is_no_folder_name_is_refused_and_nothing_is_written(
        file_name: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """``...toml`` once wrote ``media/../low/…``; ``..toml`` replaced the default lecture's beats."""
    parent = tmp_path / "parent"
    media = parent / "media"
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    lesson = lessons / file_name
    lesson.write_text("[lesson]\neta = 0.3\n")
    parent.mkdir()
    code, out, err = run(capsys, "render", "--lecture", LECTURE, "--media", str(media), "--lesson", str(lesson))
    assert code == 2
    assert err.startswith(f"error: {file_name}: the file's stem") and err.count("\n") == 1, err
    assert "not starting with a dot" in err
    assert list(parent.iterdir()) == [], "nothing written into the media folder or beside it"


@pytest.mark.parametrize("name", ["..", "../escape", "a/b", ".hidden"])
def test_a_lesson_name_with_a_separator_or_dots_is_refused(name: str, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture) -> None:
    lesson = tmp_path / "ok.toml"
    lesson.write_text(f'name = "{name}"\n')
    media = tmp_path / "parent" / "media"
    code, _, err = run(capsys, "render", "--lecture", LECTURE, "--media", str(media), "--lesson", str(lesson))
    assert code == 2 and err.startswith("error: ok.toml: name must be a name of") and err.count("\n") == 1
    assert not (tmp_path / "parent").exists()


def test_inside_refuses_every_way_out(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    (media / "link").symlink_to(tmp_path)
    assert inside(media, media / "low" / "beats") == media / "low" / "beats"
    for way_out in (media / "..", media / ".." / "low", tmp_path, media / "link" / "low", Path("/")):
        with pytest.raises(OutsideError, match="outside the media folder"):
            inside(media, way_out)


NAME_TEXT = st.text(alphabet=st.sampled_from(list("./\\ab-_+=,:;.. \x00é")), max_size=12)
OVERRIDE = st.one_of(
    st.builds(lambda k, v: f"{k}={v}", st.sampled_from(["eta", "bad.w", "good.b", "x", "sweep.count"]),
              st.one_of(st.floats(-3, 3, allow_nan=False).map(repr), st.integers(1, 500).map(str))),
    st.text(max_size=20),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(stem=NAME_TEXT, name=st.one_of(st.none(), NAME_TEXT), overrides=st.lists(OVERRIDE, max_size=3),
       burn=st.booleans())
def test_every_variant_folder_stays_inside_the_media_folder(tmp_path: Path, stem: str, name: str | None,
                                                            overrides: list[str], burn: bool) -> None:
    """Random lesson stems, ``name`` fields and ``--set`` strings: refused in one line, or a folder inside."""
    media = tmp_path / "media"
    folder = tmp_path / "lessons"
    folder.mkdir(exist_ok=True)
    if "/" in stem or "\x00" in stem or stem in ("", ".", ".."):
        stem = "x" + stem.replace("/", "_").replace("\x00", "_")
    lesson = folder / f"{stem}.toml"
    text = "" if name is None else f"name = {json.dumps(name)}\n"
    lesson.write_text(text, encoding="utf-8")
    args = argparse.Namespace(lesson=str(lesson), set=overrides, voice="none", voice_cmd=None, recordings=None,
                              captions="burn" if burn else "sidecar", media=media)
    saved = dict(os.environ)
    try:
        choice = cli.choose(args)
    except BuildError as e:
        assert "\n" not in str(e)
        return
    finally:
        os.environ.clear()
        os.environ.update(saved)
    where = (choice.media or media).resolve()
    assert where == media.resolve() or media.resolve() in where.parents
    assert choice.media is None or choice.media.resolve() != media.resolve() or choice.variant == "default"


# -- the voice cache follows --media ---------------------------------------------------
def _tone_script(tmp_path: Path, seconds: float) -> Path:
    script = tmp_path / "tone.py"
    script.write_text(
        "import math, struct, sys, wave\n"
        f"n = int({seconds} * 16000)\n"
        "with wave.open(sys.argv[1], 'wb') as w:\n"
        "    w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)\n"
        "    w.writeframes(b''.join(struct.pack('<h', int(8000 * math.sin(i * 0.2))) for i in range(n)))\n")
    return script


@pytest.mark.slow
def test_a_media_folder_elsewhere_leaves_the_repository_and_its_parent_untouched(tmp_path: Path, tiny_env: dict
                                                                                 ) -> None:
    """flite, a voice command and recordings: the voice cache goes into the chosen media folder."""
    if shutil.which("flite") is None:
        pytest.skip("flite not installed")
    env = {k: v for k, v in tiny_env.items() if k not in ("LECTURE_VOICE", "LECTURE_VOICE_CACHE")}
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    tone = _tone_script(tmp_path, 1.5)
    for block in ("VoiceOne-01", "VoiceOne-02", "VoiceTwo-01"):
        subprocess.run([sys.executable, str(tone), str(recordings / f"{block}.wav")], check=True)
    voices = {"flite": [], "cmd": ["--voice-cmd", f"{sys.executable} {tone} {{wav}}"],
              "recordings": ["--recordings", str(recordings)]}
    skip = (".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", "test-artifacts")
    repository = snapshot(ROOT, skip)
    for kind, options in voices.items():
        parent = tmp_path / f"parent-{kind}"
        (parent / "beside").mkdir(parents=True)
        (parent / "beside" / "mine.txt").write_text("keep")
        before = snapshot(parent)
        media = parent / "media"
        done = subprocess.run([sys.executable, "-m", "scenes", "render", "--lecture", str(VOICES), "--media",
                               str(media), *options], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert list((media / "voice").glob("*.wav")), f"{kind}: the voice cache is inside the media folder"
        after = snapshot(parent)
        assert {k: v for k, v in after.items() if not k.startswith("media/")} == before, kind
    assert snapshot(ROOT, skip) == repository, "the repository is unchanged"


# -- the user's files ---------------------------------------------------------------------
USER_FILES = {"my-own-intro.mp4": b"an intro of mine", "my-logo.png": b"\x89PNG a logo", "my-notes.srt": b"1\n"}


def _plant(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in USER_FILES.items():
        (folder / name).write_bytes(data)


def _planted(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in USER_FILES if (folder / name).exists()}


@pytest.mark.slow
def test_user_files_in_beats_and_clips_survive_a_render_and_an_export(tmp_path: Path, tiny_env: dict) -> None:
    from tests.pipeline.test_export_repair import _export, _render
    from tests.pipeline.fixture_beats import Other, Tiny

    media = tmp_path / "media"
    _plant(media / "low" / "beats")
    _plant(media / "low" / "clips")
    def render() -> None:
        done = subprocess.run([sys.executable, "-m", "scenes", "render", "--lecture", LECTURE, "--media",
                               str(media)], cwd=ROOT, env=tiny_env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert _planted(media / "low" / "beats") == USER_FILES

    render()
    rendered = [(cls, *_render(cls, tmp_path / "render" / cls.__name__)) for cls in (Tiny, Other)]
    for _ in range(2):  # a first export, then one over it (where orphans are swept)
        _export(media, rendered)
        assert _planted(media / "low" / "clips") == USER_FILES
    render()
    assert _planted(media / "low" / "clips") == USER_FILES


@pytest.mark.slow
def test_a_user_file_in_the_way_stops_the_render_in_one_line(tmp_path: Path, tiny_env: dict) -> None:
    media = tmp_path / "media"
    mine = media / "low" / "beats" / "01-beats.mp4"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"a video of mine, with the name the build wants")
    done = subprocess.run([sys.executable, "-m", "scenes", "render", "--lecture", LECTURE, "--media", str(media),
                           "--beat", "Tiny"], cwd=ROOT, env=tiny_env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert "a file the build did not write is in the way" in done.stderr and str(mine) in done.stderr
    assert mine.read_bytes() == b"a video of mine, with the name the build wants"
