"""An independent loudness reference for the tests: FFmpeg's own ``ebur128`` filter (through PyAV).

The lecture has one meter (:func:`scenes.loudness.integrated_loudness`, numpy);
the tests check it, and the processed voice, against FFmpeg's.
"""

from __future__ import annotations

import os
from fractions import Fraction

import av
import numpy as np
from numpy.typing import NDArray

from scenes.files import RATE, decode_audio
from scenes.pipeline.audio import audio_frames

__all__ = ["ebur128_loudness", "ebur128_file"]


def ebur128_file(path: str | os.PathLike) -> float:
    """The integrated loudness of a file's first audio stream, by FFmpeg."""
    return ebur128_loudness(decode_audio(path))


def ebur128_loudness(samples: NDArray[np.float32], rate: int = RATE) -> float:
    """EBU R128 integrated loudness (LUFS) of mono ``samples``; ``-inf`` for silence.

    Examples
    --------
    A 1 kHz sine of amplitude 0.1 has a mean square of 0.005: −23.0 LUFS.

    >>> t = np.arange(5 * RATE) / RATE
    >>> round(ebur128_loudness((0.1 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)), 1)
    -23.0
    """
    if not len(samples) or not np.any(samples):
        return float("-inf")
    graph = av.filter.Graph()
    source = graph.add_abuffer(format="flt", sample_rate=rate, layout="mono", time_base=Fraction(1, rate))
    meter = graph.add("ebur128", "metadata=1")
    sink = graph.add("abuffersink")
    source.link_to(meter)
    meter.link_to(sink)
    graph.configure()
    value = None

    def drain() -> None:
        nonlocal value
        while True:
            try:
                out = graph.pull()
            except (av.BlockingIOError, av.EOFError):
                return
            value = out.metadata.get("lavfi.r128.I", value)

    for frame in audio_frames(samples, rate):
        graph.push(frame)
        drain()
    graph.push(None)
    drain()
    return float(value) if value is not None else float("-inf")
