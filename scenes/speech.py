"""What a voice says: the captions' symbols written out as words.

A speech engine reads ``σ′(z) = a(1 − a)`` badly; :func:`spoken` turns it
into "sigma prime of z equals ay times 1 minus ay". Captions keep the
symbols; only the voice (and its cache key) gets the words.
"""

from __future__ import annotations

import re

__all__ = ["spoken"]

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
