"""A small exported lecture with two checkpoints, made without Manim (PyAV clips), for the output tests."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import srt

from neuron.checkpoints import checkpoints
from neuron.parameters import Lesson
from scenes.block import BlockRecord
from scenes.pipeline.export import export_clips
from scenes.pipeline.formats import ClipSource
from tests.pipeline.test_slides import make_clip

#: (chapter, seconds, narration, checkpoint id or None)
SECTIONS = [
    (1, 3.0, "One neuron, one example.", None),
    (1, 3.0, "Pause and think.", "cross-entropy-gradient"),
    (1, 2.0, "The slope cancels.", None),
    (2, 3.0, "Pause and think.", "sigma-prime"),
    (2, 2.0, "Nearly flat.", None),
]
CHAPTERS = [{"order": 1, "slug": "01-a", "title": "The setup", "start": 0.0, "duration": 8.0},
            {"order": 2, "slug": "02-b", "title": "Why it stalls", "start": 8.0, "duration": 5.0}]
TITLE = "Checkpoint lecture"


def make_lecture(folder: Path) -> tuple[dict, list[dict], ClipSource]:
    """Export the lecture into ``folder / "clips"``; return the manifest, the checkpoints asked (with times)
    and the lecture's source."""
    src_dir = folder / "src"
    src_dir.mkdir(parents=True)
    found = checkpoints(Lesson())
    total = sum(s for _, s, _, _ in SECTIONS)
    video = make_clip(src_dir / "lecture.mp4", TITLE, (80, 160, 230), seconds=total)
    sections, cues, start = [], [], 0.0
    for n, (chapter, seconds, notes, cp) in enumerate(SECTIONS, 1):
        clip = make_clip(src_dir / f"section-{n}.mp4", notes, (60, 200, 170), seconds=seconds)
        title = CHAPTERS[chapter - 1]["title"]
        sections.append(BlockRecord(f"B-{n:02d}", "Fixture", notes, notes, start, seconds, False, str(clip), chapter,
                                    title, found[cp].to_json() if cp else None))
        cues.append(srt.Subtitle(n, timedelta(seconds=start), timedelta(seconds=start + seconds - 0.1), notes))
        start += seconds
    captions = src_dir / "lecture.srt"
    captions.write_text(srt.compose(cues), encoding="utf-8")
    src = ClipSource("lecture", TITLE, 0, video, captions, chapters=tuple(CHAPTERS), sections=tuple(sections))
    manifest = export_clips([src], folder / "clips", "low", report=lambda line: None)
    asked = [{**s.checkpoint, "time": s.start, "end": s.start + s.duration} for s in sections if s.checkpoint]
    return manifest, asked, src
