"""The voice's audio, processed once and kept: trimmed, at one loudness, 48 kHz mono WAV.

Synthesised speech and teachers' recordings go through :func:`process`
(silence trimmed, loudness normalised by :mod:`scenes.loudness`, pauses
found for the captions) and are kept in an :class:`AudioCache` under a key
of their inputs and :data:`PROCESSING`. :data:`INPUTS` collects every audio
file a render read, for the build's fingerprint of the beat. Audio that is
not audio, or far longer than its words could need (:func:`longest_voice`),
is refused with a :class:`VoiceError` (:func:`admit`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import wave
from dataclasses import dataclass
from pathlib import Path

import av
import av.error
import numpy as np

from scenes.captions import READING_CPS
from scenes.files import RATE, atomic_path, decode_audio, sha256_file
from scenes.loudness import normalise
from scenes.settings import Settings

__all__ = ["SAMPLE_RATE", "PROCESSING", "INPUTS", "LONG_FACTOR", "LONG_FLOOR", "Audio", "AudioCache", "VoiceError",
           "process", "write_wav", "longest_voice", "check_length", "admit"]

log = logging.getLogger(__name__)

#: Audio format of every processed block: 48 kHz mono 16-bit WAV.
SAMPLE_RATE = RATE
#: Bump when the audio processing changes: old cache entries are then unused.
PROCESSING = "trim-40dB+r128-16+limit-1dBFS/v1"

#: Every audio file read by renders in this process (cache entries, recordings).
INPUTS: set[Path] = set()
#: Audio longer than this many times its words' reading time (and than :data:`LONG_FLOOR` s) is refused.
LONG_FACTOR = 4.0
LONG_FLOOR = 10.0


class VoiceError(RuntimeError):
    """A voice could not give a block its audio; the message is one line naming the block and why."""


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




def _envelope(x: np.ndarray, window: int) -> np.ndarray:
    """RMS of each ``window``-sample stretch."""
    n = len(x) // window
    if n == 0:
        return np.zeros(0)
    return np.sqrt(np.mean(x[: n * window].reshape(n, window).astype(np.float64) ** 2, axis=1))


def process(x: np.ndarray) -> tuple[np.ndarray, tuple[float, ...]]:
    """Trim silence, normalise the loudness (:func:`scenes.loudness.normalise`); find pauses.

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
    return normalise(x), tuple(pauses)


def write_wav(path: Path, x: np.ndarray) -> None:
    """Write mono samples in [-1, 1] as 16-bit WAV at :data:`SAMPLE_RATE`."""
    pcm = np.round(np.clip(x, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())


class AudioCache:
    """Processed audio by key: ``<key>.wav`` and ``<key>.json`` (its size, sha256, duration, pauses).

    An entry is used only if the WAV still has the recorded size and
    sha256; anything else is made again. Both files are written atomically,
    the JSON last, so a half-written entry is never taken for a whole one.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def key(*parts: str) -> str:
        """The entry's name for these inputs (and :data:`PROCESSING`)."""
        return hashlib.sha256(json.dumps([*parts, PROCESSING]).encode()).hexdigest()

    def get(self, key: str) -> Audio | None:
        """The entry ``key`` if it is whole, else None."""
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
        """Store processed ``samples`` as the entry ``key`` (``about`` goes into its JSON)."""
        wav, meta = self.folder / f"{key}.wav", self.folder / f"{key}.json"
        with atomic_path(wav) as tmp:
            write_wav(tmp, samples)
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
        samples, pauses = process(samples)
        return self.put(key, samples, pauses, about)


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


def check_length(seconds: float, text: str) -> None:
    """Refuse audio far longer than ``text`` could need, unless the settings allow long audio."""
    limit = longest_voice(text)
    if seconds > limit and not Settings.from_env().long_audio:
        raise VoiceError(f"its audio lasts {seconds:.1f} s, far longer than its {len(text)} characters could need "
                         f"(limit {limit:.1f} s: {LONG_FACTOR:g}x their reading time at {READING_CPS:g} "
                         f"characters/s, at least {LONG_FLOOR:g} s); pass --allow-long-audio to keep it")


def admit(cache: AudioCache, key: str, source: Path, text: str, about: dict) -> Audio:
    """The cache entry ``key`` made from ``source``, after checking its length before decoding it."""
    seconds = _audio_seconds(source)
    if seconds is not None:
        check_length(seconds, text)
    found = cache.make(key, source, about)
    check_length(found.duration, text)
    return found

