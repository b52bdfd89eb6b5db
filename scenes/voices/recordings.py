"""``recordings:<folder>``: the teacher's own recordings, one file per block."""

from __future__ import annotations

from pathlib import Path

from neuron.checks import safe_name
from scenes.audiocache import INPUTS, Audio, AudioCache, VoiceError, admit, check_length
from scenes.files import sha256_file
from scenes.settings import RECORDING_SUFFIXES, VOICE_ENV, recording_files
from scenes.voices.base import Voice, cache_dir

__all__ = ["Recordings"]


class Recordings(Voice):
    """``recordings:<folder>``: the teacher's own recordings, one file per block.

    Files are named ``<block id><suffix>``, one of
    :data:`scenes.settings.RECORDING_SUFFIXES`, e.g. ``Flatline-03.wav``. A
    block without a file is silent and paced for reading; :meth:`missing`
    names those blocks. :meth:`files` lists what a beat's render may read
    (the build hashes exactly those).
    """

    name = "recordings"
    usage = "<folder>"
    SUFFIXES = RECORDING_SUFFIXES

    def __init__(self, arg: str = "") -> None:
        super().__init__(arg)
        self.folder = Path(arg).expanduser()
        if not arg or not self.folder.is_dir():
            raise ValueError(f"{VOICE_ENV}: recordings:<folder> needs an existing folder, got {arg!r}")
        self._missing: list[str] = []

    def file(self, block_id: str) -> Path | None:
        """The recording of ``block_id``, if there is one."""
        safe_name("block id", block_id)
        return next((p for s in self.SUFFIXES if (p := self.folder / f"{block_id}{s}").is_file()), None)

    def files(self, beat: str) -> list[Path]:
        """Every recording of ``beat`` this voice may read."""
        return recording_files(self.folder, beat)

    def audio(self, block_id: str, text: str) -> Audio | None:
        source = self.file(block_id)
        if source is None:
            self._missing.append(block_id)
            return None
        INPUTS.add(source.resolve())
        cache = AudioCache(cache_dir())
        key = AudioCache.key("recording", sha256_file(source))
        try:
            found = cache.get(key)
            if found is not None:
                check_length(found.duration, text)
                return found
            return admit(cache, key, source, text, {"engine": "recording", "voice": str(source), "text": text})
        except VoiceError as e:
            raise VoiceError(f"block {block_id}: recording {str(source)!r}: {e}") from None

    def missing(self) -> list[str]:
        out, self._missing = self._missing, []
        return out
