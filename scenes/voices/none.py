"""``none``: no voice; every block is paced for reading."""

from __future__ import annotations

from scenes.audiocache import Audio
from scenes.voices.base import Voice

__all__ = ["Silent"]


class Silent(Voice):
    """``none``: no audio; blocks are paced for reading."""

    name = "none"
    speaks = False

    def audio(self, block_id: str, text: str) -> Audio | None:
        return None
