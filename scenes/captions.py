"""Captions cut for reading and timed to the words.

A block's text is cut into :class:`Cue` objects of at most :data:`MAX_LINES`
lines of :data:`MAX_LINE` characters, at sentence boundaries first, then
clause boundaries (``, ; : —``), then between words; line breaks are chosen
here, not left to the player. :func:`schedule` times the cues inside a
block: in proportion to their characters, never faster than reading pace,
each cut pulled to a pause in the voice where one is near.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["MAX_LINE", "MAX_LINES", "READING_CPS", "MAX_CPS", "MIN_CUE", "Cue", "cues", "schedule"]

#: Characters per caption line, and lines per cue (subtitle guidelines).
MAX_LINE = 42
MAX_LINES = 2
#: Reading pace a block is timed for, and the fastest any cue may be.
READING_CPS = 15.0
MAX_CPS = 17.0
#: Shortest time a cue stays on screen (seconds).
MIN_CUE = 1.2


@dataclass(frozen=True)
class Cue:
    """One caption: one or two chosen lines.

    Examples
    --------
    >>> Cue(("The cost hardly moves at first.",)).chars
    31
    """

    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """The caption as written into the subtitle file (lines joined by a newline)."""
        return "\n".join(self.lines)

    @property
    def chars(self) -> int:
        """Characters read, the line break counted as one space."""
        return len(" ".join(self.lines))

    @property
    def reading(self) -> float:
        """Seconds the cue needs on screen: its characters at :data:`READING_CPS`, at least :data:`MIN_CUE`."""
        return max(MIN_CUE, self.chars / READING_CPS)

    @property
    def floor(self) -> float:
        """The least time it may get: :data:`MIN_CUE`, and no faster than :data:`MAX_CPS`."""
        return max(MIN_CUE, self.chars / MAX_CPS)


_SENTENCE_END = re.compile(r"[.!?][)\"'’”]*$")
_CLAUSE_END = re.compile(r"[,;:][)\"'’”]*$")
_DASHES = {"—", "–"}
#: Words a line should not end on (the break would split a phrase) ...
_WEAK = {"a", "an", "the", "of", "to", "and", "or", "in", "on", "at", "by", "for", "with", "from", "its", "no"}
#: ... and words a line may well start with (they open a phrase).
_OPENERS = {"and", "or", "but", "so", "since", "because", "when", "where", "while", "with", "for", "from", "to",
            "of", "in", "on", "at", "by", "as", "than", "that", "which", "the", "a", "an", "no", "not", "yet",
            "each", "every", "both", "only", "just", "before", "after", "exactly", "is"}
#: Boundary kinds, strongest first.
_END, _SENTENCE, _CLAUSE, _WORD = range(4)


def _boundaries(words: Sequence[str]) -> list[int]:
    """The kind of break after each word."""
    kinds = []
    for i, w in enumerate(words):
        if i == len(words) - 1:
            kinds.append(_END)
        elif _SENTENCE_END.search(w):
            kinds.append(_SENTENCE)
        elif _CLAUSE_END.search(w) or w in _DASHES or words[i + 1] in _DASHES:
            kinds.append(_CLAUSE)
        else:
            kinds.append(_WORD)
    return kinds


def _lines(words: Sequence[str], kinds: Sequence[int]) -> tuple[str, ...] | None:
    """The best one- or two-line layout of ``words``, or None if none fits.

    One line when it fits; otherwise the break that keeps the longer line
    shortest, preferring a sentence or clause boundary or a word that opens
    a phrase ("and", "with", "the" …), and avoiding a line that ends on a
    small word such as "the".
    """
    one = " ".join(words)
    if len(one) <= MAX_LINE:
        return (one,)
    best, best_score = None, math.inf
    for k in range(1, len(words)):
        top, bottom = " ".join(words[:k]), " ".join(words[k:])
        if len(top) > MAX_LINE or len(bottom) > MAX_LINE:
            continue
        bonus = {_SENTENCE: 16, _CLAUSE: 12}.get(kinds[k - 1], 0)
        bonus += 5 if words[k].lower() in _OPENERS else 0
        weak = 6 if words[k - 1].lower() in _WEAK else 0
        score = max(len(top), len(bottom)) - bonus + weak
        if score < best_score:
            best, best_score = (top, bottom), score
    return best


def _split_long_words(words: Iterable[str]) -> list[str]:
    """Words longer than a line, cut into line-sized pieces (only ever for odd input)."""
    out = []
    for w in words:
        out.extend(w[i:i + MAX_LINE] for i in range(0, len(w), MAX_LINE))
    return out


def cues(text: str) -> list[Cue]:
    """Cut ``text`` into captions of at most two lines of 42 characters.

    Cuts fall at sentence boundaries where possible, then at clause
    boundaries (after ``, ; :`` or before a dash), and between other words
    only where a clause is too long for one cue. Among the cuts of equal
    rank it prefers fewer cues, sentences that start a cue, no cue shorter
    than its minimum time, and cues of even length.

    Parameters
    ----------
    text
        A narrated block's text; whitespace is normalised.

    Returns
    -------
    list of Cue
        Their words, in order, are exactly the words of ``text``.

    Examples
    --------
    >>> [c.text for c in cues("Same learning rate, same number of epochs. The cost hardly moves at first.")]
    ['Same learning rate, same number of epochs.\\nThe cost hardly moves at first.']
    """
    words = _split_long_words(text.split())
    if not words:
        return []
    kinds = _boundaries(words)
    n = len(words)
    short = MIN_CUE * READING_CPS  # characters a cue needs to fill its minimum time
    # best[j]: (word cuts, clause cuts, soft cost) of the best cutting of words[:j], and where its last cue starts.
    best: list[tuple[tuple[int, int, float], int] | None] = [None] * (n + 1)
    best[0] = ((0, 0, 0.0), -1)
    layouts: dict[tuple[int, int], tuple[str, ...]] = {}
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            if best[i] is None:
                continue
            chars = sum(len(w) for w in words[i:j]) + (j - i - 1)
            if chars > MAX_LINE * MAX_LINES + 1:
                break
            lines = _lines(words[i:j], kinds[i:j])
            if lines is None:
                continue
            (word_cuts, clause_cuts, soft), _ = best[i]
            end = kinds[j - 1]
            soft += 1.0  # one more cue
            if chars < short:
                soft += 1.0  # shown longer than it takes to read, lagging the voice
            soft += 0.5 * ((MAX_LINE * MAX_LINES - chars) / (MAX_LINE * MAX_LINES)) ** 2
            # A sentence that begins inside the cue: fine at the line break, awkward mid-line.
            first_line_words = len(lines[0].split())
            for k in range(i, j - 1):
                if kinds[k] == _SENTENCE:
                    soft += 0.5 if (len(lines) == 2 and k - i + 1 == first_line_words) else 1.5
            cost = (word_cuts + (end == _WORD), clause_cuts + (end == _CLAUSE), soft)
            if best[j] is None or cost < best[j][0]:
                best[j] = (cost, i)
                layouts[i, j] = lines
    out: list[Cue] = []
    j = n
    while j > 0:
        assert best[j] is not None
        i = best[j][1]
        out.append(Cue(layouts[i, j]))
        j = i
    return out[::-1]


def schedule(cue_list: Sequence[Cue], span: float, pauses: Sequence[float] = ()) -> list[tuple[float, float]]:
    """Times of the cues inside ``[0, span]``, back to back.

    Each cue gets time in proportion to its characters, but never less than
    its reading time (:attr:`Cue.reading`): short cues are raised to it and
    the others share the rest. With a voice, ``pauses`` (seconds of silence
    in the speech) pull each cut to the nearest pause within a second, so
    the captions change when the speaker breathes, as long as no cue drops
    below :attr:`Cue.floor`.

    Parameters
    ----------
    cue_list
        The block's cues.
    span
        Seconds the cues share; at least the sum of their reading times.
    pauses
        Centres of the pauses in the voice, in seconds from the block's start.

    Returns
    -------
    list of (start, end)
        Seconds from the block's start; the first starts at 0, the last ends at ``span``.
    """
    need = [c.reading for c in cue_list]
    if not cue_list:
        return []
    if span < sum(need) - 1e-9:
        raise ValueError(f"span {span:.3f}s is shorter than the cues' reading time {sum(need):.3f}s")
    chars = np.array([max(1, c.chars) for c in cue_list], dtype=float)
    need_arr = np.array(need)
    fixed = np.zeros(len(cue_list), dtype=bool)
    share = need_arr.copy()
    while not fixed.all():  # water-filling: raise short cues to their reading time, share the rest
        free = span - need_arr[fixed].sum()
        share = np.where(fixed, need_arr, free * chars / chars[~fixed].sum())
        low = (share < need_arr - 1e-12) & ~fixed
        if not low.any():
            break
        fixed |= low
    cuts = list(np.cumsum(share)[:-1])
    floors = [c.floor for c in cue_list]
    for k, cut in enumerate(cuts):
        near = [p for p in pauses if abs(p - cut) <= 1.0]
        if not near:
            continue
        p = min(near, key=lambda q: abs(q - cut))
        before = p - (cuts[k - 1] if k else 0.0)
        after = (cuts[k + 1] if k + 1 < len(cuts) else span) - p
        if before >= floors[k] - 1e-9 and after >= floors[k + 1] - 1e-9:
            cuts[k] = p
    edges = [0.0, *cuts, float(span)]
    return [(float(a), float(b)) for a, b in zip(edges[:-1], edges[1:])]

