"""Loudness: one ITU-R BS.1770 meter and one peak limiter, for the film, the pipeline and the tests.

Every block's voice is normalised to :data:`TARGET_LUFS` integrated loudness
(EBU R128) with peaks kept under :data:`CEILING_DBFS` (:func:`normalise`);
the tests measure the exported sound with the same meter.
"""

from __future__ import annotations

import math

import numpy as np

from scenes.files import RATE

__all__ = ["TARGET_LUFS", "CEILING_DBFS", "integrated_loudness", "limit", "normalise"]

#: Integrated loudness every block's audio is normalised to (LUFS).
TARGET_LUFS = -16.0
#: The highest sample peak a processed block may reach (dBFS).
CEILING_DBFS = -1.0

#: K-weighting of ITU-R BS.1770 at 48 kHz: a high shelf, then the RLB high-pass.
_K_WEIGHTING = (
    ([1.53512485958697, -2.69169618940638, 1.19839281085285], [1.0, -1.69065929318241, 0.73248077421585]),
    ([1.0, -2.0, 1.0], [1.0, -1.99004745483398, 0.99007225036621]),
)


def integrated_loudness(samples: np.ndarray, rate: int = RATE) -> float:
    """Integrated loudness (LUFS) of mono ``samples`` at 48 kHz, per ITU-R BS.1770-4 / EBU R128.

    K-weighting, mean square over 400 ms blocks every 100 ms, an absolute
    gate at −70 LUFS and a relative gate 10 LU below the gated mean. Audio
    shorter than one block is measured as a whole. ``-inf`` for silence.

    Examples
    --------
    A 1 kHz sine of amplitude 0.1 has a mean square of 0.005: −23.0 LUFS.

    >>> t = np.arange(5 * RATE) / RATE
    >>> round(integrated_loudness(0.1 * np.sin(2 * np.pi * 1000 * t)), 1)
    -23.0
    """
    from scipy.signal import lfilter

    if rate != RATE:
        raise ValueError(f"integrated_loudness needs {RATE} Hz audio, got {rate}")
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



def limit(x: np.ndarray, ceiling: float, rate: int = RATE) -> np.ndarray:
    """Scale down each peak above ``ceiling`` with a 5 ms rise and a 50 ms release around it."""
    from scipy.ndimage import maximum_filter1d, uniform_filter1d

    hold = maximum_filter1d(np.abs(x), size=int(0.005 * rate) * 2 + 1)
    gain = np.minimum(1.0, ceiling / np.maximum(hold, 1e-12))
    smooth = uniform_filter1d(gain, size=int(0.05 * rate))
    return x * np.minimum(gain, smooth)


def normalise(x: np.ndarray, target: float = TARGET_LUFS, ceiling_dbfs: float = CEILING_DBFS) -> np.ndarray:
    """``x`` at ``target`` integrated loudness, its rare peaks above ``ceiling_dbfs`` limited.

    Gain to the target, then the limiter, repeated (the limiter lowers the
    loudness a little) until within 0.05 LU; silence is returned as it is.

    Examples
    --------
    >>> t = np.arange(RATE) / RATE
    >>> round(integrated_loudness(normalise(0.01 * np.sin(2 * np.pi * 440 * t))), 1)
    -16.0
    """
    ceiling = 10 ** (ceiling_dbfs / 20)
    x = np.asarray(x, dtype=np.float64)
    for _ in range(3):
        measured = integrated_loudness(x)
        if not math.isfinite(measured):
            break
        x = x * 10 ** ((target - measured) / 20)
        if np.max(np.abs(x)) > ceiling:
            x = limit(x, ceiling)
        if abs(integrated_loudness(x) - target) < 0.05:
            break
    return np.clip(x, -1.0, 1.0)
