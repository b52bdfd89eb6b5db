"""Scene tests run silent unless a test asks for a voice: timing then follows reading alone.

Synthesised audio goes to one temporary cache for the whole session, never
into the repository's ``media/voice``.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def voice_cache(tmp_path_factory: pytest.TempPathFactory):
    """A session-wide cache folder for synthesised audio."""
    return tmp_path_factory.mktemp("voice-cache")


@pytest.fixture(autouse=True)
def silent_by_default(monkeypatch: pytest.MonkeyPatch, voice_cache) -> None:
    from scenes.narration import CACHE_ENV, CAPTIONS_ENV, VOICE_ENV

    monkeypatch.setenv(VOICE_ENV, "none")
    monkeypatch.setenv(CACHE_ENV, str(voice_cache))
    monkeypatch.delenv(CAPTIONS_ENV, raising=False)
