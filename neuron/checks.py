"""Argument checks shared by the core and the presets.

Every refusal is one line, ``"<name> must be <what is allowed>, got <value>"``,
a :class:`ValueError`: the same words whether a preset, a lesson file or a
core function refused the value.
"""

from __future__ import annotations

import math
import reprlib
from typing import NoReturn

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["shown", "fail", "real", "positive", "fraction", "whole", "target", "reals"]

_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = 60


def shown(value: object) -> str:
    """A short one-line repr (numpy scalars shown as Python numbers)."""
    if isinstance(value, np.generic):
        value = value.item()
    return _repr.repr(value)


def fail(name: str, allowed: str, value: object) -> NoReturn:
    """Raise the one-line ValueError: ``"<name> must be <allowed>, got <value>"``."""
    raise ValueError(f"{name} must be {allowed}, got {shown(value)}")


def _is_real(value: object) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "iuf"
    return isinstance(value, (int, float, np.integer, np.floating))


def real(name: str, value: object, allowed: str = "a finite real number", *, finite: bool = True) -> float:
    """``value`` as a float, if it is a real number (not a bool or a string), finite unless ``finite=False``.

    NaN is never allowed.
    """
    f = float(value) if _is_real(value) else math.nan  # type: ignore[arg-type]
    if math.isnan(f) or (finite and math.isinf(f)):
        fail(name, allowed, value)
    return f


def positive(name: str, value: object) -> float:
    """A finite real number > 0 (a learning rate)."""
    f = real(name, value, "a finite number > 0")
    if f <= 0.0:
        fail(name, "a finite number > 0", value)
    return f


def fraction(name: str, value: object) -> float:
    """A real number strictly between 0 and 1 (a threshold, a share)."""
    f = real(name, value, "in (0, 1)")
    if not 0.0 < f < 1.0:
        fail(name, "in (0, 1)", value)
    return f


def whole(name: str, value: object, lo: int, hi: int | None = None) -> int:
    """``value`` as an int, if it is a whole number in ``lo..hi`` (no upper bound without ``hi``)."""
    allowed = f"a whole number in {lo}..{hi}" if hi is not None else f"a whole number >= {lo}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        fail(name, allowed, value)
    if not (lo <= value and (hi is None or value <= hi)):
        fail(name, allowed, value)
    return int(value)


def target(name: str, value: object) -> float:
    """A desired output: a real number in [0, 1]."""
    y = real(name, value)
    if not 0.0 <= y <= 1.0:
        fail(name, "in [0, 1]", value)
    return y


def reals(
    name: str,
    value: ArrayLike,
    *,
    allowed: str = "finite real numbers",
    finite: bool = True,
    lo: float = -math.inf,
    hi: float = math.inf,
    open_interval: bool = False,
) -> NDArray[np.float64]:
    """``value`` as a float64 array, if every element is allowed; else name the first that is not.

    Elements must be real numbers (never NaN), finite unless ``finite=False``,
    and within ``[lo, hi]`` (``(lo, hi)`` with ``open_interval``).
    """
    if isinstance(value, (str, bytes)) or (isinstance(value, np.ndarray) and value.dtype.kind not in "biuf"):
        fail(name, allowed, value)
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        fail(name, allowed, value)
    ok = ~np.isnan(arr)
    if finite:
        ok &= np.isfinite(arr)
    with np.errstate(invalid="ignore"):
        ok &= (arr > lo) & (arr < hi) if open_interval else (arr >= lo) & (arr <= hi)
    if not ok.all():
        fail(name, allowed, value if np.ndim(value) == 0 and not isinstance(value, np.ndarray) else arr[~ok].flat[0])
    return arr
