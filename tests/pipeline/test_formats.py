"""A new output format is one class: the export writes it, the manifest lists it, the gallery offers it."""

from __future__ import annotations

from datetime import timedelta as s
from typing import Any

import pytest
import srt

from scenes.pipeline.export import export_clip
from scenes.pipeline.formats import FORMATS, ClipSource, Format, Job, with_role
from scenes.pipeline.gallery import render_gallery
from scenes.s01_setup import Setup
from tests.pipeline.test_slides import make_clip


@pytest.fixture
def words_format():
    """A toy format, defined as the README says: the captions as plain words, one line each."""

    class Words(Format):
        name, suffix, label, media_type = "words", ".words.txt", "Plain words", "text/plain"

        @classmethod
        def write(cls, job: Job) -> dict[str, Any]:
            job.path("words").write_text("\n".join(" ".join(c.content.split()) for c in job.cues) + "\n")
            return {"lines": len(job.cues)}

    yield Words
    Format.registry.pop("words", None)


def test_a_format_class_is_written_listed_and_offered(words_format, tmp_path):
    video = make_clip(tmp_path / "src.mp4", "A clip", (200, 80, 80), seconds=1.0)
    captions = tmp_path / "src.srt"
    captions.write_text(srt.compose([srt.Subtitle(1, s(0), s(seconds=0.5), "One line,\nthen two."),
                                     srt.Subtitle(2, s(seconds=0.5), s(seconds=1), "Three.")]))
    folder = tmp_path / "clips"
    folder.mkdir()
    entry = export_clip(ClipSource("01-a", "A clip", 1, video, captions, Setup), folder)
    assert "words" in FORMATS and entry["files"]["words"]["name"] == "01-a.words.txt"
    assert (folder / "01-a.words.txt").read_text() == "One line, then two.\nThree.\n"
    assert entry["files"]["words"]["lines"] == 2 and entry["files"]["words"]["bytes"] > 0
    assert [fmt.name for fmt, _ in with_role(entry, "download")] == ["words"]
    manifest = {"title": "t", "quality": "low", "settings": {}, "lesson": None, "clips": [entry], "lecture": None,
                "formats": {n: {"suffix": f.suffix, "label": f.label, "type": f.media_type} for n, f in FORMATS.items()}}
    page = render_gallery(manifest, "{}")
    assert '<a href="01-a.words.txt" download>Plain words' in page
