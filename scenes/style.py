"""The lecture's look: colours named by meaning, text and formula sizes, the axis style, tex colouring.

A colour means one thing everywhere. σ is blue and σ′ red, as in the
lecture; each parameter and each cost has its own. Sizes are named by
role; beats and components use these names, never a number.
"""

from __future__ import annotations

from typing import Any

from manim import (
    BLUE_C,
    GREEN_C,
    GREY_A,
    GREY_B,
    MathTex,
    ORANGE,
    Text,
    PINK,
    PURPLE_B,
    RED_C,
    TEAL_C,
    WHITE,
    YELLOW_C,
    ManimColor,
    config,
)

__all__ = [
    "BACKGROUND",
    "TEXT_COLOR",
    "MUTED_COLOR",
    "SIGMA_COLOR",
    "SIGMA_PRIME_COLOR",
    "W_COLOR",
    "B_COLOR",
    "X_COLOR",
    "Z_COLOR",
    "OUTPUT_COLOR",
    "TARGET_COLOR",
    "MSE_COLOR",
    "BCE_COLOR",
    "COST_COLORS",
    "TEX_COLORS",
    "TITLE_SIZE",
    "SUBTITLE_SIZE",
    "BODY_SIZE",
    "LABEL_SIZE",
    "SMALL_SIZE",
    "NOTE_SIZE",
    "KEY_FORMULA_SIZE",
    "FORMULA_SIZE",
    "SMALL_FORMULA_SIZE",
    "SYMBOL_SIZE",
    "AXIS_NUMBER_SIZE",
    "SMALL_AXIS_NUMBER_SIZE",
    "axis_style",
    "FONT",
    "CAPTION_BAND",
    "CAPTION_SIZE",
    "caption_band_top",
    "tex",
    "words",
]

BACKGROUND = ManimColor("#111318")
TEXT_COLOR = WHITE
MUTED_COLOR = GREY_B

SIGMA_COLOR = BLUE_C
SIGMA_PRIME_COLOR = RED_C
W_COLOR = YELLOW_C
B_COLOR = PURPLE_B
X_COLOR = GREY_A
Z_COLOR = WHITE
OUTPUT_COLOR = TEAL_C
TARGET_COLOR = PINK
MSE_COLOR = ORANGE
BCE_COLOR = GREEN_C

#: Cost colour by the core's cost name.
COST_COLORS = {"mse": MSE_COLOR, "bce": BCE_COLOR}

#: Tex parts coloured wherever a formula isolates them as a whole part.
TEX_COLORS = {
    "w": W_COLOR,
    "b": B_COLOR,
    "x": X_COLOR,
    "a": OUTPUT_COLOR,
    "y": TARGET_COLOR,
    r"\sigma": SIGMA_COLOR,
    r"\sigma(z)": SIGMA_COLOR,
    r"\sigma'(z)": SIGMA_PRIME_COLOR,
    r"\sigma'": SIGMA_PRIME_COLOR,
    r"a(1-a)": SIGMA_PRIME_COLOR,
}

#: Sans-serif for words (Debian's fonts-dejavu-core); formulas stay in LaTeX.
FONT = "DejaVu Sans"

# Words (``Text``).
TITLE_SIZE = 40
SUBTITLE_SIZE = 24
BODY_SIZE = 30
LABEL_SIZE = 26
SMALL_SIZE = 22
#: Words set inside a plot (the plateau band, a curve's key): they must fit where they sit.
NOTE_SIZE = 20

# Mathematics (``MathTex`` and live numbers).
#: The big result of a beat: x(a − y), the final outputs.
KEY_FORMULA_SIZE = 48
#: A formula that is the subject of the moment: a cost, a gradient, the chain rule.
FORMULA_SIZE = 40
#: Formulas in a list or beside a plot: the cases, the comparisons, the recap; large live values.
SMALL_FORMULA_SIZE = 34
#: A lone symbol or a readout ``w = 0.600``: axis titles, legends, live numbers.
SYMBOL_SIZE = 30

# Axes.
#: Numbers along an axis.
AXIS_NUMBER_SIZE = 30
#: Numbers along the denser axes: cost against epoch, σ over z, the two cases of the log-loss.
SMALL_AXIS_NUMBER_SIZE = 22

#: The bottom of the frame kept free of plots, labels and formulas, as a fraction of its
#: height: room for two caption lines in a typical player (about 5 % of the height each)
#: plus the player's margin. Burned-in captions are drawn inside it.
CAPTION_BAND = 0.17
#: Burned-in captions: about 20 px per line at 480p.
CAPTION_SIZE = 28


def caption_band_top() -> float:
    """The y coordinate of the caption band's upper edge: nothing but captions goes below it."""
    return -config.frame_height / 2 + CAPTION_BAND * config.frame_height


def axis_style(**overrides: Any) -> dict[str, Any]:
    """The lecture's axis config: muted lines, numbered at :data:`AXIS_NUMBER_SIZE`.

    Pass it as ``axis_config`` of ``Axes`` or unpacked into a ``NumberLine``;
    per-axis details (decimals, excluded numbers, a log scale) go in
    ``x_axis_config`` / ``y_axis_config`` or in ``overrides``.

    Parameters
    ----------
    overrides
        Entries that replace or add to the style (``font_size=SMALL_AXIS_NUMBER_SIZE`` …).

    Returns
    -------
    dict
        A new dict each call.

    Examples
    --------
    >>> axes = Axes(x_range=[0, 1, 0.25], y_range=[0, 4, 1], axis_config=axis_style())  # doctest: +SKIP
    >>> line = NumberLine(x_range=[0, 1, 0.25], **axis_style(font_size=SMALL_AXIS_NUMBER_SIZE))  # doctest: +SKIP
    """
    return {"color": MUTED_COLOR, "font_size": AXIS_NUMBER_SIZE, "include_numbers": True, **overrides}


def tex(*parts: str, colors: dict[str, ManimColor] | None = None, **kwargs) -> MathTex:
    """A ``MathTex`` whose parts are coloured by exact match with ``TEX_COLORS``.

    Split a formula into parts (``tex("C", "=", "(", "a", "-", "y", ")^2")``)
    and every part that is exactly a key of the colour map takes its colour,
    so "a" is coloured where it is the output and nowhere inside ``\\partial``.

    Parameters
    ----------
    parts
        Tex strings, one submobject each.
    colors
        Extra or overriding part → colour entries.
    kwargs
        Passed on to ``MathTex``.

    Examples
    --------
    >>> f = tex("a", "=", r"\\sigma", "(", "w", "x", "+", "b", ")")  # doctest: +SKIP
    """
    palette = {**TEX_COLORS, **(colors or {})}
    formula = MathTex(*parts, **kwargs)
    for part, string in zip(formula.submobjects, parts):
        if string.strip() in palette:
            part.set_color(palette[string.strip()])
    return formula


def words(text: str, size: float = BODY_SIZE, color: ManimColor = TEXT_COLOR, **kwargs) -> Text:
    """On-screen words in the lecture's font."""
    return Text(text, font=FONT, font_size=size, color=color, **kwargs)
