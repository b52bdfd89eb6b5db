"""The SCORM packages under a runtime this project did not write (scorm-again), in headless Chromium.

An LMS-like harness page creates ``window.API`` (1.2) or ``window.API_1484_11``
(2004) with scorm-again, hands it what the package's manifest says (mastery
score / scaled passing score) as an LMS would, and opens the unzipped
package's launch page in an iframe, all served over http://127.0.0.1 with
every other address blocked. The test answers each checkpoint, seeks to the
end, closes the page (removes the frame) and reads the runtime's CMI back;
then relaunches with the stored data and sees the player resume.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from tests.pipeline.browser import open_page, serve
from tests.pipeline.checkpoint_lecture import make_lecture

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "tests" / "js" / "node_modules"
ARTIFACTS = ROOT / "test-artifacts"
RUNTIME = {"1.2": ("scorm12.js", "Scorm12API", "API"), "2004": ("scorm2004.js", "Scorm2004API", "API_1484_11")}

HARNESS = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LMS</title>
<script src="%(script)s"></script></head><body>
<iframe id="sco" title="lesson" width="1000" height="700"></iframe>
<script>
window.launch = (stored, fromManifest) => {
  window.%(name)s = new %(cls)s({autocommit: false, logLevel: 5});
  window.%(name)s.loadFromJSON({...fromManifest, ...stored});
  document.getElementById("sco").src = "pkg/index.html";
};
window.cmi = () => JSON.parse(JSON.stringify(window.%(name)s.cmi));
window.calls = [];
</script></body></html>
"""


@pytest.fixture(scope="module")
def lecture(tmp_path_factory):
    if not (JS / "scorm-again" / "dist").is_dir():
        pytest.fail("scorm-again is not installed: run tools/setup.sh test")
    folder = tmp_path_factory.mktemp("scorm")
    manifest, asked, src = make_lecture(folder)
    return folder / "clips", manifest, asked, src


def unpack(lecture, version: str, tmp_path: Path, package: Path | None = None) -> Path:
    """The package (the export's, or ``package``) unzipped under ``lms/pkg`` beside the harness and the runtime."""
    clips, manifest, _, _ = lecture
    name = "scorm12" if version == "1.2" else "scorm2004"
    site = tmp_path / "lms"
    with zipfile.ZipFile(package or clips / manifest["lecture"]["files"][name]["name"]) as z:
        z.extractall(site / "pkg")
    script, cls, api = RUNTIME[version]
    shutil.copy(JS / "scorm-again" / "dist" / script, site / script)
    (site / "harness.html").write_text(HARNESS % {"script": script, "cls": cls, "name": api}, encoding="utf-8")
    return site


def from_manifest(site: Path, version: str) -> dict:
    """What an LMS reads from imsmanifest.xml and gives the runtime before launch."""
    root = ET.parse(site / "pkg" / "imsmanifest.xml").getroot()
    if version == "1.2":
        score = root.find(".//{http://www.adlnet.org/xsd/adlcp_rootv1p2}masteryscore")
        return {"student_data": {"mastery_score": score.text}} if score is not None else {}
    measure = root.find(".//{http://www.imsglobal.org/xsd/imsss}minNormalizedMeasure")
    return {"scaled_passing_score": measure.text} if measure is not None else {}


def offline(page, base: str) -> list[str]:
    """Block every address but the local server; return the list of blocked requests."""
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith(base) or r.request.url.startswith("data:") or r.request.url.startswith("blob:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return blocked


def launch(browser, site: Path, base: str, version: str, stored: dict | None = None):
    page, errors = open_page(browser, "about:blank")
    blocked = offline(page, base)
    page.goto(base + "harness.html")
    page.evaluate("([s, m]) => window.launch(s, m)", [stored or {}, from_manifest(site, version)])
    page.wait_for_function("() => document.getElementById('sco').contentWindow.lecturePlayer !== undefined")
    frame = page.frame_locator("#sco")
    sco = next(f for f in page.frames if f.url.endswith("pkg/index.html"))
    sco.wait_for_function("() => document.getElementById('lecture').readyState >= 1")
    return page, errors, blocked, frame, sco


def answer_all(page, frame, sco, asked, pick) -> None:
    for cp in asked:
        sco.evaluate("t => { const v = document.getElementById('lecture'); v.muted = true; v.currentTime = t; }",
                     cp["time"] + 0.2)
        dialog = frame.locator(f'.quiz[data-checkpoint="{cp["id"]}"]')
        dialog.wait_for(state="visible")
        choice = pick(cp)
        frame.locator(f'.quiz-choice[data-choice="{choice}"]').click()
        frame.locator(".quiz .continue").click()
        dialog.wait_for(state="detached")


def seek_to_end_and_close(page, sco) -> float:
    sco.evaluate("() => { const v = document.getElementById('lecture'); v.muted = true; "
                 "v.currentTime = v.duration - 0.3; return v.play(); }")
    sco.wait_for_function("() => document.getElementById('lecture').ended")
    duration = sco.evaluate("() => document.getElementById('lecture').duration")
    page.evaluate("() => document.getElementById('sco').remove()")  # the learner closes the lesson
    return duration


def core(cmi: dict, version: str) -> dict:
    """The same facts from either version's CMI."""
    if version == "1.2":
        c = cmi["core"]
        return {"location": c["lesson_location"], "status": c["lesson_status"], "score": c["score"],
                "exit": c["exit"], "session": c["session_time"], "learner": "student_response", "wrong": "wrong"}
    return {"location": cmi["location"], "status": (cmi["completion_status"], cmi["success_status"]),
            "score": cmi["score"], "exit": cmi["exit"], "session": cmi["session_time"],
            "learner": "learner_response", "wrong": "incorrect"}


def children(found: dict | list) -> list[dict]:
    """A CMI array as scorm-again writes it to JSON (``{"0": {...}, "1": {...}}``), in order."""
    if isinstance(found, list):
        return found
    return [v for k, v in sorted(((k, v) for k, v in found.items() if k.isdigit()), key=lambda kv: int(kv[0]))]


def interactions(cmi: dict) -> list[dict]:
    return children(cmi["interactions"])


@pytest.mark.parametrize("version", ["1.2", "2004"])
@pytest.mark.parametrize("right", [True, False], ids=["all-right", "some-wrong"])
def test_the_package_reports_answers_score_status_and_location(browser, lecture, tmp_path, version, right):
    site = unpack(lecture, version, tmp_path)
    asked = lecture[2]
    truth = {cp["id"]: cp["answer"] for cp in asked}
    wrong = {cp["id"]: next(c["id"] for c in cp["choices"] if not c["correct"]) for cp in asked}
    # Some wrong: the first answered right, the second wrong (1 of 2 = 50 %, below the 80 % mastery score).
    pick = (lambda cp: truth[cp["id"]]) if right else (lambda cp: truth[cp["id"]] if cp is asked[0] else wrong[cp["id"]])
    with serve(site) as base:
        page, errors, blocked, frame, sco = launch(browser, site, base, version)
        assert "recorded by your learning platform" in sco.inner_text("#lms-status")
        answer_all(page, frame, sco, asked, pick)
        duration = seek_to_end_and_close(page, sco)
        cmi = page.evaluate("() => window.cmi()")
        page.close()
    facts = core(cmi, version)
    expect_raw = len(asked) if right else 1
    assert float(facts["score"]["raw"]) == expect_raw
    assert float(facts["score"]["min"]) == 0 and float(facts["score"]["max"]) == len(asked)
    if version == "1.2":
        assert facts["status"] == ("passed" if right else "failed")
        assert re.fullmatch(r"\d{2,4}:\d\d:\d\d(\.\d{1,2})?", facts["session"])
    else:
        assert facts["status"] == ("completed", "passed" if right else "failed")
        assert float(facts["score"]["scaled"]) == pytest.approx(expect_raw / len(asked))
        assert re.fullmatch(r"PT[\d.]+S", facts["session"])
    assert float(facts["location"]) == pytest.approx(duration, abs=0.3)
    assert facts["exit"] == "suspend"
    got = interactions(cmi)
    assert [i["id"] for i in got] == [cp["id"] for cp in asked]
    for i, cp in zip(got, asked):
        chosen = pick(cp)
        assert i["type"] == "choice"
        assert children(i["correct_responses"])[0]["pattern"] == cp["answer"]
        assert i[facts["learner"]] == chosen
        assert i["result"] == ("correct" if chosen == cp["answer"] else facts["wrong"])
        assert i["latency"], "each answer records how long it took"
    assert not blocked, f"the package asked the network for {blocked}"
    assert not errors, errors


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_a_relaunch_resumes_where_the_learner_left(browser, lecture, tmp_path, version):
    site = unpack(lecture, version, tmp_path)
    asked = lecture[2]
    with serve(site) as base:
        page, errors, blocked, frame, sco = launch(browser, site, base, version)
        answer_all(page, frame, sco, asked[:1], lambda cp: cp["answer"])
        sco.evaluate("() => { const v = document.getElementById('lecture'); v.currentTime = 7.0; v.pause(); }")
        page.evaluate("() => document.getElementById('sco').remove()")
        cmi = page.evaluate("() => window.cmi()")
        page.close()
        facts = core(cmi, version)
        assert float(facts["location"]) == pytest.approx(7.0, abs=0.2)
        # Left before the end: not finished yet, kept for later.
        # (2004's success status is the runtime's to judge from the scaled score: not asserted here.)
        assert (facts["status"] if version == "1.2" else facts["status"][0]) == "incomplete"
        assert facts["exit"] == "suspend"
        # The LMS hands the stored data back, marked as a resumed attempt.
        if version == "1.2":
            stored = {"core": {"lesson_location": facts["location"], "entry": "resume"},
                      "suspend_data": cmi["suspend_data"]}
        else:
            stored = {"location": facts["location"], "entry": "resume", "suspend_data": cmi["suspend_data"]}
        page, errors, blocked, frame, sco = launch(browser, site, base, version, stored)
        sco.wait_for_function("() => document.getElementById('lecture').currentTime > 6.5")
        assert sco.evaluate("() => document.getElementById('lecture').currentTime") == pytest.approx(7.0, abs=0.2)
        # The checkpoint answered before is not asked again; the other one still is.
        assert sco.evaluate("() => [...window.lecturePlayer.quiz.asked]") == [asked[0]["id"]]
        page.close()
    assert not blocked and not errors, (blocked, errors)


def test_without_an_lms_it_plays_and_says_nothing_is_recorded(browser, lecture, tmp_path):
    site = unpack(lecture, "1.2", tmp_path)
    page, errors = open_page(browser, (site / "pkg" / "index.html").as_uri())
    blocked = offline(page, "file://")
    page.reload()
    assert "nothing is recorded" in page.inner_text("#lms-status")
    page.evaluate("() => { const v = document.getElementById('lecture'); v.muted = true; v.currentTime = 3.2; }")
    page.locator(".quiz").wait_for(state="visible")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "scorm-player-question.png"))
    tracks = page.evaluate("() => [...document.getElementById('lecture').textTracks].map(t => t.kind)")
    assert sorted(tracks) == ["captions", "chapters", "metadata"]
    page.close()
    assert not blocked and not errors, (blocked, errors)


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_the_manifest_lists_every_file_the_launch_page_needs(lecture, tmp_path, version):
    site = unpack(lecture, version, tmp_path)
    pkg = site / "pkg"
    root = ET.parse(pkg / "imsmanifest.xml").getroot()
    ns = {"c": root.tag.split("}")[0][1:]}
    [resource] = root.findall(".//c:resource", ns)
    listed = {f.get("href") for f in resource.findall("c:file", ns)}
    on_disk = {p.relative_to(pkg).as_posix() for p in pkg.rglob("*") if p.is_file()} - {"imsmanifest.xml"}
    assert listed == on_disk
    assert resource.get("href") == "index.html" and resource.get(
        "{http://www.adlnet.org/xsd/adlcp_rootv1p2}scormtype" if version == "1.2"
        else "{http://www.adlnet.org/xsd/adlcp_v1p3}scormType") == "sco"
    page = (pkg / "index.html").read_text(encoding="utf-8")
    referenced = set(re.findall(r'(?:src|href)="([^"#:]+)"', page))
    data = json.loads(re.search(r'<script type="application/json" id="lecture-data">(.*?)</script>', page,
                                re.S).group(1))
    referenced |= {data["video"], *data["tracks"].values()}
    assert referenced <= listed, referenced - listed


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_without_a_mastery_score_the_lecture_is_just_completed(browser, lecture, tmp_path, monkeypatch, version):
    from scenes.pipeline.formats import Job
    from scenes.pipeline.scorm import MASTERY_ENV, write_package

    clips, _, asked, src = lecture
    monkeypatch.setenv(MASTERY_ENV, "none")
    target = tmp_path / "package.zip"
    assert write_package(Job(src, clips), version, target)["mastery_score"] is None
    site = unpack(lecture, version, tmp_path, target)
    assert from_manifest(site, version) == {}
    with serve(site) as base:
        page, errors, blocked, frame, sco = launch(browser, site, base, version)
        answer_all(page, frame, sco, asked, lambda cp: cp["answer"])
        seek_to_end_and_close(page, sco)
        cmi = page.evaluate("() => window.cmi()")
        page.close()
    facts = core(cmi, version)
    assert facts["status"] == ("completed" if version == "1.2" else ("completed", "unknown"))
    assert float(facts["score"]["raw"]) == len(asked)
    assert not blocked and not errors, (blocked, errors)


def test_a_bad_mastery_score_is_one_line(monkeypatch):
    from scenes.pipeline.build import BuildError
    from scenes.pipeline.scorm import MASTERY_ENV, mastery_score

    monkeypatch.setenv(MASTERY_ENV, "120")
    with pytest.raises(BuildError, match=r"^LECTURE_MASTERY_SCORE: mastery score must be a whole percent 0-100 "
                                         r"or none, got '120'$"):
        mastery_score()
    monkeypatch.setenv(MASTERY_ENV, "60")
    assert mastery_score() == 60
