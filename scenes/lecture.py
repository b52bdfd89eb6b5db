"""The order of the whole lecture: the one place that says it."""

from __future__ import annotations

from scenes.s01_setup import Setup

__all__ = ["SCENES_IN_ORDER"]

SCENES_IN_ORDER = [
    Setup,
]
