"""Checkpoints in the exported outputs: metadata track, gallery question (axe-core, focus), transcript, slides, PPTX."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scenes.pipeline.questions import read_checkpoints_vtt
from tests.pipeline.browser import open_page, serve
from tests.pipeline.checkpoint_lecture import make_lecture

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def lecture(tmp_path_factory):
    folder = tmp_path_factory.mktemp("outputs")
    manifest, asked, src = make_lecture(folder)
    return folder / "clips", manifest, asked, src


def test_the_metadata_track_holds_each_checkpoint_at_its_time(lecture):
    clips, manifest, asked, _ = lecture
    text = (clips / "lecture.checkpoints.vtt").read_text(encoding="utf-8")
    assert text.startswith("WEBVTT") and "00:00:03.000 --> 00:00:06.000" in text
    found = read_checkpoints_vtt(clips / "lecture.checkpoints.vtt")
    assert [(c["id"], c["time"], c["end"], c["answer"]) for c in found] == [
        (c["id"], c["time"], c["end"], c["answer"]) for c in asked]
    assert manifest["lecture"]["files"]["checkpoints"]["checkpoints"] == len(asked)


def test_the_gallery_pauses_and_asks_over_the_video(browser, lecture):
    clips, _, asked, _ = lecture
    cp = asked[0]
    with serve(clips) as base:
        page, errors = open_page(browser, base + "index.html")
        page.evaluate("t => { const v = document.getElementById('video-lecture'); v.muted = true; v.currentTime = t; }",
                      cp["time"] + 0.2)
        dialog = page.locator(f'.quiz[data-checkpoint="{cp["id"]}"]')
        dialog.wait_for(state="visible")
        assert page.evaluate("() => document.getElementById('video-lecture').paused")
        assert page.evaluate("() => document.activeElement.classList.contains('quiz-choice')"), "focus on the question"
        kinds = page.evaluate("() => [...document.getElementById('video-lecture').textTracks].map(t => t.kind)")
        assert "metadata" in kinds and "captions" in kinds and "chapters" in kinds
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("() => axe.run(document.querySelector('.quiz'))")
        assert result["violations"] == [], [v["id"] for v in result["violations"]]
        wrong = next(c for c in cp["choices"] if not c["correct"])
        page.keyboard.press(wrong["id"])  # keyboard alone: the choice's letter
        feedback = page.locator(".quiz-feedback").inner_text()
        assert feedback.startswith("Not quite.") and wrong["feedback"] in feedback
        right = next(c for c in cp["choices"] if c["correct"])
        assert f"{right['id'].upper()}: {right['text']}" in feedback
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator(".quiz-stage").screenshot(path=str(ARTIFACTS / "gallery-checkpoint.png"))
        page.keyboard.press("Enter")  # Continue has the focus
        dialog.wait_for(state="detached")
        assert page.evaluate("() => document.activeElement.id") == "video-lecture", "focus back to the player"
        assert page.evaluate("() => document.getElementById('video-lecture').currentTime") >= cp["end"] - 0.05
        # Skip: the next one closes without an answer.
        nxt = asked[1]
        page.evaluate("t => { document.getElementById('video-lecture').currentTime = t; }", nxt["time"] + 0.2)
        page.locator(f'.quiz[data-checkpoint="{nxt["id"]}"]').wait_for(state="visible")
        page.locator(".quiz .skip").click()
        page.locator(".quiz").wait_for(state="detached")
        page.close()
    assert not errors, errors


def test_the_transcript_asks_in_place_with_the_answer_folded(lecture):
    clips, _, asked, _ = lecture
    page = (clips / "lecture.transcript.html").read_text(encoding="utf-8")
    for cp in asked:
        at = page.index(f'id="checkpoint-{cp["id"]}"')
        answer = page.index("<details", at)
        right = next(c for c in cp["choices"] if c["correct"])
        assert page.index(right["feedback"].replace("'", "&#x27;"), answer) > answer
    assert page.index("One neuron, one example.") < page.index(f'id="checkpoint-{asked[0]["id"]}"') < page.index(
        "The slope cancels.")


def test_the_slides_add_a_question_slide_whose_answer_opens_on_a_key(browser, lecture):
    clips, _, asked, _ = lecture
    page, errors = open_page(browser, (clips / "lecture.slides.html").as_uri())
    n = page.locator("section.slide").count()
    assert n == 5 + len(asked)
    page.goto((clips / "lecture.slides.html").as_uri() + "#slide-3")
    page.reload()
    slide = page.locator("#slide-3")
    assert "question-slide" in slide.get_attribute("class")
    assert not page.evaluate("() => document.querySelector('#slide-3 details').open")
    page.keyboard.press("a")
    assert page.evaluate("() => document.querySelector('#slide-3 details').open")
    page.close()
    assert not errors, errors


def test_the_pptx_has_a_question_then_an_answer_slide(lecture):
    from pptx import Presentation

    clips, _, asked, _ = lecture
    prs = Presentation(str(clips / "lecture.pptx"))
    texts = [" ".join(s.shapes[0].text_frame.text.split()) if s.shapes[0].has_text_frame else "" for s in prs.slides]
    assert len(prs.slides) == 5 + 2 * len(asked)
    cp = asked[0]
    right = next(c for c in cp["choices"] if c["correct"])
    question, answer = prs.slides[2], prs.slides[3]
    assert cp["question"] in question.shapes[0].text_frame.text
    assert f"Answer: {right['id'].upper()}, {right['text']}" in answer.shapes[0].text_frame.text
    assert right["text"] in answer.notes_slide.notes_text_frame.text
    assert right["text"] in question.notes_slide.notes_text_frame.text
    assert texts


# -- end to end: a real render through the build and the export ------------------------------------
FIXTURE = Path(__file__).with_name("fixture_beats.py")


@pytest.mark.slow
def test_a_beats_checkpoint_travels_from_the_render_to_the_export(tmp_path, tiny_env):
    from neuron import LESSON
    from neuron.checkpoints import checkpoints
    from scenes.pipeline.build import beats, render_beats
    from scenes.pipeline.export import export_results

    media = tmp_path / "media"
    results = render_beats(beats(f"{FIXTURE}:ASKS"), "low", media=media, jobs=1, report=lambda line: None)
    stamp = json.loads((media / "low" / "beats" / f"{results[1].beat.slug}.json").read_text())
    asked = [s for s in stamp["sections"] if s.get("checkpoint")]
    assert [s["checkpoint"] for s in asked] == [checkpoints(LESSON)["sigma-prime"].to_json()]
    manifest = export_results(results, "low", media=media, report=lambda line: None)
    clips = media / "low" / "clips"
    [cp] = read_checkpoints_vtt(clips / manifest["lecture"]["files"]["checkpoints"]["name"])
    tiny = manifest["clips"][0]["duration"]
    assert cp["id"] == "sigma-prime"
    assert cp["time"] == pytest.approx(tiny + asked[0]["start"], abs=1e-3)
    assert cp["end"] == pytest.approx(cp["time"] + asked[0]["duration"], abs=1e-3)
    assert {"scorm12", "scorm2004", "checkpoints"} <= set(manifest["lecture"]["files"])


def test_checkpoints_none_is_part_of_every_beats_fingerprint(monkeypatch):
    from scenes.pipeline.build import beats

    beat = beats(f"{FIXTURE}:ASKS")[1]
    monkeypatch.setenv("LECTURE_CHECKPOINTS", "card")
    shown = beat.fingerprint("low")
    monkeypatch.setenv("LECTURE_CHECKPOINTS", "none")
    assert beat.fingerprint("low") != shown
