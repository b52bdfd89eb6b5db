"""What the build owns: the names a stamp or a manifest records, and nothing else.

Before a name is written, :func:`refuse_foreign` checks that no file of the
user's is in the way (a file there must be one a record of the build
claims); orphans are deleted only when a record listed them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from scenes.pipeline.errors import BuildError
from scenes.pipeline.layout import shown
from scenes.pipeline.media import intact

__all__ = ["EVERYTHING", "claimed", "refuse_foreign", "stamp_files"]


class _Everything(frozenset):
    """The claim of a record that exists but cannot be read: every name the build would write there is ours."""

    def __contains__(self, name: object) -> bool:
        return True


EVERYTHING = _Everything()


def claimed(record: Path, names: Callable[[dict], Iterable[str]]) -> frozenset[str]:
    """The names (relative to ``record``'s folder) that a stamp or manifest says the build wrote.

    Empty when there is no such record; :data:`EVERYTHING` when it exists but
    cannot be read (a damaged stamp is still the build's: what it would write
    there is the build's to replace). ``names`` lists them from the parsed record.
    """
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        return frozenset(names(data)) if intact(data) else EVERYTHING
    except FileNotFoundError:
        return frozenset()
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return EVERYTHING


def refuse_foreign(folder: Path, names: Iterable[str], owned: frozenset[str]) -> None:
    """Stop, with one line, before replacing a file in ``folder`` that the build did not write.

    Raises
    ------
    BuildError
        Naming the first file in the way that ``owned`` does not list.
    """
    for name in names:
        path = folder / name
        if name not in owned and (path.exists() or path.is_symlink()):
            raise BuildError(f"{shown(path)}: a file the build did not write is in the way (no stamp or manifest "
                             "of the build records it); move it elsewhere: the build never replaces what it did "
                             "not make")


def stamp_files(stamp: dict) -> list[str]:
    """The names a beat's or the lecture's stamp records."""
    files = stamp.get("files") or {}
    return [str(name) for name in files] if isinstance(files, dict) else []
