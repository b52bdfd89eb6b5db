"""Which units of a beat to render and which to reuse, before any worker starts.

:func:`plan_beat` reads the beat's last stamp (:mod:`scenes.pipeline.stamp`)
and decides:

* a beat whose stamp still holds units with keys (:mod:`scenes.pipeline.units`)
  keeps its cut; each unit whose key is the same now, and whose published
  sections are intact, is a candidate for reuse; a dry pass of the beat
  (:meth:`BeatPlan.confirm`: every play skipped, nothing drawn) then keeps
  those whose blocks still start where, and from the picture, they did;
  the others render;
* otherwise the beat is cut afresh from where its blocks started in its last
  render at any quality (``section_starts``), into units of about
  ``target`` seconds;
* a beat never rendered before is one unit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from scenes.files import sha256_file
from scenes.pipeline.beats import Beat
from scenes.pipeline.layout import ROOT, MediaLayout
from scenes.pipeline.media import intact, verify
from scenes.pipeline.quality import QUALITIES
from scenes.pipeline.sites import Sites, read_sites
from scenes.pipeline.units import TO_END, Cut, UnitRecord, code_digests, cut, unit_key

__all__ = ["BeatPlan", "plan_beat", "read_stamp", "sound_paths"]


@dataclass
class BeatPlan:
    """A beat to render: its key, why, its units in order and which of them are reused."""

    beat: Beat
    key: str
    reason: str
    cuts: list[Cut]
    reuse: dict[int, UnitRecord] = field(default_factory=dict)
    stamp: dict | None = None  # the last stamp (its sections are the reused units' pictures)

    checked: bool = False  # whether the dry pass has confirmed the units to reuse

    @property
    def to_render(self) -> list[int]:
        """The numbers of the units to render."""
        return [n for n in range(len(self.cuts)) if n not in self.reuse]

    @property
    def needs_dry_pass(self) -> bool:
        """Whether units are to be reused but not yet confirmed by a dry pass (:meth:`confirm`)."""
        return bool(self.reuse) and not self.checked

    @property
    def whole(self) -> bool:
        """Whether the beat renders as one unit with no known blocks (nothing to check the cut against)."""
        return len(self.cuts) == 1 and not self.reuse

    def confirm(self, dry: dict) -> None:
        """Keep only the units a dry pass of the beat (every play skipped: its logic, nothing drawn) confirms.

        The cut is first moved to where the dry pass saw each unit's first
        block start (an earlier block may now wait once more, so later
        animation numbers shift). A unit is then reused only if its blocks
        still start at the same plays relative to its first, its first block
        starts from the same picture state
        (:func:`scenes.pipeline.ranges.state_digest`), and it lasts as long.
        """
        self.checked = True
        listed = [s for s in dry.get("section_starts") or [] if isinstance(s, dict)]
        if [s["name"] for s in listed] != [name for cut in self.cuts for name in cut.sections]:
            self.reuse = {}  # blocks came or went: the old cut still renders, checked when joined
            return
        starts = {s["name"]: s for s in listed}
        firsts = [starts[cut.sections[0]]["play"] for cut in self.cuts]
        self.cuts = [replace(cut, first=first, last=firsts[n + 1] - 1 if n + 1 < len(firsts) else TO_END)
                     for n, (cut, first) in enumerate(zip(self.cuts, firsts))]
        for n, unit in list(self.reuse.items()):
            first = starts[unit.sections[0]]
            following = starts[self.cuts[n + 1].sections[0]] if n + 1 < len(self.cuts) else None
            end = following["start"] if following else float(dry.get("video_seconds") or 0.0)
            if (first.get("state") != unit.starts[0].get("state")
                    or any(starts[s["name"]]["play"] - first["play"] != s["play"] - unit.first for s in unit.starts)
                    or abs(end - first["start"] - unit.seconds) > 1e-6):
                del self.reuse[n]
            else:
                self.reuse[n] = replace(unit, first=self.cuts[n].first, last=self.cuts[n].last,
                                        starts=[{**s, "play": s["play"] - unit.first + self.cuts[n].first}
                                                for s in unit.starts])


def read_stamp(path: Path) -> dict | None:
    """A stamp's content if it is whole (sealed), else ``None``."""
    try:
        info = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return info if intact(info) else None


def sound_paths(info: dict) -> set[str]:
    """Every sound file a stamp's render played (they are the units' own inputs, not code)."""
    return {s["path"] for s in (info.get("worker") or {}).get("sounds") or [] if isinstance(s, dict)}


def _resolve(path: str) -> Path:
    return ROOT / path  # an absolute path stays absolute


def plan_beat(beat: Beat, layout: MediaLayout, key: str, reason: str, target: float, force: bool = False) -> BeatPlan:
    """Plan the render of ``beat`` (not up to date: ``reason`` says why) in ``layout``.

    ``target`` is the length of a unit in seconds (``inf``: whole beats).
    """
    info = read_stamp(layout.stamp(beat))
    whole = BeatPlan(beat, key, reason, [Cut(0, TO_END, (), float("inf"))])
    if info is not None and not force and info.get("key") == key and not reason.startswith(("damaged", "missing")):
        plan = _reusing(beat, layout, key, reason, info)
        if plan is not None:
            return plan
    if target == float("inf"):
        return whole
    for stamp in [info, *(read_stamp(MediaLayout.of(q, layout.media).stamp(beat)) for q in QUALITIES)]:
        starts = ((stamp or {}).get("worker") or {}).get("section_starts")
        if starts and isinstance(stamp.get("duration"), (int, float)):
            return BeatPlan(beat, key, reason, cut(starts, float(stamp["duration"]), target))
    return whole


def _reusing(beat: Beat, layout: MediaLayout, key: str, reason: str, info: dict) -> BeatPlan | None:
    """The plan that keeps the last cut and reuses every unit whose key still matches (``None``: none does)."""
    try:
        units = [UnitRecord.from_json(u) for u in info.get("units") or []]
    except ValueError:
        return None
    code = code_digests(list(info.get("code") or {}), _resolve)
    if not units or code is None or code != info.get("code"):
        return None
    sites = cache(lambda path: _sites(path))
    published = {s["id"]: s for s in info.get("sections") or [] if isinstance(s, dict) and "id" in s}
    reuse = {}
    for n, unit in enumerate(units):
        if unit.key is None or unit_key(key, code, _current_audio(unit), sites) != unit.key:
            continue
        pictures = [published.get(name) for name in unit.sections]
        if not pictures or None in pictures:
            continue
        if abs(sum(p["duration"] for p in pictures) - unit.seconds) > 1e-3:
            continue  # its sections do not make up its whole picture
        if any(verify(layout.beats / p["file"], (info.get("files") or {}).get(p["file"])) for p in pictures):
            continue
        reuse[n] = unit
    if not reuse:
        return None
    cuts = [Cut(u.first, u.last, tuple(u.sections), u.seconds) for u in units]
    kept = f"{len(reuse)} of {len(units)} units reused"
    return BeatPlan(beat, key, f"{reason}; {kept}" if reason else kept, cuts, reuse, info)


def _current_audio(unit: UnitRecord) -> UnitRecord:
    """``unit`` with the sha256 of its sound files as they are now."""
    audio = []
    for a in unit.audio:
        try:
            audio.append({"path": a["path"], "sha256": sha256_file(_resolve(a["path"]))})
        except OSError:
            audio.append({"path": a["path"], "sha256": None})
    return replace(unit, audio=audio)


def _sites(path: str) -> Sites | None:
    try:
        return read_sites(_resolve(path))
    except OSError:
        return None
