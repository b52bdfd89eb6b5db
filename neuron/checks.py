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

__all__ = ["shown", "fail", "real", "positive", "fraction", "whole", "target", "reals", "safe_name", "name_chars", "NAME_RULE"]

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


#: What a name that becomes a file or folder name may be (said in every refusal).
NAME_RULE = "a name of at most 120 letters, digits and . _ , = + - not starting with a dot"
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._,=+-")


def name_chars(text: str) -> str:
    """``text`` with each character that :func:`safe_name` refuses replaced by ``_``."""
    return "".join(c if c in _NAME_CHARS else "_" for c in text)


def safe_name(what: str, value: object, *, replace: bool = False) -> str:
    """``value`` if it can name a file or folder inside another one, else a one-line ValueError.

    The one rule for every name the build turns into a path (a lesson's
    name, a variant's folder, a beat's slug, a block's id): not empty, not
    ``.`` or ``..``, no leading dot (hidden files are the build's own), no
    separator, only the characters of :data:`NAME_RULE`, at most 120 of them.

    Parameters
    ----------
    what
        What the name is, for the message (``"lesson name"``).
    value
        The candidate name.
    replace
        Replace each character outside the rule with ``_`` first (a file's
        stem becoming a folder name); the result is then checked as usual.

    Examples
    --------
    >>> safe_name("lesson name", "big eta", replace=True)
    'big_eta'
    >>> safe_name("lesson name", "..")
    Traceback (most recent call last):
    ...
    ValueError: lesson name must be a name of at most 120 letters, digits and . _ , = + - not starting with a dot, got '..'
    """
    if not isinstance(value, str):
        fail(what, NAME_RULE, value)
    name = name_chars(value) if replace else value
    if not name or name.startswith(".") or len(name) > 120 or not set(name) <= _NAME_CHARS:
        fail(what, NAME_RULE, value)
    return name


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
