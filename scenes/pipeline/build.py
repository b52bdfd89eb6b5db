"""Render the beats (in parallel), then assemble the lecture from them.

``python -m scenes render`` is what ``make lecture`` runs. Every beat renders
in its own ``manim`` process (:mod:`scenes.pipeline.worker`) into a private
staging folder; its MP4, captions and sections are then renamed into
``media/<quality>/beats/`` so a published file is always whole. The lecture
is the beats joined without re-encoding, captions shifted, chapters inside
(:mod:`scenes.pipeline.assemble`).

The build's seams, one module each: the beats and their selection
(:mod:`~scenes.pipeline.beats`), every path (:mod:`~scenes.pipeline.layout`,
with the lock), the key and the stamp (:mod:`~scenes.pipeline.stamp`),
publishing and cleaning (:mod:`~scenes.pipeline.publish`), the joined
lecture (:mod:`~scenes.pipeline.assemble`) and the one error
(:mod:`~scenes.pipeline.errors`). This module runs the workers.

A truncated, emptied or altered output is reported (``damaged: <path>
(<why>): re-rendering``) and rebuilt. Faults the build survives:

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

import json
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from scenes.block import BlockRecord
from scenes.files import inside
from scenes.pipeline.assemble import assemble_lecture
from scenes.pipeline.beats import (LECTURE, SYSTEM_TOOLS, Beat, BeatResult, beats, check_quality, check_system,
                                   select_beats)
from scenes.pipeline.claims import EVERYTHING, claimed, refuse_foreign, stamp_files
from scenes.pipeline.errors import BuildError
from scenes.pipeline.audio import lay_sounds
from scenes.pipeline.layout import ROOT, MediaLayout, shown
from scenes.pipeline.media import atomic_path, concat_videos, file_record, probe, sealed
from scenes.pipeline.publish import clean_stale, stage_sections, swap_in
from scenes.pipeline.run import stop_all
from scenes.pipeline.quality import QUALITIES
from scenes.pipeline.stamp import WORKER_ENV, check_beat, installed_versions, settings_record
from scenes.pipeline.executors import Executor, LocalExecutor
from scenes.pipeline.travel import TravelError
from scenes.pipeline.unit import UNIT_LOG, land_voice, render_unit

__all__ = [
    "ROOT",
    "QUALITIES",
    "Beat",
    "beats",
    "select_beats",
    "check_quality",
    "render_beats",
    "render_one",
    "lay_soundtrack",
    "assemble_lecture",
    "BuildError",
    "BeatResult",
    "output_dir",
    "check_system",
    "check_beat",
    "clean_stale",
    "LECTURE",
    "SYSTEM_TOOLS",
    "WORKER_ENV",
    "EVERYTHING",
    "claimed",
    "refuse_foreign",
]


def output_dir(quality: str, media: Path | None = None) -> Path:
    """``media/<quality>``: where a quality's finished files live (:attr:`MediaLayout.out`)."""
    return MediaLayout.of(quality, media).out


def _sections(info: dict) -> list[BlockRecord]:
    """The section records a stamp holds (none from a stamp that predates them)."""
    try:
        return [BlockRecord.from_json(s) for s in info.get("sections") or []]
    except (TypeError, ValueError):
        return []


def render_one(beat: Beat, layout: MediaLayout, force: bool = False,
               checked: tuple[dict | None, str] | None = None,
               report: Callable[[str], None] = lambda line: None, executor: Executor | None = None) -> BeatResult:
    """Render ``beat`` in its own manim process and publish its MP4 and captions.

    Unless ``force``, a beat that :func:`check_beat` finds up to date is
    reused (``checked`` is that check's result, if the caller made it).
    The render is a unit (:func:`scenes.pipeline.unit.render_unit`) run by
    ``executor`` (default: here, see :mod:`scenes.pipeline.executors`).
    """
    key = beat.fingerprint(layout.quality)
    video, captions = layout.video(beat), layout.captions(beat)
    info, reason = (None, "forced") if force else (checked or check_beat(layout, beat, key))
    if info is not None:
        return BeatResult(beat, video, captions, info["duration"], 0.0, rendered=False, facts=info.get("worker"),
                          sections=_sections(info), files=info.get("files"))
    staging = inside(layout.media, layout.staging(beat))
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        return _render_and_publish(beat, layout, staging, key, reason, report, executor or LocalExecutor())
    finally:  # rendered, failed or refused by the disk: the staging folder goes (a kill leaves it to clean_stale)
        shutil.rmtree(staging, ignore_errors=True)


def _render_and_publish(beat: Beat, layout: MediaLayout, staging: Path, key: str, reason: str,
                        report: Callable[[str], None], executor: Executor) -> BeatResult:
    quality = layout.quality
    video, captions = layout.video(beat), layout.captions(beat)
    stamp_file, folder, log = layout.stamp(beat), layout.sections(beat), layout.log(beat)
    for path in (video, captions, stamp_file, folder, log.parent):
        inside(layout.media, path)
    # Nothing of the user's is replaced: every name about to be written must be the build's own.
    owned = claimed(stamp_file, stamp_files)
    in_folder = [f"{folder.name}/{p.name}" for p in folder.iterdir()] if folder.is_dir() else []
    refuse_foreign(layout.beats, [video.name, captions.name, *in_folder], owned)
    log.parent.mkdir(parents=True, exist_ok=True)
    # The worker takes the scene's file, so scenes from outside scenes/ render too.
    inside(layout.media, layout.tex(beat))
    started = time.perf_counter()
    try:
        ran = executor.run(render_unit, staging, layout.tex_root, shown(beat.file), beat.name, quality,
                           status=lambda line: report(f"  {beat.slug}: {line}"))
    except TravelError as e:
        raise BuildError(f"beat {beat.slug} ({beat.name}): {e}") from None
    wall = time.perf_counter() - started
    shutil.copyfile(staging / UNIT_LOG, log)
    facts = ran["facts"]
    produced = staging / facts["video"] if facts else None
    if ran["returncode"] != 0 or produced is None or not produced.exists():
        raise BuildError(f"beat {beat.slug} ({beat.name}) failed to render: {_last_error(log)} (full log: {log})")
    if ran["versions"] != installed_versions():
        raise BuildError(f"beat {beat.slug} ({beat.name}) was rendered with {ran['versions']} where it ran, "
                         f"this machine has {installed_versions()}: install the same versions on every worker")
    if facts.get("sections"):
        facts["sections"] = str(staging / facts["sections"])
    if "ran_on" in ran:
        facts["ran_on"] = ran["ran_on"]
    try:
        land_voice(staging / "voice", [*(facts.get("sources") or []), *(facts.get("sounds") or [])])
    except TravelError as e:
        raise BuildError(f"beat {beat.slug} ({beat.name}): {e}") from None
    (video.parent).mkdir(parents=True, exist_ok=True)
    lay_soundtrack(produced, facts)
    srt_file = produced.with_suffix(".srt")
    duration = probe(produced).duration
    if not srt_file.exists():
        srt_file.write_text("")
    sources = facts.pop("sources", None)
    files: dict[str, dict] = {}
    parts = folder.with_name(f".{folder.name}.part")  # filled, then swapped in whole
    try:
        blocks = [BlockRecord.from_json(b) for b in facts.get("blocks", [])]
        sections = stage_sections(beat, layout, parts, produced, Path(facts.pop("sections", "")), blocks, files)
        for source, target in ((produced, video), (srt_file, captions)):
            files[target.name] = file_record(source)
        stamp = {"key": key, "scene": beat.name, "title": beat.title, "duration": duration,
                 "quality": quality, "render_seconds": round(wall, 2), "settings": settings_record(beat, quality),
                 "sources": sources, "files": files, "sections": [s.to_json() for s in sections], "worker": facts}
        # The stamp first: it claims every name below as the build's before one is written (a kill
        # in between leaves files the stamp does not match, so the beat is rendered again).
        with atomic_path(stamp_file) as tmp:
            tmp.write_text(sealed(stamp))
        if sections:
            swap_in(parts, folder)
        for source, target in ((produced, video), (srt_file, captions)):
            with atomic_path(target) as tmp:
                shutil.move(source, tmp)
    finally:  # a full disk or a kill signal: no half-filled folder stays behind
        shutil.rmtree(parts, ignore_errors=True)
    return BeatResult(beat, video, captions, duration, wall, rendered=True, facts=facts, reason=reason, files=files,
                      sections=sections)


def lay_soundtrack(video: Path, facts: dict) -> None:
    """Replace ``video``'s sound by the one laid from the sounds its worker recorded (picture copied as is).

    The beat's sound is laid by :func:`~scenes.pipeline.audio.lay_sounds`,
    not mixed by Manim, so a beat joined from units (whose sounds may start
    in an earlier unit) gets the same sound, sample for sample, as the beat
    rendered whole.
    """
    sounds = [(ROOT / s["path"], s["start"], s["gain"]) for s in facts.get("sounds") or []]
    if sounds:
        concat_videos([video], video, audio=lay_sounds(sounds))


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
    executor: Executor | None = None,
) -> list[BeatResult]:
    """Render ``chosen`` beats, ``jobs`` at a time; publish each as it finishes.

    ``executor`` runs each render (default: processes on this machine; see
    :mod:`scenes.pipeline.executors`), with ``jobs`` defaulting to its choice.

    A beat that fails does not stop the others; after all have run, a
    :class:`BuildError` is raised naming every failed beat and its error.
    Before any worker starts, :func:`check_system` checks LaTeX and
    Cairo/Pango (if any beat needs rendering), and :func:`clean_stale`
    removes what a killed run left. Each beat is checked with
    :func:`check_beat`; a damaged or missing published file is reported
    (``damaged: <path> (<why>): re-rendering``) and the beat rendered again.
    """
    check_quality(quality)
    layout = MediaLayout.of(quality, media)
    inside(layout.media, layout.out)
    executor = executor or LocalExecutor()
    jobs = jobs or executor.default_jobs(len(chosen))
    results: dict[int, BeatResult] = {}
    failures: list[str] = []
    with layout.lock(report), ThreadPoolExecutor(max_workers=jobs) as pool:
        hashes: dict[Path, str | None] = {}
        checked = {b.order: (None, "forced") if force else check_beat(layout, b, b.fingerprint(quality), hashes)
                   for b in chosen}
        for _, reason in checked.values():
            if reason.startswith(("damaged: ", "missing: ")):
                report(f"{reason}: re-rendering")
        if any(info is None for info, _ in checked.values()):
            check_system()  # only a render needs LaTeX: up-to-date beats are reused without it
        if removed := clean_stale(quality, layout.media):
            report(f"removed {removed} leftover(s) of an interrupted run")
        futures = {pool.submit(render_one, b, layout, force, checked[b.order], report, executor): b
                   for b in chosen}
        try:
            _collect(futures, results, failures, report)
        except BaseException:  # a full or read-only disk, Ctrl-C: stop every render, say so
            for f in futures:
                f.cancel()
            stop_all()
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
