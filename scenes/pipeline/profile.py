"""Where a render's time goes: a frame profiler that only ``python -m scenes bench`` turns on.

Production renders run Manim untouched. The benchmark sets
:data:`PROFILE_ENV` for its workers, and only then does the worker wrap a
few Manim methods with :class:`FrameClock`.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["PROFILE_ENV", "FrameClock", "profiled"]

#: Set (to any non-empty value) in a worker's environment to profile its render.
PROFILE_ENV = "LECTURE_PROFILE"


@contextmanager
def profiled() -> Iterator[FrameClock | None]:
    """Profile what runs inside when :data:`PROFILE_ENV` is set; yield the clock or ``None``."""
    if not os.environ.get(PROFILE_ENV):
        yield None
        return
    clock = FrameClock()
    with clock.installed():
        yield clock


class FrameClock:
    """Cheap wall-clock accounting of one render, by phase and per frame.

    Wraps a few manim methods (two ``perf_counter`` calls each) while
    :meth:`installed` is active:

    ``tex``
        LaTeX and dvisvgm (``compile_tex``, ``convert_to_svg``).
    ``logic``
        Animations and updaters for each frame (``Scene.update_to_time``),
        less any LaTeX they compile.
    ``raster``
        Cairo drawing (``CairoRenderer.update_frame``).
    ``handoff``
        Giving frames to the encoder (``CairoRenderer.add_frame``); it grows
        when the encoder queue is full, i.e. when encoding is the bottleneck.
    ``encode``
        PyAV encoding, on manim's encoder threads, concurrent with the rest.
    ``combine``
        Joining the segments into the scene's movie.

    Per animation frame it records the wall time from the start of the
    frame's update to the end of its drawing (``frame``), the update alone
    (``frame_logic``) and the drawing alone (``frame_raster``).
    """

    PHASES = ("tex", "logic", "raster", "handoff", "encode", "combine")

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(self.PHASES, 0.0)
        self.frame: list[float] = []
        self.frame_logic: list[float] = []
        self.frame_raster: list[float] = []
        self._logic_in_frame = 0.0
        self.play_starts: list[int] = []  # index of each play's first frame
        self._frame_start: float | None = None
        self._raster_in_frame = 0.0
        self._lock = threading.Lock()

    def _timed(self, phase: str, fn: Callable[..., Any], locked: bool = False) -> Callable[..., Any]:
        clock = self

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                dt = time.perf_counter() - t0
                if locked:
                    with clock._lock:
                        clock.seconds[phase] += dt
                else:
                    clock.seconds[phase] += dt
                    if phase == "raster":
                        clock._raster_in_frame += dt

        return wrapper

    @contextmanager
    def installed(self) -> Iterator[FrameClock]:
        """Wrap manim's methods for the duration of the block."""
        from manim.renderer.cairo_renderer import CairoRenderer
        from manim.scene.scene import Scene
        from manim.scene.scene_file_writer import SceneFileWriter
        from manim.scene.video_segment_encoder import VideoSegmentEncoder
        from manim.utils import tex_file_writing

        clock = self
        patches: list[tuple[object, str, Any]] = []

        def patch(owner: object, name: str, new: Any) -> None:
            patches.append((owner, name, owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)))
            setattr(owner, name, new)

        update_to_time = Scene.update_to_time
        frame_render = CairoRenderer.render
        renderer_play = CairoRenderer.play

        def marked_play(renderer: Any, *args: Any, **kwargs: Any) -> None:
            clock.play_starts.append(len(clock.frame))
            renderer_play(renderer, *args, **kwargs)

        def timed_update(scene: Any, t: float) -> None:
            clock._frame_start = time.perf_counter()
            clock._raster_in_frame = 0.0
            t0, tex0 = clock._frame_start, clock.seconds["tex"]
            update_to_time(scene, t)
            # LaTeX compiled by an updater counts as tex, not as logic.
            clock._logic_in_frame = time.perf_counter() - t0 - (clock.seconds["tex"] - tex0)
            clock.seconds["logic"] += clock._logic_in_frame

        def timed_render(renderer: Any, *args: Any, **kwargs: Any) -> None:
            start = clock._frame_start if clock._frame_start is not None else time.perf_counter()
            frame_render(renderer, *args, **kwargs)
            clock.frame.append(time.perf_counter() - start)
            clock.frame_logic.append(clock._logic_in_frame)
            clock.frame_raster.append(clock._raster_in_frame)
            clock._frame_start = None
            clock._raster_in_frame = clock._logic_in_frame = 0.0

        patch(Scene, "update_to_time", timed_update)
        patch(CairoRenderer, "render", timed_render)
        patch(CairoRenderer, "play", marked_play)
        patch(CairoRenderer, "update_frame", self._timed("raster", CairoRenderer.update_frame))
        patch(CairoRenderer, "add_frame", self._timed("handoff", CairoRenderer.add_frame))
        patch(VideoSegmentEncoder, "write_frame", self._timed("encode", VideoSegmentEncoder.write_frame, locked=True))
        patch(VideoSegmentEncoder, "finish", self._timed("encode", VideoSegmentEncoder.finish, locked=True))
        patch(SceneFileWriter, "combine_to_movie", self._timed("combine", SceneFileWriter.combine_to_movie))
        patch(tex_file_writing, "compile_tex", self._timed("tex", tex_file_writing.compile_tex))
        patch(tex_file_writing, "convert_to_svg", self._timed("tex", tex_file_writing.convert_to_svg))
        try:
            yield self
        finally:
            for owner, name, old in reversed(patches):
                setattr(owner, name, old)

    def summary(self) -> dict[str, Any]:
        """Phase seconds and the frame-time creep (last third vs first third).

        ``creep`` is the median time of the last third of the animation
        frames over that of the first third (1.0: no creep);
        ``logic_creep`` and ``raster_creep`` split it into updates and drawing.
        A scene whose later animations are simply heavier creeps too, so
        ``play_creep`` is the same ratio within each animation of at least
        nine frames, the largest one (``play_creep_index``: which play).
        """
        out: dict[str, Any] = {"phases": {k: round(v, 4) for k, v in self.seconds.items()},
                               "frames_drawn": len(self.frame)}
        n = len(self.frame) // 3
        if n >= 1:
            out["frame_ms_median"] = round(statistics.median(self.frame) * 1e3, 3)
            for name, values in (("", self.frame), ("logic_", self.frame_logic), ("raster_", self.frame_raster)):
                first, last = statistics.median(values[:n]), statistics.median(values[-n:])
                out[f"{name}frame_ms_first_third"] = round(first * 1e3, 3)
                out[f"{name}frame_ms_last_third"] = round(last * 1e3, 3)
                out[f"{name}creep"] = round(last / first, 3) if first > 0 else None
        worst, index = None, None
        bounds = [*self.play_starts, len(self.frame)]
        for i, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:])):
            frames = self.frame[lo:hi]
            k = len(frames) // 3
            if k >= 3:
                first = statistics.median(frames[:k])
                ratio = statistics.median(frames[-k:]) / first if first > 0 else 1.0
                if worst is None or ratio > worst:
                    worst, index = ratio, i
        out["play_creep"] = round(worst, 3) if worst is not None else None
        out["play_creep_index"] = index
        # The longest animation is where a beat runs its epochs: the work there
        # is updaters, so its logic time alone shows whether updaters creep
        # (a Create or Write draws more as it goes, which is not creep).
        lo, hi = max(zip(bounds[:-1], bounds[1:]), key=lambda b: b[1] - b[0])
        logic = self.frame_logic[lo:hi]
        k = len(logic) // 3
        if k >= 3 and statistics.median(logic[:k]) > 0:
            out["longest_play_logic_creep"] = round(statistics.median(logic[-k:]) / statistics.median(logic[:k]), 3)
            out["longest_play_frames"] = hi - lo
        return out
