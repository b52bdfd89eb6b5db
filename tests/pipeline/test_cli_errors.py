"""Every bad input one line: a bad ``--media`` or a failing disk ends with ``error: <path>: <cause>``.

Tests run as root, for whom ``chmod`` makes nothing read-only, so a
read-only mount, a full disk and a folder without write permission are
simulated by making the file system calls raise the ``OSError`` the kernel
would give.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

import scenes.pipeline.cli as cli
from scenes.pipeline.build import ROOT
from tests.pipeline.test_build_faults import FIXTURE, file_hash, leftovers

LECTURE = f"{FIXTURE}:SCENES_IN_ORDER"


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    """``python -m scenes ARGV`` in this process: (exit status, stdout, stderr)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as e:  # argparse's own errors
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", [["render", "--lecture", LECTURE], ["export"], ["preview"]])
def test_an_empty_media_folder_is_refused(command: list[str], capsys: pytest.CaptureFixture) -> None:
    before = sorted(p.name for p in ROOT.iterdir())
    code, _, err = run(capsys, *command, "--media", "")
    assert code == 2
    assert "argument --media: must name a folder, got an empty name" in err
    assert sorted(p.name for p in ROOT.iterdir()) == before  # nothing written into the repository


@pytest.mark.parametrize("inside", [False, True])
def test_a_file_as_media_is_not_a_folder(inside: bool, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("keep me")
    media = blocker / "media" if inside else blocker
    code, _, err = run(capsys, "render", "--lecture", LECTURE, "--media", str(media))
    assert code == 2
    assert f"argument --media: '{media}' is not a folder ('{blocker}' is a file)" in err
    assert blocker.read_text() == "keep me"


@pytest.mark.parametrize("code_, cause", [(errno.EROFS, "read-only file system"),
                                          (errno.EACCES, "not writable (permission denied)"),
                                          (errno.ENOSPC, "no space left on device")])
def test_a_folder_that_cannot_be_written_is_one_line(code_: int, cause: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture) -> None:
    media = tmp_path / "media"
    mkdir = Path.mkdir

    def refuse(self: Path, *args, **kwargs) -> None:
        if self.is_relative_to(media):
            raise OSError(code_, os.strerror(code_), str(self))
        mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    code, _, err = run(capsys, "render", "--lecture", LECTURE, "--media", str(media))
    assert code == 2
    assert err == f"error: {media / 'low'}: {cause}\n"


@pytest.mark.slow
def test_a_disk_that_fills_while_publishing_loses_nothing(tmp_path: Path, tiny_env: dict,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture) -> None:
    media = tmp_path / "media"
    code, _, err = run(capsys, "render", "--lecture", LECTURE, "--beat", "Other", "--media", str(media))
    assert code == 0, err
    beats = media / "low" / "beats"
    published = {p.name: file_hash(p) for p in beats.glob("02-beats.*") if p.suffix != ".json" and p.is_file()}

    move = shutil.move

    def full(src, dst, *args, **kwargs):
        if ".part" in Path(dst).name:  # the copy into the published folder
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        return move(src, dst, *args, **kwargs)

    monkeypatch.setattr(shutil, "move", full)
    code, _, err = run(capsys, "render", "--lecture", LECTURE, "--beat", "Other", "--force", "--media", str(media))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"error: {beats}/") and err.endswith(": no space left on device\n")
    assert {p.name: file_hash(p) for p in beats.glob("02-beats.*") if p.suffix != ".json" and p.is_file()} == published
    assert leftovers(media) == []

    monkeypatch.setattr(shutil, "move", move)  # space again: the next run finishes
    code, out, err = run(capsys, "render", "--lecture", LECTURE, "--beat", "Other", "--media", str(media))
    assert code == 0, err
    assert {p.name: file_hash(p) for p in beats.glob("02-beats.*") if p.suffix != ".json" and p.is_file()} == published


def test_a_video_pyav_cannot_read_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture) -> None:
    import av

    junk = tmp_path / "03-sigma-prime.mp4"
    junk.write_bytes(b"\0" * 1000)

    def render_beats(*args, **kwargs):
        av.open(str(junk))

    monkeypatch.setattr(cli, "render_beats", render_beats)
    code, _, err = run(capsys, "render", "--lecture", LECTURE, "--media", str(tmp_path / "media"))
    assert code == 2
    assert err == f"error: {junk}: Invalid data found when processing input (not a readable video)\n"
