"""Text with ``<!--<script>`` in a chapter title or the narration leaves every page's scripts working.

Embedded JSON is written by one helper (:func:`scenes.pipeline.page.script_json`);
an HTML comment or script tag opened inside it once swallowed the gallery's
own scripts, so the player lost its captions and chapters.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scenes.pipeline.build import render_beats, select_beats
from scenes.pipeline.export import export_results
from scenes.pipeline.page import script_json
from tests.pipeline.browser import open_page
from tests.pipeline.hostile_beats import TRICKY

HOSTILE = f"{Path(__file__).with_name('hostile_beats.py')}:SCENES_IN_ORDER"

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_script_json_round_trips_and_hides_markup() -> None:
    data = {"title": TRICKY, "more": "a > b && c \u2029"}
    text = script_json(data)
    assert json.loads(text) == data
    assert not any(c in text for c in "<>&\u2028\u2029")


@pytest.fixture(scope="module")
def clips(tmp_path_factory, tiny_env_module) -> Path:
    media = tmp_path_factory.mktemp("hostile") / "media"
    results = render_beats(select_beats(None, lecture=HOSTILE), "low", media=media, report=lambda line: None)
    export_results(results, "low", media=media, report=lambda line: None)
    return media / "low" / "clips"


@pytest.fixture(scope="module")
def tiny_env_module():
    import os

    from scenes.pipeline.worker import OVERRIDES_ENV

    saved = dict(os.environ)
    for name in ("LECTURE_LESSON", "LECTURE_SET", "LECTURE_CAPTIONS", "LECTURE_CHECKPOINTS"):
        os.environ.pop(name, None)
    os.environ["LECTURE_VOICE"] = "none"
    os.environ[OVERRIDES_ENV] = json.dumps({"pixel_width": 160, "pixel_height": 90, "frame_rate": 5})
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_the_gallery_player_keeps_its_captions_and_chapters(browser, clips: Path) -> None:
    page, errors = open_page(browser, (clips / "index.html").as_uri())
    tracks = page.evaluate("""[...document.getElementById('video-lecture').textTracks]
                              .map(t => [t.kind, t.cues ? t.cues.length : -1])""")
    titles = page.evaluate("""[...[...document.getElementById('video-lecture').textTracks]
                              .find(t => t.kind === 'chapters').cues].map(c => c.text)""")
    assert ["captions", 2] in tracks and ["chapters", 2] in tracks, tracks
    assert titles[0] == f"Tricky {TRICKY} title"
    assert TRICKY.strip() in page.inner_text("main")
    assert errors == []
    page.close()


def test_the_slides_still_step(browser, clips: Path) -> None:
    page, errors = open_page(browser, (clips / "lecture.slides.html").as_uri())
    current = "document.querySelector('section.slide.current').id"
    assert page.evaluate(current) == "slide-1"
    page.keyboard.press("ArrowRight")
    assert page.evaluate(current) == "slide-2"
    assert errors == []
    page.close()


def test_the_transcript_filter_still_works(browser, clips: Path) -> None:
    page, errors = open_page(browser, (clips / "lecture.transcript.html").as_uri())
    assert TRICKY.strip() in page.inner_text("body")
    page.fill("#filter", "square")
    assert page.evaluate("[...document.querySelectorAll('p.para')].filter(p => !p.hidden).length") == 1
    assert errors == []
    page.close()
