"""What every page the pipeline writes shares: the lecture's colours, and times as a clock.

The gallery, the slides, the transcript and the preview sheet import this
(never each other), so no page module depends on another.
"""

from __future__ import annotations

from scenes.style import BACKGROUND, OUTPUT_COLOR

__all__ = ["PAGE_BACKGROUND", "PAGE_ACCENT", "clock"]

#: The page wears the lecture's background; its accent is the output's teal.
PAGE_BACKGROUND = BACKGROUND.to_hex().lower()
PAGE_ACCENT = OUTPUT_COLOR.to_hex().lower()


def clock(seconds: float) -> str:
    """``83.4`` → ``"1:23"`` (``"1:02:03"`` past an hour)."""
    total = int(round(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
