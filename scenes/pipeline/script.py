"""The recording script: every narrated block of the chosen beats, for a teacher to record.

``python -m scenes script`` writes it; each line is a block's id (the file
name to record into), its beat and its words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scenes.files import atomic_path
from scenes.settings import RECORDING_SUFFIXES
from scenes.voices import Silent

__all__ = ["ScriptLine", "recording_script", "write_script"]


@dataclass(frozen=True)
class ScriptLine:
    """One block to record: its id (the file's name), its beat and its words."""

    id: str
    beat: str
    text: str


def recording_script(scene_classes: Iterable[type]) -> list[ScriptLine]:
    """Every block of the given beats, from a silent dry run (nothing is drawn or written).

    Parameters
    ----------
    scene_classes
        Beat classes (``LectureScene`` subclasses), e.g. ``SCENES_IN_ORDER``.
    """
    from manim import tempconfig

    lines: list[ScriptLine] = []
    for scene_cls in scene_classes:
        quiet = type(scene_cls.__name__, (scene_cls,), {"voice": Silent(), "__module__": scene_cls.__module__})
        # A dry run still draws its frames: draw few, and small.
        with tempconfig({"dry_run": True, "write_to_movie": False, "disable_caching": True, "progress_bar": "none",
                         "verbosity": "ERROR", "pixel_width": 64, "pixel_height": 36, "frame_rate": 1}):
            scene = quiet()
            scene.render()
        lines.extend(ScriptLine(b.id, b.beat, b.text) for b in scene.blocks)
    return lines


def write_script(lines: Iterable[ScriptLine], target: Path) -> None:
    """Write ``lines`` as a tab-separated script, with a header saying how to use it."""
    suffixes = ", ".join(RECORDING_SUFFIXES[1:])
    rows = [f"# Recording script: record each block into <folder>/<id>.wav (or {suffixes}),",
            "# then: make lecture VOICE_ARGS='--recordings <folder>'. Columns: id, beat, words.",
            *(f"{line.id}\t{line.beat}\t{line.text}" for line in lines)]
    with atomic_path(target) as tmp:
        tmp.write_text("\n".join(rows) + "\n", encoding="utf-8")
