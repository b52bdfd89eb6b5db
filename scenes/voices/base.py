"""What a voice is: the base class every engine derives from, and their registry.

Like manim-voiceover's speech services, an engine is one small subclass in
one module: :class:`Synthesiser` asks it for one method,
:meth:`Synthesiser.synthesise` (write the speech of some words to a WAV
file); the base turns the block's text into words (:func:`scenes.speech.spoken`),
caches the processed result by (engine, voice, words) and records what the
render read. Defining the subclass registers it under its ``name``;
:meth:`Voice.from_string` finds it (``"flite:rms"``, ``"none"``).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import ClassVar

from scenes.audiocache import INPUTS, Audio, AudioCache, VoiceError, admit, check_length
from scenes.settings import VOICE_ENV, Settings
from scenes.speech import spoken
from scenes.voices.supervise import run_supervised

__all__ = ["Voice", "Synthesiser", "cache_dir", "voice_timeout", "need"]

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """Where processed audio is kept (see :attr:`scenes.settings.Settings.cache_folder`)."""
    return Settings.from_env().cache_folder


def voice_timeout() -> float:
    """Seconds a speech command may take for one block (:attr:`scenes.settings.Settings.voice_timeout`)."""
    return Settings.from_env().voice_timeout


class Voice:
    """Turns a block's text into audio, or into nothing.

    Subclasses register under their ``name`` and are found with
    :meth:`from_string`. ``usage`` says how the part after the colon is
    written (for messages); the value given is ``arg``. ``speaks`` is False
    only for the silent voice: with any other every beat carries an audio
    track, even where a block has no sound.

    Examples
    --------
    >>> Voice.from_string("none")
    Silent()
    """

    name: ClassVar[str] = ""
    registry: ClassVar[dict[str, type[Voice]]] = {}
    #: How the part after the colon is written, for messages (``"<voice>"``).
    usage: ClassVar[str] = ""
    speaks: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("name"):
            Voice.registry[cls.name] = cls

    def __init__(self, arg: str = "") -> None:
        self.arg = arg

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.arg!r})" if self.arg else f"{type(self).__name__}()"

    @classmethod
    def forms(cls) -> str:
        """The allowed ways of writing a voice, for messages."""
        return ", ".join(f"{n}:{c.usage}" if c.usage else n for n, c in cls.registry.items())

    @classmethod
    def from_string(cls, spec: str) -> Voice:
        """The voice ``spec`` names: ``name`` or ``name:argument``.

        Raises
        ------
        ValueError
            One line naming the bad value and the allowed forms.
        """
        name, _, arg = spec.strip().partition(":")
        voice_cls = cls.registry.get(name.strip())
        if voice_cls is None:
            raise ValueError(f"{VOICE_ENV}: unknown voice {spec!r}; allowed: {cls.forms()}")
        return voice_cls(arg.strip()) if arg.strip() else voice_cls()

    def audio(self, block_id: str, text: str) -> Audio | None:
        """The block's processed audio (None: this block is silent)."""
        raise NotImplementedError

    def missing(self) -> list[str]:
        """Blocks this voice had no audio for although it should have (recordings); forgets them."""
        return []

    def report_missing(self, beat: str) -> list[str]:
        """One warning line naming the blocks of ``beat`` left silent for want of audio; return their ids."""
        missing = self.missing()
        if missing:
            log.warning("%s: no recording for %s: silent, paced for reading", beat, ", ".join(missing))
        return missing


class Synthesiser(Voice):
    """A speech engine run once per new (engine, voice, words); results cached.

    A new engine implements :meth:`synthesise` and nothing else.
    """

    def cache_key(self, words: str) -> str:
        """The cache entry of ``words`` spoken by this engine and voice."""
        return AudioCache.key(self.name, self.arg, words)

    def synthesise(self, text: str, wav: Path) -> None:
        """Write the engine's speech of ``text`` (already in words) to the WAV file ``wav``."""
        raise NotImplementedError

    @property
    def what(self) -> str:
        """How the engine is named in messages (the command line for ``cmd``)."""
        return self.name

    def audio(self, block_id: str, text: str) -> Audio | None:
        words = spoken(text)
        cache = AudioCache(cache_dir())
        key = self.cache_key(words)
        try:
            found = cache.get(key)
            if found is not None:
                check_length(found.duration, text)
            else:
                with tempfile.TemporaryDirectory(prefix="voice-") as tmp:
                    raw = Path(tmp) / "speech.wav"
                    self.block = block_id
                    self.synthesise(words, raw)
                    if not raw.exists() or raw.stat().st_size == 0:
                        raise VoiceError("it wrote no audio")
                    found = admit(cache, key, raw, text, {"engine": self.name, "voice": self.arg, "text": words})
        except VoiceError as e:
            raise VoiceError(f"block {block_id}: {self.what}: {e}") from None
        INPUTS.add(found.path)
        return found

    def run(self, command: list[str] | str, stdin: str = "", shell: bool = False) -> None:
        """Run the engine for the current block, supervised (:func:`scenes.voices.supervise.run_supervised`).

        Raises
        ------
        VoiceError
            On a timeout or a non-zero exit, with the last lines the command printed.
        """
        run_supervised(command, stdin=stdin, shell=shell, limit=voice_timeout(),
                       label=getattr(self, "block", "?"), what=self.what)


def need(program: str, package: str) -> None:
    """Refuse, in one line naming the Debian package, when ``program`` is not installed."""
    if shutil.which(program) is None:
        raise RuntimeError(f"{program} not found: install the Debian package '{package}' "
                           f"(tools/setup.sh does), or set {VOICE_ENV}=none for silent clips")
