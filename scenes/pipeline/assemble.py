"""The lecture joined from its beats: ``lecture.mp4`` (with its chapters), ``lecture.srt``, ``lecture.json``.

The beats are joined without re-encoding the picture, the captions
shifted, and the chapters (one per beat) written into the MP4 itself, as the
exported copy has them. The lecture's stamp records the parts it was joined
from and its own files; a changed part or a damaged file joins it again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from scenes.pipeline.beats import BeatResult
from scenes.pipeline.chapters import with_chapters
from scenes.pipeline.layout import MediaLayout
from scenes.pipeline.claims import claimed, refuse_foreign, stamp_files
from scenes.pipeline.media import (atomic_path, concat_srt, concat_videos, file_record, intact, read_srt, sealed, verify,
                                   write_srt)
from scenes.pipeline.publish import remove_orphans
from scenes.pipeline.stamp import damage

__all__ = ["JOIN_VERSION", "assemble_lecture"]

#: Part of the lecture's key: raise it when the joined files change (2: chapters inside the MP4).
JOIN_VERSION = 2


def assemble_lecture(results: Sequence[BeatResult], quality: str, media: Path | None = None,
                     report: Callable[[str], None] = print) -> dict:
    """Join every beat into ``lecture.mp4`` (its chapters inside) + ``lecture.srt`` + ``lecture.json``.

    Beat files left in ``beats/`` by an earlier order of the lecture (a slug
    no beat has now) are removed, so the folder holds exactly the lecture.
    The lecture is joined again when any part changed or when its own MP4 or
    captions are not what was written (reported through ``report``).
    Returns the chapter list (title, start, duration per beat).
    """
    layout = MediaLayout.of(quality, media)
    with layout.lock():
        remove_orphans(layout, {r.beat.slug for r in results})
        return _assemble(results, quality, layout, report)



def _assemble(results: Sequence[BeatResult], quality: str, layout: MediaLayout,
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
    key = hashlib.sha256(json.dumps([chapters, inputs, JOIN_VERSION], sort_keys=True).encode()).hexdigest()
    stamp, video, captions = layout.lecture_stamp, layout.lecture_video, layout.lecture_captions
    try:
        info = json.loads(stamp.read_text())
        fresh = intact(info) and info.get("key") == key
    except FileNotFoundError:
        info, fresh = None, False
    except (OSError, ValueError):
        info, fresh = None, False
        report(f"{damage(stamp, 'not a valid stamp')}: joining the lecture again")
    if fresh:
        files = info.get("files")
        for path in (video, captions):
            if why := verify(path, files.get(path.name) if isinstance(files, dict) else None):
                report(f"{damage(path, why)}: joining the lecture again")
                fresh = False
    if not fresh:
        refuse_foreign(layout.out, [video.name, captions.name], claimed(stamp, stamp_files))
        with atomic_path(stamp) as tmp:  # claim the names before writing them (as a beat's stamp does)
            tmp.write_text(sealed({"key": None, "files": {video.name: None, captions.name: None}}))
        concat_videos([r.video for r in results], video)
        with_chapters(video, video, chapters)
        write_srt(concat_srt([(read_srt(r.captions), t) for r, t in zip(results, starts)]), captions)
        files = {p.name: file_record(p) for p in (video, captions)}
        with atomic_path(stamp) as tmp:
            tmp.write_text(sealed({"key": key, "quality": quality, "chapters": chapters,
                                   "parts": inputs, "files": files}))
    return {"video": video, "captions": captions, "chapters": chapters, "duration": start, "assembled": not fresh}

