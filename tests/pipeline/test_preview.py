"""The preview's contact sheet: one row per beat, frames evenly through each.

The sheet is drawn from synthetic videos whose every frame is a different
solid colour, so each thumbnail says which frame it shows.
"""

from __future__ import annotations

import colorsys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from scenes.pipeline.build import BuildError
from scenes.pipeline.preview import SheetRow, contact_sheet, frame_times

FPS = 5
FRAMES = 10  # two seconds


def _colours(first_hue: float) -> list[tuple[int, int, int]]:
    """One colour per frame, 18° of hue apart, within one half of the wheel."""
    return [tuple(round(255 * c) for c in colorsys.hsv_to_rgb((first_hue + 18 * i) / 360, 0.85, 0.9))
            for i in range(FRAMES)]


def _colour_video(path: Path, colours: list[tuple[int, int, int]]) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 160, 90, "yuv420p"
        for i, rgb in enumerate(colours):
            frame = av.VideoFrame.from_ndarray(np.full((90, 160, 3), rgb, np.uint8), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, FPS)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def test_frame_times_are_even_and_end_on_the_last_frame():
    assert frame_times(10.0, 5) == pytest.approx([2.0, 4.0, 6.0, 8.0, 10.0])
    assert frame_times(3.0, 1) == pytest.approx([3.0])


def test_contact_sheet_rows_show_the_frames_at_even_times(tmp_path):
    palettes = [_colours(0), _colours(180)]
    rows = [SheetRow(n, f"Beat {n}", _colour_video(tmp_path / f"{n}.mp4", p), FRAMES / FPS)
            for n, p in enumerate(palettes, 1)]
    count, width = 4, 96
    sheet = np.asarray(contact_sheet(rows, frames=count, thumb_width=width, heading="test"), dtype=int)
    height = round(width * 90 / 160)
    everything = [c for p in palettes for c in p]
    row_tops = []
    for palette in palettes:
        lefts = []
        for t in (FRAMES / FPS * (i + 1) / count for i in range(count)):
            want = palette[min(int(t * FPS + 1e-9), FRAMES - 1)]  # the frame on screen at t
            distance = np.abs(sheet - np.array(want)).sum(axis=2)
            nearest_other = min(np.abs(np.array(c) - want).sum() for c in everything if c != want)
            ys, xs = np.nonzero(distance < nearest_other / 2)
            assert len(xs) >= 0.75 * width * height  # less the time stamp tab, f"no thumbnail of colour {want} at t={t}"
            assert xs.max() - xs.min() + 1 == pytest.approx(width, abs=2)
            assert ys.max() - ys.min() + 1 == pytest.approx(height, abs=2)
            lefts.append(xs.min())
            row_tops.append(ys.min())
        assert lefts == sorted(lefts) and len(set(lefts)) == count, "thumbnails out of order"
    assert max(row_tops[:count]) < min(row_tops[count:]), "second beat is not below the first"


def test_preview_fails_when_a_beat_fails(tmp_path, monkeypatch, capsys):
    import scenes.pipeline.preview
    from scenes.pipeline.cli import main

    def failing(*args, **kwargs):
        raise BuildError("beat 02-flatline (Flatline) failed to render: boom")

    monkeypatch.setattr(scenes.pipeline.preview, "render_beats", failing)
    assert main(["preview", "--media", str(tmp_path)]) != 0
    assert "failed to render" in capsys.readouterr().err
    assert not list(tmp_path.rglob("*.png"))
