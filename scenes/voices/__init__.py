"""Voices: who speaks the narration, found by name (``--voice flite:rms``).

One module per engine, each a subclass of :class:`~scenes.voices.base.Voice`
(:class:`~scenes.voices.base.Synthesiser` for a speech engine: one method,
``synthesise``). Importing this package imports them all, which registers
them; :func:`voice_from_env` gives the voice the settings name.

Adding an engine: one module here with one subclass, and one import line below.
"""

from __future__ import annotations

from scenes.settings import Settings
from scenes.audiocache import VoiceError
from scenes.voices.base import Synthesiser, Voice, cache_dir, voice_timeout

# Registered in this order, the order messages list them in.
from scenes.voices.none import Silent  # isort: skip
from scenes.voices.flite import Flite  # isort: skip
from scenes.voices.espeak import EspeakNG  # isort: skip
from scenes.voices.command import Command  # isort: skip
from scenes.voices.recordings import Recordings  # isort: skip

__all__ = ["Voice", "Synthesiser", "Silent", "Flite", "EspeakNG", "Command", "Recordings", "VoiceError", "cache_dir",
           "voice_timeout", "voice_from_env"]


def voice_from_env() -> Voice:
    """The voice the environment names (:meth:`scenes.settings.Settings.from_env`); unset: the default.

    Raises
    ------
    ValueError
        For a value that names no voice (one line, with the allowed forms).
    RuntimeError
        When the engine is not installed (one line naming its Debian package).
    """
    return Voice.from_string(Settings.from_env().voice)
