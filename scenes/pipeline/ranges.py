"""Work units smaller than a beat: the layer that makes a skipped play behave like a rendered one.

A unit is a range of a beat's animations (Manim's ``-n START,END``,
``config.from_animation_number`` / ``upto_animation_number``): the plays
before ``START`` are skipped, the ones from ``START`` to ``END`` rendered,
and the scene ends at the next play. For the units of a beat to join into
exactly the beat rendered whole, every play of a unit must see the scene as
the whole render does. Manim 0.22 gets two things wrong for a skipped play,
and :func:`installed` fixes both, for the time of the block:

1. **Time.** A rendered play advances the scene's time frame by frame (an
   animation by ``1/fps`` per frame of ``np.arange(0, run_time, 1/fps)``, a
   static wait by ``int(run_time * fps)`` frames at once); a skipped one
   jumps by its exact ``run_time``, and runs its updaters once with the
   whole ``run_time`` as ``dt``. So a unit starting after a skipped
   1.1 s play at 5 fps would start 0.1 s off, and a time-based updater
   would have seen other steps. Here a skipped play runs exactly as a
   rendered one (the same time steps, the same updater calls, the same
   additions to the scene's time, the same final ``update_mobjects(0)``),
   only nothing is drawn or written.
2. **Sound.** ``Scene.add_sound`` does nothing while a play is skipped, so
   a voice started in an earlier unit would be lost. Here every sound the
   scene asks for is recorded (file, start in seconds of the beat, gain),
   skipped or not, and handed to nobody else; the records are the beat's
   whole soundtrack, so the build lays it itself whichever unit a sound
   started in.

The layer also records where each section (narrated block) starts: its
name, animation number and time, and the line of the film that started it
(``site``: the ``narrate`` or ``checkpoint`` call), so the build can cut a
beat into units at block boundaries and key each unit by the words of its
own blocks (:mod:`scenes.pipeline.units`).

Manim mixes no sound: its mixer (pydub, ``SceneFileWriter.add_audio_segment``)
is switched off, since the build lays the soundtrack from the records
(:func:`scenes.pipeline.audio.lay_sounds`); the movie a worker writes is
picture only.

The film never imports this module: the build's worker
(:mod:`scenes.pipeline.worker`) installs it. ``tests/pipeline/test_ranges.py``
renders a beat whole and as units and compares decoded frames and sounds.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from dataclasses import asdict, dataclass, field
from typing import Any

from scenes.pipeline.patching import patched

__all__ = ["RANGE_ENV", "Sound", "Section", "Recorded", "parse_range", "state_digest", "installed"]

#: Environment variable naming the unit a worker renders: ``START,END`` animation numbers (inclusive).
RANGE_ENV = "LECTURE_RANGE"


@dataclass(frozen=True)
class Sound:
    """One sound the scene asked for: its file, when it starts (seconds of the beat) and its gain (dB)."""

    path: str
    start: float
    gain: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The record as a JSON object (for the worker's facts line)."""
        return asdict(self)


@dataclass(frozen=True)
class Section:
    """Where a section starts: its name, the number of its first animation, its time (seconds of the beat),
    the film's line that started it (``[file, line]``; ``None`` if none was found), and the digest of the
    scene's state at that moment."""

    name: str
    play: int
    start: float
    site: tuple[str, int] | None = None
    state: str = ""  # digest of what the scene shows when the section starts (:func:`state_digest`)

    def to_json(self) -> dict[str, Any]:
        """The record as a JSON object (for the worker's facts line)."""
        return asdict(self)


@dataclass
class Recorded:
    """What the layer recorded in one render: every sound and every section start."""

    sounds: list[Sound] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        """The records, for the worker's facts line."""
        return {"sounds": [s.to_json() for s in self.sounds], "section_starts": [s.to_json() for s in self.sections]}


def parse_range(text: str) -> tuple[int, int] | None:
    """``"START,END"`` as two animation numbers; ``None`` for an empty string (the whole beat).

    Raises
    ------
    ValueError
        For anything but two whole numbers ``0 <= START <= END``.
    """
    text = text.strip()
    if not text:
        return None
    parts = text.split(",")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"{RANGE_ENV} must be START,END (two whole numbers), got {text!r}")
    start, end = (int(p) for p in parts)
    if start > end:
        raise ValueError(f"{RANGE_ENV}: START must not be after END, got {text!r}")
    return start, end


#: Files whose frames are never a section's call site: Manim, contextlib, this layer.
_MACHINERY = (str(Path(contextlib.__file__).resolve().parent), str(Path(__file__).resolve().parent))
#: The film's methods that start a block on behalf of their caller.
_STARTERS = ("narrate", "checkpoint")


def _call_site() -> tuple[str, int] | None:
    """The film's line that started the section being started now: outside Manim and this layer, and
    past the film's own ``narrate``/``checkpoint`` (so a checkpoint's block is sited at its ``checkpoint`` call)."""
    import manim

    skip = {str(Path(manim.__file__).resolve().parent), *_MACHINERY}
    starters: set[str] = set()
    frame = sys._getframe(1)
    while frame is not None:
        file = str(Path(frame.f_code.co_filename).resolve())
        if frame.f_code.co_name in _STARTERS:
            starters.add(file)
        elif not any(file.startswith(d) for d in skip) and file not in starters:
            return file, int(frame.f_lineno)
        frame = frame.f_back
    return None


def state_digest(scene: Any) -> str:
    """A digest of everything the scene shows: each mobject's kind, points, colours, widths and pixels.

    Two renders in which a block starts with the same digest start it from
    the same picture state, whatever came before (the build reuses a unit
    only then: an earlier block that ran longer may have let a time-based
    updater move something).
    """
    import numpy as np

    h = hashlib.sha256()
    for top in scene.mobjects:
        for m in top.get_family():
            if not len(getattr(m, "points", ())) and getattr(m, "pixel_array", None) is None:
                continue  # draws nothing (a wait's placeholder, an empty group)
            h.update(type(m).__name__.encode())
            for name in ("points", "fill_rgbas", "stroke_rgbas", "background_stroke_rgbas", "pixel_array"):
                value = getattr(m, name, None)
                if value is not None:
                    h.update(np.ascontiguousarray(value).tobytes())
            h.update(repr((getattr(m, "stroke_width", None), getattr(m, "z_index", None))).encode())
    return h.hexdigest()


def _skipped_play(renderer: Any, scene: Any, args: tuple, kwargs: dict) -> None:
    """A play skipped by the animation range, run as the rendered play would be, drawing and writing nothing.

    Mirrors ``CairoRenderer.play`` and ``Scene.play_internal`` of Manim 0.22
    for a play that is rendered, with ``_dry`` set so that
    :func:`installed`'s ``render`` only advances the time.
    """
    scene.compile_animation_data(*args, **kwargs)
    writer = renderer.file_writer
    if writer.output_spec.is_video:
        # The placeholder keeps the movie's list aligned with animation numbers; the section gets
        # none, so a section wholly before the unit is dropped instead of joined from nothing.
        writer.partial_movie_files.append(None)
    renderer.animations_hashes.append(None)
    writer.begin_animation(False, animation_index=renderer.num_plays)
    scene.begin_animations()
    if scene.is_current_animation_frozen_frame():
        dt = 1 / renderer.camera.frame_rate
        renderer.time += int(scene.duration / dt) * dt  # as add_frame(num_frames=...) does
    else:
        renderer.skip_animations = False  # the full time progression, and the final update_mobjects(0)
        renderer._dry = True
        try:
            scene.play_internal()
        finally:
            renderer._dry = False
            renderer.skip_animations = True
    renderer.static_image = None
    writer.end_animation(False)
    renderer.num_plays += 1


@contextmanager
def installed(enabled: bool = True) -> Iterator[Recorded]:
    """Install the layer on Manim's classes for the duration of the block; yield what it records.

    With ``enabled=False`` nothing is changed and nothing is recorded.
    """
    from manim.manager import Manager
    from manim.renderer.cairo_renderer import CairoRenderer
    from manim.scene.scene_file_writer import SceneFileWriter

    recorded = Recorded()
    if not enabled:
        yield recorded
        return
    outer_play, outer_render = CairoRenderer.play, CairoRenderer.render
    outer_next_section = Manager.next_section

    def play(renderer: Any, scene: Any, *args: Any, **kwargs: Any) -> None:
        renderer.skip_animations = renderer._original_skipping_status
        renderer.update_skipping_status()  # ends the scene after the range (EndSceneEarlyException)
        if renderer.skip_animations and not renderer._original_skipping_status:
            _skipped_play(renderer, scene, args, kwargs)
        else:
            outer_play(renderer, scene, *args, **kwargs)

    def render(renderer: Any, scene: Any, time: float, moving_mobjects: Any = None) -> None:
        if getattr(renderer, "_dry", False):
            renderer.time += 1 * (1 / renderer.camera.frame_rate)  # as add_frame does for one frame
            return
        outer_render(renderer, scene, time, moving_mobjects)

    def add_sound(manager: Any, sound_file: str, time_offset: float = 0, gain: float | None = None,
                  **kwargs: Any) -> None:
        recorded.sounds.append(Sound(str(sound_file), float(manager.time + time_offset), gain))

    def next_section(manager: Any, name: str = "unnamed", *args: Any, **kwargs: Any) -> None:
        recorded.sections.append(Section(str(name), int(manager.num_plays), float(manager.time), _call_site(),
                                         state_digest(manager.scene)))
        outer_next_section(manager, name, *args, **kwargs)

    def add_audio_segment(writer: Any, *args: Any, **kwargs: Any) -> None:
        """Manim's mixer, switched off: the build lays the sound from the records."""

    with patched({(CairoRenderer, "play"): play, (CairoRenderer, "render"): render,
                  (Manager, "add_sound"): add_sound, (Manager, "next_section"): next_section,
                  (SceneFileWriter, "add_audio_segment"): add_audio_segment}):
        yield recorded
