"""Marks every plot and label shares: round tick steps, an axis at the plot's edge, muted labels, the caption band.
"""

from __future__ import annotations

import math

from manim import RIGHT, UP, Axes, Mobject, NumberLine, Text

from scenes.style import MUTED_COLOR, SMALL_SIZE, caption_band_top, words

__all__ = ["nice_step", "nice_range", "edge_y_axis", "label", "above_caption_band"]


def nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 × 10ⁿ) giving about ``ticks`` ticks over ``span``."""
    if span <= 0 or not math.isfinite(span):
        raise ValueError(f"span must be a finite number > 0, got {span!r}")
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power  # pragma: no cover


def nice_range(top: float, ticks: int = 5) -> list[float]:
    """``[0, upper, step]`` for an axis that must show values up to ``top``."""
    step = nice_step(top, ticks)
    return [0, step * math.ceil(top / step - 1e-9), step]


def edge_y_axis(axes: Axes) -> NumberLine:
    """Hide ``axes.y_axis`` and return a visible copy at the left edge.

    ``Axes`` draws its vertical axis where x = 0, which puts tick labels in
    the middle of a plot whose x range spans zero. The hidden original keeps
    ``axes.c2p`` unchanged; add the copy to the same group as ``axes`` so the
    two move together.

    If 0 lies inside the x range, the tick (and number) that ``Axes`` leaves
    out at x = 0 is put back on the x axis.

    Parameters
    ----------
    axes
        Axes whose x range may contain 0.

    Returns
    -------
    NumberLine
        The vertical axis, shifted so it stands on the x axis' left end.

    Examples
    --------
    >>> ax = Axes(x_range=[-2, 8, 2], y_range=[0, 1, 0.5])  # doctest: +SKIP
    >>> plot = VGroup(ax, edge_y_axis(ax))  # doctest: +SKIP
    """
    visible = axes.y_axis.copy()
    visible.shift((axes.x_axis.get_start()[0] - axes.y_axis.get_start()[0]) * RIGHT)
    axes.y_axis.set_opacity(0.0)
    x_axis = axes.x_axis
    if x_axis.x_min < 0 < x_axis.x_max:
        # Axes leaves x = 0 bare (the vertical axis used to stand there): mark it.
        x_axis.add(x_axis.get_tick(0, x_axis.tick_size))
        if getattr(x_axis, "numbers", None) is not None and len(x_axis.numbers):
            zero = x_axis.get_number_mobject(0, font_size=x_axis.font_size)
            zero.match_color(x_axis.numbers[0])
            x_axis.numbers.add(zero)
    return visible


def label(text: str, size: float = SMALL_SIZE, color=MUTED_COLOR) -> Text:
    """Plain on-screen words, in the lecture's muted label style."""
    return words(text, size=size, color=color)


def above_caption_band(mobject: Mobject, buff: float = 0.15) -> Mobject:
    """Move ``mobject`` vertically so its bottom sits ``buff`` above the caption band.

    The bottom-anchored counterpart of ``to_edge(DOWN)`` for the lecture,
    whose lowest strip is kept free for captions
    (:data:`scenes.style.CAPTION_BAND`).
    """
    return mobject.shift((caption_band_top() + buff - mobject.get_bottom()[1]) * UP)

