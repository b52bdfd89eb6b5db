"""The gallery page: ``index.html`` beside the exported clips.

One self-contained file (inline CSS and JavaScript, no network): the whole
lecture with chapter links that seek, then every clip with its poster,
captions, duration, downloads and a copy-paste embed snippet, then the
looping GIFs. It works opened from disk and served by any static server:

* opened from ``file://`` a page may not fetch a ``.vtt`` (each file is its
  own origin), so the captions are inlined as JSON and added with
  ``addTextTrack`` + ``VTTCue``;
* served over http(s) the page adds real ``<track>`` elements pointing at
  the ``.vtt`` files (what an embed does), falling back to the inline cues
  if one fails to load.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from scenes.pipeline.chapters import FRAGMENT_JS, gallery_link
from scenes.pipeline.formats import FORMATS, with_role
from scenes.pipeline.writers import vtt_cues
from scenes.pipeline.media import read_srt
from scenes.pipeline.page import CSS_VARIABLES, TRACK_JS, clock, script_json, write_page
from scenes.pipeline.questions import QUIZ_CSS, QUIZ_JS, cue_text, read_checkpoints_vtt

__all__ = ["render_gallery", "write_gallery", "embed_snippet", "gif_snippet"]

def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.0f} kB"


def _one(entry: dict, role: str) -> dict | None:
    """The file of ``entry`` whose format plays ``role`` (the first, in registry order), if any."""
    found = with_role(entry, role)
    return found[0][1] if found else None


def _sources(entry: dict, indent: str = "") -> str:
    return "".join(f'{indent}<source src="{escape(f["name"])}" type="{fmt.media_type}">' + ("\n" if indent else "")
                   for fmt, f in with_role(entry, "source"))


def embed_snippet(entry: dict) -> str:
    """A ``<video>`` tag for ``entry``'s files, paths relative to the clips folder."""
    poster, captions, chapters = (_one(entry, r) for r in ("poster", "captions", "chapters"))
    return (
        "<!-- Captions load only from a served page (http/https): a page opened from disk may not\n"
        "     read the .vtt. Serve the folder, or export with --captions burn. -->\n"
        f'<video controls preload="metadata" playsinline'
        + (f' poster="{poster["name"]}"' if poster else "") + "\n"
        f'       width="{entry["width"]}" height="{entry["height"]}" style="max-width:100%;height:auto">\n'
        + _sources(entry, "  ")
        + (f'  <track kind="captions" src="{captions["name"]}" srclang="en" label="English" default>\n'
           if captions else "")
        + (f'  <track kind="chapters" src="{chapters["name"]}" srclang="en" label="Chapters">\n' if chapters else "")
        + "</video>"
    )


def gif_snippet(entry: dict) -> str:
    """An ``<img>`` tag for ``entry``'s looping picture."""
    gif = _one(entry, "loop")
    return (f'<img src="{gif["name"]}" width="{gif["width"]}" height="{gif["height"]}" '
            f'alt="{escape(entry["title"])} (loop)" style="max-width:100%;height:auto">')


def _video(entry: dict, element_id: str) -> str:
    poster = _one(entry, "poster")
    return (
        f'<video id="{element_id}" data-clip="{escape(entry["slug"])}" controls preload="metadata" playsinline '
        + (f'poster="{escape(poster["name"])}" ' if poster else "")
        + f'width="{entry["width"]}" height="{entry["height"]}">{_sources(entry)}</video>'
    )


def _downloads(entry: dict) -> str:
    links = [f'<a href="{escape(f["name"])}" download>{FORMATS[kind].label} <small>{_megabytes(f["bytes"])}</small>'
             f'</a>' for kind, f in entry["files"].items() if kind in FORMATS]
    return f'<p class="files">{"".join(links)}</p>'


def _embed(snippet: str, element_id: str, label: str) -> str:
    rows = snippet.count("\n") + 1
    return (
        f'<div class="embed"><div class="embed-head"><label for="{element_id}">{label}</label>'
        f'<button type="button" class="copy" data-for="{element_id}">Copy</button></div>'
        f'<textarea id="{element_id}" readonly rows="{rows}" spellcheck="false">{escape(snippet)}</textarea></div>'
    )


def _copy_link(href: str, label: str) -> str:
    """A button that copies the absolute address of ``href`` (relative to this page)."""
    return (f'<button type="button" class="link" data-href="{escape(href)}" '
            f'title="Copy a link that starts here">{escape(label)}</button>')


def _lecture_section(entry: dict) -> str:
    chapters = "".join(
        f'<li><a href="{escape(gallery_link(c["start"], page=""))}" data-seek="{c["start"]}" '
        f'data-target="video-lecture"><span class="at">{clock(c["start"])}</span> '
        f'<span class="name">{escape(c["title"])}</span></a>{_copy_link(gallery_link(c["start"], page=""), "Link")}</li>'
        for c in entry["chapters"]
    )
    return (
        f'<section id="lecture" class="lecture"><h2>The whole lecture <span class="dur">{clock(entry["duration"])}'
        f"</span></h2>"
        f'<div class="lecture-layout">{_video(entry, "video-lecture")}'
        f'<nav class="chapters" aria-label="Chapters"><h3>Chapters</h3><ol>{chapters}</ol></nav></div>'
        f"{_downloads(entry)}{_embed(embed_snippet(entry), 'embed-lecture', 'Embed the lecture')}</section>"
    )


def _lesson(manifest: dict) -> str:
    """Which lesson produced these clips, with its values."""
    lesson = manifest.get("lesson")
    if not lesson:
        return ""
    values = " · ".join(f"<code>{escape(k)} = {escape(str(v))}</code>" for k, v in lesson["values"].items())
    return (f'<details class="lesson"><summary>Lesson <strong>{escape(lesson["name"])}</strong>'
            f' (its parameters)</summary><p>{values}</p></details>')


def _teaching(entry: dict | None) -> str:
    """Links to the lecture's slides, PowerPoint and transcript, where they were exported."""
    if not entry:
        return ""
    links = [f'<a href="{escape(f["name"])}">{fmt.link_text}</a>' for fmt, f in with_role(entry, "page")]
    return f'<p class="teach">{" · ".join(links)}</p>' if links else ""


def _card(entry: dict) -> str:
    slug = escape(entry["slug"])
    return (
        f'<article class="card" id="clip-{slug}">{_video(entry, f"video-{slug}")}<div class="body">'
        f'<h3><span class="num">{entry["order"]}</span>{escape(entry["title"])}</h3>'
        f'<p class="meta">{clock(entry["duration"])} · {entry["width"]}×{entry["height"]} · '
        f'{(_one(entry, "captions") or {}).get("cues", 0)} captions · {_copy_link(gallery_link(0, clip=entry["slug"], page=""), "Link")}</p>'
        f"{_downloads(entry)}{_embed(embed_snippet(entry), f'embed-{slug}', 'Embed this clip')}</div></article>"
    )


def _loop_card(entry: dict) -> str:
    gif, slug = _one(entry, "loop"), escape(entry["slug"])
    return (
        f'<article class="card loop"><img src="{escape(gif["name"])}" width="{gif["width"]}" '
        f'height="{gif["height"]}" alt="{escape(entry["title"])}, looping" loading="lazy"><div class="body">'
        f'<h3><span class="num">{entry["order"]}</span>{escape(entry["title"])}</h3>'
        f'<p class="meta">{clock(gif["start"])}–{clock(gif["end"])} of the clip · {gif["duration"]:g} s loop · '
        f'{_megabytes(gif["bytes"])}</p>{_embed(gif_snippet(entry), f"gif-{slug}", "Embed this loop")}</div></article>'
    )


def _captions_json(folder: Path, manifest: dict) -> str:
    """Every clip's cues as ``{slug: {"vtt": name, "cues": [[start, end, text], ...]}}``."""
    data = {}
    for entry in [*manifest["clips"], manifest["lecture"]]:
        if entry:
            cues = vtt_cues(read_srt(folder / _one(entry, "subtitles")["name"]))
            data[entry["slug"]] = {
                "vtt": _one(entry, "captions")["name"],
                "cues": [[round(c.start.total_seconds(), 3), round(c.end.total_seconds(), 3), c.content]
                         for c in cues],
            }
            if (chapters := _one(entry, "chapters")) is not None:
                data[entry["slug"]]["chapters"] = {
                    "vtt": chapters["name"],
                    "cues": [[c["start"], round(c["start"] + c["duration"], 3), c["title"]] for c in entry["chapters"]],
                }
            if (checkpoints := _one(entry, "checkpoints")) is not None:
                found = read_checkpoints_vtt(folder / checkpoints["name"])
                data[entry["slug"]]["checkpoints"] = {
                    "vtt": checkpoints["name"], "list": found,
                    "cues": [[c["time"], c["end"], cue_text(c)] for c in found],
                }
    # "</" would end the script element; JSON allows "<\/".
    return script_json(data)


def render_gallery(manifest: dict, captions_json: str) -> str:
    """The page's HTML for ``manifest``, with the cues (JSON) inlined."""
    clips, lecture = manifest["clips"], manifest["lecture"]
    loops = [e for e in clips if _one(e, "loop") is not None]
    total = sum(e["duration"] for e in clips)
    first = clips[0] if clips else lecture
    size = f'{first["width"]}×{first["height"]}' if first else ""
    parts = [
        f'<header><h1>{escape(manifest["title"])}</h1>'
        f'<p class="meta">{len(clips)} clip{"s" if len(clips) != 1 else ""} · {clock(total)} in all · '
        f'{escape(manifest["quality"])} quality {size}</p>'
        f"<p>Each clip plays here with captions. To put one on your own page, copy its files "
        f"(MP4, WebM, poster, VTT) next to the page and paste its embed code. "
        f'<a href="manifest.json">manifest.json</a> lists every file. Opened from disk, a page cannot load '
        f"a <code>.vtt</code>: serve the folder, or export with <code>--captions burn</code>.</p>"
        f"{_teaching(lecture)}{_lesson(manifest)}</header><main>"
    ]
    if lecture:
        parts.append(_lecture_section(lecture))
    if clips:
        parts.append(f'<section id="clips"><h2>Clips</h2><div class="grid">{"".join(map(_card, clips))}</div></section>')
    if loops:
        parts.append(f'<section id="loops"><h2>Loops</h2><div class="grid">{"".join(map(_loop_card, loops))}'
                     f"</div></section>")
    parts.append("</main><footer>Made with <code>python -m scenes export</code>.</footer>")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="color-scheme" content="dark"><link rel="icon" href="data:,"><title>{escape(manifest["title"])} · clips</title>'
        f"<style>{CSS}{QUIZ_CSS}</style></head><body>{''.join(parts)}"
        f'<script type="application/json" id="captions">{captions_json}</script>'
        f"<script>{TRACK_JS}</script><script>{QUIZ_JS}</script><script>{JS}</script><script>{FRAGMENT_JS}</script></body></html>\n"
    )


def write_gallery(folder: Path, manifest: dict) -> Path:
    """Write ``folder/index.html`` (atomically, world-readable) and return its path."""
    target = folder / "index.html"
    write_page(target, render_gallery(manifest, _captions_json(folder, manifest)))
    return target


CSS = """
:root{%(palette)s}
*{box-sizing:border-box}
html{background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif}
body{margin:0 auto;max-width:1280px;padding:2rem clamp(1rem,3vw,2.5rem) 3rem}
h1{font-size:clamp(1.5rem,3.2vw,2.3rem);line-height:1.2;margin:0 0 .4rem}
h2{font-size:1.35rem;margin:2.5rem 0 1rem;padding-bottom:.4rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:0 0 .25rem;display:flex;gap:.6rem;align-items:baseline}
header p{max-width:60rem;color:var(--muted);margin:.3rem 0}
a{color:var(--accent)}
.meta{color:var(--muted);font-size:.9rem;margin:.1rem 0 .6rem}
.dur{color:var(--muted);font-weight:400;font-size:1rem;margin-left:.4rem}
video,img{display:block;width:100%%;height:auto;background:#000;border-radius:8px}
.lecture-layout{display:grid;grid-template-columns:minmax(0,3fr) minmax(14rem,1fr);gap:1.2rem;align-items:start}
@media (max-width:820px){.lecture-layout{grid-template-columns:1fr}}
.chapters{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:.9rem 1rem}
.chapters h3{font-size:.8rem;text-transform:uppercase;letter-spacing:.08em;color:var(--muted)}
.chapters ol{list-style:none;margin:0;padding:0}
.chapters a{display:flex;gap:.7rem;padding:.4rem .5rem;border-radius:6px;color:var(--text);text-decoration:none}
.chapters a:hover,.chapters a:focus-visible{background:var(--hover)}
.chapters a.current{background:var(--current);color:#fff}
.chapters .at{color:var(--accent);font-variant-numeric:tabular-nums;min-width:3.2em}
.chapters li{display:flex;align-items:center;gap:.3rem}
.chapters li a{flex:1}
button.link{background:none;border:1px solid var(--line);color:var(--muted);border-radius:6px;
  padding:.1rem .45rem;font:.75rem system-ui,sans-serif;cursor:pointer}
button.link:hover,button.link:focus-visible{color:var(--text);border-color:var(--accent)}
.teach{font-size:1.05rem;margin:.6rem 0}
.lesson{color:var(--muted);font-size:.85rem;margin:.4rem 0}
.lesson p{display:flex;flex-wrap:wrap;gap:.3rem .9rem;margin:.4rem 0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%%,330px),1fr));gap:1.2rem}
.card{background:var(--panel);border:1px solid var(--line);border-radius:12px;overflow:hidden;display:flex;flex-direction:column}
.card video,.card img{border-radius:0}
.card .body{padding:.9rem 1rem 1rem;display:flex;flex-direction:column;flex:1}
.num{display:inline-grid;place-items:center;min-width:1.7em;height:1.7em;border-radius:50%%;background:var(--accent);color:var(--bg);font-size:.85rem;font-weight:700}
.files{display:flex;flex-wrap:wrap;gap:.4rem;margin:.2rem 0 .8rem}
.files a{font-size:.82rem;padding:.15rem .55rem;border:1px solid var(--line);border-radius:999px;text-decoration:none}
.files a:hover{border-color:var(--accent)}
.files small{color:var(--muted)}
.embed{margin-top:auto}
.embed-head{display:flex;justify-content:space-between;align-items:center;margin-bottom:.3rem}
.embed label{font-size:.8rem;color:var(--muted)}
.embed textarea{width:100%%;resize:vertical;background:var(--field);color:var(--field-text);border:1px solid var(--line);border-radius:8px;
  padding:.6rem .7rem;font:12px/1.45 ui-monospace,"DejaVu Sans Mono",monospace;white-space:pre;overflow:auto}
.copy{background:var(--accent);color:var(--bg);border:0;border-radius:6px;
  padding:.3rem .7rem;font:600 .8rem system-ui,sans-serif;cursor:pointer}
.copy:focus-visible{outline:2px solid #fff;outline-offset:2px}
.lecture .embed{margin-top:.2rem}
footer{margin-top:3rem;color:var(--muted);font-size:.85rem}
code{font-family:ui-monospace,"DejaVu Sans Mono",monospace}
""" % {"palette": CSS_VARIABLES}

JS = """
(() => {
  "use strict";
  const captions = JSON.parse(document.getElementById("captions").textContent);
  // addTrack (page.TRACK_JS): the .vtt when served; from file:// the same cues inlined.
  const add = (video, track, kind, label, mode) => addTrack(video, kind, label, track.vtt, track.cues, mode);
  for (const video of document.querySelectorAll("video[data-clip]")) {
    const clip = captions[video.dataset.clip];
    if (!clip) continue;
    if (clip.cues.length) add(video, clip, "captions", "English", "showing");
    if (clip.chapters) add(video, clip.chapters, "chapters", "Chapters", "hidden");
    if (clip.checkpoints) {  // a metadata track beside captions and chapters; the quiz pauses at each
      add(video, clip.checkpoints, "metadata", "Checkpoints", "hidden");
      window.LectureQuiz.attach(video, clip.checkpoints.list);
    }
  }

  for (const button of document.querySelectorAll("button.link")) {
    button.addEventListener("click", async () => {
      const url = new URL(button.dataset.href, location.href).href;
      try { await navigator.clipboard.writeText(url); } catch { window.prompt("Copy this link:", url); }
      button.textContent = "Copied";
      setTimeout(() => { button.textContent = "Link"; }, 1500);
    });
  }

  const links = [...document.querySelectorAll("a[data-seek]")];
  for (const link of links) {  // the #t= link also changes the address (shareable); this seeks even if it did not
    link.addEventListener("click", () => {
      const video = document.getElementById(link.dataset.target);
      video.currentTime = Number(link.dataset.seek);
      video.play().catch(() => {});
    });
  }
  const lecture = document.getElementById("video-lecture");
  if (lecture) {
    lecture.addEventListener("timeupdate", () => {
      let current = null;
      for (const link of links) if (Number(link.dataset.seek) <= lecture.currentTime + 0.05) current = link;
      for (const link of links) link.classList.toggle("current", link === current);
    });
  }

  for (const button of document.querySelectorAll("button.copy")) {
    button.addEventListener("click", async () => {
      const area = document.getElementById(button.dataset.for);
      try {
        await navigator.clipboard.writeText(area.value);
      } catch {
        area.select();
        document.execCommand("copy");
      }
      button.textContent = "Copied";
      setTimeout(() => { button.textContent = "Copy"; }, 1500);
    });
  }
})();
"""
