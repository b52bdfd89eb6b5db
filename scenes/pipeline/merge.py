"""Join beats rendered on other machines: ``python -m scenes merge DIR... [--quality Q] [--media M]``.

A *part* is a media folder another machine (a CI job, a colleague, a cluster
node) rendered some beats into: ``DIR/<quality>/beats/<slug>.{mp4,srt,json}``
and ``<slug>.sections/`` (``DIR/<variant>/<quality>/...`` for a lesson
variant), with the voice cache it read in ``DIR/voice/``. A part is only
taken if this checkout would have made it:

* its stamp's key (:meth:`~scenes.pipeline.build.Beat.fingerprint`: the
  quality, the versions, ``manim.cfg``, the lesson, the voice) is this
  checkout's key for the beat;
* every source the render imported has the sha256 the stamp recorded, here
  (a voice cache entry the render read may come with the part, from
  ``DIR/voice/``, and is published into this checkout's voice cache);
* every file it published still has the size and sha256 of its stamp.

That is :func:`~scenes.pipeline.build.check_beat`, run on the part against this
checkout. A part that fails is refused, naming the part, the beat and why;
then nothing at all is merged. Each file is copied beside its target,
hashed again, and only then renamed into place; the stamp is written first
(it claims the names, as the build's does), so a killed merge leaves files
the stamp does not match, and the beat is merged or rendered again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scenes.files import atomic_path, inside, sha256_file
from scenes.pipeline.build import ROOT, Beat, BuildError, check_beat, check_quality
from scenes.pipeline.claims import claimed, refuse_foreign, stamp_files
from scenes.pipeline.layout import MediaLayout
from scenes.pipeline.travel import TravelError, bring_voice, copy_verified, voice_brought

__all__ = ["Part", "check_part", "merge_parts"]


@dataclass
class Part:
    """One beat found in a part, verified against this checkout."""

    folder: Path  # the part's quality folder (``DIR/low``)
    beat: Beat
    stamp: dict
    carried: dict[Path, Path] = field(default_factory=dict)  # voice file in the part → where it goes here


def check_part(part: Path, folder: Path, beat: Beat, quality: str) -> tuple[Part | None, str]:
    """Whether ``beat`` in ``folder`` (a part's quality folder) can be merged here.

    Returns
    -------
    (part, reason)
        The verified :class:`Part` and ``""``; ``None`` and ``"not in this
        part"``; or ``None`` and why it is refused (``"tests/x.py differs
        from this checkout"``, ``"settings differ from this checkout's
        (quality, versions, manim.cfg, lesson or voice)"``, ``"damaged:
        <path> (<why>)"``).
    """
    try:
        stamp = json.loads(MediaLayout(folder.parent, quality).stamp(beat).read_text())
    except FileNotFoundError:
        return None, "not in this part"
    except (OSError, ValueError):
        stamp = {}
    sources = stamp.get("sources") if isinstance(stamp, dict) else None
    carried = voice_brought(part / "voice", sources if isinstance(sources, list) else [], ROOT)
    # The voice the part brings is what this checkout's cache would hold: hash it as if it were here.
    hashes: dict[Path, str | None] = {here: sha256_file(brought) for brought, here in carried.items()}
    listed = stamp.get("files") if isinstance(stamp, dict) else None
    if isinstance(listed, dict) and (foreign := _foreign_name(beat, list(listed))) is not None:
        return None, f"its stamp lists {foreign!r}, not a file of this beat"
    info, reason = check_beat(MediaLayout(folder.parent, quality), beat, beat.fingerprint(quality), hashes)
    if info is None:
        if reason == "not rendered before":
            return None, "not in this part"
        if reason == "settings changed":
            reason = "settings differ from this checkout's (quality, versions, manim.cfg, lesson or voice)"
        elif reason.endswith((" changed", " deleted")):
            reason = reason.rsplit(" ", 1)[0] + " differs from this checkout"
        return None, reason
    return Part(folder, beat, info, carried), ""


def _foreign_name(beat: Beat, names: Sequence[str]) -> str | None:
    """The first name a stamp lists that is not one of the beat's own files (MP4, captions, a section)."""
    own = {f"{beat.slug}.mp4", f"{beat.slug}.srt"}
    for name in names:
        folder, _, leaf = str(name).partition("/")
        if name not in own and not (folder == f"{beat.slug}.sections" and leaf and "/" not in leaf
                                    and leaf not in {".", ".."}):
            return str(name)
    return None


def _publish(part: Part, layout: MediaLayout) -> None:
    """Publish one verified beat into ``layout`` (voice first, then its stamp, then its files).

    Nothing the build did not write is replaced or removed: a file in the way that
    no stamp here records stops the merge (see :func:`scenes.pipeline.build.refuse_foreign`).
    """
    stamp_file, beats = layout.stamp(part.beat), layout.beats
    files = part.stamp["files"]
    owned = claimed(stamp_file, stamp_files)
    refuse_foreign(beats, list(files), owned)
    bring_voice(part.carried)
    # The stamp first, as the build does: it claims every name below before one is written (a kill in
    # between leaves files the stamp does not match, so the beat is rendered or merged again).
    with atomic_path(stamp_file) as tmp:
        tmp.write_text(json.dumps(part.stamp, indent=2))
    for name, record in files.items():
        copy_verified(part.folder / "beats" / name, inside(beats, beats / name), record)
    sections = layout.sections(part.beat)
    for stale in sections.glob("*") if sections.is_dir() else ():
        name = f"{sections.name}/{stale.name}"
        if name not in files and name in owned:
            stale.unlink()


def merge_parts(parts: Sequence[Path], chosen: Sequence[Beat], quality: str, *, media: Path | None = None,
                layout: Path | None = None, complete: bool = True,
                report: Callable[[str], None] = print) -> list[Part]:
    """Verify every part against this checkout, then publish their beats into ``media``.

    Parameters
    ----------
    parts
        Media folders from other machines.
    chosen
        The beats to take (the lecture's, usually).
    quality
        The quality to merge.
    media
        This checkout's media folder for the lesson variant (default ``media/``).
    layout
        Where a part keeps this quality, relative to the part (default: the
        quality's name; ``big-eta/low`` for a lesson variant).
    complete
        Require every beat of ``chosen`` to be merged or up to date here.

    Raises
    ------
    BuildError
        Naming every refused part and beat and why (nothing is merged then),
        a part that is not a folder, or beats that no part holds.
    """
    check_quality(quality)
    layout = layout or Path(quality)
    dest = MediaLayout.of(quality, media)
    for part in parts:
        if not Path(part).is_dir():
            raise BuildError(f"part {str(part)!r}: not a folder (a media folder another machine rendered into)")
    found: dict[int, Part] = {}
    refused = []
    for part in parts:
        folder = Path(part) / layout
        for beat in chosen:
            verified, reason = check_part(Path(part), folder, beat, quality)
            if verified is not None:
                found.setdefault(beat.order, verified)
            elif reason != "not in this part":
                refused.append(f"{part}: {beat.slug} ({beat.name}): {reason}")
    if refused:
        raise BuildError("refused, nothing merged:\n  " + "\n  ".join(refused))
    with dest.lock(report):
        missing = [b for b in chosen
                   if b.order not in found and check_beat(dest, b, b.fingerprint(quality))[0] is None]
        if complete and missing:
            raise BuildError(f"no part holds {', '.join(b.slug for b in missing)} (and it is not up to date here); "
                             "nothing merged")
        for beat in chosen:
            if beat.order in found:
                try:
                    _publish(found[beat.order], dest)
                except TravelError as e:  # changed since it was checked: say so, as the build does
                    raise BuildError(f"{beat.slug}: {e}") from None
                report(f"merged {beat.slug:<22} from {found[beat.order].folder} (stamp and files verified)")
    return [found[b.order] for b in chosen if b.order in found]
