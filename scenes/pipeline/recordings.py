"""What a build tells the teacher about their recordings: blocks without one, files no block reads.

With ``--recordings FOLDER`` each narrated block reads ``<block id>.<suffix>``.
A block without its file is silent and paced for reading; a file whose name
is no block's id (a typo, a number without its leading zero, a suffix the
voice does not read) is never heard. Both are worth a line on the console
at the end of every build, not only in a log.
"""

from __future__ import annotations

from collections.abc import Sequence

from scenes.settings import RECORDING_SUFFIXES, Settings

__all__ = ["recording_notes"]


def recording_notes(results: Sequence, lecture: str | None = None) -> list[str]:
    """Lines naming the missing and the unused recordings of a build, or none.

    Parameters
    ----------
    results
        The build's :class:`~scenes.pipeline.build.BeatResult` list (rendered or
        up to date: each carries its worker's facts, the blocks and the ids
        left without a recording).
    lecture
        Where the lecture's beats come from (``--lecture``), to tell a file
        meant for a beat not built now from a file meant for no beat.
    """
    folder = Settings.from_env().recordings
    if folder is None:
        return []
    from scenes.pipeline.beats import beats

    facts = [r.facts or {} for r in results]
    ids = {b["id"] for f in facts for b in f.get("blocks", [])}
    missing = [m for f in facts for m in f.get("missing_recordings", [])]
    built = {r.beat.name for r in results}
    known = {b.name for b in beats(lecture)}
    unused = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        beat = path.stem.rsplit("-", 1)[0]
        if path.suffix.lower() not in RECORDING_SUFFIXES:
            unused.append(f"{path.name} (the voice reads {', '.join(RECORDING_SUFFIXES)})")
        elif path.stem not in ids and (beat in built or beat not in known):
            unused.append(f"{path.name} (no block has the id {path.stem!r})")
    notes = []
    if missing:
        notes.append(f"no recording for {len(missing)} block(s), left silent and paced for reading: "
                     f"{', '.join(missing)}")
    if unused:
        notes.append(f"{len(unused)} file(s) in {folder} that no block reads: {'; '.join(unused)}")
    return notes
