"""Holds cost one draw, and the frames are Manim's own (:mod:`scenes.pipeline.holds`)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from scenes.pipeline.holds import installed
from tests.pipeline.fixture_beats import Holds


def _render(media: Path, layer: bool) -> tuple[list[np.ndarray], list[bytes], int, object]:
    """Render :class:`Holds` at 160×90, 5 fps; return decoded frames, packets, Cairo draws, counts."""
    from manim import tempconfig
    from manim.renderer.cairo_renderer import CairoRenderer

    from tests.conftest import TEX_DIR, TINY

    draws = [0]
    update_frame = CairoRenderer.update_frame

    def counted(renderer, *args, **kwargs):
        draws[0] += 1
        return update_frame(renderer, *args, **kwargs)

    CairoRenderer.update_frame = counted
    try:
        with tempconfig({**TINY, "media_dir": str(media), "tex_dir": str(TEX_DIR), "write_to_movie": True}):
            with installed(enabled=layer) as stats:
                scene = Holds()
                scene.render()
            video = Path(scene.renderer.file_writer.movie_file_path)
    finally:
        CairoRenderer.update_frame = update_frame
    with av.open(str(video)) as container:
        packets = [bytes(p) for p in container.demux(video=0) if p.size]
    with av.open(str(video)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    return frames, packets, draws[0], stats


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The same scene rendered by Manim alone and with the layer installed."""
    return _render(tmp_path_factory.mktemp("plain"), False), _render(tmp_path_factory.mktemp("holds"), True)


def test_frames_are_manims_own(both):
    (plain, plain_packets, _, _), (fast, fast_packets, _, _) = both
    assert len(fast) == len(plain) > 0
    for i, (a, b) in enumerate(zip(plain, fast)):
        assert np.array_equal(a, b), f"frame {i} differs"
    # (The encoded packets are not compared: in-process, without the workers' MALLOC_PERTURB_, x264
    # reads memory it never wrote and its bytes can differ between two renders of the same frames.)


def test_a_hold_costs_one_draw(both):
    (plain, _, plain_draws, _), (_, _, fast_draws, stats) = both
    fps, hold = 5, round(Holds.hold * 5)
    # Manim draws every frame of the two live holds; the layer draws the first
    # of each, plus the one frame where the updater turns the circle red.
    assert plain_draws - fast_draws == (hold - 1) + (hold - 2)
    assert stats.reused == (hold - 1) + (hold - 2)
    # Each distinct frame is converted once; every other frame is re-sent.
    assert stats.converted + stats.resent == len(plain)
    assert stats.converted == len(plain) - stats.resent
    assert stats.resent >= (hold - 1) * 3 - 1


def test_a_frame_whose_rows_pyav_pads_keeps_its_pixels() -> None:
    """854 pixels of RGBA (the low quality's width) is a row PyAV pads: the pixels still arrive whole,
    and convert to the same yuv420p as Manim's own path (``from_ndarray``)."""
    from scenes.pipeline.holds import rgba_frame

    for width in (854, 160, 3840):
        pixels = np.random.default_rng(width).integers(0, 255, (48, width, 4), dtype=np.uint8)
        frame = rgba_frame(pixels)
        assert np.array_equal(frame.to_ndarray(), pixels)
        manims = av.VideoFrame.from_ndarray(pixels, format="rgba").reformat(format="yuv420p")
        assert np.array_equal(frame.reformat(format="yuv420p").to_ndarray(), manims.to_ndarray())
        flipped = rgba_frame(pixels[::-1])  # not one block: made into one
        assert np.array_equal(flipped.to_ndarray(), pixels[::-1])


def test_the_pool_never_hands_out_a_frame_still_held() -> None:
    """A frame array comes back only when nothing but the pool holds it (the encoder's queue, a hold)."""
    from scenes.pipeline.holds import FramePool

    pool = FramePool()
    camera = np.zeros((4, 6, 4), np.uint8)
    queued = []
    for value in range(5):  # five frames in flight at once: five arrays, each with its own picture
        camera[...] = value
        queued.append(pool.copy_of(camera))
    assert len(pool) == 5
    assert [int(q[0, 0, 0]) for q in queued] == [0, 1, 2, 3, 4]
    first = queued.pop(0)
    view = first[1:]  # a view holds its array too
    del first
    camera[...] = 9
    fresh = pool.copy_of(camera)
    assert len(pool) == 6 and int(view[0, 0, 0]) == 0
    del view, fresh
    camera[...] = 7
    again = pool.copy_of(camera)  # now the first array is free again
    assert len(pool) == 6 and int(again[0, 0, 0]) == 7
    assert [int(q[0, 0, 0]) for q in queued] == [1, 2, 3, 4]
    bigger = pool.copy_of(np.ones((8, 6, 4), np.uint8))  # another shape never takes a smaller array
    assert bigger.shape == (8, 6, 4) and len(pool) == 7
