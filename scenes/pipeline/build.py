"""Render the beats (in parallel), then assemble the lecture from them.

``python -m scenes render`` is what ``make lecture`` runs. Every beat renders
in its own ``manim`` process into a private staging folder; its MP4 and
captions are then renamed into ``media/<quality>/beats/`` so a published file
is always whole. A beat whose inputs (its source, the shared scene code, the
core, the presets it reads, the quality) have not changed is not rendered
again. The lecture is the beats joined without re-encoding, captions shifted.

Faults the build survives:

* a killed run (even SIGKILL): published files are only ever replaced by a
  rename, so they stay whole; the next run removes the stale staging folders
  and ``.part`` files it left and renders what is missing;
* a beat that raises: the other beats are still rendered and published, then
  a :class:`BuildError` names every failed beat and its error;
* missing LaTeX, dvisvgm or Cairo/Pango: :func:`check_system` says which
  Debian package to install before any worker starts.

One build at a time may write a media folder's quality: a second waits on a
lock (``media/<quality>/.lock``) instead of clobbering the first.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib
import inspect
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from scenes.pipeline.quality import QUALITIES
from scenes.pipeline.media import atomic_path, concat_srt, concat_videos, probe, read_srt, write_srt

__all__ = [
    "ROOT",
    "QUALITIES",
    "Beat",
    "beats",
    "select_beats",
    "check_quality",
    "render_beats",
    "assemble_lecture",
    "BuildError",
    "BeatResult",
    "output_dir",
    "check_system",
    "clean_stale",
    "LECTURE",
    "SYSTEM_TOOLS",
    "WORKER_ENV",
]

ROOT = Path(__file__).resolve().parents[2]


#: Shared scene code: a change here re-renders every beat.
SHARED_SOURCES = ("base.py", "components.py", "plots.py", "style.py")

#: Environment every render worker gets. The x264 encoder (through PyAV)
#: reads some memory it never wrote: two renders of the same beat gave frames
#: that differed slightly, at random, in one fade of a beat (more often on a
#: busy machine). glibc's MALLOC_PERTURB_ fills every allocation with one
#: byte pattern, so those reads, and the frames, are the same every time
#: (tests/pipeline/test_build_faults.py checks it).
WORKER_ENV: dict[str, str] = {"MALLOC_PERTURB_": "165"}

#: Where the order of the lecture lives: ``module-or-file[:list name]``.
LECTURE = "scenes.lecture:SCENES_IN_ORDER"

#: Programs the render needs on PATH: (program, what it is, Debian package).
SYSTEM_TOOLS: tuple[tuple[str, str, str], ...] = (
    ("latex", "LaTeX", "texlive-latex-extra"),
    ("dvisvgm", "dvisvgm (LaTeX to SVG)", "dvisvgm"),
)

#: Compiled modules manim needs: (module, what it is, Debian packages to build it).
SYSTEM_MODULES: tuple[tuple[str, str, str], ...] = (
    ("cairo", "pycairo (Cairo drawing)", "libpango1.0-dev pkg-config"),
    ("manimpango", "manimpango (Pango text)", "libpango1.0-dev pkg-config"),
)


class BuildError(Exception):
    """A render or assembly step failed; the message says which and why."""


def _apt(packages: str) -> str:
    return f"sudo apt-get install --no-install-recommends {packages}"


def _check_modules() -> list[str]:
    problems = []
    for module, what, packages in SYSTEM_MODULES:
        try:
            importlib.import_module(module)
        except ImportError as e:
            problems.append(f"{what} cannot be imported ({e}): install {packages} ({_apt(packages)}), "
                            "then run tools/setup.sh lecture to rebuild it")
    return problems


def check_system() -> None:
    """Check, before any render starts, that LaTeX and Cairo/Pango are usable.

    Raises
    ------
    BuildError
        Naming each missing program or library and the Debian package that
        provides it, e.g. ``LaTeX not found ('latex' is not on PATH): install
        texlive-latex-extra (sudo apt-get install --no-install-recommends
        texlive-latex-extra)``.
    """
    problems = []
    for program, what, package in SYSTEM_TOOLS:
        if shutil.which(program) is None:
            problems.append(f"{what} not found ({program!r} is not on PATH): install {package} ({_apt(package)})")
    problems += _check_modules()
    if problems:
        raise BuildError("cannot render:\n  " + "\n  ".join(problems)
                         + "\n(tools/setup.sh lecture installs everything the render needs)")


@dataclass(frozen=True)
class Beat:
    """One scene of the lecture, as the build sees it."""

    order: int
    scene: type
    slug: str = field(init=False)

    def __post_init__(self) -> None:
        module = Path(inspect.getfile(self.scene)).stem  # s01_setup
        name = module.split("_", 1)[-1].replace("_", "-")
        object.__setattr__(self, "slug", f"{self.order:02d}-{name}")

    @property
    def name(self) -> str:
        return self.scene.__name__

    @property
    def title(self) -> str:
        return self.scene.title

    @property
    def file(self) -> Path:
        return Path(inspect.getfile(self.scene))

    def fingerprint(self, quality: str) -> str:
        """Hash of everything the beat's frames depend on."""
        from importlib.metadata import version

        from scenes.pipeline.worker import OVERRIDES_ENV

        h = hashlib.sha256()
        h.update(f"manim {version('manim')} quality {quality}\n".encode())
        h.update(f"overrides {os.environ.get(OVERRIDES_ENV, '').strip()}\n".encode())
        h.update(f"worker env {json.dumps(WORKER_ENV, sort_keys=True)}\n".encode())
        h.update(self.scene.presets_fingerprint().encode())
        sources = [self.file, ROOT / "manim.cfg", *(ROOT / "scenes" / s for s in SHARED_SOURCES)]
        sources += sorted(p for p in (ROOT / "neuron").glob("*.py") if p.name != "presets.py")
        for path in sources:
            h.update(path.name.encode())
            h.update(path.read_bytes())
        return h.hexdigest()


def beats(lecture: str | None = None) -> list[Beat]:
    """The lecture's beats, in order.

    Parameters
    ----------
    lecture
        Where the scene list lives, ``module-or-file[:name]`` (default
        :data:`LECTURE`; the name defaults to ``SCENES_IN_ORDER``). Tests
        point this at their own tiny scenes.

    Raises
    ------
    BuildError
        If the list cannot be imported because Cairo or Pango is missing
        (naming the Debian package), or the list is not there.
    """
    from scenes.pipeline.worker import load_module

    spec = lecture or LECTURE
    target, _, name = spec.rpartition(":") if ":" in spec else (spec, "", "")
    name = name or "SCENES_IN_ORDER"
    try:
        module = load_module(target)
    except ImportError as e:
        problems = _check_modules()
        if problems:
            raise BuildError("cannot load the scenes:\n  " + "\n  ".join(problems)) from e
        raise
    except ValueError as e:  # a preset refused its values when the scenes built it
        raise BuildError(f"invalid preset: {e} (see neuron/presets.py); nothing was rendered") from None
    try:
        scenes = getattr(module, name)
    except AttributeError:
        raise BuildError(f"{target} has no scene list {name!r}") from None
    return [Beat(i, scene) for i, scene in enumerate(scenes, 1)]


def check_quality(quality: str) -> str:
    """Return ``quality`` or raise a BuildError listing the valid names."""
    if quality not in QUALITIES:
        raise BuildError(f"unknown quality {quality!r}; choose one of: {', '.join(QUALITIES)}")
    return quality


def select_beats(names: Sequence[str] | None, lecture: str | None = None) -> list[Beat]:
    """The beats named (by scene name or slug, any case), or all of them.

    ``lecture`` is passed on to :func:`beats`.

    Raises
    ------
    BuildError
        For an unknown name, listing the valid ones.
    """
    everything = beats(lecture)
    if not names:
        return everything
    index = {}
    for b in everything:
        for key in (b.name, b.slug, b.slug.split("-", 1)[1]):
            index[key.lower()] = b
    unknown = [n for n in names if n.lower() not in index]
    if unknown:
        valid = ", ".join(f"{b.name} ({b.slug.split('-', 1)[1]})" for b in everything)
        raise BuildError(f"unknown beat {', '.join(map(repr, unknown))}; valid beats: {valid}")
    chosen = {index[n.lower()].order for n in names}
    return [b for b in everything if b.order in chosen]


@dataclass
class BeatResult:
    """What rendering one beat produced."""

    beat: Beat
    video: Path
    captions: Path
    duration: float
    wall: float
    rendered: bool  # False: up to date, reused
    facts: dict | None = None  # the worker's facts (from this render or the stamp)


def output_dir(quality: str, media: Path | None = None) -> Path:
    """``media/<quality>``: where a quality's finished files live."""
    return (media or ROOT / "media") / quality


def _stamp_path(out: Path, beat: Beat) -> Path:
    return out / "beats" / f"{beat.slug}.json"


def _up_to_date(out: Path, beat: Beat, key: str) -> dict | None:
    stamp = _stamp_path(out, beat)
    video, captions = out / "beats" / f"{beat.slug}.mp4", out / "beats" / f"{beat.slug}.srt"
    try:
        info = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return None
    if info.get("key") == key and video.exists() and captions.exists():
        return info
    return None


def render_one(beat: Beat, quality: str, out: Path, media: Path, force: bool = False) -> BeatResult:
    """Render ``beat`` in its own manim process and publish its MP4 and captions."""
    key = beat.fingerprint(quality)
    video, captions = out / "beats" / f"{beat.slug}.mp4", out / "beats" / f"{beat.slug}.srt"
    if not force and (info := _up_to_date(out, beat, key)):
        return BeatResult(beat, video, captions, info["duration"], 0.0, rendered=False, facts=info.get("worker"))
    staging = media / ".staging" / quality / beat.slug
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    log = out / "logs" / f"{beat.slug}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    # The worker takes the scene's file, so scenes from outside scenes/ render too.
    cmd = [sys.executable, "-m", "scenes.pipeline.worker", str(beat.file), beat.name, quality,
           str(staging), str(media / ".tex" / beat.file.stem)]
    started = time.perf_counter()
    with open(log, "w") as log_file:
        proc = subprocess.run(cmd, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT,
                              env={**os.environ, **WORKER_ENV})
    wall = time.perf_counter() - started
    facts = _worker_facts(log)
    produced = Path(facts["video"]) if facts else None
    if proc.returncode != 0 or produced is None or not produced.exists():
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"beat {beat.slug} ({beat.name}) failed to render: {_last_error(log)} (full log: {log})")
    (video.parent).mkdir(parents=True, exist_ok=True)
    srt_file = produced.with_suffix(".srt")
    duration = probe(produced).duration
    with atomic_path(video) as tmp:
        shutil.move(produced, tmp)
    with atomic_path(captions) as tmp:
        if srt_file.exists():
            shutil.move(srt_file, tmp)
        else:
            tmp.write_text("")
    stamp = {"key": key, "scene": beat.name, "title": beat.title, "duration": duration,
             "quality": quality, "render_seconds": round(wall, 2), "worker": facts}
    with atomic_path(_stamp_path(out, beat)) as tmp:
        tmp.write_text(json.dumps(stamp, indent=2))
    shutil.rmtree(staging, ignore_errors=True)
    return BeatResult(beat, video, captions, duration, wall, rendered=True, facts=facts)


def _worker_facts(log: Path) -> dict | None:
    """The facts line the worker prints last, if it got that far."""
    for line in reversed(log.read_text(errors="replace").splitlines()):
        if line.startswith("WORKER "):
            return json.loads(line[len("WORKER "):])
    return None


def _last_error(log: Path) -> str:
    """The most telling line of a failed manim log (its exception)."""
    lines = [ln.strip() for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    for line in reversed(lines):
        if line.startswith("WORKER_ERROR "):
            error = json.loads(line[len("WORKER_ERROR "):])
            where = f" (raised at {error['where']})" if error.get("where") else ""
            return f"{error['type']}: {error['message']}{where}"
    for line in reversed(lines):
        if "Error" in line or "Exception" in line:
            return line.strip("│ ")
    return lines[-1] if lines else "no output"


def render_beats(
    chosen: Sequence[Beat],
    quality: str,
    *,
    jobs: int | None = None,
    media: Path | None = None,
    force: bool = False,
    report: Callable[[str], None] = print,
) -> list[BeatResult]:
    """Render ``chosen`` beats, ``jobs`` at a time; publish each as it finishes.

    A beat that fails does not stop the others; after all have run, a
    :class:`BuildError` is raised naming every failed beat and its error.
    Before any worker starts, :func:`check_system` checks LaTeX and
    Cairo/Pango (if any beat needs rendering), and :func:`clean_stale`
    removes what a killed run left.
    """
    check_quality(quality)
    media = media or ROOT / "media"
    out = output_dir(quality, media)
    if force or any(not _up_to_date(out, b, b.fingerprint(quality)) for b in chosen):
        check_system()  # only a render needs LaTeX: up-to-date beats are reused without it
    jobs = jobs or os.cpu_count() or 1
    results: dict[int, BeatResult] = {}
    failures: list[str] = []
    with _build_lock(out, report), ThreadPoolExecutor(max_workers=jobs) as pool:
        if removed := clean_stale(quality, media):
            report(f"removed {removed} leftover(s) of an interrupted run")
        futures = {pool.submit(render_one, b, quality, out, media, force): b for b in chosen}
        for n, future in enumerate(as_completed(futures), 1):
            beat = futures[future]
            try:
                r = future.result()
            except BuildError as e:
                failures.append(str(e))
                report(f"[{n}/{len(chosen)}] FAILED {beat.slug}: {e}")
                continue
            results[beat.order] = r
            how = f"rendered in {r.wall:.1f} s" if r.rendered else "up to date"
            report(f"[{n}/{len(chosen)}] {beat.slug:<22} {r.duration:6.1f} s of video, {how}")
    if failures:
        raise BuildError("; ".join(failures))
    return [results[b.order] for b in chosen]


def assemble_lecture(results: Sequence[BeatResult], quality: str, media: Path | None = None) -> dict:
    """Join every beat into ``lecture.mp4`` + ``lecture.srt`` + ``lecture.json``.

    Beat files left in ``beats/`` by an earlier order of the lecture (a slug
    no beat has now) are removed, so the folder holds exactly the lecture.
    Returns the chapter list (title, start, duration per beat).
    """
    out = output_dir(quality, media)
    with _build_lock(out, lambda line: None):
        _remove_orphans(out, {r.beat.slug for r in results})
        return _assemble(results, quality, out)


def _remove_orphans(out: Path, slugs: set[str]) -> list[Path]:
    """Delete published beat files whose slug is not in ``slugs``."""
    orphans = [p for p in (out / "beats").glob("[0-9]*-*.*")
               if p.suffix in {".mp4", ".srt", ".json"} and p.stem not in slugs]
    for path in orphans:
        path.unlink(missing_ok=True)
    return orphans


def _assemble(results: Sequence[BeatResult], quality: str, out: Path) -> dict:
    chapters, parts, start = [], [], 0.0
    for r in results:
        chapters.append({"order": r.beat.order, "slug": r.beat.slug, "title": r.beat.title,
                         "start": round(start, 3), "duration": round(r.duration, 3)})
        parts.append((read_srt(r.captions), start))
        start += r.duration
    # A forced re-render keeps the fingerprint but replaces the file: its mtime says so.
    key = hashlib.sha256(json.dumps([(r.beat.slug, _stamp_key(r), r.video.stat().st_mtime_ns)
                                     for r in results]).encode()).hexdigest()
    stamp = out / "lecture.json"
    video, captions = out / "lecture.mp4", out / "lecture.srt"
    try:
        fresh = json.loads(stamp.read_text()).get("key") == key and video.exists() and captions.exists()
    except (OSError, ValueError):
        fresh = False
    if not fresh:
        concat_videos([r.video for r in results], video)
        write_srt(concat_srt(parts), captions)
        with atomic_path(stamp) as tmp:
            tmp.write_text(json.dumps({"key": key, "quality": quality, "chapters": chapters}, indent=2))
    return {"video": video, "captions": captions, "chapters": chapters, "duration": start, "assembled": not fresh}


def _stamp_key(r: BeatResult) -> str:
    try:
        return json.loads(_stamp_path(r.video.parent.parent, r.beat).read_text())["key"]
    except (OSError, ValueError, KeyError):
        return ""


@contextmanager
def _build_lock(out: Path, report: Callable[[str], None]) -> Iterator[None]:
    """Hold ``out/.lock`` (released by the kernel even if the process is killed)."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            report(f"waiting for another build writing {out} to finish ...")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def clean_stale(quality: str, media: Path | None = None) -> int:
    """Remove what an interrupted build of ``quality`` left behind.

    That is its staging folders, the ``.part`` files of beats and of the
    lecture that were never renamed into place, and half-moved LaTeX SVGs.
    Published files are never touched. :func:`render_beats` calls this
    (holding the build lock, so no other build is writing them).

    Returns
    -------
    int
        How many files and folders were removed.
    """
    media = media or ROOT / "media"
    out = output_dir(quality, media)
    removed = 0
    staging = media / ".staging" / quality
    if staging.exists():
        removed += sum(1 for _ in staging.iterdir())
        shutil.rmtree(staging, ignore_errors=True)
    leftovers = [*(out / "beats").glob(".*.part*"), *out.glob(".lecture.*.part*")]
    # The LaTeX cache is shared by every quality: only take SVGs abandoned long ago.
    leftovers += [p for p in (media / ".tex").glob("*/.*.part") if time.time() - p.stat().st_mtime > 600]
    for path in leftovers:
        path.unlink(missing_ok=True)
        removed += 1
    return removed
