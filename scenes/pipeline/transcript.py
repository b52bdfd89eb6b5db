"""The lecture's transcript page: the narration by chapter, each paragraph linked to its time.

One self-contained HTML file (inline CSS and JavaScript, the gallery's look)
beside the gallery. The narration is plain text in the page, so the
browser's own find (Ctrl+F) finds any word; a filter box narrows the page to
the paragraphs that contain what is typed and marks it. Every paragraph
starts with its time, a link to the gallery that plays the lecture from there
(``index.html#t=83.4``), and ends with the same time as a media fragment on
the video file itself (``lecture.mp4#t=83.4``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from scenes.block import BlockRecord
from scenes.pipeline.chapters import chapter_link, gallery_link, seconds_text
from scenes.pipeline.page import CSS_VARIABLES, PALETTE, clock, write_page
from scenes.pipeline.questions import question_html

__all__ = ["render_transcript", "write_transcript"]


def _paragraph(p: BlockRecord, video_href: str, gallery_href: str) -> str:
    start = float(p.start)
    at = clock(start)
    if p.checkpoint:  # the question in place, its answer folded
        return (f'<div class="para question" id="block-{escape(p.id)}" data-start="{seconds_text(start)}">'
                f'<a class="at" href="{escape(gallery_link(start, page=gallery_href))}" '
                f'title="Play the lecture from {at}">{at}</a>{question_html(p.checkpoint)}</div>')
    return (
        f'<p class="para" id="block-{escape(p.id)}" data-start="{seconds_text(start)}">'
        f'<a class="at" href="{escape(gallery_link(start, page=gallery_href))}" '
        f'title="Play the lecture from {at}">{at}</a>'
        f'<span class="text">{escape(" ".join(p.text.split()))}</span>'
        f'<a class="file" href="{escape(chapter_link(video_href, start))}" '
        f'title="Open {escape(video_href)} itself at {at}">video</a></p>'
    )


def _chapter(c: Mapping[str, Any], paragraphs: Sequence[BlockRecord], video_href: str,
             gallery_href: str) -> str:
    start = float(c["start"])
    body = "".join(_paragraph(p, video_href, gallery_href) for p in paragraphs)
    return (
        f'<section class="chapter" id="chapter-{c["order"]}" aria-labelledby="chapter-{c["order"]}-title">'
        f'<h2 id="chapter-{c["order"]}-title"><span class="num">{c["order"]}</span>'
        f'<span class="name">{escape(str(c["title"]))}</span>'
        f'<a class="at" href="{escape(gallery_link(start, page=gallery_href))}" title="Play this chapter">'
        f'{clock(start)}</a></h2>{body}</section>'
    )


def render_transcript(chapters: Sequence[Mapping[str, Any]], paragraphs: Sequence[BlockRecord], title: str,
                      video_href: str = "lecture.mp4", gallery_href: str = "index.html") -> str:
    """The transcript page's HTML (see :func:`write_transcript`)."""
    ordered = sorted(chapters, key=lambda c: float(c["start"]))
    known = {c["order"] for c in ordered}
    stray = sorted({str(p.chapter) for p in paragraphs if p.chapter not in known})
    if stray:
        raise ValueError(f"paragraphs name chapters that are not in the list: {', '.join(stray)}")
    by_chapter = {c["order"]: sorted((p for p in paragraphs if p.chapter == c["order"]),
                                     key=lambda p: float(p.start)) for c in ordered}
    total = max((float(c["start"]) + float(c["duration"]) for c in ordered), default=0.0)
    toc = "".join(f'<li><a href="#chapter-{c["order"]}"><span class="at">{clock(float(c["start"]))}</span> '
                  f'{escape(str(c["title"]))}</a></li>' for c in ordered)
    sections = "".join(_chapter(c, by_chapter[c["order"]], video_href, gallery_href) for c in ordered)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="dark"><link rel="icon" href="data:,">'
        f"<title>{escape(title)} · transcript</title><style>{CSS}</style></head><body>"
        f'<header><p class="back"><a href="{escape(gallery_href)}">← The clips</a></p>'
        f"<h1>{escape(title)} <span>transcript</span></h1>"
        f'<p class="meta">{len(ordered)} chapters · {clock(total)} · {len(paragraphs)} paragraphs</p>'
        "<p>Click a time to play the lecture from there; <em>video</em> opens the video file itself at that "
        "time. Use your browser's find (Ctrl+F) or the filter below.</p>"
        '<div class="tools"><label for="filter">Filter</label>'
        '<input type="search" id="filter" placeholder="words to look for, e.g. σ′" autocomplete="off">'
        '<span id="count" aria-live="polite"></span></div>'
        f'<nav class="toc" aria-label="Chapters"><ol>{toc}</ol></nav></header>'
        f"<main>{sections}</main>"
        f'<footer>Made with <code>python -m scenes export</code>.</footer><script>{JS}</script></body></html>\n'
    )


def write_transcript(chapters: Sequence[Mapping[str, Any]], paragraphs: Sequence[BlockRecord], target: Path,
                     title: str, video_href: str = "lecture.mp4", gallery_href: str = "index.html") -> Path:
    """Write the transcript page to ``target`` (atomically) and return its path.

    Parameters
    ----------
    chapters
        ``{"order", "slug", "title", "start", "duration"}`` per chapter (seconds), as in ``lecture.json``.
    paragraphs
        One :class:`~scenes.block.BlockRecord` per narrated block: its ``chapter``
        (the chapter's ``order``), ``id``, ``text`` and ``start`` in seconds
        from the start of the lecture.
    target
        The page, normally ``transcript.html`` in the clips folder.
    title
        The lecture's title.
    video_href, gallery_href
        The lecture's video and the gallery page, relative to ``target``.
    """
    target = Path(target)
    write_page(target, render_transcript(chapters, paragraphs, title, video_href=video_href, gallery_href=gallery_href))
    return target


CSS = """
:root{%(palette)s}
*{box-sizing:border-box}
html{background:var(--bg);color:var(--text);font:17px/1.6 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif}
body{margin:0 auto;max-width:52rem;padding:2rem clamp(1rem,3vw,2.5rem) 3rem}
h1{font-size:clamp(1.5rem,3.2vw,2.1rem);line-height:1.2;margin:0 0 .4rem}
h1 span{color:var(--muted);font-weight:400}
header p{color:var(--muted);margin:.3rem 0}
.back{font-size:.9rem}
a{color:var(--accent)}
.meta{font-size:.9rem}
.tools{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin:1rem 0}
.tools label{font-size:.8rem;text-transform:uppercase;letter-spacing:.08em;color:var(--muted)}
#filter{flex:1;min-width:12rem;background:var(--field);color:var(--text);border:1px solid var(--line);border-radius:8px;
  padding:.45rem .7rem;font:inherit}
#filter:focus{outline:2px solid var(--accent);outline-offset:1px}
#count{color:var(--muted);font-size:.85rem}
.toc{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:.7rem 1rem}
.toc ol{margin:0;padding:0;list-style:none;columns:2 18rem;column-gap:1.5rem}
.toc a{display:flex;gap:.6rem;padding:.15rem 0;color:var(--text);text-decoration:none;break-inside:avoid}
.toc a:hover{color:var(--accent)}
.at{color:var(--accent);font-variant-numeric:tabular-nums}
.chapter h2{display:flex;gap:.6rem;align-items:baseline;font-size:1.3rem;margin:2.4rem 0 .8rem;padding-bottom:.4rem;
  border-bottom:1px solid var(--line)}
.chapter h2 .at{margin-left:auto;font-size:.9rem;font-weight:400;text-decoration:none}
.num{display:inline-grid;place-items:center;min-width:1.7em;height:1.7em;border-radius:50%%;background:var(--accent);
  color:var(--bg);font-size:.85rem;font-weight:700;flex:none;align-self:center}
.para{display:grid;grid-template-columns:3.6rem 1fr auto;gap:.2rem .8rem;margin:0 0 .9rem;align-items:baseline}
.para .at{text-decoration:none;font-size:.9rem}
.para .at:hover,.para .at:focus-visible{text-decoration:underline}
.para .file{font-size:.75rem;color:var(--muted);text-decoration:none;border:1px solid var(--line);border-radius:999px;
  padding:0 .5rem}
.para .file:hover{color:var(--accent);border-color:var(--accent)}
.para:target{background:var(--current);border-radius:6px}
.question{grid-template-columns:3.6rem 1fr}
.checkpoint{border:1px solid var(--accent);border-radius:8px;padding:.6rem .9rem}
.checkpoint-lead{margin:0;font-size:.8rem;text-transform:uppercase;letter-spacing:.06em;color:var(--accent)}
.checkpoint-question{margin:.3rem 0;font-weight:600}
.checkpoint-choices{list-style:none;margin:.2rem 0 .5rem;padding:0;display:flex;flex-wrap:wrap;gap:.4rem 1.4rem}
.checkpoint .key{font-weight:700;color:var(--accent);margin-right:.3rem}
.checkpoint-answer summary{cursor:pointer;color:var(--accent)}
.checkpoint-answer ul{margin:.3rem 0;padding-left:1.2rem;color:var(--muted)}
[hidden]{display:none!important}
::highlight(filter){background:%(accent)s;color:%(bg)s}
footer{margin-top:3rem;color:var(--muted);font-size:.85rem}
code{font-family:ui-monospace,"DejaVu Sans Mono",monospace}
@media (max-width:560px){.para{grid-template-columns:1fr auto}.para .text{grid-column:1/-1;grid-row:2}}
""" % {"palette": CSS_VARIABLES, "accent": PALETTE["accent"], "bg": PALETTE["bg"]}

JS = r"""
(() => {
  "use strict";
  const box = document.getElementById("filter");
  const count = document.getElementById("count");
  const paras = [...document.querySelectorAll("p.para")];
  const chapters = [...document.querySelectorAll("section.chapter")];
  const fold = s => s.normalize("NFC").toLocaleLowerCase();

  function filter() {
    const words = fold(box.value).split(/\s+/).filter(Boolean);
    const ranges = [];
    let shown = 0;
    for (const p of paras) {
      const node = p.querySelector(".text").firstChild;
      const text = node ? fold(node.data) : "";
      const hit = words.every(w => text.includes(w));
      p.hidden = !hit;
      if (!hit) continue;
      shown++;
      if (!node || text.length !== node.length) continue;  // folding changed the length: no marks
      for (const w of words) {
        for (let at = text.indexOf(w); at >= 0; at = text.indexOf(w, at + w.length)) {
          const r = new Range();
          r.setStart(node, at);
          r.setEnd(node, at + w.length);
          ranges.push(r);
        }
      }
    }
    for (const c of chapters) c.hidden = !c.querySelector("p.para:not([hidden])");
    count.textContent = words.length ? `${shown} of ${paras.length} paragraphs` : "";
    if (window.CSS && CSS.highlights && window.Highlight) {
      if (ranges.length) CSS.highlights.set("filter", new Highlight(...ranges)); else CSS.highlights.delete("filter");
    }
  }
  box.addEventListener("input", filter);
  document.addEventListener("keydown", e => {
    if (e.key === "/" && document.activeElement !== box) { e.preventDefault(); box.focus(); }
    if (e.key === "Escape" && document.activeElement === box) { box.value = ""; filter(); }
  });
  if (box.value) filter();
})();
"""
