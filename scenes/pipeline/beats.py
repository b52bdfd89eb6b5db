"""The lecture's beats as the build sees them: which there are, which were chosen, what they need.

:data:`LECTURE` says where the order of the lecture lives (the one list,
``scenes.lecture.SCENES_IN_ORDER``); :func:`beats` loads it, :func:`select_beats`
picks by name, and :func:`check_system` says which Debian package is missing
before any render starts.
"""

from __future__ import annotations

import importlib
import inspect
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from neuron.checks import safe_name
from scenes.block import BlockRecord
from scenes.pipeline.errors import BuildError
from scenes.pipeline.quality import QUALITIES

__all__ = ["LECTURE", "SYSTEM_TOOLS", "SYSTEM_MODULES", "Beat", "beats", "select_beats", "check_quality",
           "check_system", "check_modules", "BeatResult"]

#: Where the order of the lecture lives: ``module-or-file[:list name]``.
LECTURE = "scenes.lecture:SCENES_IN_ORDER"

#: Programs the render needs on PATH: (program, what it is, Debian package).
SYSTEM_TOOLS: tuple[tuple[str, str, str], ...] = (
    ("latex", "LaTeX", "texlive-latex-extra"),
    ("dvisvgm", "dvisvgm (LaTeX to SVG)", "dvisvgm"),
)

#: Compiled modules manim needs: (module, what it is, Debian packages to build it).
SYSTEM_MODULES: tuple[tuple[str, str, str], ...] = (
    ("cairo", "pycairo (Cairo drawing)", "libpango1.0-dev pkg-config"),
    ("manimpango", "manimpango (Pango text)", "libpango1.0-dev pkg-config"),
)


def _apt(packages: str) -> str:
    return f"sudo apt-get install --no-install-recommends {packages}"


def check_modules() -> list[str]:
    problems = []
    for module, what, packages in SYSTEM_MODULES:
        try:
            importlib.import_module(module)
        except ImportError as e:
            problems.append(f"{what} cannot be imported ({e}): install {packages} ({_apt(packages)}), "
                            "then run tools/setup.sh lecture to rebuild it")
    return problems


def check_system() -> None:
    """Check, before any render starts, that LaTeX and Cairo/Pango are usable.

    Raises
    ------
    BuildError
        Naming each missing program or library and the Debian package that
        provides it, e.g. ``LaTeX not found ('latex' is not on PATH): install
        texlive-latex-extra (sudo apt-get install --no-install-recommends
        texlive-latex-extra)``.
    """
    problems = []
    for program, what, package in SYSTEM_TOOLS:
        if shutil.which(program) is None:
            problems.append(f"{what} not found ({program!r} is not on PATH): install {package} ({_apt(package)})")
    problems += check_modules()
    if problems:
        raise BuildError("cannot render:\n  " + "\n  ".join(problems)
                         + "\n(tools/setup.sh lecture installs everything the render needs)")


@dataclass(frozen=True)
class Beat:
    """One scene of the lecture, as the build sees it."""

    order: int
    scene: type
    slug: str = field(init=False)

    def __post_init__(self) -> None:
        module = Path(inspect.getfile(self.scene)).stem  # s01_setup
        name = module.split("_", 1)[-1].replace("_", "-")
        object.__setattr__(self, "slug", safe_name("beat slug", f"{self.order:02d}-{name}", replace=True))

    @property
    def name(self) -> str:
        return self.scene.__name__

    @property
    def title(self) -> str:
        return self.scene.title

    @property
    def file(self) -> Path:
        return Path(inspect.getfile(self.scene))

    def fingerprint(self, quality: str) -> str:
        """Hash of the settings the beat renders with: everything but its sources.

        See :func:`scenes.pipeline.stamp.fingerprint`. The code the render
        ran is checked apart, file by file, against the list the worker
        recorded.
        """
        from scenes.pipeline.stamp import fingerprint

        return fingerprint(self, quality)


def beats(lecture: str | None = None) -> list[Beat]:
    """The lecture's beats, in order.

    Parameters
    ----------
    lecture
        Where the scene list lives, ``module-or-file[:name]`` (default
        :data:`LECTURE`; the name defaults to ``SCENES_IN_ORDER``). Tests
        point this at their own tiny scenes.

    Raises
    ------
    BuildError
        If the list cannot be imported because Cairo or Pango is missing
        (naming the Debian package), or the list is not there.
    """
    from scenes.pipeline.worker import load_module

    spec = lecture or LECTURE
    target, _, name = spec.rpartition(":") if ":" in spec else (spec, "", "")
    name = name or "SCENES_IN_ORDER"
    try:
        module = load_module(target)
    except ImportError as e:
        problems = check_modules()
        if problems:
            raise BuildError("cannot load the scenes:\n  " + "\n  ".join(problems)) from e
        raise
    except ValueError as e:  # a preset refused its values when the scenes built it
        raise BuildError(f"invalid preset: {e} (see neuron/presets.py); nothing was rendered") from None
    try:
        scenes = getattr(module, name)
    except AttributeError:
        raise BuildError(f"{target} has no scene list {name!r}") from None
    return [Beat(i, scene) for i, scene in enumerate(scenes, 1)]


def check_quality(quality: str) -> str:
    """Return ``quality`` or raise a BuildError listing the valid names."""
    if quality not in QUALITIES:
        raise BuildError(f"unknown quality {quality!r}; choose one of: {', '.join(QUALITIES)}")
    return quality


def select_beats(names: Sequence[str] | None, lecture: str | None = None) -> list[Beat]:
    """The beats named (by scene name or slug, any case), or all of them.

    ``lecture`` is passed on to :func:`beats`.

    Raises
    ------
    BuildError
        For an unknown name, listing the valid ones.
    """
    everything = beats(lecture)
    if not names:
        return everything
    index = {}
    for b in everything:
        for key in (b.name, b.slug, b.slug.split("-", 1)[1]):
            index[key.lower()] = b
    unknown = [n for n in names if n.lower() not in index]
    if unknown:
        valid = ", ".join(f"{b.name} ({b.slug.split('-', 1)[1]})" for b in everything)
        raise BuildError(f"unknown beat {', '.join(map(repr, unknown))}; valid beats: {valid}")
    chosen = {index[n.lower()].order for n in names}
    return [b for b in everything if b.order in chosen]


@dataclass
class BeatResult:
    """What rendering one beat produced."""

    beat: Beat
    video: Path
    captions: Path
    duration: float
    wall: float
    rendered: bool  # False: up to date, reused
    facts: dict | None = None  # the worker's facts (from this render or the stamp)
    reason: str = ""  # why it was rendered ("" if reused)
    files: dict | None = None  # file name → file_record of the published MP4, captions and sections
    sections: list[BlockRecord] = field(default_factory=list)  # one per narrated block, file relative to beats/
