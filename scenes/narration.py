"""Narration, as the beats use it: the names of its parts in one place.

The words set the pace. A narrated block lasts at least as long as its
words take: the voice's duration when there is a voice, and in any case the
reading time of its captions. The parts live in modules of their own:

* :mod:`scenes.captions`: cutting a block's text into cues, timing them;
* :mod:`scenes.speech`: symbols written out as words for a voice;
* :mod:`scenes.loudness`: the one BS.1770 meter and limiter;
* :mod:`scenes.audiocache`: processed audio, kept by key;
* :mod:`scenes.voices`: the engines (one module each) and their registry;
* :mod:`scenes.block`: the block as it plays, and the record the build keeps;
* :mod:`scenes.settings`: which voice, which captions, where the cache is.

This module only re-exports them (older imports keep working). It is part
of the film: it never imports the build tooling.
"""

from __future__ import annotations

from scenes.audiocache import (INPUTS, LONG_FACTOR, LONG_FLOOR, PROCESSING, SAMPLE_RATE, Audio, AudioCache, VoiceError,
                               longest_voice)
from scenes.block import TAIL, Block, BlockRecord, SectionType
from scenes.captions import MAX_CPS, MAX_LINE, MAX_LINES, MIN_CUE, READING_CPS, Cue, cues, schedule
from scenes.loudness import TARGET_LUFS, integrated_loudness
from scenes.settings import (CACHE_ENV, CAPTIONS_ENV, DEFAULT_TIMEOUT, LONG_AUDIO_ENV, TIMEOUT_ENV, VOICE_ENV,
                             Settings)
from scenes.speech import spoken
from scenes.voices import (Command, EspeakNG, Flite, Recordings, Silent, Voice, cache_dir, voice_from_env,
                           voice_timeout)

__all__ = [
    "MAX_LINE", "MAX_LINES", "READING_CPS", "MAX_CPS", "MIN_CUE", "TAIL", "TARGET_LUFS", "SAMPLE_RATE",
    "PROCESSING", "VOICE_ENV", "CACHE_ENV", "CAPTIONS_ENV", "INPUTS", "Cue", "cues", "schedule", "spoken",
    "Audio", "AudioCache", "Block", "BlockRecord", "SectionType", "Voice", "Silent", "Flite", "EspeakNG",
    "Command", "Recordings", "voice_from_env", "cache_dir", "burn_captions", "integrated_loudness",
    "TIMEOUT_ENV", "LONG_AUDIO_ENV", "DEFAULT_TIMEOUT", "LONG_FACTOR", "LONG_FLOOR", "VoiceError", "voice_timeout",
    "longest_voice",
]


def burn_captions() -> bool:
    """Whether the settings ask for captions drawn into the picture (``burn``).

    Raises
    ------
    ValueError
        For a captions mode that is not ``sidecar`` or ``burn`` (one line).
    """
    return Settings.from_env().burn
