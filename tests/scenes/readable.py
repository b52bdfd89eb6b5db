"""The caption numbers every beat must meet (issue 11): a helper for the scene tests."""

from __future__ import annotations

from scenes.narration import MAX_CPS, MAX_LINE, MIN_CUE

__all__ = ["caption_numbers", "assert_readable"]


def caption_numbers(subtitles) -> list[tuple[str, float, float]]:
    """(text, seconds, characters per second) of every cue."""
    out = []
    for sub in subtitles:
        seconds = (sub.end - sub.start).total_seconds()
        out.append((sub.content, seconds, len(sub.content.replace("\n", " ")) / seconds))
    return out


def assert_readable(subtitles) -> list[float]:
    """Each cue: ≤ 2 lines of ≤ 42 characters, ≥ 1.2 s, ≤ 17 cps. Returns the cps."""
    for text, seconds, cps in caption_numbers(subtitles):
        lines = text.split("\n")
        assert len(lines) <= 2 and all(0 < len(line) <= MAX_LINE for line in lines), text
        assert seconds >= MIN_CUE - 1e-6, (text, seconds)
        assert cps <= MAX_CPS + 1e-6, (text, cps)
    return [cps for _, _, cps in caption_numbers(subtitles)]
