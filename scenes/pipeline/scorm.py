"""The lecture as an LMS package: ``lecture.scorm12.zip`` and ``lecture.scorm2004.zip``.

Each package is one SCO: ``imsmanifest.xml`` at the root lists every file;
the launch page ``index.html`` is a self-contained player (inline CSS and
JavaScript, no network) for ``lecture.mp4`` with its captions, chapters and
checkpoints. Through the LMS's API (``window.API`` for SCORM 1.2,
``window.API_1484_11`` for 2004, found in a parent frame or the opener) it
initialises; resumes at the stored location; records each answer as an
interaction (id, type ``choice``, correct response, learner's response,
result, latency); keeps the score (raw, min 0, max the number of
checkpoints; 2004 also scaled); sets the status when the lecture ends
(1.2: ``passed``/``failed`` against the manifest's ``adlcp:masteryscore``,
``completed`` without one; 2004: ``completion_status`` and, against the
scaled passing score, ``success_status``); commits; and terminates when the
page goes. Opened without an LMS it plays as the gallery does and says that
nothing is recorded.

The mastery score (percent of checkpoints right) is :data:`MASTERY_ENV`
(``python -m scenes export --mastery-score 80``; ``none`` for no score),
:data:`DEFAULT_MASTERY` by default.
"""

from __future__ import annotations

import os
import zipfile
from html import escape
from pathlib import Path
from typing import Any, ClassVar

from scenes.pipeline.errors import BuildError
from scenes.pipeline.formats import FORMATS, Job, NarratedLectureFormat
from scenes.pipeline.writers import vtt_cues
from scenes.pipeline.media import atomic_path
from scenes.pipeline.page import PAGE_ACCENT, PAGE_BACKGROUND, TRACK_JS, script_json
from scenes.pipeline.questions import QUIZ_CSS, QUIZ_JS, lecture_checkpoints

__all__ = ["MASTERY_ENV", "DEFAULT_MASTERY", "mastery_score", "manifest_xml", "player_html", "write_package",
           "ScormPackage", "Scorm12", "Scorm2004", "LAUNCH"]

#: Environment: the mastery score in percent (0–100), or ``none``.
MASTERY_ENV = "LECTURE_MASTERY_SCORE"
DEFAULT_MASTERY = 80
#: The launch page inside the package.
LAUNCH = "index.html"
#: Zip entries get this timestamp, so the same lecture gives the same bytes.
_EPOCH = (2020, 1, 1, 0, 0, 0)


def mastery_score() -> int | None:
    """The mastery score :data:`MASTERY_ENV` asks for (``None``: no score); a bad value is one line."""
    raw = os.environ.get(MASTERY_ENV, "").strip().lower()
    if raw == "":
        return DEFAULT_MASTERY
    if raw == "none":
        return None
    if not raw.isdigit() or not 0 <= int(raw) <= 100:
        raise BuildError(f"{MASTERY_ENV}: mastery score must be a whole percent 0-100 or none, got {raw!r}")
    return int(raw)


def manifest_xml(version: str, title: str, files: list[str], mastery: int | None) -> str:
    """``imsmanifest.xml`` for one SCO launching :data:`LAUNCH` and needing ``files``."""
    listed = "".join(f'\n      <file href="{escape(f)}"/>' for f in files)
    t = escape(title)
    if version == "1.2":
        score = f"\n        <adlcp:masteryscore>{mastery}</adlcp:masteryscore>" if mastery is not None else ""
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="lecture-scorm12" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="lecture-org">
    <organization identifier="lecture-org">
      <title>{t}</title>
      <item identifier="lecture-item" identifierref="lecture-sco" isvisible="true">
        <title>{t}</title>{score}
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="lecture-sco" type="webcontent" adlcp:scormtype="sco" href="{LAUNCH}">{listed}
    </resource>
  </resources>
</manifest>
"""
    sequencing = ("" if mastery is None else f"""
        <imsss:sequencing>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="checkpoints" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>{mastery / 100:g}</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>
        </imsss:sequencing>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="lecture-scorm2004" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="lecture-org">
    <organization identifier="lecture-org">
      <title>{t}</title>
      <item identifier="lecture-item" identifierref="lecture-sco" isvisible="true">
        <title>{t}</title>{sequencing}
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="lecture-sco" type="webcontent" adlcp:scormType="sco" href="{LAUNCH}">{listed}
    </resource>
  </resources>
</manifest>
"""


def player_html(version: str, title: str, data: dict[str, Any]) -> str:
    """The launch page: the lecture player, the quiz and the SCORM adapter, all inline."""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="dark"><link rel="icon" href="data:,">'
        f"<title>{escape(title)}</title><style>{PLAYER_CSS}{QUIZ_CSS}</style></head><body>"
        f"<main><h1>{escape(title)}</h1>"
        f'<video id="lecture" controls preload="auto" playsinline src="{escape(data["video"])}"></video>'
        '<p id="lms-status" role="status"></p>'
        '<nav aria-label="Chapters"><ol id="chapters"></ol></nav></main>'
        f'<script type="application/json" id="lecture-data">{script_json({**data, "scorm": version})}</script>'
        f"<script>{TRACK_JS}</script><script>{QUIZ_JS}</script><script>{PLAYER_JS}</script></body></html>\n"
    )


def write_package(job: Job, version: str, target: Path) -> dict[str, Any]:
    """Zip the SCO for ``job``'s lecture (its MP4, captions, chapters, checkpoints and the player) into ``target``."""
    title = job.src.title
    mastery = mastery_score()
    needed = {"lecture.mp4": job.path("mp4"), "lecture.vtt": job.path("vtt")}
    for name in ("chapters", "checkpoints"):
        if job.path(name).exists() and name in _written(job):
            needed[f"lecture.{name}.vtt"] = job.path(name)
    checkpoints = lecture_checkpoints(job.src.sections)
    data = {
        "title": title, "video": "lecture.mp4",
        "tracks": {"captions": "lecture.vtt", **({"chapters": "lecture.chapters.vtt"}
                                                  if "lecture.chapters.vtt" in needed else {}),
                   **({"metadata": "lecture.checkpoints.vtt"} if "lecture.checkpoints.vtt" in needed else {})},
        "captions": [[round(c.start.total_seconds(), 3), round(c.end.total_seconds(), 3), c.content]
                     for c in vtt_cues(job.cues)],
        "chapters": [[c["start"], round(c["start"] + c["duration"], 3), c["title"]] for c in job.src.chapters],
        "checkpoints": checkpoints,
    }
    page = player_html(version, title, data)
    files = [LAUNCH, *needed]
    with atomic_path(target) as tmp:
        with zipfile.ZipFile(tmp, "w") as z:
            def add(name: str, payload: bytes, compress: int) -> None:
                info = zipfile.ZipInfo(name, _EPOCH)
                info.compress_type, info.external_attr = compress, 0o644 << 16
                z.writestr(info, payload)

            add("imsmanifest.xml", manifest_xml(version, title, files, mastery).encode(), zipfile.ZIP_DEFLATED)
            add(LAUNCH, page.encode(), zipfile.ZIP_DEFLATED)
            for name, path in needed.items():
                add(name, Path(path).read_bytes(), zipfile.ZIP_STORED if name.endswith(".mp4") else zipfile.ZIP_DEFLATED)
    return {"scorm": version, "launch": LAUNCH, "files": files, "checkpoints": len(checkpoints),
            "mastery_score": mastery}


def _written(job: Job) -> set[str]:
    """The formats already written for this clip (those that apply to it)."""
    return {name for name, fmt in FORMATS.items() if fmt.applies(job.src)}


class ScormPackage(NarratedLectureFormat):
    """A SCORM package of the lecture (one SCO, an offline player); subclasses name the version."""

    scorm: ClassVar[str]
    media_type = "application/zip"

    @classmethod
    def fingerprint(cls) -> Any:
        return [cls.version, mastery_score()]

    @classmethod
    def write(cls, job: Job) -> dict[str, Any]:
        return write_package(job, cls.scorm, job.path(cls.name))


class Scorm12(ScormPackage):
    """SCORM 1.2: lesson status passed/failed against the manifest's mastery score (completed without one)."""

    name, suffix, label, scorm = "scorm12", ".scorm12.zip", "SCORM 1.2", "1.2"


class Scorm2004(ScormPackage):
    """SCORM 2004 (4th edition): completion and success status, scaled passing score from the manifest."""

    name, suffix, label, scorm = "scorm2004", ".scorm2004.zip", "SCORM 2004", "2004"


PLAYER_CSS = """
*{box-sizing:border-box}
html{background:%(bg)s;color:#e8eaf0;font:16px/1.5 system-ui,"DejaVu Sans",sans-serif}
body{margin:0 auto;max-width:1100px;padding:1rem clamp(.5rem,3vw,2rem)}
h1{font-size:1.3rem;margin:.2rem 0 .8rem}
video{display:block;width:100%%;height:auto;background:#000;border-radius:8px}
#lms-status{color:#9aa1ad;font-size:.9rem;margin:.5rem 0}
#chapters{display:flex;flex-wrap:wrap;gap:.3rem .8rem;padding:0;list-style:none}
#chapters button{font:inherit;font-size:.9rem;background:none;color:%(accent)s;border:1px solid #2b2f3a;
  border-radius:6px;padding:.1rem .5rem;cursor:pointer}
""" % {"bg": PAGE_BACKGROUND, "accent": PAGE_ACCENT}

PLAYER_JS = r"""
(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("lecture-data").textContent);
  const video = document.getElementById("lecture");
  const say = text => { document.getElementById("lms-status").textContent = text; };
  const v12 = data.scorm === "1.2";

  function findAPI(name) {
    const climb = start => {
      for (let w = start, hops = 0; w && hops < 12; hops++) {
        try { if (w[name]) return w[name]; } catch (e) { return null; }
        if (w.parent === w) break;
        w = w.parent;
      }
      return null;
    };
    let api = climb(window);
    try { if (!api && window.opener) api = climb(window.opener); } catch (e) { api = null; }
    return api;
  }
  const api = findAPI(v12 ? "API" : "API_1484_11");
  const K = v12 ? {location: "cmi.core.lesson_location", entry: "cmi.core.entry", exit: "cmi.core.exit",
                   session: "cmi.core.session_time", score: "cmi.core.score", learner: "student_response",
                   wrong: "wrong"}
                : {location: "cmi.location", entry: "cmi.entry", exit: "cmi.exit", session: "cmi.session_time",
                   score: "cmi.score", learner: "learner_response", wrong: "incorrect"};
  const lms = api && {
    init: () => String(v12 ? api.LMSInitialize("") : api.Initialize("")) === "true",
    get: k => String(v12 ? api.LMSGetValue(k) : api.GetValue(k)),
    set: (k, v) => v12 ? api.LMSSetValue(k, String(v)) : api.SetValue(k, String(v)),
    commit: () => v12 ? api.LMSCommit("") : api.Commit(""),
    finish: () => v12 ? api.LMSFinish("") : api.Terminate(""),
  };
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  function span(seconds) {  // 1.2: HHHH:MM:SS.SS; 2004: ISO 8601 duration
    seconds = Math.max(0, seconds);
    if (!v12) return `PT${seconds.toFixed(2)}S`;
    const h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    return `${pad(h, 4)}:${pad(m)}:${s.toFixed(2).padStart(5, "0")}`;
  }
  function stamp(d) {  // 1.2: HH:MM:SS; 2004: a timestamp
    return v12 ? `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` : d.toISOString().slice(0, 19);
  }

  const checkpoints = data.checkpoints;
  let state = {answers: {}};
  let live = false, ended = false, finished = false;
  const opened = Date.now();

  if (lms && lms.init()) {
    live = true;
    try { state = Object.assign({answers: {}}, JSON.parse(lms.get("cmi.suspend_data") || "{}")); } catch (e) {}
    const at = parseFloat(lms.get(K.location));
    if (at > 0) {
      const resume = () => { video.currentTime = Math.min(at, video.duration || at); };
      if (video.readyState >= 1) resume(); else video.addEventListener("loadedmetadata", resume, {once: true});
    }
    say(`Your answers and progress are recorded by your learning platform (SCORM ${data.scorm}).`);
  } else {
    say("Opened without a learning platform: it plays, but nothing is recorded.");
  }

  function score() {
    const raw = Object.values(state.answers).filter(a => a.correct).length;
    return {raw, max: checkpoints.length};
  }
  function saveScore() {
    const {raw, max} = score();
    lms.set(`${K.score}.raw`, raw);
    lms.set(`${K.score}.min`, 0);
    lms.set(`${K.score}.max`, max);
    if (!v12 && max > 0) lms.set("cmi.score.scaled", (raw / max).toFixed(4));
  }
  function saveLocation() {
    lms.set(K.location, video.currentTime.toFixed(1));
    lms.set("cmi.suspend_data", JSON.stringify(state));
  }

  function answer(cp, choice, seconds) {
    state.answers[cp.id] = {choice: choice.id, correct: choice.correct};
    if (!live) return;
    const n = parseInt(lms.get("cmi.interactions._count"), 10) || 0;
    const at = `cmi.interactions.${n}`;
    const right = cp.choices.find(c => c.correct);
    lms.set(`${at}.id`, cp.id);
    lms.set(`${at}.type`, "choice");
    lms.set(`${at}.${v12 ? "time" : "timestamp"}`, stamp(new Date()));
    if (!v12) lms.set(`${at}.description`, cp.question.slice(0, 250));
    lms.set(`${at}.correct_responses.0.pattern`, right.id);
    lms.set(`${at}.${K.learner}`, choice.id);
    lms.set(`${at}.result`, choice.correct ? "correct" : K.wrong);
    lms.set(`${at}.latency`, span(seconds));
    saveScore();
    saveLocation();
    lms.commit();
  }

  function finish() {  // the lecture has ended: status by the score
    ended = true;
    if (!live) return;
    const {raw, max} = score();
    saveScore();
    if (v12) {
      const mastery = lms.get("cmi.student_data.mastery_score");
      const status = mastery === "" || max === 0 ? "completed" : (100 * raw / max >= Number(mastery) ? "passed" : "failed");
      lms.set("cmi.core.lesson_status", status);
    } else {
      lms.set("cmi.completion_status", "completed");
      const passing = lms.get("cmi.scaled_passing_score");
      lms.set("cmi.success_status", passing === "" || max === 0 ? "unknown"
                                    : (raw / max >= Number(passing) ? "passed" : "failed"));
    }
    saveLocation();
    lms.commit();
  }

  function leave() {  // the page goes: keep the place, hand in the time, terminate once
    if (!live || finished) return;
    finished = true;
    saveLocation();
    lms.set(K.session, span((Date.now() - opened) / 1000));
    lms.set(K.exit, "suspend");
    if (v12 && !ended && lms.get("cmi.core.lesson_status") === "not attempted") lms.set("cmi.core.lesson_status", "incomplete");
    if (!v12 && !ended) lms.set("cmi.completion_status", "incomplete");
    lms.commit();
    lms.finish();
  }

  const quiz = window.LectureQuiz.attach(video, checkpoints, {answered: Object.keys(state.answers), answer});
  window.lecturePlayer = {quiz, state, score, leave};
  video.addEventListener("ended", finish);
  let last = 0;
  video.addEventListener("timeupdate", () => {
    if (live && Math.abs(video.currentTime - last) >= 5) { last = video.currentTime; saveLocation(); }
  });
  video.addEventListener("pause", () => { if (live && !finished) { saveLocation(); lms.commit(); } });
  window.addEventListener("pagehide", leave);
  window.addEventListener("beforeunload", leave);

  // Captions, chapters and checkpoints (addTrack, page.TRACK_JS): the .vtt files when served, inline from disk.
  const kinds = {captions: ["captions", "English", data.captions, "showing"],
                 chapters: ["chapters", "Chapters", data.chapters, "hidden"],
                 metadata: ["metadata", "Checkpoints",
                            checkpoints.map(c => [c.time, c.end, JSON.stringify(c)]), "hidden"]};
  for (const [key, [kind, label, cues, mode]] of Object.entries(kinds)) {
    if (data.tracks[key]) addTrack(video, kind, label, data.tracks[key], cues, mode);
  }
  const list = document.getElementById("chapters");
  for (const [start, , title] of data.chapters) {
    const button = Object.assign(document.createElement("button"), {type: "button", textContent: title});
    button.addEventListener("click", () => { video.currentTime = start; video.play().catch(() => {}); });
    list.appendChild(document.createElement("li")).appendChild(button);
  }
})();
"""
