"""A beat's key and stamp: what it was made from, and whether its published files can be reused.

A beat is rendered again unless nothing it was made from has changed and
nothing it made was damaged. Its stamp (``beats/<slug>.json``) records

* ``key``: the settings (:func:`fingerprint`: the scene, the quality, the
  versions of :data:`VERSIONED`, ``manim.cfg``, the worker's environment
  and overrides, and :meth:`scenes.settings.Settings.fingerprint`: the
  lesson file by content, the overrides, the voice, the captions mode and
  the beat's recordings);
* ``sources``: every project file the render imported, with its sha256, as
  the worker found them in ``sys.modules``; no list is kept by hand;
* ``files``: the size and sha256 of the published MP4, captions and sections
  (:func:`~scenes.pipeline.media.file_record`).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from scenes.files import sha256_file
from scenes.pipeline.layout import ROOT, BeatLike, MediaLayout, shown
from scenes.pipeline.media import intact, verify
from scenes.settings import Settings

__all__ = ["VERSIONED", "WORKER_ENV", "fingerprint", "installed_versions", "settings_record", "check_beat", "damage"]

#: Installed packages whose version can change a frame: part of every beat's key.
VERSIONED = ("manim", "av", "numpy", "pycairo", "manimpango")

#: Environment every render worker gets. The x264 encoder (through PyAV)
#: reads some memory it never wrote: two renders of the same beat gave frames
#: that differed slightly, at random, in one fade of a beat (more often on a
#: busy machine). glibc's MALLOC_PERTURB_ fills every allocation with one
#: byte pattern, so those reads, and the frames, are the same every time
#: (tests/pipeline/test_build_faults.py checks it).
WORKER_ENV: dict[str, str] = {"MALLOC_PERTURB_": "165"}


def fingerprint(beat: BeatLike, quality: str) -> str:
    """Hash of the settings ``beat`` renders with at ``quality``: everything but its sources."""
    return hashlib.sha256(json.dumps(settings_record(beat, quality), sort_keys=True).encode()).hexdigest()


def installed_versions() -> dict[str, str | None]:
    """The installed version of each package in :data:`VERSIONED` (``None`` if it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for package in VERSIONED:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    return versions


def settings_record(beat: BeatLike, quality: str) -> dict:
    """What :func:`fingerprint` hashes, as written into the stamp."""
    from scenes.pipeline.worker import OVERRIDES_ENV

    return {"scene": [shown(beat.file), beat.name], "quality": quality, "versions": installed_versions(),
            "manim.cfg": sha256_file(ROOT / "manim.cfg"), "worker env": WORKER_ENV,
            "overrides": os.environ.get(OVERRIDES_ENV, "").strip(), "settings": Settings.from_env().fingerprint(beat.name)}


def damage(path: Path, why: str) -> str:
    """How a harmed published file is named: ``missing: <path>`` or ``damaged: <path> (<why>)``."""
    return f"missing: {shown(path)}" if why == "missing" else f"damaged: {shown(path)} ({why})"


def check_beat(layout: MediaLayout, beat: BeatLike, key: str, hashes: dict[Path, str | None] | None = None
               ) -> tuple[dict | None, str]:
    """Whether ``beat``'s published files in ``layout`` can be reused.

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
    stamp = layout.stamp(beat)
    try:
        info = json.loads(stamp.read_text())
        if not intact(info) or not isinstance(info.get("duration"), (int, float)):
            raise ValueError("not a stamp")
    except FileNotFoundError:
        return None, "not rendered before"
    except (OSError, ValueError) as e:
        why = e.strerror if isinstance(e, OSError) else "not a valid stamp"
        return None, damage(stamp, why)
    files, sources = info.get("files"), info.get("sources")
    sections = info.get("sections") or []
    if (not isinstance(files, dict) or not isinstance(sources, list) or not sources
            or not isinstance(sections, list) or not all(isinstance(s, dict) and "id" in s for s in sections)):
        return None, "stamp from an older build"
    # Damage first: whatever else changed, the user hears that a published file was harmed.
    published = {p.name: p for p in (layout.video(beat), layout.captions(beat))}
    published.update({name: layout.beats / name for name in files if name not in published})
    for name, path in published.items():  # the MP4, the captions, each section's slide
        if why := verify(path, files.get(name)):
            return None, damage(path, why)
    if info.get("key") != key:
        return None, "settings changed"
    for source in sources:
        try:
            path = ROOT / source["path"]  # an absolute path stays absolute
            recorded = source["sha256"]
        except (TypeError, KeyError):
            return None, damage(stamp, "not a valid stamp")
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
