"""Where every file of a build lives: one :class:`MediaLayout` per media folder and quality.

The build, the export, the preview and the benchmark ask it for paths
instead of spelling them out::

    media/<quality>/                       MediaLayout.out
        beats/<slug>.mp4 .srt .json        video(), captions(), stamp()
        beats/<slug>.sections/             sections()
        logs/<slug>.log                    log()
        lecture.mp4 .srt .json             lecture_video, lecture_captions, lecture_stamp
        last-run.json                      last_run
        clips/                             clips
        contact-sheet.png                  contact_sheet
        .lock                              lock()
    media/.staging/<quality>/<slug>/       staging()
    media/.tex/<beat module>/              tex()

:func:`folder_lock` is the lock itself: one writer per folder at a time.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

__all__ = ["ROOT", "BeatLike", "MediaLayout", "folder_lock", "shown"]

ROOT = Path(__file__).resolve().parents[2]


class BeatLike(Protocol):
    """What the layout and the stamp need of a beat (:class:`scenes.pipeline.beats.Beat`)."""

    slug: str
    file: Path
    name: str


def shown(path: Path) -> str:
    """``path`` relative to the repository if it is inside it, else as it is."""
    path = Path(path)
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class MediaLayout:
    """Every path of one quality's build in one media folder.

    Examples
    --------
    >>> MediaLayout(Path("media"), "low").lecture_video.as_posix()
    'media/low/lecture.mp4'
    """

    media: Path
    quality: str

    @classmethod
    def of(cls, quality: str, media: Path | None = None) -> MediaLayout:
        """The layout of ``quality`` in ``media`` (default: the repository's ``media/``)."""
        return cls(Path(media) if media is not None else ROOT / "media", quality)

    @property
    def out(self) -> Path:
        """``media/<quality>``: where a quality's finished files live."""
        return self.media / self.quality

    @property
    def beats(self) -> Path:
        return self.out / "beats"

    def video(self, beat: BeatLike) -> Path:
        return self.beats / f"{beat.slug}.mp4"

    def captions(self, beat: BeatLike) -> Path:
        return self.beats / f"{beat.slug}.srt"

    def stamp(self, beat: BeatLike) -> Path:
        return self.beats / f"{beat.slug}.json"

    def sections(self, beat: BeatLike) -> Path:
        return self.beats / f"{beat.slug}.sections"

    def log(self, beat: BeatLike) -> Path:
        return self.out / "logs" / f"{beat.slug}.log"

    @property
    def staging_root(self) -> Path:
        return self.media / ".staging" / self.quality

    def staging(self, beat: BeatLike) -> Path:
        return self.staging_root / beat.slug

    @property
    def tex_root(self) -> Path:
        return self.media / ".tex"

    def tex(self, beat: BeatLike) -> Path:
        """The LaTeX cache of the beat's module (shared by every quality)."""
        return self.tex_root / beat.file.stem

    @property
    def lecture_video(self) -> Path:
        return self.out / "lecture.mp4"

    @property
    def lecture_captions(self) -> Path:
        return self.out / "lecture.srt"

    @property
    def lecture_stamp(self) -> Path:
        return self.out / "lecture.json"

    @property
    def last_run(self) -> Path:
        """What the last ``render`` did: each beat reused or rendered (and why), its seconds."""
        return self.out / "last-run.json"

    @property
    def contact_sheet(self) -> Path:
        """The preview's contact sheet."""
        return self.out / "contact-sheet.png"

    @property
    def clips(self) -> Path:
        """Everything the export writes for educators."""
        return self.out / "clips"

    def lock(self, report: Callable[[str], None] = lambda line: None):
        """Hold this quality's build lock (see :func:`folder_lock`)."""
        return folder_lock(self.out, report)


@contextmanager
def folder_lock(folder: Path, report: Callable[[str], None]) -> Iterator[None]:
    """Hold ``folder/.lock`` (released by the kernel even if the process is killed).

    A second writer waits, saying so through ``report``, instead of clobbering the first.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            report(f"waiting for another build writing {folder} to finish ...")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
