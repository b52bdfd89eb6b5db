"""What every page the pipeline writes shares: the lecture's colours, and times as a clock.

The gallery, the slides, the transcript and the preview sheet import this
(never each other), so no page module depends on another.
"""

from __future__ import annotations

import json
from typing import Any

from scenes.style import BACKGROUND, OUTPUT_COLOR

__all__ = ["PAGE_BACKGROUND", "PAGE_ACCENT", "clock", "script_json"]

#: The page wears the lecture's background; its accent is the output's teal.
PAGE_BACKGROUND = BACKGROUND.to_hex().lower()
PAGE_ACCENT = OUTPUT_COLOR.to_hex().lower()


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
