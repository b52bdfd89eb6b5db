"""One source per fact: sizes and the axis style live in scenes/style.py, nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import scenes
from scenes.style import AXIS_NUMBER_SIZE, MUTED_COLOR, SMALL_AXIS_NUMBER_SIZE, axis_style

#: The film's own sources: every module of the scenes package but the style itself (the pipeline is apart).
FILM = sorted(p for p in Path(scenes.__file__).parent.glob("*.py") if p.name != "style.py")

#: A size written as a number (``font_size=36``, ``size=24``) or made from a named one (``LABEL_SIZE + 4``).
LITERAL_SIZE = re.compile(r"\b(?:font_)?size\s*=\s*\d|_SIZE\s*[-+]\s*\d")


def literal_sizes(source: str) -> list[tuple[int, str]]:
    """``(line number, line)`` for each line of ``source`` that writes a size as a number."""
    return [(n, line.strip()) for n, line in enumerate(source.splitlines(), 1) if LITERAL_SIZE.search(line)]


def test_the_film_names_every_size():
    assert FILM, "no film sources found"
    found = [f"{path.name}:{n}: {line}" for path in FILM for n, line in literal_sizes(path.read_text())]
    assert not found, "sizes belong in scenes/style.py, by role:\n" + "\n".join(found)


@pytest.mark.parametrize("line", [
    'tex("C", "=", font_size=36)',
    "label(note, size=20, color=MSE_COLOR)",
    "Readouts(fields, run, font_size=LABEL_SIZE + 4)",
    "words(text, size=BODY_SIZE -6)",
])
def test_a_planted_literal_size_is_found(line):
    assert literal_sizes(f"x = 1\n    {line}\n") == [(2, line)]


@pytest.mark.parametrize("line", [
    "tex('C', font_size=FORMULA_SIZE)",
    "LiveDecimal(0.5, font_size=font_size)",
    "label(text, size=SMALL_SIZE)",
    "x_length=6.4, y_length=2.4",
])
def test_named_sizes_pass(line):
    assert literal_sizes(line) == []


def test_axis_style_is_one_style_with_overrides():
    style = axis_style()
    assert style == {"color": MUTED_COLOR, "font_size": AXIS_NUMBER_SIZE, "include_numbers": True}
    small = axis_style(font_size=SMALL_AXIS_NUMBER_SIZE, numbers_to_exclude=[])
    assert small["font_size"] == SMALL_AXIS_NUMBER_SIZE and small["numbers_to_exclude"] == []
    style["color"] = "#ffffff"
    assert axis_style()["color"] == MUTED_COLOR, "each call gives a fresh dict"
