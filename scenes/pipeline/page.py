"""What every page the pipeline writes shares: the palette, times as a clock, JSON in a script, the write.

The gallery, the slides, the transcript and the preview sheet import this
(never each other), so no page module depends on another.
"""

from __future__ import annotations

import json
from typing import Any

from pathlib import Path

from scenes.files import atomic_path
from scenes.style import BACKGROUND, OUTPUT_COLOR

__all__ = ["TRACK_JS", "PAGE_BACKGROUND", "PAGE_ACCENT", "PALETTE", "CSS_VARIABLES", "rgb", "clock", "script_json", "write_page"]

#: The page wears the lecture's background; its accent is the output's teal.
PAGE_BACKGROUND = BACKGROUND.to_hex().lower()
PAGE_ACCENT = OUTPUT_COLOR.to_hex().lower()

#: Every colour a page uses, by role: the lecture's background and accent (from :mod:`scenes.style`),
#: and the greys of panels, lines, text and fields around them. Pages read them as CSS variables.
PALETTE: dict[str, str] = {
    "bg": PAGE_BACKGROUND,
    "accent": PAGE_ACCENT,
    "panel": "#1a1d25",
    "line": "#2b2f3a",
    "text": "#e8eaf0",
    "muted": "#9aa1ad",
    "field": "#0b0c10",  # text boxes and code
    "field-text": "#cfd3dc",
    "hover": "#242833",
    "current": "#1f3a35",  # the chapter or paragraph playing now
}
#: The palette as CSS custom properties (``--bg``, ``--accent`` ...), for a page's ``:root``.
CSS_VARIABLES = ";".join(f"--{role}:{colour}" for role, colour in PALETTE.items())


def rgb(role: str) -> tuple[int, int, int]:
    """A palette colour as an RGB triple (for pictures drawn with Pillow, or PowerPoint)."""
    colour = PALETTE[role].lstrip("#")
    return tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def clock(seconds: float) -> str:
    """``83.4`` → ``"1:23"`` (``"1:02:03"`` past an hour)."""
    total = int(round(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


#: What JSON inside a ``<script>`` element must not contain as itself: ``<`` (``</script>``, ``<!--``),
#: ``>`` and ``&`` (for XHTML readers), and the two line separators older JavaScript refuses.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                   0x2028: "\\u2028", 0x2029: "\\u2029"}


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element of a page.

    Every page embeds its data with this one function. The escapes are JSON
    string escapes, so ``JSON.parse`` gives back exactly ``data``.

    Examples
    --------
    >>> script_json({"title": "<!--<script>"})
    '{"title": "\\\\u003c!--\\\\u003cscript\\\\u003e"}'
    """
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


def write_page(target: Path, html: str) -> int:
    """Write a page's ``html`` to ``target`` atomically (world-readable); return its size in bytes."""
    with atomic_path(target) as tmp:
        tmp.write_text(html, encoding="utf-8")
        return tmp.stat().st_size


#: The one way a page gives a video a text track (captions, chapters, checkpoints), for its own
#: ``<script>`` before the page's: served over http(s), a ``<track>`` loading the ``.vtt`` file
#: ``src``; opened from disk (where a page may not load a ``.vtt``), or if the file fails, the same
#: ``cues`` (``[start, end, text]``) added inline.
TRACK_JS = r"""
function addTrack(video, kind, label, src, cues, mode) {
  "use strict";
  const inline = () => {
    const track = video.addTextTrack(kind, label, "en");
    for (const [start, end, text] of cues) track.addCue(new VTTCue(start, end, text));
    track.mode = mode;
  };
  const served = location.protocol === "http:" || location.protocol === "https:";
  if (!served || !src) { inline(); return; }
  const el = Object.assign(document.createElement("track"),
                           {kind, label, srclang: "en", src, default: kind === "captions"});
  el.addEventListener("error", () => { el.remove(); inline(); }, {once: true});
  video.appendChild(el);
  el.track.mode = mode;
}
"""
