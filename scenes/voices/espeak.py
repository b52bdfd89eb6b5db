"""``espeak-ng[:voice]``: eSpeak NG, offline (Debian package ``espeak-ng``)."""

from __future__ import annotations

from pathlib import Path

from scenes.voices.base import Synthesiser, need

__all__ = ["EspeakNG"]


class EspeakNG(Synthesiser):
    """``espeak-ng[:voice]``: eSpeak NG, offline (Debian package ``espeak-ng``); default ``en-us``."""

    name = "espeak-ng"
    usage = "<voice>"

    def __init__(self, arg: str = "en-us") -> None:
        super().__init__(arg)
        need("espeak-ng", "espeak-ng")

    def synthesise(self, text: str, wav: Path) -> None:
        self.run(["espeak-ng", "-v", self.arg, "-w", str(wav), "--stdin"], stdin=text)
