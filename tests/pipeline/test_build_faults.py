"""The build under faults: repeatable frames, kills, a beat that raises, missing tools.

Renders are tiny (160×90 at 5 fps, through the worker's override variable)
and go to temp media folders. The scenes come from ``fixture_beats.py`` next
to this file, passed to the build like the lecture's own list.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest

from scenes.pipeline.build import ROOT, Beat, BuildError, beats, check_system, clean_stale, output_dir, render_beats
from scenes.pipeline.worker import OVERRIDES_ENV, load_module, overrides_from_env

FIXTURE = Path(__file__).with_name("fixture_beats.py")
TINY = json.dumps({"pixel_width": 160, "pixel_height": 90, "frame_rate": 5})


def frame_hashes(path: Path) -> list[str]:
    """sha256 of every decoded frame's RGB bytes, in order."""
    with av.open(str(path)) as container:
        return [hashlib.sha256(f.to_ndarray(format="rgb24").tobytes()).hexdigest()
                for f in container.decode(video=0)]


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render_cli(media: Path, lecture: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "scenes", "render", "--lecture", f"{FIXTURE}:{lecture}", "--media", str(media), *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def leftovers(media: Path) -> list[Path]:
    """Temp files and staging folders a finished build must not leave behind."""
    found = [p for p in media.rglob("*") if ".part" in p.name]
    staging = media / ".staging"
    if staging.exists():
        found += [p for p in staging.glob("*/*")]
    return found


# -- the same settings give the same frames -------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("beat", beats(), ids=lambda b: b.slug)
def test_two_renders_of_a_beat_give_identical_frames(beat: Beat, tmp_path: Path, tiny_env: dict) -> None:
    """Two renders in separate processes (LaTeX cache cold, then warm) decode to the same frames."""
    first, second = tmp_path / "first", tmp_path / "second"
    (a,) = render_beats([beat], "low", media=first, jobs=1, report=lambda line: None)
    if (first / ".tex").exists():
        shutil.copytree(first / ".tex", second / ".tex")
    (b,) = render_beats([beat], "low", media=second, jobs=1, report=lambda line: None)
    assert b.facts["tex_compiled"] == 0  # the second run really used the cache
    frames_a, frames_b = frame_hashes(a.video), frame_hashes(b.video)
    assert len(frames_a) > 1
    assert len(frames_a) == len(frames_b)
    differing = [i for i, (x, y) in enumerate(zip(frames_a, frames_b)) if x != y]
    assert not differing, f"{len(differing)} frames differ, first at frame {differing[0]}"


# -- a kill ------------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_killed_render_harms_no_published_file_and_the_next_run_finishes(tmp_path: Path, tiny_env: dict) -> None:
    media = tmp_path / "media"
    out = output_dir("low", media)
    done = render_cli(media, "KILL", "--beat", "Tiny", env=tiny_env)
    assert done.returncode == 0, done.stderr
    tiny = out / "beats" / "01-beats.mp4"
    published = file_hash(tiny)

    # Kill the whole command (main process and its worker) while Slow is mid-render.
    cmd = [sys.executable, "-m", "scenes", "render", "--lecture", f"{FIXTURE}:KILL", "--media", str(media)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=tiny_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not list((media / ".staging").glob("low/02-beats/**/partial_movie_files/**/*.mp4")):
            assert proc.poll() is None, "the render ended before it could be killed"
            assert time.monotonic() < deadline, "Slow never started rendering"
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert file_hash(tiny) == published
    assert not (out / "beats" / "02-beats.mp4").exists()
    assert not (out / "lecture.mp4").exists()
    assert (media / ".staging" / "low" / "02-beats").exists()  # what the kill left

    # Leftovers as a kill during publishing would leave them: they must not confuse the next run.
    (out / "beats" / ".02-beats.x1y2.part.mp4").write_bytes(b"half a video")
    (out / ".lecture.x1y2.part.mp4").write_bytes(b"half a lecture")

    again = render_cli(media, "KILL", env=tiny_env)
    assert again.returncode == 0, again.stderr
    assert "leftover" in again.stdout
    assert "01-beats" in again.stdout and "up to date" in again.stdout
    assert file_hash(tiny) == published
    assert leftovers(media) == []
    for video in (tiny, out / "beats" / "02-beats.mp4", out / "lecture.mp4"):
        with av.open(str(video)) as container:
            stream = container.streams.video[0]
            decoded = sum(1 for _ in container.decode(stream))
            assert decoded == stream.frames > 0
    # Slow: plays × 0.4 s at 5 fps, all decodable; the lecture holds both beats.
    slow_frames = len(frame_hashes(out / "beats" / "02-beats.mp4"))
    assert slow_frames == 80 * 2
    assert len(frame_hashes(out / "lecture.mp4")) == slow_frames + len(frame_hashes(tiny))


def test_clean_stale_takes_leftovers_and_keeps_published_files(tmp_path: Path) -> None:
    media = tmp_path / "media"
    out = output_dir("low", media)
    keep = [out / "beats" / "01-setup.mp4", out / "beats" / "01-setup.json", out / "lecture.mp4",
            out / "clips" / ".clip.abc.part.webm", media / ".tex" / "s01_setup" / "abc.svg",
            media / ".staging" / "high" / "01-setup" / "x.mp4"]
    stale = [out / "beats" / ".01-setup.abc.part.mp4", out / "beats" / ".01-setup.abc.part.json",
             out / ".lecture.abc.part.srt", media / ".tex" / "s01_setup" / ".abc.svg.123.part"]
    for path in keep + stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    fresh_tex_part = media / ".tex" / "s01_setup" / ".def.svg.456.part"
    fresh_tex_part.write_text("x")  # another quality's render may be moving it right now
    old = time.time() - 3600
    os.utime(stale[-1], (old, old))
    (media / ".staging" / "low" / "02-flatline" / "videos").mkdir(parents=True)

    removed = clean_stale("low", media)

    assert removed == len(stale) + 1  # + the staging folder
    assert all(p.exists() for p in keep)
    assert fresh_tex_part.exists()
    assert not any(p.exists() for p in stale)
    assert not (media / ".staging" / "low").exists()


# -- a beat that raises ---------------------------------------------------------------------------
@pytest.mark.slow
def test_a_beat_that_raises_is_named_and_the_others_are_kept(tmp_path: Path, tiny_env: dict) -> None:
    media = tmp_path / "media"
    out = output_dir("low", media)
    done = render_cli(media, "BROKEN", "--jobs", "2", env=tiny_env)
    assert done.returncode != 0
    assert "02-beats (Broken)" in done.stderr
    assert "ValueError: deliberate" in done.stderr
    assert "fixture_beats.py" in done.stderr  # where it was raised
    assert "Traceback" not in done.stderr
    assert not (out / "beats" / "02-beats.mp4").exists()
    assert not (out / "lecture.mp4").exists()
    tiny, other = frame_hashes(out / "beats" / "01-beats.mp4"), frame_hashes(out / "beats" / "03-beats.mp4")
    assert len(tiny) == len(other) == 6  # 1.2 s at 5 fps each, whole
    assert tiny != other  # the frame comparison can tell scenes apart
    assert leftovers(media) == []


@pytest.mark.slow
def test_render_beats_raises_a_build_error_naming_the_failed_beat(tmp_path: Path, tiny_env: dict) -> None:
    chosen = beats(f"{FIXTURE}:BROKEN")
    results: list[str] = []
    with pytest.raises(BuildError, match=r"Broken.*ValueError: deliberate"):
        render_beats(chosen[1:2], "low", media=tmp_path, jobs=1, report=results.append)
    assert any("FAILED" in line for line in results)


# -- missing system pieces ----------------------------------------------------------------------
def _path_with(tmp_path: Path, *programs: str) -> str:
    """A PATH holding only a python symlink and fake ``programs``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    for name in programs:
        fake = bin_dir / name
        fake.write_text("#!/bin/sh\nexit 0\n")
        fake.chmod(0o755)
    return str(bin_dir)


def test_missing_latex_names_the_debian_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", _path_with(tmp_path))
    with pytest.raises(BuildError) as error:
        check_system()
    message = str(error.value)
    assert "LaTeX not found" in message
    assert "apt-get install --no-install-recommends texlive-latex-extra" in message
    assert "apt-get install --no-install-recommends dvisvgm" in message


def test_missing_dvisvgm_alone_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", _path_with(tmp_path, "latex"))
    with pytest.raises(BuildError) as error:
        check_system()
    assert "dvisvgm" in str(error.value)
    assert "texlive" not in str(error.value)


def test_present_tools_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", _path_with(tmp_path, "latex", "dvisvgm"))
    check_system()


@pytest.mark.parametrize("module", ["cairo", "manimpango"])
def test_a_library_that_will_not_import_names_the_packages(module: str, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", _path_with(tmp_path, "latex", "dvisvgm"))
    monkeypatch.setitem(sys.modules, module, None)  # import now raises ImportError
    with pytest.raises(BuildError) as error:
        check_system()
    message = str(error.value)
    assert module in message
    assert "libpango1.0-dev pkg-config" in message
    assert "tools/setup.sh" in message


def test_render_without_latex_stops_before_any_worker(tmp_path: Path, tiny_env: dict) -> None:
    media = tmp_path / "media"
    env = {**tiny_env, "PATH": _path_with(tmp_path)}
    done = render_cli(media, "SCENES_IN_ORDER", env=env)
    assert done.returncode == 2
    assert "texlive-latex-extra" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (media / "low" / "logs").exists()
    assert not (media / ".staging").exists()


@pytest.mark.slow
def test_up_to_date_beats_are_reused_without_latex(tmp_path: Path, tiny_env: dict) -> None:
    media = tmp_path / "media"
    first = render_cli(media, "SCENES_IN_ORDER", "--beat", "Other", env=tiny_env)
    assert first.returncode == 0, first.stderr
    again = render_cli(media, "SCENES_IN_ORDER", "--beat", "Other", env={**tiny_env, "PATH": _path_with(tmp_path)})
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout


# -- the pieces the tests above rely on ------------------------------------------------------
def test_worker_overrides_are_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(OVERRIDES_ENV, TINY)
    assert overrides_from_env() == {"pixel_width": 160, "pixel_height": 90, "frame_rate": 5}
    for bad in ('{"quality": "high"}', '{"frame_rate": 0}', '[160, 90]', "160x90"):
        monkeypatch.setenv(OVERRIDES_ENV, bad)
        with pytest.raises(ValueError, match=OVERRIDES_ENV):
            overrides_from_env()
    monkeypatch.delenv(OVERRIDES_ENV)
    assert overrides_from_env() == {}


def test_overrides_change_the_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    (beat, _) = beats(f"{FIXTURE}:SCENES_IN_ORDER")
    monkeypatch.delenv(OVERRIDES_ENV, raising=False)
    plain = beat.fingerprint("low")
    monkeypatch.setenv(OVERRIDES_ENV, TINY)
    assert beat.fingerprint("low") != plain


def test_scene_modules_load_by_file_or_name() -> None:
    import scenes.s01_setup

    assert load_module(str(ROOT / "scenes" / "s01_setup.py")) is scenes.s01_setup
    assert load_module("s01_setup") is scenes.s01_setup
    fixture = load_module(str(FIXTURE))
    assert fixture.Tiny.title == "Tiny"
    assert load_module(str(FIXTURE)) is fixture  # not imported twice


def test_unknown_scene_list_is_a_build_error() -> None:
    with pytest.raises(BuildError, match="NOPE"):
        beats(f"{FIXTURE}:NOPE")


@pytest.mark.slow
def test_worker_reports_frames_and_latex_cold_then_warm(tmp_path: Path, tiny_env: dict) -> None:
    from scenes.pipeline.profile import PROFILE_ENV

    tex = tmp_path / "tex"
    facts = []
    for run, profile in (("cold", "1"), ("warm", "1"), ("plain", "")):
        cmd = [sys.executable, "-m", "scenes.pipeline.worker", str(FIXTURE), "Tiny", "low", str(tmp_path / run), str(tex)]
        done = subprocess.run(cmd, cwd=ROOT, env={**tiny_env, PROFILE_ENV: profile}, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        line = done.stdout.strip().splitlines()[-1]
        assert line.startswith("WORKER ")
        facts.append(json.loads(line[len("WORKER "):]))
    cold, warm, plain = facts
    assert "phases" not in plain and plain["frames"] == 6  # outside the benchmark, Manim runs unpatched
    facts = [cold, warm]
    assert cold["tex_compiled"] == 1 and warm["tex_compiled"] == 0  # one formula in Tiny
    assert warm["tex_cached"] == 1
    assert len(list(tex.glob("*.svg"))) == 1
    for f in facts:
        assert (f["width"], f["height"], f["fps"]) == (160, 90, 5)
        assert f["frames"] == 6 and f["video_seconds"] == pytest.approx(1.2)  # run_time=1.2 at 5 fps
        assert f["frames_drawn"] == 6
        assert set(f["phases"]) == {"tex", "logic", "raster", "handoff", "encode", "combine"}
        assert f["creep"] is not None and f["peak_rss_mb"] > 0
    assert cold["phases"]["tex"] > 0 and warm["phases"]["tex"] == 0
