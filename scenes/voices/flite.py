"""``flite[:voice]``: CMU Flite, offline (Debian package ``flite``)."""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

from scenes.settings import VOICE_ENV
from scenes.voices.base import Synthesiser, need

__all__ = ["Flite"]


@lru_cache(maxsize=None)
def _flite_voices() -> tuple[str, ...]:
    out = subprocess.run(["flite", "-lv"], capture_output=True, text=True).stdout
    return tuple(out.split(":", 1)[-1].split())


class Flite(Synthesiser):
    """``flite[:voice]``: CMU Flite, offline (Debian package ``flite``); default voice ``rms``."""

    name = "flite"
    usage = "<voice>"

    def __init__(self, arg: str = "rms") -> None:
        super().__init__(arg)
        need("flite", "flite")
        if arg not in _flite_voices():
            raise ValueError(f"{VOICE_ENV}: flite has no voice {arg!r}; it has: {', '.join(_flite_voices())}")

    def synthesise(self, text: str, wav: Path) -> None:
        script = wav.with_suffix(".txt")
        script.write_text(text, encoding="utf-8")
        self.run(["flite", "-voice", self.arg, "-f", str(script), "-o", str(wav)])
