"""The one quality table: our short names over Manim's own ``QUALITIES``.

Pixel sizes, frame rates and flags come from :data:`manim.constants.QUALITIES`;
this module only names the four the lecture offers. The CLI hands
:data:`QUALITY_NAMES` to argparse as ``choices``; the build, the worker and
the benchmark read :data:`QUALITIES`.
"""

from __future__ import annotations

from dataclasses import dataclass

from manim.constants import QUALITIES as MANIM_QUALITIES

__all__ = ["Quality", "QUALITIES", "QUALITY_NAMES"]


@dataclass(frozen=True)
class Quality:
    """One render quality.

    Attributes
    ----------
    name
        Our short name (``"low"``).
    manim
        Manim's key for it (``"low_quality"``), what ``config.quality`` takes.
    width, height, fps
        From Manim's table.
    """

    name: str
    manim: str
    width: int
    height: int
    fps: int

    def __str__(self) -> str:
        return f"{self.name} ({self.width}×{self.height}, {self.fps} fps)"


def _quality(name: str, manim: str) -> Quality:
    q = MANIM_QUALITIES[manim]
    return Quality(name, manim, q["pixel_width"], q["pixel_height"], q["frame_rate"])


#: Our quality names, lowest first → :class:`Quality`.
QUALITIES: dict[str, Quality] = {
    name: _quality(name, manim)
    for name, manim in (("low", "low_quality"), ("medium", "medium_quality"),
                        ("high", "high_quality"), ("4k", "fourk_quality"))
}
QUALITY_NAMES: tuple[str, ...] = tuple(QUALITIES)
