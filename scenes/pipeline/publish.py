"""Publishing a beat's sections, and cleaning what a killed or reordered build left.

Files are only ever published by a rename (a section folder is filled
beside its old one, then swapped in whole), so a reader sees the old set or
the new one, never half of either.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

from scenes.block import BlockRecord, SectionType
from scenes.pipeline.audio import RATE, decode_audio, has_audio
from scenes.pipeline.beats import Beat
from scenes.pipeline.claims import EVERYTHING, claimed, stamp_files
from scenes.pipeline.layout import MediaLayout
from scenes.pipeline.media import concat_videos, file_record, probe

__all__ = ["stage_sections", "swap_in", "remove_orphans", "clean_stale"]


def stage_sections(beat: Beat, layout: MediaLayout, staging: Path, movie: Path, index: Path,
                   blocks: Sequence[BlockRecord], files: dict[str, dict]) -> list[BlockRecord]:
    """Write the beat's sections (one per narrated block), with their share of the beat's sound, into ``staging``.

    Manim writes each section's picture (``--save_sections``) but no sound;
    each gets the slice of the beat's sound under it, so a slide speaks
    what the beat says at that moment. A section's ``loop`` is its own type
    (:attr:`scenes.block.SectionType.LOOP`); its words are its block's.
    Returns one record per section, its file relative to the beats folder
    (``<slug>.sections/<file>``), and records the files in ``files`` under
    those names; :func:`swap_in` then publishes the folder whole.
    """
    try:
        listed = json.loads(index.read_text())
    except (OSError, ValueError):
        return []
    folder = layout.sections(beat)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    sound = decode_audio(movie) if has_audio(movie) else None
    by_id = {b.id: b for b in blocks}
    sections, start = [], 0.0
    for n, section in enumerate(listed, 1):
        picture = index.parent / section["video"]
        seconds = probe(picture).duration
        if seconds <= 0:
            continue
        target = staging / f"{n:02d}-{section['name']}.mp4"
        clip = None if sound is None else sound[int(round(start * RATE)):int(round((start + seconds) * RATE))]
        concat_videos([picture], target, audio=clip)
        name = f"{folder.name}/{target.name}"
        files[name] = file_record(target)
        block = by_id.get(section["name"]) or BlockRecord(section["name"], beat.name, "")
        sections.append(BlockRecord(block.id, beat.name, block.text, block.spoken, round(start, 6),
                                    round(seconds, 6), section.get("type") == SectionType.LOOP.value, name,
                                    beat.order, beat.title, block.checkpoint))
        start += seconds
    return sections


def swap_in(staged: Path, folder: Path) -> None:
    """Put the filled folder ``staged`` in place of ``folder`` (the old one is removed)."""
    old = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.rename(folder, old)
    os.rename(staged, folder)
    shutil.rmtree(old, ignore_errors=True)


def remove_orphans(layout: MediaLayout, slugs: set[str]) -> list[Path]:
    """Delete what the stamp of a beat no longer in the lecture (its slug not in ``slugs``) recorded.

    Only files a readable stamp lists, then the stamp itself, are deleted
    (and its sections folder if that leaves it empty): a file no stamp of
    the build records is the user's, and stays.
    """
    folder = layout.beats
    removed = []
    for stamp in sorted(folder.glob("*.json")):
        if stamp.stem in slugs:
            continue
        names = claimed(stamp, stamp_files)
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
    layout = MediaLayout.of(quality, media)
    out, removed, staging = layout.out, 0, layout.staging_root
    if staging.exists():
        removed += sum(1 for _ in staging.iterdir())
        shutil.rmtree(staging, ignore_errors=True)
    leftovers = [*layout.beats.glob(".*.part*"), *layout.beats.glob("*.sections/.*.part*"),
                 *out.glob(".lecture.*.part*")]
    for folder in [*layout.beats.glob(".*.sections.part"), *layout.beats.glob(".*.sections.old")]:
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    leftovers = [p for p in leftovers if p.is_file()]
    # The LaTeX cache is shared by every quality: only take SVGs abandoned long ago.
    leftovers += [p for p in layout.tex_root.glob("*/.*.part") if time.time() - p.stat().st_mtime > 600]
    for path in leftovers:
        path.unlink(missing_ok=True)
        removed += 1
    return removed
