"""Render the beats (in parallel), then assemble the lecture from them.

``python -m scenes render`` is what ``make lecture`` runs. Every beat renders
in its own ``manim`` process into a private staging folder; its MP4 and
captions are then renamed into ``media/<quality>/beats/`` so a published file
is always whole. The lecture is the beats joined without re-encoding,
captions shifted.

A beat is rendered again unless nothing it was made from has changed and
nothing it made was damaged. Its stamp (``beats/<slug>.json``) records

* ``key``: the settings (:meth:`Beat.fingerprint`: quality, Manim, PyAV and
  numpy versions, ``manim.cfg``, the worker's environment and overrides,
  the lesson variables :data:`LESSON_ENV`);
* ``sources``: every project file the render imported, with its sha256, as
  the worker found them in ``sys.modules`` (the beat's file, the beats it
  inherits from, shared scene code, :mod:`neuron` and its presets); no list
  is kept by hand;
* ``files``: the size and sha256 of the published MP4 and captions
  (:func:`~scenes.pipeline.media.file_record`).

A truncated, emptied or altered output is reported (``damaged: <path>
(<why>): re-rendering``) and rebuilt; so is the lecture, whose stamp
(``lecture.json``) records the parts it was joined from and its own files.

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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from neuron.checks import safe_name
from scenes.files import inside
from scenes.pipeline.audio import RATE, decode_audio, has_audio
from scenes.pipeline.quality import QUALITIES
from scenes.pipeline.media import (atomic_path, concat_srt, concat_videos, file_record, intact, probe, read_srt,
                                   sealed, sha256_file, verify, write_srt)

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
    "LESSON_ENV",
    "SYSTEM_TOOLS",
    "WORKER_ENV",
]

ROOT = Path(__file__).resolve().parents[2]


#: Environment variables that choose the lesson's values (a preset file and a
#: named set of them): part of every beat's key; a file's content is hashed.
LESSON_ENV = ("LECTURE_LESSON", "LECTURE_SET")

#: The narration's variables (see :mod:`scenes.narration`): who speaks, burned-in captions.
NARRATION_ENV = ("LECTURE_VOICE", "LECTURE_CAPTIONS", "LECTURE_CHECKPOINTS")

#: Audio files a teacher may drop into a recordings folder.
RECORDING_SUFFIXES = (".wav", ".mp3", ".ogg", ".flac", ".m4a", ".opus")

#: Installed packages whose version can change a frame: part of every beat's key.
VERSIONED = ("manim", "av", "numpy", "pycairo", "manimpango")

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
        object.__setattr__(self, "slug", safe_name("beat slug", f"{self.order:02d}-{name}", replace=True))

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
        """Hash of the settings the beat renders with: everything but its sources.

        That is the scene (file and class), the quality, the versions of
        :data:`VERSIONED`, ``manim.cfg``, the worker's environment and
        overrides, and the lesson variables :data:`LESSON_ENV`. The code
        the render ran is checked apart, file by file, against the list the
        worker recorded (see the module's docstring).
        """
        return hashlib.sha256(json.dumps(_settings(self, quality), sort_keys=True).encode()).hexdigest()


def _settings(beat: Beat, quality: str) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    from scenes.pipeline.worker import OVERRIDES_ENV

    versions = {}
    for package in VERSIONED:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    lesson = {name: [os.environ.get(name), _content_hash(os.environ.get(name))] for name in LESSON_ENV}
    narration = {name: os.environ.get(name) for name in NARRATION_ENV}
    return {"scene": [_shown(beat.file), beat.name], "quality": quality, "versions": versions,
            "manim.cfg": sha256_file(ROOT / "manim.cfg"), "worker env": WORKER_ENV,
            "overrides": os.environ.get(OVERRIDES_ENV, "").strip(), "lesson": lesson,
            "narration": narration, "recordings": _recordings(beat)}


def _recordings(beat: Beat) -> dict[str, str]:
    """With ``LECTURE_VOICE=recordings:<folder>``: the beat's recordings there, by name, with their sha256.

    A recording added, replaced or removed renders its beat again (and only its beat).
    """
    voice = os.environ.get("LECTURE_VOICE") or ""
    if not voice.startswith("recordings:"):
        return {}
    folder = Path(voice.split(":", 1)[1]).expanduser()
    try:
        found = sorted(p for p in folder.iterdir() if p.name.startswith(f"{beat.name}-")
                       and p.suffix.lower() in RECORDING_SUFFIXES)
    except OSError:
        return {}
    return {p.name: sha256_file(p) for p in found}


def _content_hash(value: str | None) -> str | None:
    """sha256 of the file ``value`` names (from the repository, where workers run, or here), if any."""
    for base in (ROOT, Path.cwd()):
        try:
            if value and (base / value).is_file():
                return sha256_file(base / value)
        except OSError:
            pass
    return None


def _shown(path: Path) -> str:
    """``path`` relative to the repository if it is inside it, else as it is."""
    path = Path(path)
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


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
    reason: str = ""  # why it was rendered ("" if reused)
    files: dict | None = None  # file name → file_record of the published MP4, captions and sections
    sections: list[dict] = field(default_factory=list)  # one per narrated block: file, block, start, duration, notes


def output_dir(quality: str, media: Path | None = None) -> Path:
    """``media/<quality>``: where a quality's finished files live."""
    return (media or ROOT / "media") / quality


def _stamp_path(out: Path, beat: Beat) -> Path:
    return out / "beats" / f"{beat.slug}.json"


def _beat_files(out: Path, beat: Beat) -> tuple[Path, Path]:
    return out / "beats" / f"{beat.slug}.mp4", out / "beats" / f"{beat.slug}.srt"


def _damage(path: Path, why: str) -> str:
    return f"missing: {_shown(path)}" if why == "missing" else f"damaged: {_shown(path)} ({why})"


def check_beat(out: Path, beat: Beat, key: str, hashes: dict[Path, str | None] | None = None
               ) -> tuple[dict | None, str]:
    """Whether ``beat``'s published files in ``out`` can be reused.

    Returns
    -------
    (stamp, reason)
        The stamp and ``""`` if the beat is up to date; else ``None`` and
        why not: ``"not rendered before"``, ``"stamp from an older build"``,
        ``"settings changed"``, ``"<file> changed"``, ``"<file> deleted"``
        (a source the render imported), or ``"damaged: <path>
        (<why>)"`` / ``"missing: <path>"`` for a published file that is not
        what was published (also for a damaged stamp).

    ``hashes`` caches source hashes across the beats of one build.
    """
    hashes = {} if hashes is None else hashes
    stamp = _stamp_path(out, beat)
    try:
        info = json.loads(stamp.read_text())
        if not intact(info) or not isinstance(info.get("duration"), (int, float)):
            raise ValueError("not a stamp")
    except FileNotFoundError:
        return None, "not rendered before"
    except (OSError, ValueError) as e:
        why = e.strerror if isinstance(e, OSError) else "not a valid stamp"
        return None, _damage(stamp, why)
    files, sources = info.get("files"), info.get("sources")
    if not isinstance(files, dict) or not isinstance(sources, list) or not sources:
        return None, "stamp from an older build"
    # Damage first: whatever else changed, the user hears that a published file was harmed.
    published = {p.name: p for p in _beat_files(out, beat)}
    published.update({name: out / "beats" / name for name in files if name not in published})
    for name, path in published.items():  # the MP4, the captions, each section's slide
        if why := verify(path, files.get(name)):
            return None, _damage(path, why)
    if info.get("key") != key:
        return None, "settings changed"
    for source in sources:
        try:
            path = ROOT / source["path"]  # an absolute path stays absolute
            recorded = source["sha256"]
        except (TypeError, KeyError):
            return None, _damage(stamp, "not a valid stamp")
        if path not in hashes:
            try:
                hashes[path] = sha256_file(path)
            except OSError:
                hashes[path] = None
        if hashes[path] is None:
            return None, f"{source['path']} deleted"
        if hashes[path] != recorded:
            return None, f"{source['path']} changed"
    return info, ""


class _Everything(frozenset):
    """The claim of a record that exists but cannot be read: every name the build would write there is ours."""

    def __contains__(self, name: object) -> bool:
        return True


EVERYTHING = _Everything()


def claimed(record: Path, names: Callable[[dict], Iterable[str]]) -> frozenset[str]:
    """The names (relative to ``record``'s folder) that a stamp or manifest says the build wrote.

    Empty when there is no such record; :data:`EVERYTHING` when it exists but
    cannot be read (a damaged stamp is still the build's: what it would write
    there is the build's to replace). ``names`` lists them from the parsed record.
    """
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        return frozenset(names(data)) if intact(data) else EVERYTHING
    except FileNotFoundError:
        return frozenset()
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return EVERYTHING


def refuse_foreign(folder: Path, names: Iterable[str], owned: frozenset[str]) -> None:
    """Stop, with one line, before replacing a file in ``folder`` that the build did not write.

    Raises
    ------
    BuildError
        Naming the first file in the way that ``owned`` does not list.
    """
    for name in names:
        path = folder / name
        if name not in owned and (path.exists() or path.is_symlink()):
            raise BuildError(f"{_shown(path)}: a file the build did not write is in the way (no stamp or manifest "
                             "of the build records it); move it elsewhere: the build never replaces what it did "
                             "not make")


def _stamp_files(stamp: dict) -> list[str]:
    files = stamp.get("files") or {}
    return [str(name) for name in files] if isinstance(files, dict) else []


def render_one(beat: Beat, quality: str, out: Path, media: Path, force: bool = False,
               checked: tuple[dict | None, str] | None = None,
               report: Callable[[str], None] = lambda line: None) -> BeatResult:
    """Render ``beat`` in its own manim process and publish its MP4 and captions.

    Unless ``force``, a beat that :func:`check_beat` finds up to date is
    reused (``checked`` is that check's result, if the caller made it).
    """
    key = beat.fingerprint(quality)
    video, captions = _beat_files(out, beat)
    info, reason = (None, "forced") if force else (checked or check_beat(out, beat, key))
    if info is not None:
        return BeatResult(beat, video, captions, info["duration"], 0.0, rendered=False, facts=info.get("worker"),
                          sections=info.get("sections") or [],
                          files=info.get("files"))
    staging = inside(media, media / ".staging" / quality / beat.slug)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        return _render_and_publish(beat, quality, out, media, staging, key, reason, report)
    finally:  # rendered, failed or refused by the disk: the staging folder goes (a kill leaves it to clean_stale)
        shutil.rmtree(staging, ignore_errors=True)


def _render_and_publish(beat: Beat, quality: str, out: Path, media: Path, staging: Path, key: str,
                        reason: str, report: Callable[[str], None]) -> BeatResult:
    video, captions = _beat_files(out, beat)
    stamp_file = _stamp_path(out, beat)
    folder = video.parent / f"{beat.slug}.sections"
    for path in (video, captions, stamp_file, folder, out / "logs"):
        inside(media, path)
    # Nothing of the user's is replaced: every name about to be written must be the build's own.
    owned = claimed(stamp_file, _stamp_files)
    in_folder = [f"{folder.name}/{p.name}" for p in folder.iterdir()] if folder.is_dir() else []
    refuse_foreign(out / "beats", [video.name, captions.name, *in_folder], owned)
    log = out / "logs" / f"{beat.slug}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    # The worker takes the scene's file, so scenes from outside scenes/ render too.
    cmd = [sys.executable, "-m", "scenes.pipeline.worker", str(beat.file), beat.name, quality,
           str(staging), str(inside(media, media / ".tex" / beat.file.stem))]
    started = time.perf_counter()
    code = run_worker(cmd, log, lambda line: report(f"  {beat.slug}: {line}"))
    wall = time.perf_counter() - started
    facts = _worker_facts(log)
    produced = Path(facts["video"]) if facts else None
    if code != 0 or produced is None or not produced.exists():
        raise BuildError(f"beat {beat.slug} ({beat.name}) failed to render: {_last_error(log)} (full log: {log})")
    (video.parent).mkdir(parents=True, exist_ok=True)
    srt_file = produced.with_suffix(".srt")
    duration = probe(produced).duration
    if not srt_file.exists():
        srt_file.write_text("")
    sources = facts.pop("sources", None)
    files: dict[str, dict] = {}
    parts = folder.with_name(f".{folder.name}.part")  # filled, then swapped in whole
    try:
        sections = _stage_sections(beat, parts, produced, Path(facts.pop("sections", "")),
                                   facts.get("blocks", []), files)
        for source, target in ((produced, video), (srt_file, captions)):
            files[target.name] = file_record(source)
        stamp = {"key": key, "scene": beat.name, "title": beat.title, "duration": duration,
                 "quality": quality, "render_seconds": round(wall, 2), "settings": _settings(beat, quality),
                 "sources": sources, "files": files, "sections": sections, "worker": facts}
        # The stamp first: it claims every name below as the build's before one is written (a kill
        # in between leaves files the stamp does not match, so the beat is rendered again).
        with atomic_path(stamp_file) as tmp:
            tmp.write_text(sealed(stamp))
        if sections:
            _swap_in(parts, folder)
        for source, target in ((produced, video), (srt_file, captions)):
            with atomic_path(target) as tmp:
                shutil.move(source, tmp)
    finally:  # a full disk or a kill signal: no half-filled folder stays behind
        shutil.rmtree(parts, ignore_errors=True)
    return BeatResult(beat, video, captions, duration, wall, rendered=True, facts=facts, reason=reason, files=files,
                      sections=sections)


#: Environment variable naming the file descriptor a worker writes its progress lines to.
STATUS_FD_ENV = "LECTURE_STATUS_FD"


def run_worker(cmd: Sequence[str], log: Path, status: Callable[[str], None]) -> int:
    """Run one render worker: its output into ``log``, its progress lines (voice, warnings) to ``status``.

    If this thread is interrupted or the build fails while the worker runs,
    the worker is asked to stop (SIGTERM: it ends its own speech command)
    and killed if it has not within ten seconds: no process outlives the build.
    """
    read, write = os.pipe()
    try:
        with open(log, "w") as log_file:
            proc = subprocess.Popen(list(cmd), cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT,
                                    env={**os.environ, **WORKER_ENV, STATUS_FD_ENV: str(write)}, pass_fds=(write,))
    finally:
        os.close(write)
    _LIVE.add(proc)
    with os.fdopen(read, encoding="utf-8", errors="replace") as lines:
        try:
            for line in lines:
                if line.strip():
                    status(line.rstrip())
            return proc.wait()
        except BaseException:
            stop_worker(proc)
            raise
        finally:
            _LIVE.discard(proc)


#: Workers running now (so a failing build can stop them all).
_LIVE: set[subprocess.Popen] = set()


def stop_worker(proc: subprocess.Popen) -> None:
    """Ask a worker to stop (SIGTERM), then kill it if it has not within ten seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _swap_in(staged: Path, folder: Path) -> None:
    """Put the filled folder ``staged`` in place of ``folder`` (the old one is removed)."""
    old = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.rename(folder, old)
    os.rename(staged, folder)
    shutil.rmtree(old, ignore_errors=True)


def _stage_sections(beat: Beat, staging: Path, movie: Path, index: Path, blocks: list[dict],
                    files: dict[str, dict]) -> list[dict]:
    """Write the beat's sections (one per narrated block), with their share of the sound, into ``staging``.

    Manim writes each section's picture (``--save_sections``) but no sound;
    each gets the slice of the beat's sound under it, so a slide speaks
    what the beat says at that moment. Returns one entry per section (file,
    block id, start, duration, narration) and records the files in ``files``
    under their published names (``<slug>.sections/<file>``).
    """
    try:
        listed = json.loads(index.read_text())
    except (OSError, ValueError):
        return []
    folder_name = f"{beat.slug}.sections"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    sound = decode_audio(movie) if has_audio(movie) else None
    by_id = {b["id"]: b for b in blocks}
    sections, start = [], 0.0
    for n, section in enumerate(listed, 1):
        picture = index.parent / section["video"]
        seconds = probe(picture).duration
        if seconds <= 0:
            continue
        target = staging / f"{n:02d}-{section['name']}.mp4"
        clip = None if sound is None else sound[int(round(start * RATE)):int(round((start + seconds) * RATE))]
        concat_videos([picture], target, audio=clip)
        name = f"{folder_name}/{target.name}"
        files[name] = file_record(target)
        block = by_id.get(section["name"], {})
        sections.append({"file": name, "block": section["name"], "start": round(start, 6),
                         "duration": round(seconds, 6), "notes": block.get("text", ""),
                         "loop": bool(block.get("loop")),
                         **({"checkpoint": block["checkpoint"]} if block.get("checkpoint") else {})})
        start += seconds
    return sections


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
            if not error.get("where"):  # a message meant for the user as it is
                return error["message"]
            return f"{error['type']}: {error['message']} (raised at {error['where']})"
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
    removes what a killed run left. Each beat is checked with
    :func:`check_beat`; a damaged or missing published file is reported
    (``damaged: <path> (<why>): re-rendering``) and the beat rendered again.
    """
    check_quality(quality)
    media = media or ROOT / "media"
    out = output_dir(quality, media)
    jobs = jobs or os.cpu_count() or 1
    results: dict[int, BeatResult] = {}
    failures: list[str] = []
    inside(media, out)
    with _build_lock(out, report), ThreadPoolExecutor(max_workers=jobs) as pool:
        hashes: dict[Path, str | None] = {}
        checked = {b.order: (None, "forced") if force else check_beat(out, b, b.fingerprint(quality), hashes)
                   for b in chosen}
        for _, reason in checked.values():
            if reason.startswith(("damaged: ", "missing: ")):
                report(f"{reason}: re-rendering")
        if any(info is None for info, _ in checked.values()):
            check_system()  # only a render needs LaTeX: up-to-date beats are reused without it
        if removed := clean_stale(quality, media):
            report(f"removed {removed} leftover(s) of an interrupted run")
        futures = {pool.submit(render_one, b, quality, out, media, force, checked[b.order], report): b
                   for b in chosen}
        try:
            _collect(futures, results, failures, report)
        except BaseException:  # a full or read-only disk, Ctrl-C: stop every render, say so
            _stop_all(futures)
            raise
    if failures:
        raise BuildError("; ".join(failures))
    return [results[b.order] for b in chosen]


def _collect(futures: dict, results: dict[int, BeatResult], failures: list[str],
             report: Callable[[str], None]) -> None:
    """Take each render's result as it finishes: a failed beat is reported and the others go on."""
    for n, future in enumerate(as_completed(futures), 1):
        beat = futures[future]
        try:
            r = future.result()
        except BuildError as e:
            failures.append(str(e))
            report(f"[{n}/{len(futures)}] FAILED {beat.slug}: {e}")
            continue
        results[beat.order] = r
        how = f"rendered in {r.wall:.1f} s ({r.reason})" if r.rendered else "up to date"
        report(f"[{n}/{len(futures)}] {beat.slug:<22} {r.duration:6.1f} s of video, {how}")


def _stop_all(futures: Iterable) -> None:
    """Cancel the renders not started and stop every worker still running."""
    for f in futures:
        f.cancel()
    for proc in list(_LIVE):
        stop_worker(proc)


def assemble_lecture(results: Sequence[BeatResult], quality: str, media: Path | None = None,
                     report: Callable[[str], None] = print) -> dict:
    """Join every beat into ``lecture.mp4`` + ``lecture.srt`` + ``lecture.json``.

    Beat files left in ``beats/`` by an earlier order of the lecture (a slug
    no beat has now) are removed, so the folder holds exactly the lecture.
    The lecture is joined again when any part changed or when its own MP4 or
    captions are not what was written (reported through ``report``).
    Returns the chapter list (title, start, duration per beat).
    """
    out = output_dir(quality, media)
    with _build_lock(out, lambda line: None):
        _remove_orphans(out, {r.beat.slug for r in results})
        return _assemble(results, quality, out, report)


def _remove_orphans(out: Path, slugs: set[str]) -> list[Path]:
    """Delete what the stamp of a beat no longer in the lecture (its slug not in ``slugs``) recorded.

    Only files a readable stamp lists, then the stamp itself, are deleted
    (and its sections folder if that leaves it empty): a file no stamp of
    the build records is the user's, and stays.
    """
    folder = out / "beats"
    removed = []
    for stamp in sorted(folder.glob("*.json")):
        if stamp.stem in slugs:
            continue
        names = claimed(stamp, _stamp_files)
        if names is EVERYTHING or not names:
            continue  # not a stamp the build can read: nothing of it is deleted
        for name in sorted(names):
            path = folder / name
            if path.is_file() and path.resolve().is_relative_to(folder.resolve()):
                path.unlink()
                removed.append(path)
        sections = folder / f"{stamp.stem}.sections"
        if sections.is_dir() and not any(sections.iterdir()):
            sections.rmdir()
        stamp.unlink()
        removed.append(stamp)
    return removed


def _assemble(results: Sequence[BeatResult], quality: str, out: Path,
              report: Callable[[str], None] = lambda line: None) -> dict:
    chapters, inputs, starts, start = [], [], [], 0.0
    for r in results:
        starts.append(start)
        chapters.append({"order": r.beat.order, "slug": r.beat.slug, "title": r.beat.title,
                         "start": round(start, 3), "duration": round(r.duration, 3)})
        # The parts as published (verified by the build); hashed here if the caller did not say.
        files = r.files or {}
        inputs.append({p.name: files.get(p.name) or file_record(p) for p in (r.video, r.captions)})
        start += r.duration
    key = hashlib.sha256(json.dumps([chapters, inputs], sort_keys=True).encode()).hexdigest()
    stamp = out / "lecture.json"
    video, captions = out / "lecture.mp4", out / "lecture.srt"
    try:
        info = json.loads(stamp.read_text())
        fresh = intact(info) and info.get("key") == key
    except FileNotFoundError:
        info, fresh = None, False
    except (OSError, ValueError):
        info, fresh = None, False
        report(f"{_damage(stamp, 'not a valid stamp')}: joining the lecture again")
    if fresh:
        files = info.get("files")
        for path in (video, captions):
            if why := verify(path, files.get(path.name) if isinstance(files, dict) else None):
                report(f"{_damage(path, why)}: joining the lecture again")
                fresh = False
    if not fresh:
        refuse_foreign(out, [video.name, captions.name], claimed(stamp, _stamp_files))
        with atomic_path(stamp) as tmp:  # claim the names before writing them (see _render_and_publish)
            tmp.write_text(sealed({"key": None, "files": {video.name: None, captions.name: None}}))
        concat_videos([r.video for r in results], video)
        write_srt(concat_srt([(read_srt(r.captions), t) for r, t in zip(results, starts)]), captions)
        files = {p.name: file_record(p) for p in (video, captions)}
        with atomic_path(stamp) as tmp:
            tmp.write_text(sealed({"key": key, "quality": quality, "chapters": chapters,
                                   "parts": inputs, "files": files}))
    return {"video": video, "captions": captions, "chapters": chapters, "duration": start, "assembled": not fresh}


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
    leftovers = [*(out / "beats").glob(".*.part*"), *(out / "beats").glob("*.sections/.*.part*"),
                 *out.glob(".lecture.*.part*")]
    for folder in [*(out / "beats").glob(".*.sections.part"), *(out / "beats").glob(".*.sections.old")]:
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    leftovers = [p for p in leftovers if p.is_file()]
    # The LaTeX cache is shared by every quality: only take SVGs abandoned long ago.
    leftovers += [p for p in (media / ".tex").glob("*/.*.part") if time.time() - p.stat().st_mtime > 600]
    for path in leftovers:
        path.unlink(missing_ok=True)
        removed += 1
    return removed
