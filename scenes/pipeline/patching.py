"""Replace methods of Manim's classes for the time of a block, and put them back.

The worker's layers (:mod:`scenes.pipeline.holds`, :mod:`scenes.pipeline.ranges`)
change Manim only inside :func:`patched`, so nothing outlives the render.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

__all__ = ["patched"]


@contextmanager
def patched(replacements: Mapping[tuple[type, str], Any]) -> Iterator[None]:
    """Set each ``(owner, name)`` to its replacement for the block; restore the owner's own afterwards.

    Each name must be defined on the owner itself (not only inherited), so
    what is restored is exactly what was there.
    """
    saved = {(owner, name): owner.__dict__[name] for owner, name in replacements}
    for (owner, name), new in replacements.items():
        setattr(owner, name, new)
    try:
        yield
    finally:
        for (owner, name), old in saved.items():
            setattr(owner, name, old)
