"""The one error the build, the export and the formats raise for a failed step."""

from __future__ import annotations

__all__ = ["BuildError"]


class BuildError(Exception):
    """A render, assembly or export step failed; the message (one line) says which and why."""
