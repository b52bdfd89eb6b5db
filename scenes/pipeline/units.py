"""A beat cut into units at block boundaries: the plan, each unit's key, and the join.

A beat with several narrated blocks can render as *units*, each a run of
whole blocks (an animation range, :mod:`scenes.pipeline.ranges`), so that
both cores stay busy to the end of a build and an edit re-renders only the
units it touches. The cut comes from what the last render of the beat
recorded (:func:`cut`: the plays and times at which its blocks start, from
its stamp at any quality); a beat never rendered before is one unit.

Each unit's record (:class:`UnitRecord`, kept in the beat's stamp) holds
what the beat needs of it, *relative to the unit's own start*: its
sounds, its blocks and its captions, and its length. Nothing a unit made
depends on when it starts, so a unit whose key still matches is reused as it
is (its picture: its published sections, joined without re-encoding), and
the beat is joined from units rendered now and units reused
(:func:`join`): pictures end to end, sounds and captions shifted by where
each unit starts in the joined beat.

A unit's key (:func:`unit_key`) covers the beat's settings, the code of
every source without its words (:mod:`scenes.pipeline.sites`), the words
of the unit's own blocks, and the sound files its own blocks play. The
words of other blocks only move the unit in time, which the join takes care
of: editing one sentence re-renders the units holding it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import srt

from scenes.block import BlockRecord
from scenes.pipeline.sites import Sites, read_sites

__all__ = ["UnitRecord", "Cut", "cut", "own_record", "unit_key", "site_of", "code_digests", "combined_facts",
           "shifted_subtitles", "TO_END"]

#: The last animation number of the last unit: every play to the end of the beat.
TO_END = 10**9

#: Slack, in seconds, when telling which unit a time belongs to (far below a frame).
_EPS = 1e-6


@dataclass(frozen=True)
class Cut:
    """A unit to render: its first and last animation numbers and the blocks (section names) it holds."""

    first: int
    last: int
    sections: tuple[str, ...]
    seconds: float  # estimated length, for scheduling (longest first)

    @property
    def range(self) -> str:
        """The value of :data:`scenes.pipeline.ranges.RANGE_ENV` that renders this unit."""
        return f"{self.first},{self.last}"


def cut(section_starts: Sequence[dict[str, Any]], total: float, target: float) -> list[Cut]:
    """Group a beat's blocks into units of about ``target`` seconds (at least one block each).

    ``section_starts`` are the records a render made (name, play, start),
    ``total`` the beat's length. A beat shorter than ``1.5 × target``, or
    with one block, is one unit.
    """
    starts = [s for s in section_starts if isinstance(s, dict) and {"name", "play", "start"} <= set(s)]
    if not starts or total < 1.5 * target or len(starts) < 2 or starts[0]["play"] != 0:
        return [Cut(0, TO_END, tuple(s["name"] for s in starts), total)]
    pieces = max(1, round(total / target))
    size = total / pieces
    groups: list[list[dict]] = [[]]
    for section in starts:
        if (groups[-1] and section["start"] >= len(groups) * size - _EPS and len(groups) < pieces
                and section["play"] > groups[-1][-1]["play"]):  # a unit holds at least one play
            groups.append([])
        groups[-1].append(section)
    cuts = []
    for n, group in enumerate(groups):
        end = groups[n + 1][0]["start"] if n + 1 < len(groups) else total
        last = groups[n + 1][0]["play"] - 1 if n + 1 < len(groups) else TO_END
        cuts.append(Cut(group[0]["play"], last, tuple(s["name"] for s in group), end - group[0]["start"]))
    return cuts


@dataclass(frozen=True)
class UnitRecord:
    """What the beat keeps of one unit, every time relative to the unit's start.

    Attributes
    ----------
    first, last
        Its animation numbers (``last`` is :data:`TO_END` for the beat's last unit).
    sections
        The names (block ids) of the sections it holds, in order.
    seconds
        The length of its picture.
    sounds
        ``{"path", "start", "gain"}`` of each sound its own blocks started.
    blocks
        The :meth:`~scenes.block.BlockRecord.to_json` of its own blocks.
    starts
        ``{"name", "play", "start", "site"}`` of its own sections.
    captions
        Its captions, as SRT text.
    sites
        ``[file, n]`` for each of its sections: the ``n``-th site of ``file``
        started it (:mod:`scenes.pipeline.sites`); ``None`` when no site did
        (then the unit has no key: where its words are is not known).
    audio
        ``{"path", "sha256"}`` of each sound file its blocks play.
    key
        :func:`unit_key` when it was rendered (``None``: never reused).
    """

    first: int
    last: int
    sections: list[str]
    seconds: float
    sounds: list[dict[str, Any]] = field(default_factory=list)
    blocks: list[dict[str, Any]] = field(default_factory=list)
    starts: list[dict[str, Any]] = field(default_factory=list)
    captions: str = ""
    sites: list[list[Any] | None] = field(default_factory=list)
    audio: list[dict[str, Any]] = field(default_factory=list)
    key: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The record as a JSON object."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UnitRecord:
        """The record a :meth:`to_json` object holds.

        Raises
        ------
        ValueError
            For anything else.
        """
        try:
            return cls(**data)
        except TypeError as e:
            raise ValueError(f"not a unit record: {e}") from None


def site_of(site: Sequence[Any] | None, root: Path, shown: Callable[[Path], str]) -> list[Any] | None:
    """``[file, n]`` for the section started at ``site`` (``[path, line]``, as the worker recorded it, relative
    to ``root`` inside it); ``None`` when no site (:mod:`scenes.pipeline.sites`) spans that line."""
    if not site:
        return None
    path = root / site[0]  # an absolute path stays absolute
    if not path.is_file():
        return None
    number = read_sites(path).at(int(site[1]))
    return None if number is None else [shown(path), number]


def shifted_subtitles(text: str, start: float, end: float, by: float) -> list[srt.Subtitle]:
    """The captions in SRT ``text`` that begin in ``[start, end)``, moved ``by`` seconds."""
    out = []
    for sub in srt.parse(text):
        at = sub.start.total_seconds()
        if start - 1e-3 <= at < end - 1e-3:
            out.append(srt.Subtitle(len(out) + 1, sub.start + timedelta(seconds=by),
                                    sub.end + timedelta(seconds=by), sub.content))
    return out


def own_record(facts: dict[str, Any], captions: str, first: int, last: int,
               site: Callable[[Sequence[Any] | None], list[Any] | None],
               audio_sha: Callable[[str], str | None]) -> UnitRecord:
    """The record of a unit from its worker's facts (times made relative to where the unit starts).

    A unit owns the sections that start in its range of plays, and the sounds,
    blocks and captions that start at or after its first section.
    """
    starts = [s for s in facts.get("section_starts") or [] if first <= s["play"] <= last]
    end = float(facts["video_seconds"])
    begin = 0.0 if first == 0 else starts[0]["start"] if starts else end

    def mine(t: float) -> bool:
        return begin - _EPS <= t < end - _EPS or (t == end == begin)

    sounds = [{**s, "start": round(s["start"] - begin, 9)} for s in facts.get("sounds") or [] if mine(s["start"])]
    blocks = [BlockRecord.from_json(b).shifted(-begin).to_json() for b in facts.get("blocks") or []
              if mine(b["start"])]
    rel_starts = [{**s, "start": round(s["start"] - begin, 9)} for s in starts]
    subs = shifted_subtitles(captions, begin, end, -begin)
    return UnitRecord(first, last, [s["name"] for s in starts], round(end - begin, 9), sounds, blocks, rel_starts,
                      srt.compose(subs, reindex=True), [site(s.get("site")) for s in starts],
                      [{"path": p, "sha256": audio_sha(p)} for p in dict.fromkeys(s["path"] for s in sounds)])


def code_digests(paths: Sequence[str], resolve: Callable[[str], Path]) -> dict[str, str] | None:
    """Each source's digest without its words (:func:`scenes.pipeline.sites.read_sites`); ``None`` if one is gone."""
    out = {}
    for path in sorted(set(paths)):
        try:
            out[path] = read_sites(resolve(path)).masked
        except OSError:
            return None
    return out


def unit_key(beat_key: str, code: dict[str, str], unit: UnitRecord, sites: Callable[[str], Sites | None]) -> str | None:
    """The key of ``unit``: the beat's settings, its code without words, its own words and sound files.

    ``sites`` gives a source's :class:`~scenes.pipeline.sites.Sites` now.
    ``None`` (never reused) when a block of the unit was started at no known
    site, a site no longer exists, or a sound file is gone.
    """
    words = []
    for site in unit.sites:
        if site is None:
            return None  # a block whose words were not found at a site: never reused
        found = sites(site[0])
        if found is None or not 0 <= site[1] < len(found.sites):
            return None
        words.append(found.sites[site[1]].digest)
    if any(a.get("sha256") is None for a in unit.audio):
        return None
    record = {"beat": beat_key, "code": code, "sections": unit.sections,
              "words": words, "audio": sorted((a["path"], a["sha256"]) for a in unit.audio)}
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def combined_facts(rendered: Sequence[dict[str, Any]], units: Sequence[UnitRecord], fresh: Sequence[bool],
                   fps: float) -> dict[str, Any]:
    """The beat's facts joined from its ``units`` (``fresh``: rendered now, not reused).

    The last rendered unit's facts, with the render times summed and every
    record (sounds, blocks, section starts) laid out on the joined beat's
    clock; ``units`` says which units there were and which rendered.
    """
    facts = dict(rendered[-1]) if rendered else {}
    offset, sounds, blocks, starts, listed = 0.0, [], [], [], []
    for unit, now in zip(units, fresh):
        sounds += [{**s, "start": round(s["start"] + offset, 9)} for s in unit.sounds]
        blocks += [BlockRecord.from_json(b).shifted(offset).to_json() for b in unit.blocks]
        starts += [{**s, "start": round(s["start"] + offset, 9)} for s in unit.starts]
        listed.append({"plays": [unit.first, unit.last], "sections": unit.sections, "start": round(offset, 9),
                       "seconds": unit.seconds, "rendered": now})
        offset += unit.seconds
    facts.update(sounds=sounds, blocks=blocks, section_starts=starts, video_seconds=offset,
                 frames=int(round(offset * fps)), range=None, units=listed)
    if len(rendered) > 1:
        facts["seconds"] = sum(f["seconds"] for f in rendered)
        facts["peak_rss_mb"] = max(f["peak_rss_mb"] for f in rendered)
        if all("phases" in f for f in rendered):
            facts["phases"] = {p: sum(f["phases"].get(p, 0.0) for f in rendered) for p in rendered[-1]["phases"]}
    return facts
