"""Sound for the joined and exported videos: decode, join in step with the picture, encode, measure.

Video packets are copied when videos are joined; audio is not. AAC and Opus
frames do not end where a beat's picture ends (an AAC frame is 1024
samples, an Opus frame 20 ms) and each encoder adds its own priming
samples, so copying audio packets would leave a gap or a click at every
join and let the sound drift from the picture. Instead each part's audio
is decoded, cut or padded with silence to exactly its video's duration,
the parts are laid end to end and the whole track is encoded once. At
every join the sound is then where the picture is, to the sample.

Loudness is measured by the one meter, :func:`scenes.loudness.integrated_loudness`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from fractions import Fraction

import av
import numpy as np
from numpy.typing import NDArray

from scenes.files import RATE, decode_audio

__all__ = [
    "RATE",
    "AUDIO_CODECS",
    "has_audio",
    "decode_audio",
    "fit",
    "audio_frames",
    "join_audio",
    "lay_sounds",
    "add_audio_stream",
    "encode_audio",
]


#: The audio codec each container gets (and its bit rate).
AUDIO_CODECS: dict[str, tuple[str, int]] = {"mp4": ("aac", 128_000), "webm": ("libopus", 96_000)}


def has_audio(path: str | os.PathLike) -> bool:
    """Whether the file has an audio stream."""
    with av.open(str(path)) as container:
        return bool(container.streams.audio)


def fit(samples: NDArray[np.float32], seconds: float, rate: int = RATE) -> NDArray[np.float32]:
    """``samples`` cut or padded with silence to exactly ``seconds``."""
    n = int(round(seconds * rate))
    if len(samples) >= n:
        return samples[:n]
    return np.concatenate([samples, np.zeros(n - len(samples), dtype=np.float32)])


def audio_frames(samples: NDArray[np.float32], rate: int = RATE, chunk: int = 4800) -> list[av.AudioFrame]:
    """Mono float32 ``samples`` as PyAV frames (timestamps in samples)."""
    frames = []
    for i in range(0, len(samples), chunk):
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples[None, i:i + chunk]), format="flt",
                                           layout="mono")
        frame.sample_rate = rate
        frame.pts = i
        frame.time_base = Fraction(1, rate)
        frames.append(frame)
    return frames


def join_audio(parts: Sequence[tuple[NDArray[np.float32], float]], rate: int = RATE) -> NDArray[np.float32]:
    """Each part's samples fitted to its video's seconds, laid end to end."""
    return np.concatenate([fit(s, seconds, rate) for s, seconds in parts]) if parts else np.zeros(0, np.float32)


def lay_sounds(sounds: Sequence[tuple[str | os.PathLike, float, float | None]], seconds: float | None = None,
               rate: int = RATE) -> NDArray[np.float32]:
    """A soundtrack: each sound ``(file, start seconds, gain dB or None)`` decoded and laid in.

    Sounds that overlap are added. With ``seconds`` the track has exactly
    that length (a sound running past the end is cut); without, it ends
    where the last sound ends. The same records give the same samples,
    whichever process recorded them: a beat rendered in units is laid from
    the sounds all its units recorded (:mod:`scenes.pipeline.ranges`).
    """
    placed = []
    for path, start, gain in sounds:
        samples = decode_audio(path, rate)
        if gain:
            samples = samples * np.float32(10 ** (gain / 20))
        placed.append((int(round(start * rate)), samples))
    length = int(round(seconds * rate)) if seconds is not None else max((at + len(x) for at, x in placed), default=0)
    track = np.zeros(length, dtype=np.float32)
    for at, samples in placed:
        piece = samples[: max(0, length - at)]
        track[at:at + len(piece)] += piece
    return track


def add_audio_stream(container: av.container.OutputContainer, fmt: str, rate: int = RATE) -> av.AudioStream:
    """Add the mono audio stream ``fmt`` (``"mp4"`` or ``"webm"``) takes, see :data:`AUDIO_CODECS`."""
    codec, bit_rate = AUDIO_CODECS[fmt]
    stream = container.add_stream(codec, rate=rate, layout="mono")
    stream.bit_rate = bit_rate
    return stream


def encode_audio(stream: av.AudioStream, samples: NDArray[np.float32], rate: int = RATE) -> list[av.Packet]:
    """Every packet of ``samples`` encoded by ``stream`` (flushed at the end)."""
    packets = []
    for frame in audio_frames(samples, rate):
        packets += stream.encode(frame)
    packets += stream.encode(None)
    return packets
