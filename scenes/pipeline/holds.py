"""Holds cost almost nothing: the frame layer the worker installs on Manim.

A narrated lecture is mostly holds: the picture waits while the voice
speaks. Manim 0.22 draws a static ``wait`` once, but then converts the same
RGBA array to the encoder's pixel format once per frame
(``av.VideoFrame.from_ndarray`` and a swscale pass, about 6 ms a frame at
1080p); and a wait during which any mobject has a time-based updater (a
burned-in caption band, a ticking readout) is drawn anew every frame even
when nothing it draws has changed. :func:`installed` changes three methods,
for the time of the block, so that:

1. :class:`VideoSegmentEncoder` converts each *distinct* frame once, read
   where it lies (no copy into a PyAV frame first), and re-sends the
   converted ``yuv420p`` frame with new timestamps for a repeat (a static
   wait) or when it is handed the same array again;
2. :class:`CairoRenderer` skips drawing a frame when everything it would
   draw is exactly as it was at the last drawn frame of the same animation
   (same mobjects in the same order, same points, colours, widths, joints):
   it hands the encoder the previous frame's array again, which (1) then
   re-sends without converting. Updaters still run every frame, so the
   scene's logic is unchanged; only the drawing is skipped;
3. a drawn frame is copied into an array of a :class:`FramePool` rather
   than a new one, so a render keeps a few frame arrays instead of
   allocating, faulting in and freeing one per drawn frame (Setup at
   1080p60: 29–31 s instead of 33–35 s).

The pixels are the ones Manim makes: the same swscale conversion (bilinear,
PyAV's default), and a skipped frame is only ever replaced by a frame drawn
from identical inputs. ``tests/pipeline/test_holds.py`` counts the draws of
a hold and compares the decoded frames with Manim's own output.

The film never imports this module: plain ``manim render`` runs Manim
untouched; the build's worker (:mod:`scenes.pipeline.worker`) installs it.
What x264 does with a repeated frame is x264's business (a skip frame costs
it a few milliseconds); the encoder settings are chosen in ``manim.cfg``
(see ``python -m scenes bench --encoders``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from scenes.pipeline.patching import patched

__all__ = ["HOLDS_ENV", "FramePool", "HoldStats", "installed", "signature", "rgba_frame"]

#: ``off`` in a worker's environment renders with Manim untouched (for A/B comparisons).
HOLDS_ENV = "LECTURE_HOLDS"


def rgba_frame(pixels: np.ndarray) -> Any:
    """``pixels`` (height × width × 4, RGBA) as a PyAV frame that reads them where they are.

    No copy (``from_ndarray`` copies the whole picture, 33 MB at 4k, and
    is slower): the frame keeps ``pixels`` alive while it exists, and an
    array that is not one C-contiguous block is made into one first.
    swscale then converts the same bytes ``from_ndarray``'s frame would
    hold, so the picture is the same (``tests/pipeline/test_holds.py``).
    """
    import av

    return av.VideoFrame.from_numpy_buffer(np.ascontiguousarray(pixels), format="rgba")


def _held_by_a_list_only() -> int:
    """What ``sys.getrefcount`` says of an item only a list holds, in this interpreter."""
    probe = [np.empty(1)]
    return sys.getrefcount(probe[0])


class FramePool:
    """Arrays for the frames handed to the encoder, each reused once nothing else holds it.

    Manim copies the camera's picture into a new array for every frame it
    draws (``CairoRenderer.get_frame``): 8 MB at 1080p, 33 MB at 4k,
    allocated, faulted in and freed about 60 times a second. The pool
    copies into an array that only the pool still holds (the queue to
    the encoder, the encoder's last frame, a hold and a play's static
    picture all hold theirs), so a frame in flight is never written over,
    and a process keeps as many arrays as it ever had in flight at once
    (six in a 4k render). (What keeps a 4k process under 1 GB is this
    with :func:`scenes.pipeline.worker.map_large_blocks`: the pool alone
    left the heap's holes in place, 1140 MB on Cancel.)
    """

    #: What ``sys.getrefcount`` reports for an array only the pool holds.
    ALONE = _held_by_a_list_only()

    def __init__(self) -> None:
        self._arrays: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self._arrays)

    def copy_of(self, pixels: np.ndarray) -> np.ndarray:
        """A copy of ``pixels`` in a free array of the pool (a new one if none is free)."""
        for i in range(len(self._arrays)):
            if (sys.getrefcount(self._arrays[i]) == self.ALONE and self._arrays[i].shape == pixels.shape
                    and self._arrays[i].dtype == pixels.dtype):
                np.copyto(self._arrays[i], pixels)
                return self._arrays[i]
        array = np.array(pixels, copy=True, order="C")
        self._arrays.append(array)
        return array


@dataclass
class HoldStats:
    """What the layer did in one process: frames drawn, frames reused, conversions."""

    drawn: int = 0
    reused: int = 0
    converted: int = 0
    resent: int = 0
    #: Frame arrays the process allocated (:class:`FramePool`): the most it had in flight at once.
    arrays: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts, for the worker's facts line."""
        return {"frames_drawn_cairo": self.drawn, "frames_reused": self.reused,
                "frames_converted": self.converted, "frames_resent": self.resent, "frame_arrays": self.arrays}


def _vmobject_state(mob: Any) -> tuple:
    """Everything Manim's Cairo camera reads to draw one VMobject (see ``Camera.display_vectorized``)."""
    return (
        id(mob),
        mob.points.tobytes(),
        mob.get_fill_rgbas().tobytes(),
        mob.get_stroke_rgbas().tobytes(),
        mob.get_stroke_rgbas(background=True).tobytes(),
        float(mob.get_stroke_width()),
        float(mob.get_stroke_width(background=True)),
        mob.joint_type,
        mob.cap_style,
        np.asarray(mob.sheen_direction).tobytes(),
        float(mob.sheen_factor),
        mob.get_background_image(),
        mob.n_points_per_cubic_curve,
    )


def signature(camera: Any, mobjects: Any) -> list | None:
    """What ``camera`` would draw for ``mobjects``, as comparable values; ``None`` if unknown.

    Two equal signatures draw the same pixels onto the same background.
    Only vectorized mobjects are understood (the lecture draws nothing
    else); an image or point cloud gives ``None``, which never matches, so
    such a frame is always drawn.
    """
    from manim.mobject.types.vectorized_mobject import VMobject

    state: list = [camera.frame_center.tobytes(), float(camera.frame_width), float(camera.frame_height)]
    for mob in camera.get_mobjects_to_display(mobjects):
        if not isinstance(mob, VMobject):
            return None
        state.append(_vmobject_state(mob))
    return state


@contextmanager
def installed(enabled: bool = True) -> Iterator[HoldStats]:
    """Install the layer on Manim's classes for the duration of the block; yield its counts.

    With ``enabled=False`` nothing is changed (the counts stay zero).
    """
    import av
    from manim.renderer.cairo_renderer import CairoRenderer
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    stats = HoldStats()
    if not enabled:
        yield stats
        return
    manim_play = CairoRenderer.play

    def play(renderer: Any, *args: Any, **kwargs: Any) -> None:
        # Each play paints a new static background: nothing carries over from the last one.
        renderer._hold = None
        try:
            manim_play(renderer, *args, **kwargs)
        finally:
            renderer._hold = None

    def render(renderer: Any, scene: Any, time: float, moving_mobjects: Any = None) -> None:
        mobjects = moving_mobjects if moving_mobjects else list(scene.mobjects) + list(scene.foreground_mobjects)
        state = signature(renderer.camera, mobjects)
        hold = getattr(renderer, "_hold", None)
        if state is not None and hold is not None and hold[0] == state:
            stats.reused += 1
            renderer.add_frame(hold[1])
            return
        renderer.update_frame(scene, moving_mobjects)
        frame = renderer.get_frame()
        stats.drawn += 1
        renderer._hold = (state, frame) if state is not None else None
        renderer.add_frame(frame)

    def write_frame(encoder: Any, pixels: np.ndarray, *, repeat: int = 1) -> None:
        encoder._validate_frame(pixels, repeat)
        spec = encoder.spec
        time_base = Fraction(spec.frame_rate.denominator, spec.frame_rate.numerator)
        try:
            last = getattr(encoder, "_last", None)
            if last is not None and last[0] is pixels:
                converted = last[1]
                stats.resent += repeat
            else:
                converted = _convert(encoder, pixels)
                encoder._last = (pixels, converted)
                stats.converted += 1
                stats.resent += repeat - 1
            for _ in range(repeat):
                converted.pts = encoder._next_pts
                converted.time_base = time_base
                encoder._next_pts += 1
                for packet in encoder._stream.encode(converted):
                    encoder._container.mux(packet)
        except BaseException as error:
            raise encoder._operation_error("encode", error) from error

    def _convert(encoder: Any, pixels: np.ndarray) -> Any:
        """``pixels`` (RGBA) in the stream's pixel format, as Manim's own path converts them."""
        stream = encoder._stream
        rgba = rgba_frame(pixels)
        codec = stream.codec_context
        # The same call PyAV makes inside encode() for a frame not yet in the stream's format.
        reformatter = getattr(encoder, "_reformatter", None)
        if reformatter is None:
            from av.video.reformatter import VideoReformatter

            reformatter = encoder._reformatter = VideoReformatter()
        return reformatter.reformat(rgba, codec.width, codec.height, codec.format, threads=codec.thread_count)

    pool = FramePool()

    def get_frame(renderer: Any) -> np.ndarray:
        frame = pool.copy_of(renderer.camera.pixel_array)
        stats.arrays = len(pool)
        return frame

    with patched({(CairoRenderer, "get_frame"): get_frame, (CairoRenderer, "play"): play,
                  (CairoRenderer, "render"): render, (VideoSegmentEncoder, "write_frame"): write_frame}):
        yield stats
