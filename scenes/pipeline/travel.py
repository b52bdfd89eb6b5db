"""What travels with a unit of work, and how it lands: files checked by hash before they are published.

A unit (today: one beat's render) made on another machine, by a CI job or a
cluster node, comes back as files. Each is written beside its target, hashed
again, and only then renamed into place (:func:`copy_verified`,
:func:`write_verified`). The voice a render read travels with it
(:func:`voice_brought`): an entry of the other machine's voice cache is
published into this checkout's cache, under the name the beat's stamp
records, and only there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from scenes.files import atomic_path, sha256_file
from scenes.pipeline.media import verify

__all__ = ["TravelError", "copy_verified", "write_verified", "safe_relative", "voice_cache", "voice_brought",
           "bring_voice", "record_of"]


class TravelError(Exception):
    """A file did not arrive as it was sent (the message names it); nothing of it was published."""


def record_of(path: Path) -> dict:
    """``{"bytes", "sha256"}`` of a file (as :func:`scenes.pipeline.media.file_record`)."""
    return {"bytes": path.stat().st_size, "sha256": sha256_file(path)}


def copy_verified(source: Path, target: Path, record: dict) -> None:
    """Copy ``source`` beside ``target``, check the copy against ``record``, then rename it into place."""
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)
        if why := verify(tmp, record):
            raise TravelError(f"{source}: not what was recorded ({why}); nothing of it was published")


def write_verified(data: bytes, sha256: str, target: Path) -> None:
    """Write ``data`` to ``target`` (atomically) if it, and the file written, hash to ``sha256``."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise TravelError(f"{target.name}: arrived damaged (sha256 differs from the sender's); nothing published")
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
        if why := verify(tmp, {"bytes": len(data), "sha256": sha256}):
            raise TravelError(f"{target}: written wrong ({why}); nothing published")


def safe_relative(name: str) -> PurePosixPath:
    """``name`` as a relative path that stays inside its folder, or a :class:`TravelError`."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or ".." in path.parts:
        raise TravelError(f"{name!r}: a unit may only send files inside its own folder")
    return path


def voice_cache() -> Path:
    """This checkout's voice cache folder (see :func:`scenes.narration.cache_dir`), resolved."""
    from scenes.narration import cache_dir

    return cache_dir().resolve()


def voice_brought(folder: Path, sources: Iterable[dict], root: Path) -> dict[Path, Path]:
    """The voice files ``folder`` brings for ``sources`` (a stamp's list): brought file → where it goes here.

    A source belongs to the voice cache if its path (relative to ``root``,
    the repository, or absolute) is a file of this checkout's voice cache;
    ``folder`` brings it if it holds a file of that name.
    """
    cache, found = voice_cache(), {}
    for source in sources:
        try:
            here = root / source["path"]  # as check_beat looks it up
        except (TypeError, KeyError):
            continue
        brought = folder / here.name
        if here.resolve().parent == cache and brought.is_file():
            found[brought] = here
    return found


def bring_voice(brought: dict[Path, Path]) -> int:
    """Publish each brought voice file whose entry is not in this checkout's cache yet; return how many.

    The cache's own record of an entry (``<key>.json``) comes along when there is one.
    """
    count = 0
    for source, here in brought.items():
        record = record_of(source)
        if verify(here, record) is None:
            continue
        os.makedirs(here.parent, exist_ok=True)
        copy_verified(source, here, record)
        sidecar = source.with_suffix(".json")
        if sidecar.is_file():
            with atomic_path(here.with_suffix(".json")) as tmp:
                shutil.copyfile(sidecar, tmp)
        count += 1
    return count
