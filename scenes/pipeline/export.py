"""Embeddable clips for educators: ``python -m scenes export``.

After the beats are rendered (and, for a full export, the lecture
assembled), every beat and the whole lecture are written into
``media/<quality>/clips/`` in every format of the registry
(:mod:`scenes.pipeline.formats`: MP4, WebM, poster, SRT, VTT, GIF, ...),
plus ``manifest.json`` (each clip's files with their size and sha256, and
the lesson it was computed from) and ``index.html``, the gallery page
(:mod:`scenes.pipeline.gallery`). Every file is written under a temporary
name and renamed. A clip is not written again while its source video and
captions, the export settings and every file the manifest recorded for it
are unchanged; a file found damaged is named and its clip exported again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

from scenes.block import BlockRecord
from scenes.pipeline.build import BeatResult, assemble_lecture, beats, check_quality, render_beats, select_beats
from scenes.pipeline.executors import Executor
from scenes.pipeline.claims import EVERYTHING, claimed, refuse_foreign
from scenes.pipeline import scorm as _scorm  # noqa: F401  (registers the SCORM packages as formats)
from scenes.pipeline.formats import FORMATS, SETTINGS, ClipSource, Job
from scenes.pipeline.gallery import write_gallery
from scenes.pipeline.layout import MediaLayout, folder_lock
from scenes.pipeline.media import atomic_path, file_record, intact, sealed, verify

__all__ = [
    "CLIPS",
    "MANIFEST",
    "LECTURE_TITLE",
    "clips_dir",
    "export",
    "export_results",
    "export_clips",
    "export_clip",
]

#: Folder (inside ``media/<quality>``) that holds everything an educator needs.
CLIPS = "clips"
MANIFEST = "manifest.json"
#: The gallery's heading, unless ``scenes.lecture`` defines ``TITLE``.
LECTURE_TITLE = "Why cross-entropy beats the quadratic cost for a sigmoid neuron"


#: Every file the export writes goes through a temporary name, then a rename.
_publish = atomic_path


def clips_dir(quality: str, media: Path | None = None) -> Path:
    """``media/<quality>/clips``: where the export writes."""
    return MediaLayout.of(quality, media).clips


# -- one clip -------------------------------------------------------------------
def export_clip(src: ClipSource, folder: Path, parts: dict[str, list[Path]] | None = None) -> dict:
    """Write every format that applies to one clip into ``folder``; return its manifest entry.

    ``parts``, for the lecture, are its beats' files by format (a format may
    join them instead of encoding). Each file is recorded with its size and
    sha256, so a later export reuses it only while it is still that file.
    """
    job = Job(src, folder, parts or {})
    files = {}
    for name, fmt in FORMATS.items():
        if fmt.applies(src):
            facts = fmt.write(job)
            files[name] = {"name": job.path(name).name, **file_record(job.path(name)), **facts}
    return {**_describe(src, job.info), "key": src.key(), "files": files}


def _describe(src: ClipSource, info) -> dict:
    """The manifest's words about a clip: what it is and what it was computed from."""
    entry = {"kind": src.kind, "slug": src.slug, "title": src.title, "order": src.order,
             "duration": round(info.duration, 3), "frames": info.frames, "fps": round(info.fps, 3),
             "width": info.width, "height": info.height}
    if src.scene is not None:
        entry["scene"] = src.scene.__name__
        entry["lesson"] = asdict(src.scene.lesson)
    else:
        entry["chapters"] = list(src.chapters)
    return entry


def _fresh(entry: dict | None, src: ClipSource, folder: Path, report: Callable[[str], None]) -> bool:
    """Does the previous manifest entry still describe ``src``'s files on disk?

    Only if its key matches and every file it lists (and every format that
    applies now) is there with its recorded size and sha256; a damaged file
    is named through ``report``.
    """
    if not entry or entry.get("key") != src.key():
        return False
    files = entry.get("files") or {}
    if set(files) != {name for name, fmt in FORMATS.items() if fmt.applies(src)}:
        return False
    for f in files.values():
        if (why := verify(folder / f.get("name", ""), f)) is not None:
            report(f"  damaged: {folder / f.get('name', '?')} ({why}): exporting {src.slug} again")
            return False
    return True


# -- the whole export --------------------------------------------------------------
def export_clips(
    sources: Sequence[ClipSource],
    folder: Path,
    quality: str,
    *,
    keep: Sequence[ClipSource] = (),
    report: Callable[[str], None] = print,
) -> dict:
    """Export ``sources`` into ``folder``, write the manifest and the gallery.

    Clips already exported from the same source files are kept as they are.
    ``keep`` lists clips not to export now but to keep in the manifest if
    their previous export is still fresh (beats not chosen with ``--beat``).
    A lecture source (``order == 0``) is joined from its beats' WebMs.

    Returns
    -------
    dict
        The manifest (also written to ``folder / MANIFEST``).
    """
    with folder_lock(folder, report):  # one export at a time writes this folder
        for leftover in folder.glob(".*.part*"):  # of a killed export
            leftover.unlink(missing_ok=True)
        owned = claimed(folder / MANIFEST, _manifest_files)
        targets = [MANIFEST, "index.html", *(_file_name(src, name) for src in sources
                                             for name, fmt in FORMATS.items() if fmt.applies(src))]
        refuse_foreign(folder, targets, owned)
        _claim(folder, targets)
        entries = _export_entries(sources, keep, folder, report)
        manifest = _manifest(entries, quality)
        write_gallery(folder, manifest)
        text = sealed(manifest)
        with _publish(folder / MANIFEST) as tmp:
            tmp.write_text(text, encoding="utf-8")
        _remove_orphans(folder, owned, manifest)
    return json.loads(text)


def _file_name(src: ClipSource, name: str) -> str:
    return Job(src, Path()).path(name).name


def _manifest_files(manifest: dict) -> list[str]:
    """Every file a manifest says the export wrote (and the names it claimed before writing them)."""
    names = [MANIFEST, "index.html", *manifest.get("writing", [])]
    for entry in [*manifest.get("clips", []), manifest.get("lecture")]:
        if entry:
            names += [f["name"] for f in entry["files"].values()]
    return names


def _claim(folder: Path, names: Sequence[str]) -> None:
    """Record ``names`` in the manifest as the export's before writing them.

    A killed export then leaves only files its manifest claims: the next
    export knows them for its own (and does not trust them: they have no
    size or hash, so the clips are exported again).
    """
    try:
        previous = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        previous = previous if intact(previous) else {}
    except (OSError, ValueError):
        previous = {}
    previous["writing"] = sorted({*previous.get("writing", []), *names})
    with _publish(folder / MANIFEST) as tmp:
        tmp.write_text(sealed(previous), encoding="utf-8")


def _export_entries(sources: Sequence[ClipSource], keep: Sequence[ClipSource], folder: Path,
                    report: Callable[[str], None]) -> list[dict]:
    """Each clip's manifest entry: the previous one if still fresh, else a new export."""
    previous = _read_manifest(folder)
    entries: dict[str, dict] = {}
    for src in sorted([*sources, *keep], key=lambda s: (s.order == 0, s.order)):
        old = previous.get(src.slug)
        parts = _parts(src, entries, folder)
        if _fresh(old, src, folder, report) and old.get("parts") == _parts_record(parts):
            entries[src.slug] = old
            report(f"  {src.slug:<22} up to date")
        elif src in sources:
            entry = export_clip(src, folder, {name: [folder / p["name"] for p in ps] for name, ps in parts.items()})
            entries[src.slug] = {**entry, **({"parts": _parts_record(parts)} if parts else {})}
            report(f"  {src.slug:<22} exported ({_total(entries[src.slug]) / 1e6:.1f} MB)")
    return list(entries.values())


def _parts(src: ClipSource, entries: dict[str, dict], folder: Path) -> dict[str, list[dict]]:
    """For the lecture: its beats' verified files in ``folder`` by format, for formats every beat has."""
    if src.kind != "lecture" or not all(c["slug"] in entries for c in src.chapters):
        return {}
    files = [entries[c["slug"]]["files"] for c in src.chapters]
    return {name: [f[name] for f in files] for name in FORMATS if all(name in f for f in files)}


def _parts_record(parts: dict[str, list[dict]]) -> dict[str, list[str]] | None:
    """What the lecture was joined from: each part's sha256 by format (``None`` for a beat)."""
    return {name: [p["sha256"] for p in ps] for name, ps in parts.items()} if parts else None


def _total(entry: dict) -> int:
    return sum(f["bytes"] for f in entry["files"].values())


def _manifest(entries: Iterable[dict], quality: str) -> dict:
    entries = list(entries)
    return {
        "title": _lecture_title(),
        "quality": quality,
        "settings": SETTINGS,
        "formats": {name: {"suffix": fmt.suffix, "label": fmt.label, "type": fmt.media_type}
                    for name, fmt in FORMATS.items()},
        "lesson": _lesson(),
        "clips": [e for e in entries if e["kind"] == "beat"],
        "lecture": next((e for e in entries if e["kind"] == "lecture"), None),
    }


def _lesson() -> dict:
    """The lesson variant the clips were computed from: its name and every value (see ``--lesson``)."""
    from neuron.presets import ACTIVE

    return {"name": ACTIVE.name, "file": str(ACTIVE.source) if ACTIVE.source else None,
            "overrides": list(ACTIVE.overrides), "values": json.loads(json.dumps(ACTIVE.values()))}


def _lecture_title() -> str:
    import scenes.lecture

    return getattr(scenes.lecture, "TITLE", LECTURE_TITLE)


def _read_manifest(folder: Path) -> dict[str, dict]:
    """The previous manifest's entries by slug (empty if there is none)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not intact(manifest):
        return {}
    entries = [*manifest.get("clips", []), manifest.get("lecture")]
    return {e["slug"]: e for e in entries if e and "slug" in e and "files" in e}


def _remove_orphans(folder: Path, owned: frozenset[str], manifest: dict) -> None:
    """Delete the files an earlier manifest recorded that this one no longer names (a renamed or dropped beat).

    Only those: a file no manifest of the export ever recorded is the user's
    (an intro of their own, a logo, notes) and stays.
    """
    named = set(_manifest_files(manifest)) - set(manifest.get("writing", []))
    for name in sorted(owned - named) if isinstance(owned, frozenset) and owned is not EVERYTHING else ():
        path = folder / name
        if path.is_file() and path.parent == folder:
            path.unlink()


def _sections(folder: Path, published: Sequence[BlockRecord], beat, offset: float = 0.0) -> tuple[BlockRecord, ...]:
    """A beat's published sections as a clip's: files made whole paths, times shifted by ``offset``."""
    return tuple(s.shifted(offset, file=str(folder / s.file), chapter=beat.order, title=beat.title)
                 for s in published)


def _source(r: BeatResult, layout: MediaLayout) -> ClipSource:
    return ClipSource(r.beat.slug, r.beat.title, r.beat.order, r.video, r.captions, r.beat.scene,
                      sections=_sections(layout.beats, r.sections, r.beat))


def _published(layout: MediaLayout, skip: set[str], lecture: str | None = None) -> list[ClipSource]:
    """Beats rendered earlier (not in ``skip``) whose MP4 and captions exist."""
    found = []
    for b in beats(lecture):
        video, captions = layout.video(b), layout.captions(b)
        if b.slug not in skip and video.exists() and captions.exists():
            try:
                stamp = json.loads(layout.stamp(b).read_text())
                published = [BlockRecord.from_json(s) for s in stamp.get("sections") or []]
            except (OSError, ValueError, TypeError, AttributeError):
                published = []
            found.append(ClipSource(b.slug, b.title, b.order, video, captions, b.scene,
                                    sections=_sections(layout.beats, published, b)))
    return found


def export(
    quality: str,
    names: Sequence[str] | None = None,
    *,
    media: Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    lecture: str | None = None,
    report: Callable[[str], None] = print,
    executor: Executor | None = None,
) -> dict:
    """Render (what is not up to date), then export clips, manifest and gallery.

    ``executor`` runs the renders (see :mod:`scenes.pipeline.executors`; default: this machine).

    With ``names`` only those beats are rendered and exported, and the
    lecture is not assembled; the lecture and the other beats stay in the
    gallery while their earlier export still matches their rendered files.
    ``lecture`` names the scene list (``module-or-file[:name]``, as for ``render``).

    Raises
    ------
    BuildError
        For a bad quality or beat name (before anything is written) or a failed render.
    """
    check_quality(quality)
    chosen = select_beats(names, lecture=lecture)
    results = render_beats(chosen, quality, jobs=jobs, media=media, force=force, report=report, executor=executor)
    return export_results(results, quality, media=media, lecture=not names, scenes=lecture, report=report)


def export_results(
    results: Sequence[BeatResult],
    quality: str,
    *,
    media: Path | None = None,
    lecture: bool = True,
    scenes: str | None = None,
    report: Callable[[str], None] = print,
) -> dict:
    """Export rendered beats (and, with ``lecture``, the lecture assembled from them).

    ``scenes`` names the scene list the beats came from (default: the lecture's).

    Returns
    -------
    dict
        The manifest written beside the clips.
    """
    layout = MediaLayout.of(quality, media)
    sources = [_source(r, layout) for r in results]
    keep = _published(layout, {s.slug for s in sources}, scenes)
    if lecture:
        joined = assemble_lecture(results, quality, media=media)
        sources.append(ClipSource("lecture", _lecture_title(), 0, joined["video"], joined["captions"],
                                  chapters=tuple(joined["chapters"]),
                                  sections=_lecture_sections(results, joined["chapters"], layout)))
    elif layout.lecture_video.exists():
        keep.append(_previous_lecture(layout))
    folder = layout.clips
    report(f"Exporting {len(sources)} clip(s) into {folder} ...")
    return export_clips(sources, folder, quality, keep=keep, report=report)


def _lecture_sections(results: Sequence[BeatResult], chapters: Sequence[dict],
                      layout: MediaLayout) -> tuple[BlockRecord, ...]:
    """Every beat's narrated sections, in lecture order, timed in the lecture (slides, transcript)."""
    return tuple(s for r, chapter in zip(results, chapters)
                 for s in _sections(layout.beats, r.sections, r.beat, chapter["start"]))


def _previous_lecture(layout: MediaLayout) -> ClipSource:
    try:
        chapters = json.loads(layout.lecture_stamp.read_text())["chapters"]
    except (OSError, ValueError, KeyError):
        chapters = []
    return ClipSource("lecture", _lecture_title(), 0, layout.lecture_video, layout.lecture_captions,
                      chapters=tuple(chapters))
