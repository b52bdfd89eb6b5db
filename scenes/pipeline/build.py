"""Render the beats (in parallel), then assemble the lecture from them.

``python -m scenes render`` is what ``make lecture`` runs. A beat renders as
one or more *units* (runs of whole narrated blocks, :mod:`scenes.pipeline.units`),
each in its own ``manim`` process (:mod:`scenes.pipeline.worker`) in a
private staging folder; the units of every beat go to the workers longest
first, and a beat is joined and published as soon as its last unit is done
(:mod:`scenes.pipeline.joined`): its MP4, captions and sections are renamed
into ``media/<quality>/beats/`` so a published file is always whole. The
lecture is the beats joined without re-encoding, captions shifted, chapters
inside (:mod:`scenes.pipeline.assemble`).

The build's seams, one module each: the beats and their selection
(:mod:`~scenes.pipeline.beats`), every path (:mod:`~scenes.pipeline.layout`,
with the lock), the key and the stamp (:mod:`~scenes.pipeline.stamp`), which
units render and which are reused (:mod:`~scenes.pipeline.plan`), the join
(:mod:`~scenes.pipeline.joined`), publishing and cleaning
(:mod:`~scenes.pipeline.publish`), the joined lecture
(:mod:`~scenes.pipeline.assemble`) and the one error
(:mod:`~scenes.pipeline.errors`). This module schedules the units.

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

import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

from scenes.block import BlockRecord
from scenes.files import inside
from scenes.pipeline.assemble import assemble_lecture
from scenes.pipeline.beats import (LECTURE, SYSTEM_TOOLS, Beat, BeatResult, beats, check_quality, check_system,
                                   select_beats)
from scenes.pipeline.claims import EVERYTHING, claimed, refuse_foreign
from scenes.pipeline.errors import BuildError
from scenes.pipeline.executors import Executor, LocalExecutor
from scenes.pipeline.joined import CutMismatch, Job, laid_sound, last_error, publish_beat
from scenes.pipeline.layout import ROOT, MediaLayout, shown
from scenes.pipeline.media import concat_videos
from scenes.pipeline.plan import BeatPlan, plan_beat, read_stamp
from scenes.pipeline.publish import clean_stale
from scenes.pipeline.quality import QUALITIES
from scenes.pipeline.run import stop_all
from scenes.pipeline.stamp import WORKER_ENV, check_beat
from scenes.pipeline.travel import TravelError
from scenes.pipeline.unit import UNIT_LOG, render_unit
from scenes.pipeline.units import TO_END, Cut

#: The shortest unit the build cuts by itself (seconds of video): each unit starts a process and replays
#: the beat's logic up to its first block, which a shorter unit would not earn back.
MIN_UNIT_SECONDS = 20.0

#: The number of a beat's dry pass among its units: every play skipped (its logic run, nothing drawn).
DRY = -1

__all__ = [
    "ROOT",
    "QUALITIES",
    "Beat",
    "beats",
    "select_beats",
    "check_quality",
    "render_beats",
    "auto_unit_seconds",
    "MIN_UNIT_SECONDS",
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


def _reused(beat: Beat, layout: MediaLayout, info: dict) -> BeatResult:
    """The result of a beat found up to date."""
    return BeatResult(beat, layout.video(beat), layout.captions(beat), info["duration"], 0.0, rendered=False,
                      facts=info.get("worker"), sections=_sections(info), files=info.get("files"))


def _render_unit(job: Job, n: int, layout: MediaLayout, executor: Executor, report: Callable[[str], None]) -> None:
    """Render unit ``n`` of ``job`` into its own staging folder (by ``executor``); keep what it returned."""
    beat, cuts = job.plan.beat, job.plan.cuts
    staging = job.unit_staging(n)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    if job.started is None:
        job.started = time.perf_counter()
    label = beat.slug if len(cuts) == 1 else f"{beat.slug} [unit {n + 1}/{len(cuts)}]"
    plays = "" if job.plan.whole else cuts[n].range
    if n == DRY:
        label, plays = f"{beat.slug} [dry pass]", f"{TO_END},{TO_END}"
    try:
        job.ran[n] = executor.run(render_unit, staging, layout.tex_root, shown(beat.file), beat.name, layout.quality,
                                  plays, status=lambda line: report(f"  {label}: {line}"))
    except TravelError as e:
        raise BuildError(f"beat {beat.slug} ({beat.name}): {e}") from None


def lay_soundtrack(video: Path, facts: dict) -> None:
    """Replace ``video``'s sound by the one laid from the sounds its worker recorded (picture copied as is).

    The beat's sound is laid by :func:`~scenes.pipeline.audio.lay_sounds`,
    not mixed by Manim, so a beat joined from units (whose sounds may start
    in an earlier unit) gets the same sound, sample for sample, as the beat
    rendered whole.
    """
    if (sound := laid_sound(facts.get("sounds") or [])) is not None:
        concat_videos([video], video, audio=sound)


def render_beats(
    chosen: Sequence[Beat],
    quality: str,
    *,
    jobs: int | None = None,
    media: Path | None = None,
    force: bool = False,
    report: Callable[[str], None] = print,
    executor: Executor | None = None,
    unit_seconds: float | None = None,
) -> list[BeatResult]:
    """Render ``chosen`` beats, ``jobs`` units at a time; publish each beat as its last unit finishes.

    ``executor`` runs each unit (default: processes on this machine; see
    :mod:`scenes.pipeline.executors`), with ``jobs`` defaulting to its choice.
    A beat renders in units of about ``unit_seconds`` of video
    (:mod:`scenes.pipeline.plan`; default :func:`auto_unit_seconds`), longest
    first, so every worker stays busy to the end.

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
    results: dict[int, BeatResult] = {}
    failures: list[str] = []
    with layout.lock(report):
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
        for b in chosen:
            if checked[b.order][0] is not None:
                r = results[b.order] = _reused(b, layout, checked[b.order][0])
                report(f"[{len(results)}/{len(chosen)}] {b.slug:<22} {r.duration:6.1f} s of video, up to date")
        todo = [b for b in chosen if b.order not in results]
        jobs = jobs or executor.default_jobs(len(todo))
        target = unit_seconds if unit_seconds is not None else auto_unit_seconds(todo, layout, jobs)
        plans = [plan_beat(b, layout, b.fingerprint(quality), checked[b.order][1], target, force) for b in todo]
        _render(plans, layout, jobs, executor, results, failures, report, len(chosen))
    if failures:
        raise BuildError("; ".join(failures))
    return [results[b.order] for b in chosen]


def auto_unit_seconds(todo: Sequence[Beat], layout: MediaLayout, jobs: int) -> float:
    """How long a unit should be: whole beats on one worker; else the video to render over four units per
    worker (known from the beats' last stamps), so the last units to finish are short."""
    if jobs <= 1:
        return float("inf")
    total = 0.0
    for beat in todo:
        info = read_stamp(layout.stamp(beat))
        total += float((info or {}).get("duration") or 0.0)
    return max(total / (4 * jobs), MIN_UNIT_SECONDS) if total else float("inf")


def _render(plans: list[BeatPlan], layout: MediaLayout, jobs: int, executor: Executor, results: dict[int, BeatResult],
            failures: list[str], report: Callable[[str], None], total: int) -> None:
    """Render every plan's units in a pool of ``jobs``, longest first (unknown lengths first of all);
    publish each beat when its last unit is done."""
    pending: dict[Future, tuple[Job, int]] = {}
    left: dict[int, set[int]] = {}  # beat order → units still rendering
    done = len(results)
    with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:

        def submit(job: Job, numbers: Sequence[int]) -> None:
            left[job.plan.beat.order] = set(numbers)
            for n in numbers:
                pending[pool.submit(_render_unit, job, n, layout, executor, report)] = (job, n)

        all_jobs = []
        for plan in plans:
            staging = inside(layout.media, layout.staging(plan.beat))
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            all_jobs.append(Job(plan, staging))
        # Dry passes first (short, and they decide what else renders), then units longest first.
        units = [(job, DRY) for job in all_jobs if job.plan.needs_dry_pass]
        units += sorted(((job, n) for job in all_jobs if not job.plan.needs_dry_pass for n in job.plan.to_render),
                        key=lambda jn: -jn[0].plan.cuts[jn[1]].seconds)
        for job, n in units:
            left.setdefault(job.plan.beat.order, set()).add(n)
            pending[pool.submit(_render_unit, job, n, layout, executor, report)] = (job, n)
        ready = [job for job in all_jobs if not left.get(job.plan.beat.order)]  # every unit reused: only to join
        try:
            while pending or ready:
                for job in ready:
                    done += 1
                    _finish(job, layout, results, failures, report, done, total, submit)
                ready = []
                finished, _ = wait(list(pending), return_when=FIRST_COMPLETED) if pending else ((), ())
                for future in finished:
                    job, n = pending.pop(future)
                    order = job.plan.beat.order
                    try:
                        future.result()
                    except BuildError as e:  # the beat fails; its other units are not needed
                        left.pop(order, None)
                        for other in [f for f, (j, _) in pending.items() if j is job]:
                            other.cancel()
                        done += 1
                        _failed(job, str(e), failures, report, done, total)
                        continue
                    if n == DRY:  # the dry pass says which units are really reused; the others render now
                        try:
                            job.plan.confirm(_dry_facts(job))
                        except BuildError as e:
                            left.pop(order, None)
                            done += 1
                            _failed(job, str(e), failures, report, done, total)
                            continue
                        submit(job, job.plan.to_render)
                        left[order].add(DRY)
                    if order in left:
                        left[order].discard(n)
                        if not left[order]:
                            del left[order]
                            ready.append(job)
        except BaseException:  # a full or read-only disk, Ctrl-C: stop every render, say so
            for f in pending:
                f.cancel()
            stop_all()
            raise
        finally:  # rendered, failed or refused by the disk: staging goes (a kill leaves it to clean_stale)
            for plan in plans:
                shutil.rmtree(layout.staging(plan.beat), ignore_errors=True)


def _dry_facts(job: Job) -> dict:
    """What the dry pass of ``job``'s beat recorded; a :class:`BuildError` if the beat's logic failed."""
    ran, beat = job.ran.pop(DRY), job.plan.beat
    if ran["returncode"] != 0 or not ran["facts"]:
        raise BuildError(f"beat {beat.slug} ({beat.name}) failed to render (dry pass): "
                         f"{last_error(job.unit_staging(DRY) / UNIT_LOG)}")
    return ran["facts"]


def _finish(job: Job, layout: MediaLayout, results: dict[int, BeatResult], failures: list[str],
            report: Callable[[str], None], n: int, total: int, submit: Callable[[Job, Sequence[int]], None]) -> None:
    """Publish a beat whose units are all rendered; if its cut no longer fits, render it again whole."""
    beat = job.plan.beat
    wall = time.perf_counter() - (job.started or time.perf_counter())
    try:
        r = publish_beat(job, layout, wall)
    except CutMismatch as e:
        report(f"  {beat.slug}: {e}: rendering it whole")
        plan = job.plan
        whole = BeatPlan(beat, plan.key, plan.reason, [Cut(0, TO_END, (), float("inf"))])
        submit(Job(whole, job.staging, started=job.started), [0])
        return
    except BuildError as e:
        _failed(job, str(e), failures, report, n, total)
        return
    results[beat.order] = r
    units = (r.facts or {}).get("units") or []
    parts = f", {sum(u['rendered'] for u in units)} of {len(units)} units" if len(units) > 1 else ""
    report(f"[{n}/{total}] {beat.slug:<22} {r.duration:6.1f} s of video, rendered in {r.wall:.1f} s "
           f"({r.reason}{parts})")


def _failed(job: Job, error: str, failures: list[str], report: Callable[[str], None], n: int, total: int) -> None:
    failures.append(error)
    report(f"[{n}/{total}] FAILED {job.plan.beat.slug}: {error}")
