"""The lecture as slides, for presenting live: one stop per narrated block.

A slide is one narrated block (a :class:`~scenes.block.BlockRecord`): its
section's video, its beat's title and its narration (the speaker notes).
From a list of them:

* :func:`write_slides_html` writes one self-contained HTML presentation
  (inline CSS and JavaScript, every video inlined as base64, as manim-slides'
  one-file mode does): it opens from disk, works offline, and steps through
  the slides with the keyboard or a presentation clicker;
* :func:`write_pptx` writes a PowerPoint file (python-pptx): one slide per
  block, its video embedded and started on entering the slide, the narration
  in the speaker notes.

Both write atomically (a temporary file renamed over the target).
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

import av

from scenes.block import BlockRecord
from scenes.pipeline.page import CSS_VARIABLES, rgb, write_page
from scenes.pipeline.media import atomic_path, probe
from scenes.pipeline.questions import question_html

__all__ = ["write_slides_html", "render_slides_html", "write_pptx", "last_frame_png", "KEYS"]


#: The player's keys, as shown in its help line and README (clickers send PageDown/PageUp).
KEYS = {
    "next": ("→", "Space", "PageDown", "N"),
    "previous": ("←", "PageUp", "P"),
    "first / last": ("Home", "End"),
    "replay": ("R",),
    "reveal the answer": ("A",),
    "speaker notes": ("S",),
    "full screen": ("F",),
}


# -- HTML ---------------------------------------------------------------------------------
def _notes_html(notes: str) -> str:
    paragraphs = [" ".join(p.split()) for p in notes.split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs) or '<p class="none">No notes.</p>'


def _preview(notes: str, limit: int = 90) -> str:
    """The start of ``notes``, cut at a word: what the presenter says next."""
    text = " ".join(notes.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _section(i: int, slide: BlockRecord, data: bytes, upcoming: BlockRecord | None) -> str:
    after = (f'<p class="after">Next: {escape(_preview(upcoming.text) or upcoming.title)}</p>' if upcoming
             else '<p class="after">Last slide.</p>')
    return (
        f'<section class="slide" id="slide-{i}" data-chapter="{slide.chapter}" '
        f'data-block="{escape(slide.id)}" data-title="{escape(slide.title)}"'
        f'{" data-loop" if slide.loop else ""} aria-roledescription="slide" aria-label="{i}: {escape(slide.title)}">'
        f'<h2 class="visually-hidden">{escape(slide.title)}</h2>'
        f'<video playsinline preload="none" data-type="video/mp4" '
        f'data-b64="{base64.b64encode(data).decode("ascii")}"></video>'
        f'<aside class="notes" aria-label="Speaker notes"><h3><span class="num">{slide.chapter}</span>'
        f'{escape(slide.title)} <small>slide {i}</small></h3>{_notes_html(slide.text)}{after}</aside>'
        "</section>"
    )


def _answer_text(cp: dict) -> str:
    """The answer and why, for speaker notes."""
    right = next(c for c in cp["choices"] if c["correct"])
    return f"Answer: {right['id'].upper()}, {right['text']}. {right['feedback']}"


def _question_section(i: int, slide: BlockRecord) -> str:
    """A slide with the block's question (its checkpoint), the answer folded until ``A`` opens it."""
    cp = slide.checkpoint
    return (
        f'<section class="slide question-slide" id="slide-{i}" data-chapter="{slide.chapter}" '
        f'data-block="{escape(slide.id)}-question" data-title="{escape(slide.title)}" '
        f'aria-roledescription="slide" aria-label="{i}: question">'
        f'<div class="question-body">{question_html(cp, heading="h2")}<p class="reveal-hint">'
        f'<kbd>A</kbd> reveals the answer</p></div>'
        f'<aside class="notes" aria-label="Speaker notes"><h3><span class="num">{slide.chapter}</span>'
        f'{escape(slide.title)} <small>slide {i}</small></h3>{_notes_html(_answer_text(cp))}</aside></section>'
    )


def render_slides_html(slides: Sequence[BlockRecord], title: str) -> str:
    """The presentation's HTML, every slide's video read and inlined; a question slide after a checkpoint's."""
    if not slides:
        raise ValueError("a presentation needs at least one slide")
    parts, n = [], 0
    for k, s in enumerate(slides):
        n += 1
        parts.append(_section(n, s, Path(s.file).read_bytes(), slides[k + 1] if k + 1 < len(slides) else None))
        if s.checkpoint:
            n += 1
            parts.append(_question_section(n, s))
    sections = "".join(parts)
    keys = " · ".join(f"{' '.join(f'<kbd>{k}</kbd>' for k in ks)} {what}" for what, ks in KEYS.items())
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="dark"><link rel="icon" href="data:,">'
        f"<title>{escape(title)} · slides</title><style>{CSS}</style></head>"
        f'<body><main id="deck" aria-label="{escape(title)}">{sections}'
        '<button type="button" id="hint" hidden>▶ Click to play</button></main>'
        '<nav id="bar" aria-label="Slides">'
        '<button type="button" id="prev" aria-label="Previous slide" title="Previous (←)">‹</button>'
        '<button type="button" id="next" aria-label="Next slide" title="Next (→)">›</button>'
        f'<span id="where" aria-live="polite"></span><span id="keys">{keys}</span>'
        '<button type="button" id="notes-toggle" aria-pressed="false" title="Speaker notes (S)">Notes</button>'
        '<div id="progress"><div></div></div></nav>'
        f"<script>{JS}</script></body></html>\n"
    )


def write_slides_html(slides: Sequence[BlockRecord], target: Path, title: str) -> dict:
    """Write the self-contained HTML presentation of ``slides`` to ``target``.

    One file: inline CSS and JavaScript, every video inlined as base64 (the
    page grows by about 4/3 of the videos' bytes). It opens from ``file://``
    and works offline.

    Returns
    -------
    dict
        ``{"slides": count, "bytes": the page's size, "video_bytes": the videos' total size}``.
    """
    size = write_page(target, render_slides_html(slides, title))
    return {"slides": len(slides) + sum(bool(s.checkpoint) for s in slides), "bytes": size,
            "video_bytes": sum(os.stat(s.file).st_size for s in slides)}


CSS = """
:root{%(palette)s;--bar:2.6rem}
*{box-sizing:border-box}
html,body{margin:0;height:100%%;background:var(--bg);color:var(--text);overflow:hidden;
  font:16px/1.5 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif}
#deck{position:fixed;inset:0 0 var(--bar) 0;background:var(--bg)}
body.notes-on #deck{bottom:calc(var(--bar) + 32vh)}
.slide{display:none;position:absolute;inset:0}
.question-slide .question-body{position:absolute;inset:0;display:flex;flex-direction:column;justify-content:center;
  padding:4vh 8vw;font-size:clamp(1rem,2.6vw,2rem)}
.question-slide .checkpoint-lead{margin:0;font-size:.6em;text-transform:uppercase;letter-spacing:.08em;color:var(--accent)}
.question-slide .checkpoint-question{margin:.4em 0;font-weight:600}
.question-slide .checkpoint-choices{list-style:none;padding:0;display:grid;grid-template-columns:1fr 1fr;gap:.3em 2em}
.question-slide .key{font-weight:700;color:var(--accent);margin-right:.4em}
.question-slide details summary{cursor:pointer;color:var(--accent)}
.question-slide details ul{font-size:.6em;color:var(--muted)}
.question-slide .reveal-hint{font-size:.5em;color:var(--muted)}
.slide.current{display:block}
.slide video{display:block;width:100%%;height:100%%;object-fit:contain;background:var(--bg)}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%%);white-space:nowrap}
aside.notes{display:none}
body.notes-on .slide.current aside.notes{display:block;position:fixed;left:0;right:0;bottom:var(--bar);height:32vh;
  overflow:auto;padding:.9rem clamp(1rem,4vw,3rem);background:var(--panel);border-top:1px solid var(--line);
  font-size:clamp(1rem,1.6vw,1.35rem);line-height:1.55}
aside.notes h3{margin:0 0 .4rem;font-size:.8em;font-weight:600;color:var(--muted);display:flex;gap:.6rem;align-items:baseline}
aside.notes h3 small{margin-left:auto;font-weight:400}
aside.notes p{margin:0 0 .6rem;max-width:70rem}
aside.notes .none,aside.notes .after{color:var(--muted)}
aside.notes .after{font-size:.8em;border-top:1px solid var(--line);padding-top:.4rem;margin-top:.8rem}
.num{display:inline-grid;place-items:center;min-width:1.7em;height:1.7em;border-radius:50%%;background:var(--accent);
  color:var(--bg);font-size:.85rem;font-weight:700}
#bar{position:fixed;left:0;right:0;bottom:0;height:var(--bar);display:flex;align-items:center;gap:.6rem;
  padding:0 .8rem;background:var(--bg);border-top:1px solid var(--line);color:var(--muted);font-size:.9rem}
#bar button{background:none;color:var(--text);border:1px solid var(--line);border-radius:6px;cursor:pointer;
  font:inherit;line-height:1;padding:.3rem .6rem}
#bar button:hover,#bar button:focus-visible{border-color:var(--accent);outline:none}
#bar #prev,#bar #next{font-size:1.2rem;padding:.15rem .55rem}
#notes-toggle{flex:none}
#notes-toggle[aria-pressed="true"]{background:var(--accent);color:var(--bg);border-color:var(--accent)}
#where{color:var(--text);white-space:nowrap;display:flex;gap:.5rem;align-items:center;min-width:0;flex:0 1 auto}
#where .num,#where .count{flex:none}
#where .name{overflow:hidden;text-overflow:ellipsis;min-width:0}
#where .count{color:var(--muted);font-variant-numeric:tabular-nums}
#keys{margin-left:auto;font-size:.75rem;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;min-width:0;flex:0 1000 auto}
kbd{font:.72rem ui-monospace,"DejaVu Sans Mono",monospace;border:1px solid var(--line);border-radius:4px;padding:0 .3em;color:var(--text)}
#progress{position:absolute;left:0;right:0;top:-1px;height:3px;background:transparent}
#progress div{height:100%%;width:0;background:var(--accent);transition:width .2s}
#hint{position:absolute;left:50%%;top:50%%;transform:translate(-50%%,-50%%);z-index:2;
  background:rgba(26,29,37,.92);color:var(--text);border:1px solid var(--accent);border-radius:999px;
  padding:.6rem 1.2rem;font:600 1rem system-ui,sans-serif;cursor:pointer}
#hint[hidden]{display:none}
:fullscreen #keys{visibility:hidden}
""" % {"palette": CSS_VARIABLES}

JS = r"""
(() => {
  "use strict";
  const slides = [...document.querySelectorAll("#deck > section.slide")];
  const where = document.getElementById("where");
  const bar = document.querySelector("#progress div");
  const hint = document.getElementById("hint");
  const notesButton = document.getElementById("notes-toggle");
  let current = -1;

  const video = i => slides[i] && slides[i].querySelector("video");

  // Each video is kept as base64 in the page and turned into a Blob URL only
  // near the current slide: a few videos decoded at a time, whatever the deck's length.
  function load(i) {
    const v = video(i);
    if (!v || v.dataset.url) return v;
    const bin = atob(v.dataset.b64);
    const bytes = new Uint8Array(bin.length);
    for (let k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
    v.dataset.url = URL.createObjectURL(new Blob([bytes], {type: v.dataset.type}));
    v.preload = "auto";
    v.src = v.dataset.url;
    return v;
  }

  function unload(i) {
    const v = video(i);
    if (!v || !v.dataset.url) return;
    v.pause();
    v.removeAttribute("src");
    v.load();
    URL.revokeObjectURL(v.dataset.url);
    delete v.dataset.url;
    v.preload = "none";
  }

  function play(v) {
    if (!v) return;
    const started = v.play();
    if (!started) return;
    started.then(() => { hint.hidden = true; }).catch(err => {
      if (err && err.name === "NotAllowedError") hint.hidden = false;  // no user gesture yet
    });
  }

  function go(i, {updateHash = true} = {}) {
    i = Math.max(0, Math.min(slides.length - 1, i));
    if (current >= 0 && current !== i) {
      slides[current].classList.remove("current");
      const old = video(current);
      if (old) old.pause();
    }
    current = i;
    const slide = slides[i];
    slide.classList.add("current");
    slides.forEach((_, k) => { if (Math.abs(k - i) > 1) unload(k); });
    const v = load(i);
    load(i + 1);
    if (v) {
      v.loop = slide.hasAttribute("data-loop");
      v.currentTime = 0;
      play(v);
    }
    const n = i + 1;
    where.innerHTML = "";
    const num = Object.assign(document.createElement("span"), {className: "num", textContent: slide.dataset.chapter});
    const name = Object.assign(document.createElement("span"), {className: "name", textContent: slide.dataset.title});
    const count = Object.assign(document.createElement("span"), {className: "count",
                                                                 textContent: `· ${n} / ${slides.length}`});
    where.append(num, name, count);
    bar.style.width = `${100 * n / slides.length}%`;
    if (updateHash && location.hash !== `#slide-${n}`) history.replaceState(null, "", `#slide-${n}`);
  }

  function fromHash() {
    const m = /^#slide-(\d+)$/.exec(location.hash);
    return m ? Number(m[1]) - 1 : null;
  }

  function toggleNotes() {
    const on = document.body.classList.toggle("notes-on");
    notesButton.setAttribute("aria-pressed", String(on));
  }

  function reveal() {  // a question slide: open its answer
    const answer = slides[current].querySelector("details.checkpoint-answer");
    if (answer) answer.open = true;
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else document.documentElement.requestFullscreen().catch(() => {});
  }

  const actions = {
    ArrowRight: () => go(current + 1), " ": () => go(current + 1), PageDown: () => go(current + 1),
    n: () => go(current + 1), ArrowDown: () => go(current + 1),
    ArrowLeft: () => go(current - 1), PageUp: () => go(current - 1), p: () => go(current - 1),
    ArrowUp: () => go(current - 1), Backspace: () => go(current - 1),
    Home: () => go(0), End: () => go(slides.length - 1),
    r: () => go(current), s: toggleNotes, f: toggleFullscreen, a: reveal,
  };

  document.addEventListener("keydown", e => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const action = actions[e.key.length === 1 ? e.key.toLowerCase() : e.key];
    if (!action) return;
    e.preventDefault();
    action();
    if (!hint.hidden) play(video(current));  // any key is a gesture: start the waiting video
  });
  document.getElementById("prev").addEventListener("click", e => { e.currentTarget.blur(); go(current - 1); });
  document.getElementById("next").addEventListener("click", e => { e.currentTarget.blur(); go(current + 1); });
  notesButton.addEventListener("click", e => { e.currentTarget.blur(); toggleNotes(); });
  hint.addEventListener("click", () => play(video(current)));
  document.getElementById("deck").addEventListener("click", () => { if (!hint.hidden) play(video(current)); });
  window.addEventListener("hashchange", () => { const i = fromHash(); if (i !== null) go(i, {updateHash: false}); });
  go(fromHash() ?? 0);
})();
"""


# -- PowerPoint -----------------------------------------------------------------------------
def last_frame_png(video: str | os.PathLike) -> bytes:
    """The last frame of ``video`` as PNG bytes: what the slide holds, shown before it plays.

    A section's first frame is often the empty screen its first animation
    draws on; its last is the slide's picture.
    """
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        last = None
        for last in container.decode(stream):
            pass
        if last is None:
            raise ValueError(f"{video}: no video frame")
        buffer = io.BytesIO()
        last.to_image().save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def _play_on_entry(movie: Any, loop: bool) -> None:
    """Start the movie as its slide opens (and loop it), instead of waiting for a click.

    python-pptx adds a ``p:video`` timing node whose start condition is
    ``delay="indefinite"`` (play when clicked); ``delay="0"`` plays it at once,
    ``repeatCount="indefinite"`` loops it. (The approach of python-pptx issue
    427, which manim-slides uses too.)
    """
    shape_id = movie.shape_id
    sld = movie._element.getroottree().getroot()
    for node in sld.iter(f"{_P}video"):
        target = node.find(f"{_P}cMediaNode/{_P}tgtEl/{_P}spTgt")
        if target is None or target.get("spid") != str(shape_id):
            continue
        ctn = node.find(f"{_P}cMediaNode/{_P}cTn")
        ctn.find(f"{_P}stCondLst/{_P}cond").set("delay", "0")
        if loop:
            ctn.set("repeatCount", "indefinite")
        return
    raise RuntimeError(f"no timing node for movie shape {shape_id}")


def write_pptx(slides: Sequence[BlockRecord], target: Path, title: str) -> dict:
    """Write a 16:9 PowerPoint file: one slide per narrated block, its section's video embedded.

    Each slide has the lecture's background, its title small at the top, the
    video below it (as large as fits, centred; it starts when the slide
    opens, and loops if the slide loops), and the narration in the speaker
    notes. Before playing, the video shows its last frame
    (:func:`last_frame_png`), what the slide holds.

    Returns
    -------
    dict
        ``{"slides": count, "movies": count, "bytes": the file's size, "video_bytes": the videos' total}``.
    """
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Pt

    if not slides:
        raise ValueError("a presentation needs at least one slide")
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12_192_000), Emu(6_858_000)  # 13.333 × 7.5 in: 16:9
    prs.core_properties.title = title
    blank = prs.slide_layouts[6]
    background = RGBColor(*rgb("bg"))
    muted = RGBColor(*rgb("muted"))
    width, height = prs.slide_width, prs.slide_height
    band = Emu(int(height * 0.07))  # the title's strip at the top
    movies = 0
    for slide in slides:
        page = prs.slides.add_slide(blank)
        page.background.fill.solid()
        page.background.fill.fore_color.rgb = background

        box = page.shapes.add_textbox(Emu(int(width * 0.025)), Emu(0), Emu(int(width * 0.95)), band)
        frame = box.text_frame
        frame.word_wrap = False
        run = frame.paragraphs[0].add_run()
        run.text = f"{slide.chapter} · {slide.title}"
        run.font.size, run.font.color.rgb = Pt(14), muted

        info = probe(slide.file)
        h = int(height - band)
        w = int(h * info.width / info.height)
        if w > width:
            w, h = int(width), int(width * info.height / info.width)
        poster = io.BytesIO(last_frame_png(slide.file))
        movie = page.shapes.add_movie(str(slide.file), Emu((width - w) // 2), band, Emu(w), Emu(h),
                                      poster_frame_image=poster, mime_type="video/mp4")
        movie.name = f"Block {slide.id}"
        _play_on_entry(movie, slide.loop)
        movies += 1
        page.notes_slide.notes_text_frame.text = slide.text
        if slide.checkpoint:  # the question, then the answer; the answer in both slides' notes
            cp, answer = slide.checkpoint, _answer_text(slide.checkpoint)
            choices = [f"{c['id'].upper()}   {c['text']}" for c in cp["choices"]]
            for lines in ([cp["question"], *choices], [answer, *(f"{c['id'].upper()}: {c['feedback']}"
                                                            for c in cp["choices"] if not c["correct"])]):
                text_page = prs.slides.add_slide(blank)
                text_page.background.fill.solid()
                text_page.background.fill.fore_color.rgb = background
                body = text_page.shapes.add_textbox(Emu(int(width * 0.06)), Emu(int(height * 0.1)),
                                                    Emu(int(width * 0.88)), Emu(int(height * 0.8))).text_frame
                body.word_wrap = True
                for n, line in enumerate(lines):
                    para = body.paragraphs[0] if n == 0 else body.add_paragraph()
                    run = para.add_run()
                    run.text = line
                    run.font.size = Pt(28 if n == 0 else 22)
                    run.font.color.rgb = RGBColor(*rgb("text")) if n == 0 else muted
                text_page.notes_slide.notes_text_frame.text = answer
    with atomic_path(target) as tmp:
        prs.save(str(tmp))
        size = tmp.stat().st_size
    return {"slides": len(prs.slides), "movies": movies, "bytes": size,
            "video_bytes": sum(os.stat(s.file).st_size for s in slides)}
