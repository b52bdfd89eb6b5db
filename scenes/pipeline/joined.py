"""A beat joined from its units, then published: picture, sound, captions, sections and stamp.

The build (:mod:`scenes.pipeline.build`) renders a beat's units
(:mod:`scenes.pipeline.units`) and hands them here with the plan
(:mod:`scenes.pipeline.plan`). :func:`publish_beat` checks every unit's
render, makes each unit's record (times relative to the unit), checks that
the cut still falls on block boundaries (:class:`CutMismatch` if not: the
build renders the beat whole), and joins

* the picture: each rendered unit's movie, each reused unit's published
  sections, end to end without re-encoding;
* the sound: laid from every unit's sound records, each shifted to where its
  unit starts (:func:`scenes.pipeline.audio.lay_sounds`);
* the captions and the sections, likewise;

then writes the stamp (with each unit's record and key) before the files it
claims, as every publish does.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import srt
from numpy.typing import NDArray

from scenes.block import BlockRecord, SectionType
from scenes.files import inside, sha256_file
from scenes.pipeline.audio import lay_sounds
from scenes.pipeline.beats import BeatResult
from scenes.pipeline.claims import claimed, refuse_foreign, stamp_files
from scenes.pipeline.errors import BuildError
from scenes.pipeline.layout import ROOT, MediaLayout, shown
from scenes.pipeline.media import atomic_path, concat_srt, concat_videos, file_record, probe, sealed, write_srt
from scenes.pipeline.plan import BeatPlan
from scenes.pipeline.publish import stage_sections, swap_in
from scenes.pipeline.sites import Sites, read_sites
from scenes.pipeline.stamp import installed_versions, settings_record
from scenes.pipeline.travel import TravelError
from scenes.pipeline.unit import UNIT_LOG, land_voice
from scenes.pipeline.units import TO_END, UnitRecord, code_digests, combined_facts, own_record, site_of, unit_key

__all__ = ["Job", "CutMismatch", "publish_beat", "laid_sound", "last_error"]


class CutMismatch(Exception):
    """The units' blocks do not join into the beat (its blocks moved since the cut was made)."""


@dataclass
class Job:
    """A beat being rendered: its plan, its staging folder, and each rendered unit's result as it comes."""

    plan: BeatPlan
    staging: Path
    ran: dict[int, dict] = field(default_factory=dict)
    started: float | None = None

    def unit_staging(self, n: int) -> Path:
        """Where unit ``n`` renders."""
        return self.staging / f"u{n:02d}"


def last_error(log: Path) -> str:
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


def _checked(job: Job, layout: MediaLayout, log: Path) -> dict[int, dict]:
    """Each rendered unit's facts, paths made whole; its voice landed here. A failed unit fails the beat."""
    beat = job.plan.beat
    with open(log, "w") as out:
        for n in sorted(job.ran):
            if len(job.plan.cuts) > 1:
                out.write(f"=== unit {n + 1} of {len(job.plan.cuts)}: plays {job.plan.cuts[n].range}\n")
            out.write((job.unit_staging(n) / UNIT_LOG).read_text(errors="replace"))
    facts_of = {}
    for n, ran in sorted(job.ran.items()):
        staging, facts = job.unit_staging(n), ran["facts"]
        produced = staging / facts["video"] if facts else None
        if ran["returncode"] != 0 or produced is None or not produced.exists():
            unit = f" (unit {n + 1} of {len(job.plan.cuts)})" if len(job.plan.cuts) > 1 else ""
            raise BuildError(f"beat {beat.slug} ({beat.name}) failed to render{unit}: "
                             f"{last_error(staging / UNIT_LOG)} (full log: {log})")
        if ran["versions"] != installed_versions():
            raise BuildError(f"beat {beat.slug} ({beat.name}) was rendered with {ran['versions']} where it ran, "
                             f"this machine has {installed_versions()}: install the same versions on every worker")
        facts["video"] = str(produced)
        if facts.get("sections"):
            facts["sections"] = str(staging / facts["sections"])
        if "ran_on" in ran:
            facts["ran_on"] = ran["ran_on"]
        try:
            land_voice(staging / "voice", [*(facts.get("sources") or []), *(facts.get("sounds") or [])])
        except TravelError as e:
            raise BuildError(f"beat {beat.slug} ({beat.name}): {e}") from None
        facts_of[n] = facts
    return facts_of


def laid_sound(sounds: list[dict]) -> NDArray[np.float32] | None:
    """The soundtrack laid from sound records (``path``, ``start``, ``gain``); ``None`` for none.

    Laid by :func:`~scenes.pipeline.audio.lay_sounds`, not mixed by Manim, so
    a beat joined from units (whose sounds may start in an earlier unit) gets
    the same sound, sample for sample, as the beat rendered whole.
    """
    placed = [(ROOT / s["path"], s["start"], s["gain"]) for s in sounds]
    return lay_sounds(placed) if placed else None


def _sha(path: str) -> str | None:
    """The sha256 of a file of the checkout (or an absolute path) now; ``None`` if it is gone."""
    try:
        return sha256_file(ROOT / path)
    except OSError:
        return None


def _records(job: Job, facts_of: dict[int, dict]) -> list[UnitRecord]:
    """Every unit's record, rendered now or reused; :class:`CutMismatch` if they do not join."""
    plan, records = job.plan, []
    for n, cut in enumerate(plan.cuts):
        if n in plan.reuse:
            records.append(plan.reuse[n])
            continue
        facts = facts_of[n]
        captions = Path(facts["video"]).with_suffix(".srt")
        last = TO_END if n == len(plan.cuts) - 1 else cut.last
        records.append(own_record(facts, captions.read_text(encoding="utf-8") if captions.is_file() else "",
                                  cut.first, last, lambda site: site_of(site, ROOT, shown), _sha))
    names = [name for r in records for name in r.sections]
    for n, facts in facts_of.items():
        if plan.whole:
            break
        seen = [s["name"] for s in facts.get("section_starts") or [] if s["play"] <= plan.cuts[n].last]
        if (n > 0 and (not records[n].starts or records[n].starts[0]["play"] != plan.cuts[n].first)) \
                or seen != names[:len(seen)] or len(seen) != sum(len(r.sections) for r in records[:n + 1]):
            raise CutMismatch(f"the blocks of {plan.beat.slug} moved since it was cut into units")
    return records


def _keyed(job: Job, facts_of: dict[int, dict], records: list[UnitRecord]) -> tuple[list[UnitRecord], dict | None]:
    """The records with their keys; the code digests the keys cover (``None``: a source changed during the
    render, so no unit is reusable)."""
    plan = job.plan
    sounds = {s["path"] for r in records for s in r.sounds} | {s["path"] for f in facts_of.values()
                                                               for s in f.get("sounds") or []}
    read: dict[str, str | None] = {}
    for facts in facts_of.values():
        read.update({s["path"]: s["sha256"] for s in facts.get("sources") or [] if s["path"] not in sounds})
    if not facts_of:  # every unit reused: its code is what the plan checked
        read = {p: _sha(p) for p in (plan.stamp or {}).get("code") or {}}
    if any(sha is None or _sha(path) != sha for path, sha in read.items()):
        return records, None  # edited while it rendered: rendered again next time
    code = code_digests(list(read), lambda p: ROOT / p)
    if code is None:
        return records, None

    def sites(path: str) -> Sites | None:
        try:
            return read_sites(ROOT / path)
        except OSError:
            return None

    keyed = [r if n in plan.reuse else replace(r, key=unit_key(plan.key, code, r, sites))
             for n, r in enumerate(records)]
    return keyed, code


def _index(job: Job, facts_of: dict[int, dict], records: list[UnitRecord], layout: MediaLayout,
           published: dict[str, dict]) -> tuple[list[Path], list[dict]]:
    """The pictures to join, in order, and the sections index of the joined beat (paths whole)."""
    pictures: list[Path] = []
    index: list[dict] = []
    for n, record in enumerate(records):
        if n in facts_of:
            facts = facts_of[n]
            pictures.append(Path(facts["video"]))
            listed = Path(facts.get("sections") or "")
            if listed.is_file():
                index += [{**s, "video": str(listed.parent / s["video"])} for s in json.loads(listed.read_text())]
            continue
        for name in record.sections:
            section = published[name]
            pictures.append(layout.beats / section["file"])
            kind = SectionType.LOOP if section.get("loop") else SectionType.NARRATED
            index.append({"name": name, "type": kind.value, "video": str(layout.beats / section["file"])})
    return pictures, index


def publish_beat(job: Job, layout: MediaLayout, wall: float) -> BeatResult:
    """Join ``job``'s units into its beat and publish it (see the module's docstring)."""
    plan, beat = job.plan, job.plan.beat
    video, captions = layout.video(beat), layout.captions(beat)
    stamp_file, folder, log = layout.stamp(beat), layout.sections(beat), layout.log(beat)
    for path in (video, captions, stamp_file, folder, log.parent):
        inside(layout.media, path)
    # Nothing of the user's is replaced: every name about to be written must be the build's own.
    owned = claimed(stamp_file, stamp_files)
    in_folder = [f"{folder.name}/{p.name}" for p in folder.iterdir()] if folder.is_dir() else []
    refuse_foreign(layout.beats, [video.name, captions.name, *in_folder], owned)
    log.parent.mkdir(parents=True, exist_ok=True)
    facts_of = _checked(job, layout, log)
    records, code = _keyed(job, facts_of, _records(job, facts_of))
    fresh = [n in facts_of for n in range(len(records))]
    rendered = [facts_of[n] for n in sorted(facts_of)]
    fps = (rendered[-1] if rendered else (plan.stamp or {}).get("worker") or {}).get("fps", 60)
    facts = combined_facts(rendered, records, fresh, fps)
    published = {s["id"]: s for s in (plan.stamp or {}).get("sections") or []}
    pictures, index = _index(job, facts_of, records, layout, published)
    produced = job.staging / "beat.mp4"
    concat_videos(pictures, produced, audio=laid_sound(facts["sounds"]))
    offsets = [sum(r.seconds for r in records[:n]) for n in range(len(records))]
    srt_file = produced.with_suffix(".srt")
    write_srt(concat_srt([(list(srt.parse(r.captions)), at) for r, at in zip(records, offsets)]), srt_file)
    index_file = job.staging / "sections.json"
    index_file.write_text(json.dumps(index))
    duration = probe(produced).duration
    sources = _sources(facts_of, records, plan)
    for key in ("sources", "sections", "video"):
        facts.pop(key, None)
    files: dict[str, dict] = {}
    parts = folder.with_name(f".{folder.name}.part")  # filled, then swapped in whole
    try:
        blocks = [BlockRecord.from_json(b) for b in facts.get("blocks", [])]
        sections = stage_sections(beat, layout, parts, produced, index_file, blocks, files)
        for source, target in ((produced, video), (srt_file, captions)):
            files[target.name] = file_record(source)
        stamp = {"key": plan.key, "scene": beat.name, "title": beat.title, "duration": duration,
                 "quality": layout.quality, "render_seconds": round(wall, 2),
                 "settings": settings_record(beat, layout.quality), "sources": sources, "files": files,
                 "sections": [s.to_json() for s in sections], "worker": facts,
                 "units": [r.to_json() for r in records], "code": code}
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
    return BeatResult(beat, video, captions, duration, wall, rendered=True, facts=facts, reason=plan.reason,
                      files=files, sections=sections)


def _sources(facts_of: dict[int, dict], records: list[UnitRecord], plan: BeatPlan) -> list[dict]:
    """What the beat was made from: every rendered unit's sources, the reused units' sound files, and (when
    nothing rendered) the code the plan checked, as it is now."""
    found: dict[str, str | None] = {}
    if not facts_of:
        found.update({p: _sha(p) for p in (plan.stamp or {}).get("code") or {}})
    for n, record in enumerate(records):
        if n not in facts_of:
            found.update({a["path"]: a["sha256"] for a in record.audio})
    for facts in facts_of.values():
        found.update({s["path"]: s["sha256"] for s in facts.get("sources") or []})
    return [{"path": p, "sha256": found[p]} for p in sorted(found)]

