"""The settings the film and the build share: lesson, voice, captions, folders.

One :class:`Settings` object carries everything a render reads from outside
its code: which lesson file and overrides (see :mod:`neuron.lessonfile`),
who speaks, whether captions are burned into the picture, and where the
synthesised voice is cached. The command line builds it from its options,
the render worker from the environment (:meth:`Settings.from_env`), and the
build hands it to every worker with :meth:`Settings.to_env` and hashes
:meth:`Settings.fingerprint` into each beat's key.

The names of the environment variables, the default voice and the audio
files a recordings folder may hold are written here and nowhere else.

This module is part of the film: it never imports the build tooling.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from neuron.lessonfile import LESSON_VAR, SET_VAR
from scenes.files import sha256_file

__all__ = [
    "LESSON_ENV",
    "SET_ENV",
    "VOICE_ENV",
    "CAPTIONS_ENV",
    "CACHE_ENV",
    "TIMEOUT_ENV",
    "LONG_AUDIO_ENV",
    "DEFAULT_VOICE",
    "DEFAULT_TIMEOUT",
    "CAPTION_MODES",
    "CHECKPOINTS_ENV",
    "CHECKPOINT_MODES",
    "RECORDING_SUFFIXES",
    "ROOT",
    "Settings",
]

ROOT = Path(__file__).resolve().parent.parent

#: Environment: the lesson file and the ``key=value;...`` overrides (named in :mod:`neuron.lessonfile`).
LESSON_ENV, SET_ENV = LESSON_VAR, SET_VAR
#: Environment: who speaks (a voice spec, see :meth:`scenes.voices.Voice.from_string`).
VOICE_ENV = "LECTURE_VOICE"
#: Environment: ``burn`` draws the captions into the picture as well.
CAPTIONS_ENV = "LECTURE_CAPTIONS"
#: Environment: ``card`` (the default) draws each checkpoint's "pause and think" card, ``none`` leaves them out.
CHECKPOINTS_ENV = "LECTURE_CHECKPOINTS"
#: Environment: the folder of the synthesised-audio cache (the CLI's default: ``<media>/voice``).
CACHE_ENV = "LECTURE_VOICE_CACHE"
#: Environment: seconds a speech command may take for one block (default :data:`DEFAULT_TIMEOUT`).
TIMEOUT_ENV = "LECTURE_VOICE_TIMEOUT"
#: Environment: ``1`` accepts audio far longer than its block's words could need.
LONG_AUDIO_ENV = "LECTURE_LONG_AUDIO"

#: Who speaks when nothing is chosen: the most intelligible offline engine measured here (README).
DEFAULT_VOICE = "flite:rms"
#: Seconds a speech command may take for one block unless the settings say otherwise.
DEFAULT_TIMEOUT = 120.0
#: How captions are shown: beside the video (a subtitle file), or also drawn into the picture.
CAPTION_MODES = ("sidecar", "burn")
#: Whether the film asks its checkpoints on a card (see :mod:`scenes.checkpoint_card`).
CHECKPOINT_MODES = ("card", "none")
#: Audio files a teacher may drop into a recordings folder, in the order they are looked for: what the
#: voice reads and the build fingerprints (any other file is named as unread after a build).
RECORDING_SUFFIXES = (".wav", ".mp3", ".ogg", ".flac", ".m4a")


@dataclass(frozen=True)
class Settings:
    """What a render reads from outside its code.

    Attributes
    ----------
    lesson
        A TOML lesson file (absolute path), or None for the presets.
    overrides
        ``key=value`` changes applied after the lesson file, in order.
    voice
        Who speaks: ``flite:rms``, ``espeak-ng:en-us``, ``cmd:<template>``,
        ``recordings:<folder>`` or ``none``.
    captions
        ``sidecar`` (the default) or ``burn``.
    voice_cache
        The folder of synthesised audio (None: ``<repo>/media/voice``; the
        command line makes it ``<media>/voice``).
    voice_timeout
        Seconds a speech command may take for one block.
    long_audio
        Keep a block's audio even when it is far longer than its words could need.
    checkpoints
        ``card`` (the default): each checkpoint's card in the film; ``none``: left out.

    Examples
    --------
    >>> Settings(voice="none", captions="burn").to_env()["LECTURE_CAPTIONS"]
    'burn'
    """

    lesson: str | None = None
    overrides: tuple[str, ...] = ()
    voice: str = DEFAULT_VOICE
    captions: str = "sidecar"
    voice_cache: Path | None = field(default=None, compare=False)
    voice_timeout: float = field(default=DEFAULT_TIMEOUT, compare=False)
    long_audio: bool = False
    checkpoints: str = "card"

    def __post_init__(self) -> None:
        if self.checkpoints not in CHECKPOINT_MODES:
            raise ValueError(f"{CHECKPOINTS_ENV}: unknown value {self.checkpoints!r}; "
                             f"allowed: {', '.join(CHECKPOINT_MODES)}")
        if self.captions not in CAPTION_MODES:
            raise ValueError(f"{CAPTIONS_ENV}: unknown value {self.captions!r}; allowed: sidecar (the default), burn")
        if not (isinstance(self.voice_timeout, (int, float)) and math.isfinite(self.voice_timeout)
                and self.voice_timeout > 0):
            raise ValueError(f"{TIMEOUT_ENV}: the voice timeout must be a number of seconds > 0, "
                             f"got {self.voice_timeout!r}")

    # -- the environment ------------------------------------------------------
    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings the environment holds (unset: the defaults).

        Raises
        ------
        ValueError
            For a captions mode other than :data:`CAPTION_MODES`, or a
            timeout that is not a number of seconds > 0 (one line).
        """
        env = os.environ if environ is None else environ
        overrides = tuple(o.strip() for o in (env.get(SET_ENV) or "").split(";") if o.strip())
        cache = (env.get(CACHE_ENV) or "").strip()
        raw = (env.get(TIMEOUT_ENV) or "").strip()
        try:
            timeout = float(raw) if raw else DEFAULT_TIMEOUT
        except ValueError:
            timeout = math.nan
        if not (math.isfinite(timeout) and timeout > 0):
            raise ValueError(f"{TIMEOUT_ENV}: the voice timeout must be a number of seconds > 0, got {raw!r}")
        return cls(lesson=(env.get(LESSON_ENV) or "").strip() or None, overrides=overrides,
                   voice=(env.get(VOICE_ENV) or "").strip() or DEFAULT_VOICE,
                   captions=(env.get(CAPTIONS_ENV) or "").strip().lower() or "sidecar",
                   voice_cache=Path(cache) if cache else None, voice_timeout=timeout,
                   long_audio=(env.get(LONG_AUDIO_ENV) or "").strip().lower() in {"1", "yes", "true"},
                   checkpoints=(env.get(CHECKPOINTS_ENV) or "").strip().lower() or "card")

    def to_env(self) -> dict[str, str]:
        """The environment that gives these settings to a render (unset variables are empty)."""
        return {LESSON_ENV: self.lesson or "", SET_ENV: ";".join(self.overrides), VOICE_ENV: self.voice,
                CAPTIONS_ENV: self.captions, CACHE_ENV: str(self.voice_cache or ""),
                TIMEOUT_ENV: "" if self.voice_timeout == DEFAULT_TIMEOUT else repr(self.voice_timeout),
                LONG_AUDIO_ENV: "1" if self.long_audio else "",
                CHECKPOINTS_ENV: "" if self.checkpoints == "card" else self.checkpoints}

    def apply(self, environ: os._Environ | dict | None = None) -> None:
        """Write :meth:`to_env` into ``environ`` (this process's environment), dropping empty values."""
        env = os.environ if environ is None else environ
        for name, value in self.to_env().items():
            if value:
                env[name] = value
            else:
                env.pop(name, None)

    # -- what follows from them -------------------------------------------------
    @property
    def burn(self) -> bool:
        """Whether captions are drawn into the picture."""
        return self.captions == "burn"

    @property
    def recordings(self) -> Path | None:
        """The recordings folder, when the teacher's own voice speaks."""
        name, _, folder = self.voice.partition(":")
        return Path(folder.strip()).expanduser() if name.strip() == "recordings" and folder.strip() else None

    @property
    def cache_folder(self) -> Path:
        """Where processed audio is kept."""
        return self.voice_cache or ROOT / "media" / "voice"

    def fingerprint(self, beat: str) -> dict:
        """What of these settings can change ``beat``'s render, for the build's key.

        The lesson file is hashed by content; with recordings, the files
        :func:`recording_files` finds for the beat are hashed one by one, so
        a recording added, replaced or removed renders its beat again (and
        only its beat). The cache folder and the timeout are left out: they
        change no frame. A lesson file inside the repository is named relative
        to it, so the key is the same in every clone (a beat rendered in another
        checkout merges here: ``python -m scenes merge``).
        """
        lesson = self.lesson.removeprefix(f"{ROOT}{os.sep}") if self.lesson else self.lesson
        return {"lesson": [lesson, _content_hash(self.lesson)], "overrides": list(self.overrides),
                "voice": self.voice, "captions": self.captions, "long audio": self.long_audio,
                "checkpoints": self.checkpoints,
                "recordings": {p.name: sha256_file(p) for p in recording_files(self.recordings, beat)}}


def recording_files(folder: Path | None, beat: str) -> list[Path]:
    """The recordings of ``beat`` in ``folder`` that a render may read (``<beat>-<nn><suffix>``)."""
    if folder is None:
        return []
    try:
        return sorted(p for p in folder.iterdir() if p.name.startswith(f"{beat}-")
                      and p.suffix.lower() in RECORDING_SUFFIXES and p.is_file())
    except OSError:
        return []


def _content_hash(value: str | None) -> str | None:
    """sha256 of the file ``value`` names (from the repository, where workers run, or here), if any."""
    for base in (ROOT, Path.cwd()):
        try:
            if value and (base / value).is_file():
                return sha256_file(base / value)
        except OSError:
            pass
    return None
