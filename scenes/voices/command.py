"""``cmd:<template>``: any speech command the teacher names."""

from __future__ import annotations

import shlex
from pathlib import Path

from scenes.settings import VOICE_ENV
from scenes.voices.base import Synthesiser

__all__ = ["Command"]


class Command(Synthesiser):
    """``cmd:<template>``: any speech command; ``{wav}`` is the file to write, ``{text}`` the words.

    The template runs in a shell; ``{text}`` and ``{wav}`` are shell-quoted,
    and the text is also given on standard input, e.g.
    ``cmd:piper --model my.onnx --output_file {wav}``.
    """

    name = "cmd"
    usage = "<template with {wav}>"

    def __init__(self, arg: str = "") -> None:
        super().__init__(arg)
        if "{wav}" not in arg:
            raise ValueError(f"{VOICE_ENV}: cmd:<template> must contain {{wav}}, got {arg!r}")

    @property
    def what(self) -> str:
        return f"voice command {self.arg!r}"

    def synthesise(self, text: str, wav: Path) -> None:
        command = self.arg.replace("{wav}", shlex.quote(str(wav))).replace("{text}", shlex.quote(text))
        self.run(command, stdin=text, shell=True)
