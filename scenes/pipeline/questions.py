"""Checkpoints in the outputs: a WebVTT metadata track, a question in HTML, and the player's quiz.

The film's checkpoints travel in the narrated sections the build publishes
(each section of a checkpoint block carries ``"checkpoint"``, see
:meth:`neuron.checkpoints.Checkpoint.to_json`). From the lecture's
sections this module makes:

* :func:`lecture_checkpoints`: each checkpoint with its time in the lecture
  (``time``: its section's start, ``end``: where the lecture goes on);
* :func:`checkpoints_vtt`: a WebVTT ``kind="metadata"`` track, one cue per
  checkpoint whose text is its JSON (the ``checkpoints`` format of the registry);
* :func:`question_html`: the question with its choices, the answer and
  feedback folded in ``<details>`` (transcript, slides);
* :data:`QUIZ_JS` / :data:`QUIZ_CSS`: ``LectureQuiz.attach(video, checkpoints, hooks)``
  pauses a ``<video>`` at each checkpoint and asks it over the picture
  (mouse or keyboard; feedback; continue or skip; focus to the question and
  back to the player). The gallery and the SCORM player both use it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from scenes.block import BlockRecord
from scenes.pipeline.media import vtt_time
from scenes.pipeline.page import PAGE_ACCENT, PAGE_BACKGROUND, script_json

__all__ = ["lecture_checkpoints", "checkpoints_vtt", "read_checkpoints_vtt", "cue_text", "question_html",
           "QUIZ_JS", "QUIZ_CSS"]


def lecture_checkpoints(sections: Iterable[BlockRecord]) -> list[dict[str, Any]]:
    """The checkpoints among ``sections`` (in clip time), each with ``time`` and ``end`` in seconds."""
    return [{**s.checkpoint, "time": round(s.start, 3), "end": round(s.start + s.duration, 3)}
            for s in sections if s.checkpoint]


def checkpoints_vtt(checkpoints: Sequence[Mapping[str, Any]]) -> str:
    """A WebVTT metadata track: one cue per checkpoint, its text the checkpoint's JSON on one line.

    See :func:`cue_text`.
    """
    out = ["WEBVTT", "Kind: metadata", ""]
    for n, cp in enumerate(checkpoints, 1):
        out += [f"checkpoint-{n}", f"{vtt_time(cp['time'])} --> {vtt_time(cp['end'])}", cue_text(cp), ""]
    return "\n".join(out)


def cue_text(checkpoint: Mapping[str, Any]) -> str:
    """A checkpoint as a metadata cue's text: its JSON on one line, ``<``, ``>``, ``&`` as ``\\u`` escapes.

    So a cue never holds ``-->`` or markup, and ``JSON.parse`` gives the checkpoint back.
    """
    return script_json(checkpoint)


def read_checkpoints_vtt(path: Path) -> list[dict[str, Any]]:
    """The checkpoints of a track written by :func:`checkpoints_vtt` (each cue's JSON), in order."""
    found = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is not None and timing + 1 < len(lines):
            found.append(json.loads("\n".join(lines[timing + 1:])))
    return found


def question_html(cp: Mapping[str, Any], *, heading: str = "h3") -> str:
    """The question, its lettered choices, and the answer with every choice's feedback in ``<details>``."""
    right = next(c for c in cp["choices"] if c["correct"])
    lead = "Predict before you see it" if cp.get("predict") else "Pause and think"
    choices = "".join(f'<li data-choice="{escape(c["id"])}"><span class="key">{escape(c["id"].upper())}</span> '
                      f'{escape(c["text"])}</li>' for c in cp["choices"])
    feedback = "".join(f'<li><strong>{escape(c["id"].upper())}</strong> {escape(c["feedback"])}</li>'
                       for c in cp["choices"])
    return (
        f'<div class="checkpoint" id="checkpoint-{escape(cp["id"])}" data-answer="{escape(right["id"])}">'
        f'<{heading} class="checkpoint-lead">{lead}</{heading}>'
        f'<p class="checkpoint-question">{escape(cp["question"])}</p><ol class="checkpoint-choices">{choices}</ol>'
        f'<details class="checkpoint-answer"><summary>Answer</summary>'
        f'<p><strong>{escape(right["id"].upper())}: {escape(right["text"])}</strong></p><ul>{feedback}</ul></details>'
        "</div>"
    )


QUIZ_CSS = """
.quiz-stage{position:relative}
.quiz{position:absolute;inset:0;z-index:5;display:flex;flex-direction:column;justify-content:center;gap:.7rem;
  padding:clamp(.8rem,3vw,2rem);background:rgba(9,10,14,.94);color:#e8eaf0;border:2px solid %(accent)s;
  border-radius:8px;overflow:auto;font:clamp(.85rem,1.6vw,1.1rem)/1.4 system-ui,"DejaVu Sans",sans-serif}
.quiz-lead{margin:0;color:%(accent)s;font-weight:700;text-transform:uppercase;letter-spacing:.06em;font-size:.85em}
.quiz-question{margin:0;font-size:1.15em;font-weight:600}
.quiz-choices{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.5rem}
.quiz button{font:inherit;color:#e8eaf0;background:#1a1d25;border:1px solid #4a5060;border-radius:8px;
  padding:.45rem .8rem;cursor:pointer;text-align:left}
.quiz button:hover,.quiz button:focus-visible{border-color:%(accent)s;outline:2px solid %(accent)s;outline-offset:1px}
.quiz button[disabled]{cursor:default;opacity:1}
.quiz .key{display:inline-block;min-width:1.6em;font-weight:700;color:%(accent)s}
.quiz .chosen.right{border-color:#6fdc8c;background:#12301d}
.quiz .chosen.wrong{border-color:#ff8a80;background:#3a1614}
.quiz .answer{border-color:#6fdc8c}
.quiz-feedback{margin:0;min-height:1.4em}
.quiz-feedback .verdict{font-weight:700}
.quiz-actions{display:flex;gap:.6rem;flex-wrap:wrap}
.quiz-actions button{background:%(accent)s;color:%(bg)s;border-color:%(accent)s;font-weight:600}
.quiz-actions button.skip{background:#1a1d25;color:#e8eaf0;border-color:#4a5060}
""" % {"accent": PAGE_ACCENT, "bg": PAGE_BACKGROUND}

QUIZ_JS = r"""
(() => {
  "use strict";
  function el(tag, props = {}, ...kids) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k.startsWith("aria-") || k.startsWith("data-") || k === "role") node.setAttribute(k, v);
      else node[k] = v;
    }
    node.append(...kids);
    return node;
  }

  // Pause ``video`` at each checkpoint ({id, time, end, question, choices, predict}) and ask it over the picture.
  // hooks: answered (ids not to ask again), answer(cp, choice, seconds), skip(cp), close(cp).
  function attach(video, checkpoints, hooks = {}) {
    const stage = el("div", {className: "quiz-stage"});
    video.parentNode.insertBefore(stage, video);
    stage.appendChild(video);
    if (!video.hasAttribute("tabindex")) video.tabIndex = 0;
    const asked = new Set(hooks.answered || []);
    let open = null;

    function due() {
      if (open) return;
      const t = video.currentTime;
      const cp = checkpoints.find(c => !asked.has(c.id) && t >= c.time && t < c.end);
      if (cp) ask(cp);
    }
    video.addEventListener("timeupdate", due);
    video.addEventListener("seeked", due);

    function ask(cp) {
      asked.add(cp.id);
      video.pause();
      const started = performance.now();
      const qid = `quiz-q-${cp.id}`;
      const feedback = el("p", {className: "quiz-feedback", role: "status", "aria-live": "polite"});
      const buttons = cp.choices.map(c => el("button", {type: "button", className: "quiz-choice",
                                                         "data-choice": c.id},
        el("span", {className: "key"}, c.id.toUpperCase()), " ",
        c.text));
      const skip = el("button", {type: "button", className: "skip"}, "Skip");
      const go = el("button", {type: "button", className: "continue", hidden: true}, "Continue");
      const dialog = el("div", {className: "quiz", role: "dialog", "aria-modal": "true", "aria-labelledby": qid,
                                "data-checkpoint": cp.id},
        el("p", {className: "quiz-lead"}, cp.predict ? "Predict before you see it" : "Pause and think"),
        el("p", {className: "quiz-question", id: qid}, cp.question),
        el("div", {className: "quiz-choices", role: "group", "aria-label": "Choices (keys A to "
                                                                        + cp.choices.at(-1).id.toUpperCase() + ")"},
           ...buttons),
        feedback, el("div", {className: "quiz-actions"}, skip, go));
      let answered = false;

      function choose(i) {
        if (answered) return;
        answered = true;
        const choice = cp.choices[i];
        const right = cp.choices.find(c => c.correct);
        buttons.forEach((b, k) => { b.disabled = true; if (cp.choices[k].correct) b.classList.add("answer"); });
        buttons[i].classList.add("chosen", choice.correct ? "right" : "wrong");
        buttons[i].setAttribute("aria-pressed", "true");
        feedback.replaceChildren(el("span", {className: "verdict"}, choice.correct ? "Right. " : "Not quite. "),
          choice.correct ? "" : `The answer is ${right.id.toUpperCase()}: ${right.text}. `, choice.feedback);
        skip.hidden = true;
        go.hidden = false;
        go.focus();
        if (hooks.answer) hooks.answer(cp, choice, (performance.now() - started) / 1000);
      }

      function close(skipped) {
        if (skipped && hooks.skip) hooks.skip(cp);
        dialog.remove();
        open = null;
        video.currentTime = cp.end;
        video.focus();
        if (hooks.close) hooks.close(cp);
        const p = video.play();
        if (p) p.catch(() => {});
      }

      buttons.forEach((b, i) => b.addEventListener("click", () => choose(i)));
      skip.addEventListener("click", () => close(true));
      go.addEventListener("click", () => close(false));
      dialog.addEventListener("keydown", e => {
        if (e.ctrlKey || e.metaKey || e.altKey) return;
        const i = cp.choices.findIndex(c => c.id === e.key.toLowerCase());
        if (i >= 0 && !answered) { e.preventDefault(); choose(i); return; }
        if (e.key === "Escape") { e.preventDefault(); close(!answered); return; }
        if (e.key === "Tab") {  // keep focus inside the question while it is open
          const focusable = [...dialog.querySelectorAll("button")].filter(b => !b.disabled && !b.hidden);
          const first = focusable[0], last = focusable.at(-1);
          if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
          else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
        }
      });
      stage.appendChild(dialog);
      open = dialog;
      buttons[0].focus();
    }
    return {ask, asked, get open() { return open; }};
  }
  window.LectureQuiz = {attach};
})();
"""
