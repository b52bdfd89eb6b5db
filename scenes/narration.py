"""Narration: captions cut for reading, blocks timed by their words, voices.

The words set the pace. A narrated block lasts at least as long as its
words take: the voice's duration when there is a voice, and in any case the
reading time at :data:`READING_CPS` characters per second. The block's text
is cut into :class:`Cue` objects of at most :data:`MAX_LINES` lines of
:data:`MAX_LINE` characters, at sentence boundaries first, then clause
boundaries (``, ; : —``), then between words; line breaks are chosen here,
not left to the player.

Voices are a small registry found by name, like manim-slides' converters:
``Voice.from_string("flite:rms")``. The environment variable
:data:`VOICE_ENV` picks one (see :func:`voice_from_env`); the build sets it.
Synthesised audio is cached by (engine, voice, spoken text), trimmed,
normalised to :data:`TARGET_LUFS` integrated loudness (EBU R128) and stored
as 48 kHz mono 16-bit WAV. :data:`INPUTS` collects every audio file a
render read, for the build's fingerprint of the beat.

This module is part of the film: it never imports the build tooling.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import wave
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

import av
import av.error
import numpy as np

from neuron.checks import safe_name
from scenes.files import RATE, atomic_path, decode_audio, sha256_file

__all__ = [
    "MAX_LINE",
    "MAX_LINES",
    "READING_CPS",
    "MAX_CPS",
    "MIN_CUE",
    "TAIL",
    "TARGET_LUFS",
    "SAMPLE_RATE",
    "VOICE_ENV",
    "CACHE_ENV",
    "CAPTIONS_ENV",
    "TIMEOUT_ENV",
    "LONG_AUDIO_ENV",
    "DEFAULT_TIMEOUT",
    "VoiceError",
    "voice_timeout",
    "longest_voice",
    "INPUTS",
    "Cue",
    "cues",
    "schedule",
    "spoken",
    "Audio",
    "Block",
    "Voice",
    "Silent",
    "Flite",
    "EspeakNG",
    "Command",
    "Recordings",
    "voice_from_env",
    "cache_dir",
    "burn_captions",
    "integrated_loudness",
    "ScriptLine",
    "recording_script",
]

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent

#: Characters per caption line, and lines per cue (subtitle guidelines).
MAX_LINE = 42
MAX_LINES = 2
#: Reading pace a block is timed for, and the fastest any cue may be.
READING_CPS = 15.0
MAX_CPS = 17.0
#: Shortest time a cue stays on screen (seconds).
MIN_CUE = 1.2
#: Quiet after the voice before the next block (seconds).
TAIL = 0.4
#: Integrated loudness every block's audio is normalised to (LUFS).
TARGET_LUFS = -16.0
#: Audio format of every processed block: 48 kHz mono 16-bit WAV.
SAMPLE_RATE = RATE
#: Bump when the audio processing changes: old cache entries are then unused.
PROCESSING = "trim-40dB+r128-16+limit-1dBFS/v1"

#: Environment: which voice (see :func:`voice_from_env`).
VOICE_ENV = "LECTURE_VOICE"
#: Environment: the folder of the synthesised-audio cache (default ``<repo>/media/voice``).
CACHE_ENV = "LECTURE_VOICE_CACHE"
#: Environment: ``burn`` draws the captions into the picture as well.
CAPTIONS_ENV = "LECTURE_CAPTIONS"
#: Environment: seconds a speech command may take for one block (default :data:`DEFAULT_TIMEOUT`).
TIMEOUT_ENV = "LECTURE_VOICE_TIMEOUT"
#: Environment: ``1`` accepts audio far longer than its block's words could need.
LONG_AUDIO_ENV = "LECTURE_LONG_AUDIO"
#: Seconds a speech command may take for one block unless :data:`TIMEOUT_ENV` says otherwise.
DEFAULT_TIMEOUT = 120.0
#: Audio longer than this many times its words' reading time (and than :data:`LONG_FLOOR`) is refused.
LONG_FACTOR = 4.0
LONG_FLOOR = 10.0

#: Every audio file read by renders in this process (cache entries, recordings).
INPUTS: set[Path] = set()


# -- captions ---------------------------------------------------------------------
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


# -- what a voice says ------------------------------------------------------------
_SUPERSCRIPTS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")

_SPOKEN = [
    # 3.44×10⁻⁴⁵: times ten to the minus 45 (the checkpoints' tiny and huge numbers)
    (r"×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", lambda m: " times ten to the " + m.group(1).translate(_SUPERSCRIPTS)
     .replace("-", "minus ") + " "),
    (r"(?<=[σ′])\(", " of ("),  # σ′(z): sigma prime of z
    (r"\bln\s*\(", "log of ("),
    (r"\bln\b", "log"),
    (r"(?<![A-Za-z])([a-z])\(", r"\1 times ("),  # a(1 − a): a times 1 minus a
    # The variable a (not the article): next to a symbol, or before a verb.
    (r"(?<![\w'’])a(?=\s*(?:[=+−)/,.:;]|$))", "ay"),
    (r"(?<=[(−=+]) ?a\b", " ay"),
    (r"(?<![\w'’])a(?=\s+(?:is|comes|lies|moves|equals|goes|falls|times)\b)", "ay"),
    (r"z₀", "z nought"),
    (r"σ′", " sigma prime "),
    (r"σ", " sigma "),
    (r"η", " eta "),
    (r"−|(?<![\w.])-(?=\d)", " minus "),
    (r"×", " times "),
    (r"\+", " plus "),
    (r"≈", " about "),
    (r"→", " to "),
    (r"/", " over "),
    (r"[—–]", ", "),
    (r"[()]", " "),
]


def spoken(text: str) -> str:
    """``text`` as a speech engine should read it: symbols in words.

    Examples
    --------
    >>> spoken("σ′(z) = a(1 − a)")
    'sigma prime of z equals ay times 1 minus ay'
    """
    out = text
    for pattern, words in _SPOKEN:
        out = re.sub(pattern, words, out)
    out = re.sub(r"(?<=\s)=(?=\s)|(?<=\w)=(?=\w)", " equals ", out)
    out = re.sub(r"\s+([,.;:!?])", r"\1", out)
    return re.sub(r"\s+", " ", out).strip()


# -- audio processing ---------------------------------------------------------------
@dataclass(frozen=True)
class Audio:
    """A block's processed audio: 48 kHz mono 16-bit WAV at :data:`TARGET_LUFS`.

    Attributes
    ----------
    path
        The WAV file.
    duration
        Seconds of audio (speech, trimmed of leading and trailing silence).
    pauses
        Centres of silent stretches inside it (seconds), for :func:`schedule`.
    """

    path: Path
    duration: float
    pauses: tuple[float, ...] = ()


#: K-weighting of ITU-R BS.1770 at 48 kHz: a high shelf, then the RLB high-pass.
_K_WEIGHTING = (
    ([1.53512485958697, -2.69169618940638, 1.19839281085285], [1.0, -1.69065929318241, 0.73248077421585]),
    ([1.0, -2.0, 1.0], [1.0, -1.99004745483398, 0.99007225036621]),
)


def integrated_loudness(samples: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    """Integrated loudness (LUFS) of mono ``samples`` at 48 kHz, per ITU-R BS.1770-4 / EBU R128.

    K-weighting, mean square over 400 ms blocks every 100 ms, an absolute
    gate at −70 LUFS and a relative gate 10 LU below the gated mean. Audio
    shorter than one block is measured as a whole. ``-inf`` for silence.
    """
    from scipy.signal import lfilter

    if rate != SAMPLE_RATE:
        raise ValueError(f"integrated_loudness needs {SAMPLE_RATE} Hz audio, got {rate}")
    y = np.asarray(samples, dtype=np.float64)
    for b, a in _K_WEIGHTING:
        y = lfilter(b, a, y)
    block, step = int(0.4 * rate), int(0.1 * rate)
    if len(y) < block:
        power = np.array([np.mean(y**2)]) if len(y) else np.zeros(1)
    else:
        squares = np.concatenate([[0.0], np.cumsum(y**2)])
        starts = np.arange(0, len(y) - block + 1, step)
        power = (squares[starts + block] - squares[starts]) / block
    with np.errstate(divide="ignore"):
        loud = -0.691 + 10 * np.log10(power)
    gated = power[loud > -70.0]
    if gated.size == 0:
        return -math.inf
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10.0
    kept = power[(loud > -70.0) & (loud > relative)]
    return float(-0.691 + 10 * np.log10(kept.mean()))


def _envelope(x: np.ndarray, window: int) -> np.ndarray:
    """RMS of each ``window``-sample stretch."""
    n = len(x) // window
    if n == 0:
        return np.zeros(0)
    return np.sqrt(np.mean(x[: n * window].reshape(n, window).astype(np.float64) ** 2, axis=1))


def _process(x: np.ndarray) -> tuple[np.ndarray, tuple[float, ...]]:
    """Trim silence, normalise to :data:`TARGET_LUFS`, keep peaks under −1 dBFS; find pauses.

    Returns the processed samples and the centres of pauses of 150 ms or more.
    """
    window = SAMPLE_RATE // 100  # 10 ms
    env = _envelope(x, window)
    if env.size == 0 or env.max() <= 0:
        return x, ()
    quiet = env < env.max() * 10 ** (-40 / 20)
    loud = np.flatnonzero(~quiet)
    margin = 6  # windows (60 ms) kept around the speech
    first, last = max(0, loud[0] - margin), min(len(env), loud[-1] + 1 + margin)
    x = x[first * window: last * window].astype(np.float64)
    quiet = quiet[first:last]
    pauses, run = [], 0
    for k, q in enumerate([*quiet, False]):
        if q:
            run += 1
            continue
        if run >= 15:
            pauses.append((k - run / 2) * window / SAMPLE_RATE)
        run = 0
    ceiling = 10 ** (-1 / 20)
    for _ in range(3):  # gain to the target, then limit the rare peaks above −1 dBFS; repeat
        measured = integrated_loudness(x)
        if not math.isfinite(measured):
            break
        x = x * 10 ** ((TARGET_LUFS - measured) / 20)
        if np.max(np.abs(x)) > ceiling:
            x = _limit(x, ceiling)
        if abs(integrated_loudness(x) - TARGET_LUFS) < 0.05:
            break
    return np.clip(x, -1.0, 1.0), tuple(pauses)


def _limit(x: np.ndarray, ceiling: float) -> np.ndarray:
    """Scale down each peak above ``ceiling`` with a 5 ms rise and a 50 ms release around it."""
    from scipy.ndimage import maximum_filter1d, uniform_filter1d

    hold = maximum_filter1d(np.abs(x), size=int(0.005 * SAMPLE_RATE) * 2 + 1)
    gain = np.minimum(1.0, ceiling / np.maximum(hold, 1e-12))
    smooth = uniform_filter1d(gain, size=int(0.05 * SAMPLE_RATE))
    return x * np.minimum(gain, smooth)


def _write_wav(path: Path, x: np.ndarray) -> None:
    pcm = np.round(np.clip(x, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())


def cache_dir() -> Path:
    """Where processed audio is kept: :data:`CACHE_ENV`, else ``<repo>/media/voice``."""
    return Path(os.environ.get(CACHE_ENV) or ROOT / "media" / "voice")


class _Cache:
    """Processed audio by key: ``<key>.wav`` and ``<key>.json`` (its size, sha256, duration, pauses).

    An entry is used only if the WAV still has the recorded size and
    sha256; anything else is made again. Both files are written atomically,
    the JSON last, so a half-written entry is never taken for a whole one.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def key(*parts: str) -> str:
        return hashlib.sha256(json.dumps([*parts, PROCESSING]).encode()).hexdigest()

    def get(self, key: str) -> Audio | None:
        wav, meta = self.folder / f"{key}.wav", self.folder / f"{key}.json"
        try:
            record = json.loads(meta.read_text(encoding="utf-8"))
            if wav.stat().st_size != record["size"] or sha256_file(wav) != record["sha256"]:
                log.info("voice cache: %s is damaged; making it again", wav.name)
                return None
            return Audio(wav, float(record["duration"]), tuple(record["pauses"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, samples: np.ndarray, pauses: tuple[float, ...], about: dict) -> Audio:
        wav, meta = self.folder / f"{key}.wav", self.folder / f"{key}.json"
        with atomic_path(wav) as tmp:
            _write_wav(tmp, samples)
        record = {"size": wav.stat().st_size, "sha256": sha256_file(wav), "duration": len(samples) / SAMPLE_RATE,
                  "pauses": list(pauses), "processing": PROCESSING, **about}
        with atomic_path(meta) as tmp:
            tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        return Audio(wav, record["duration"], pauses)

    def make(self, key: str, source: Path, about: dict) -> Audio:
        """Process the audio file ``source`` into the entry ``key``.

        Raises
        ------
        VoiceError
            If ``source`` is not audio FFmpeg can read, or holds none.
        """
        try:
            samples = decode_audio(source, SAMPLE_RATE)
        except av.error.FFmpegError as e:
            raise VoiceError(f"not audio FFmpeg can read ({e.strerror or e})") from None
        if not len(samples):
            raise VoiceError("it holds no audio")
        samples, pauses = _process(samples)
        return self.put(key, samples, pauses, about)


class VoiceError(RuntimeError):
    """A voice could not give a block its audio; the message is one line naming the block and why."""


def voice_timeout() -> float:
    """Seconds a speech command may take for one block: :data:`TIMEOUT_ENV`, else :data:`DEFAULT_TIMEOUT`."""
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{TIMEOUT_ENV}: the voice timeout must be a number of seconds > 0, got {raw!r}")
    return value


def longest_voice(text: str) -> float:
    """The longest audio a block of ``text`` may have: :data:`LONG_FACTOR` × its reading time, at least :data:`LONG_FLOOR` s."""
    return max(LONG_FLOOR, LONG_FACTOR * len(text) / READING_CPS)


def _audio_seconds(path: Path) -> float | None:
    """The length of the audio in ``path`` from its header (nothing decoded), if it says."""
    try:
        with av.open(str(path)) as container:
            if container.duration is not None:
                return container.duration / av.time_base
            stream = container.streams.audio[0] if container.streams.audio else None
            if stream is not None and stream.duration is not None and stream.time_base:
                return float(stream.duration * stream.time_base)
    except (av.error.FFmpegError, IndexError):
        return None
    return None


def _check_length(seconds: float, text: str) -> None:
    """Refuse audio far longer than ``text`` could need, unless :data:`LONG_AUDIO_ENV` allows it."""
    limit = longest_voice(text)
    if seconds > limit and os.environ.get(LONG_AUDIO_ENV, "").strip() not in {"1", "yes", "true"}:
        raise VoiceError(f"its audio lasts {seconds:.1f} s, far longer than its {len(text)} characters could need "
                         f"(limit {limit:.1f} s: {LONG_FACTOR:g}x their reading time at {READING_CPS:g} "
                         f"characters/s, at least {LONG_FLOOR:g} s); pass --allow-long-audio to keep it")


def _admit(cache: _Cache, key: str, source: Path, text: str, about: dict) -> Audio:
    """The cache entry ``key`` made from ``source``, after checking its length before decoding it."""
    seconds = _audio_seconds(source)
    if seconds is not None:
        _check_length(seconds, text)
    found = cache.make(key, source, about)
    _check_length(found.duration, text)
    return found


# -- voices -------------------------------------------------------------------------
class Voice:
    """Turns a block's text into audio, or into nothing.

    Subclasses register under their ``name`` and are found with
    :meth:`from_string` (``"flite:rms"``, ``"cmd:…"``, ``"none"``).
    ``speaks`` is False only for :class:`Silent`: with any other voice every
    beat carries an audio track, even where a block has no sound.

    Examples
    --------
    >>> Voice.from_string("none")
    Silent()
    """

    name: ClassVar[str] = ""
    registry: ClassVar[dict[str, type[Voice]]] = {}
    #: How the part after the colon is written, for error messages.
    argument: ClassVar[str] = ""
    speaks: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            Voice.registry[cls.name] = cls

    def __init__(self, argument: str = "") -> None:
        self.arg = argument

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.arg!r})" if self.arg else f"{type(self).__name__}()"

    @classmethod
    def forms(cls) -> str:
        """The allowed ways of writing a voice, for messages."""
        return ", ".join(f"{n}:{c.argument}" if c.argument else n for n, c in cls.registry.items())

    @classmethod
    def from_string(cls, spec: str) -> Voice:
        """The voice ``spec`` names: ``name`` or ``name:argument``.

        Raises
        ------
        ValueError
            One line naming the bad value and the allowed forms.
        """
        name, _, argument = spec.strip().partition(":")
        voice_cls = cls.registry.get(name.strip())
        if voice_cls is None:
            raise ValueError(f"{VOICE_ENV}: unknown voice {spec!r}; allowed: {cls.forms()}")
        return voice_cls(argument.strip()) if argument.strip() else voice_cls()

    def audio(self, block_id: str, text: str) -> Audio | None:
        """The block's processed audio (None: this block is silent)."""
        raise NotImplementedError

    def missing(self) -> list[str]:
        """Blocks this voice had no audio for although it should have (recordings); forgets them."""
        return []

    def report_missing(self, beat: str) -> list[str]:
        """One warning line naming the blocks of ``beat`` left silent for want of audio; return their ids."""
        missing = self.missing()
        if missing:
            log.warning("%s: no recording for %s: silent, paced for reading", beat, ", ".join(missing))
        return missing


class Silent(Voice):
    """``none``: no audio; blocks are paced for reading."""

    name = "none"
    speaks = False

    def audio(self, block_id: str, text: str) -> Audio | None:
        return None


class _Synthesiser(Voice):
    """A speech engine run once per new (engine, voice, text); results cached."""

    def cache_key(self, text: str) -> str:
        return _Cache.key(self.name, self.arg, text)

    def synthesise(self, text: str, wav: Path) -> None:
        """Write the engine's speech of ``text`` to ``wav``."""
        raise NotImplementedError

    #: How the engine is named in messages (the command line for ``cmd``).
    @property
    def what(self) -> str:
        return self.name

    def audio(self, block_id: str, text: str) -> Audio | None:
        words = spoken(text)
        cache = _Cache(cache_dir())
        key = self.cache_key(words)
        try:
            found = cache.get(key)
            if found is not None:
                _check_length(found.duration, text)
            else:
                with tempfile.TemporaryDirectory(prefix="voice-") as tmp:
                    raw = Path(tmp) / "speech.wav"
                    self.block = block_id
                    self.synthesise(words, raw)
                    if not raw.exists() or raw.stat().st_size == 0:
                        raise VoiceError("it wrote no audio")
                    found = _admit(cache, key, raw, text, {"engine": self.name, "voice": self.arg, "text": words})
        except VoiceError as e:
            raise VoiceError(f"block {block_id}: {self.what}: {e}") from None
        INPUTS.add(found.path)
        return found

    def run(self, command: list[str] | str, stdin: str = "", shell: bool = False) -> None:
        """Run the engine for the current block, supervised.

        The command runs in a process group of its own, its words on standard
        input; its progress is logged every few seconds; after
        :func:`voice_timeout` seconds, or if this process is interrupted, the
        whole group is ended (a shell's children too).

        Raises
        ------
        VoiceError
            On a timeout or a non-zero exit, with the last lines the command printed.
        """
        limit = voice_timeout()
        with tempfile.TemporaryFile() as words, tempfile.TemporaryFile() as said:
            words.write(stdin.encode("utf-8"))
            words.seek(0)
            proc = subprocess.Popen(command, stdin=words, stdout=said, stderr=subprocess.STDOUT, shell=shell,
                                    start_new_session=True)
            started = time.monotonic()
            told = 0.0
            try:
                while True:
                    try:
                        code = proc.wait(timeout=0.5)
                        break
                    except subprocess.TimeoutExpired:
                        spent = time.monotonic() - started
                        if spent > limit:
                            _end_group(proc)
                            raise VoiceError(f"no audio after {limit:g} s, so it was stopped "
                                             f"(--voice-timeout SECONDS allows longer){_tail(said)}") from None
                        if spent >= told + 5.0:
                            told = spent
                            log.warning("%s: voice still working after %.0f s (%s)", getattr(self, "block", "?"),
                                        spent, self.what)
            except BaseException:
                _end_group(proc)
                raise
            if code != 0:
                raise VoiceError(f"failed (exit {code}){_tail(said) or ', and printed nothing'}")


def _end_group(proc: subprocess.Popen) -> None:
    """End ``proc``'s whole process group: TERM, then KILL what is left after a second."""
    for sig, grace in ((signal.SIGTERM, 1.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                break
            proc.poll()
            time.sleep(0.05)
        else:
            continue
        break
    proc.poll()


def _tail(output, lines: int = 3) -> str:
    """``: <its last lines>`` of what a command printed (joined by `` | ``), or ``""``."""
    output.seek(0)
    text = output.read()[-4000:].decode("utf-8", errors="replace")
    last = [ln.strip() for ln in text.splitlines() if ln.strip()][-lines:]
    return (": " + " | ".join(last)) if last else ""


@lru_cache(maxsize=None)
def _flite_voices() -> tuple[str, ...]:
    out = subprocess.run(["flite", "-lv"], capture_output=True, text=True).stdout
    return tuple(out.split(":", 1)[-1].split())


def _need(program: str, package: str) -> None:
    if shutil.which(program) is None:
        raise RuntimeError(f"{program} not found: install the Debian package '{package}' "
                           f"(tools/setup.sh does), or set {VOICE_ENV}=none for silent clips")


class Flite(_Synthesiser):
    """``flite[:voice]``: CMU Flite, offline (Debian package ``flite``); default voice ``rms``."""

    name = "flite"
    argument = "<voice>"

    def __init__(self, argument: str = "rms") -> None:
        super().__init__(argument)
        _need("flite", "flite")
        if argument not in _flite_voices():
            raise ValueError(f"{VOICE_ENV}: flite has no voice {argument!r}; it has: {', '.join(_flite_voices())}")

    def synthesise(self, text: str, wav: Path) -> None:
        script = wav.with_suffix(".txt")
        script.write_text(text, encoding="utf-8")
        self.run(["flite", "-voice", self.arg, "-f", str(script), "-o", str(wav)])


class EspeakNG(_Synthesiser):
    """``espeak-ng[:voice]``: eSpeak NG, offline (Debian package ``espeak-ng``); default ``en-us``."""

    name = "espeak-ng"
    argument = "<voice>"

    def __init__(self, argument: str = "en-us") -> None:
        super().__init__(argument)
        _need("espeak-ng", "espeak-ng")

    def synthesise(self, text: str, wav: Path) -> None:
        self.run(["espeak-ng", "-v", self.arg, "-w", str(wav), "--stdin"], stdin=text)


class Command(_Synthesiser):
    """``cmd:<template>``: any speech command; ``{wav}`` is the file to write, ``{text}`` the words.

    The template runs in a shell; ``{text}`` and ``{wav}`` are shell-quoted,
    and the text is also given on standard input, e.g.
    ``cmd:piper --model my.onnx --output_file {wav}``.
    """

    name = "cmd"
    argument = "<template with {wav}>"

    def __init__(self, argument: str = "") -> None:
        super().__init__(argument)
        if "{wav}" not in argument:
            raise ValueError(f"{VOICE_ENV}: cmd:<template> must contain {{wav}}, got {argument!r}")

    @property
    def what(self) -> str:
        return f"voice command {self.arg!r}"

    def synthesise(self, text: str, wav: Path) -> None:
        command = self.arg.replace("{wav}", shlex.quote(str(wav))).replace("{text}", shlex.quote(text))
        self.run(command, stdin=text, shell=True)


class Recordings(Voice):
    """``recordings:<folder>``: the teacher's own recordings, one file per block.

    Files are named ``<block id>.wav`` (or ``.mp3 .ogg .flac .m4a``), e.g.
    ``Flatline-03.wav``. A block without a file is silent and paced for
    reading; :meth:`missing` names those blocks.
    """

    name = "recordings"
    argument = "<folder>"
    SUFFIXES = (".wav", ".mp3", ".ogg", ".flac", ".m4a")

    def __init__(self, argument: str = "") -> None:
        super().__init__(argument)
        self.folder = Path(argument).expanduser()
        if not argument or not self.folder.is_dir():
            raise ValueError(f"{VOICE_ENV}: recordings:<folder> needs an existing folder, got {argument!r}")
        self._missing: list[str] = []

    def file(self, block_id: str) -> Path | None:
        """The recording of ``block_id``, if there is one."""
        safe_name("block id", block_id)
        return next((p for s in self.SUFFIXES if (p := self.folder / f"{block_id}{s}").is_file()), None)

    def files(self) -> list[Path]:
        """Every file in the folder this voice could read (by its suffix), whatever its name."""
        try:
            return sorted(p for p in self.folder.iterdir() if p.is_file() and p.suffix.lower() in self.SUFFIXES)
        except OSError:
            return []

    def audio(self, block_id: str, text: str) -> Audio | None:
        source = self.file(block_id)
        if source is None:
            self._missing.append(block_id)
            return None
        INPUTS.add(source.resolve())
        cache = _Cache(cache_dir())
        key = _Cache.key("recording", sha256_file(source))
        try:
            found = cache.get(key)
            if found is not None:
                _check_length(found.duration, text)
                return found
            return _admit(cache, key, source, text, {"engine": "recording", "voice": str(source), "text": text})
        except VoiceError as e:
            raise VoiceError(f"block {block_id}: recording {str(source)!r}: {e}") from None

    def missing(self) -> list[str]:
        out, self._missing = self._missing, []
        return out


def voice_from_env() -> Voice:
    """The voice :data:`VOICE_ENV` names; unset means ``flite:rms``.

    Raises
    ------
    ValueError
        For a value that names no voice (one line, with the allowed forms).
    RuntimeError
        When the engine is not installed (one line naming its Debian package).
    """
    return Voice.from_string(os.environ.get(VOICE_ENV, "").strip() or "flite:rms")


def burn_captions() -> bool:
    """Whether :data:`CAPTIONS_ENV` asks for captions drawn into the picture (``burn``)."""
    value = os.environ.get(CAPTIONS_ENV, "").strip().lower()
    if value not in {"", "sidecar", "burn"}:
        raise ValueError(f"{CAPTIONS_ENV}: unknown value {value!r}; allowed: sidecar (the default), burn")
    return value == "burn"


# -- blocks ---------------------------------------------------------------------------
@dataclass
class Block:
    """One narrated block of a beat: its words, their cues, its audio and its time.

    Attributes
    ----------
    id
        ``<SceneName>-<nn>``, nn counting the beat's blocks from 01.
    text
        The words, as captioned.
    beat
        The scene's class name.
    start
        Scene time at which the block starts.
    audio
        The voice (None: silent).
    end
        Scene time at which it ended (set when the block closes).
    loop
        Whether the block's picture loops well: a GIF of the beat, a slide that repeats.
    checkpoint
        The question the block asks, if it is a checkpoint
        (:meth:`neuron.checkpoints.Checkpoint.to_json`): it travels with the
        block's record into every output.
    """

    id: str
    text: str
    beat: str
    start: float = 0.0
    audio: Audio | None = None
    end: float | None = None
    loop: bool = False
    checkpoint: dict | None = None
    cues: list[Cue] = field(init=False)

    def __post_init__(self) -> None:
        self.cues = cues(self.text)

    @property
    def reading(self) -> float:
        """Seconds the captions need at :data:`READING_CPS` (each cue at least :data:`MIN_CUE`)."""
        return sum(c.reading for c in self.cues)

    @property
    def voice(self) -> float:
        """Seconds of voice (0 when silent)."""
        return self.audio.duration if self.audio else 0.0

    @property
    def duration(self) -> float:
        """The least the block lasts: its voice and a short tail, and at least its reading time."""
        return max(self.voice + TAIL if self.audio else 0.0, self.reading)

    def run_time(self, fraction: float = 1.0, at_least: float = 0.0) -> float:
        """``fraction`` of the block's duration (but ``at_least``), to stretch an animation to the words."""
        return max(at_least, fraction * self.duration)

    def timings(self) -> list[tuple[Cue, float, float]]:
        """Each cue with its start and end in scene time.

        Cues share the words' time (the voice's, or the reading time if
        longer); if the block ran longer than that, the last cue stays up
        until the block ends.
        """
        span = max(self.voice, self.reading)
        times = schedule(self.cues, span, self.audio.pauses if self.audio else ())
        end = max(self.end if self.end is not None else self.start + self.duration, self.start + span)
        out = [(c, self.start + a, self.start + b) for c, (a, b) in zip(self.cues, times)]
        if out:
            out[-1] = (out[-1][0], out[-1][1], end)
        return out


# -- the recording script --------------------------------------------------------------
@dataclass(frozen=True)
class ScriptLine:
    """One block to record: its id (the file's name), its beat and its words."""

    id: str
    beat: str
    text: str


def recording_script(scene_classes: Iterable[type]) -> list[ScriptLine]:
    """Every block of the given beats, from a silent dry run (nothing is drawn or written).

    Parameters
    ----------
    scene_classes
        Beat classes (``LectureScene`` subclasses), e.g. ``SCENES_IN_ORDER``.
    """
    from manim import tempconfig

    lines: list[ScriptLine] = []
    for scene_cls in scene_classes:
        quiet = type(scene_cls.__name__, (scene_cls,), {"voice": Silent(), "__module__": scene_cls.__module__})
        # A dry run still draws its frames: draw few, and small.
        with tempconfig({"dry_run": True, "write_to_movie": False, "disable_caching": True, "progress_bar": "none",
                         "verbosity": "ERROR", "pixel_width": 64, "pixel_height": 36, "frame_rate": 1}):
            scene = quiet()
            scene.render()
        lines.extend(ScriptLine(b.id, b.beat, b.text) for b in scene.blocks)
    return lines
