"""A quick look at every beat: ``python -m scenes preview`` (what CI runs).

Renders every beat at low quality (beats already up to date are reused) and
draws ``media/low/contact-sheet.png``: one row per beat, labelled with its
number, title and duration, a few frames evenly through it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from scenes.pipeline.build import BeatResult, render_beats, select_beats
from scenes.pipeline.layout import MediaLayout
from scenes.pipeline.writers import frames_at
from scenes.pipeline.page import PAGE_ACCENT, PAGE_BACKGROUND, clock, rgb
from scenes.pipeline.media import atomic_path

__all__ = ["SheetRow", "frame_times", "contact_sheet", "preview", "FONT_PATH"]

FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
BOLD_FONT_PATH = FONT_PATH.with_name("DejaVuSans-Bold.ttf")
TEXT = rgb("text")
MUTED = rgb("muted")
ACCENT = PAGE_ACCENT
PAD = 16
LABEL_HEIGHT = 36


@dataclass(frozen=True)
class SheetRow:
    """One beat on the contact sheet."""

    order: int
    title: str
    video: Path
    duration: float


def frame_times(duration: float, count: int) -> list[float]:
    """``count`` times evenly through a clip, ending on its last frame.

    The first frame (often an empty background) is skipped:
    ``frame_times(10, 5) == [2.0, 4.0, 6.0, 8.0, 10.0]``.
    """
    return [duration * (i + 1) / count for i in range(count)]


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = BOLD_FONT_PATH if bold else FONT_PATH
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default(size)


def contact_sheet(rows: Sequence[SheetRow], *, frames: int = 5, thumb_width: int = 320,
                  heading: str = "") -> Image.Image:
    """Draw the sheet: a heading, then per row a label and ``frames`` thumbnails.

    Parameters
    ----------
    rows
        The beats, top to bottom.
    frames
        Thumbnails per row, at :func:`frame_times`.
    thumb_width
        Width of a thumbnail in pixels; the height keeps the video's aspect.
    heading
        Line drawn above the rows.
    """
    if not rows:
        raise ValueError("contact_sheet needs at least one row")
    thumbs = [frames_at(r.video, frame_times(r.duration, frames)) for r in rows]
    w0, h0 = thumbs[0][0].size
    thumb_height = round(thumb_width * h0 / w0)
    row_height = LABEL_HEIGHT + thumb_height + PAD
    top = PAD + LABEL_HEIGHT
    sheet = Image.new("RGB", (PAD + frames * (thumb_width + PAD), top + len(rows) * row_height), PAGE_BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    draw.text((PAD, PAD), heading, font=_font(20, bold=True), fill=TEXT)
    for r, (row, images) in enumerate(zip(rows, thumbs)):
        y = top + r * row_height
        _label(draw, row, y)
        for i, (image, t) in enumerate(zip(images, frame_times(row.duration, frames))):
            x = PAD + i * (thumb_width + PAD)
            sheet.paste(image.resize((thumb_width, thumb_height), Image.Resampling.LANCZOS), (x, y + LABEL_HEIGHT))
            _stamp(draw, clock(t) if t < row.duration else "end", x, y + LABEL_HEIGHT + thumb_height)
    return sheet


def _label(draw: ImageDraw.ImageDraw, row: SheetRow, y: int) -> None:
    """``01  The setup  0:25`` above a row."""
    number = f"{row.order:02d}"
    draw.text((PAD, y + 6), number, font=_font(22, bold=True), fill=ACCENT)
    x = PAD + draw.textlength(number, font=_font(22, bold=True)) + 12
    draw.text((x, y + 6), row.title, font=_font(22), fill=TEXT)
    x += draw.textlength(row.title, font=_font(22)) + 14
    draw.text((x, y + 10), f"{clock(row.duration)}  ({row.duration:.1f} s)", font=_font(17), fill=MUTED)


def _stamp(draw: ImageDraw.ImageDraw, text: str, x: int, bottom: int) -> None:
    """A small time stamp on a dark tab at a thumbnail's bottom left."""
    font = _font(13)
    width = draw.textlength(text, font=font)
    draw.rectangle((x, bottom - 19, x + width + 10, bottom), fill=(0, 0, 0))
    draw.text((x + 5, bottom - 17), text, font=font, fill=TEXT)


def preview(
    *,
    media: Path | None = None,
    jobs: int | None = None,
    frames: int = 5,
    report: Callable[[str], None] = print,
    results: list[BeatResult] | None = None,
) -> Path:
    """Render every beat at low quality, then write ``media/low/contact-sheet.png``.

    ``results``, if given, receives every beat's :class:`BeatResult` (for a run summary).

    Raises
    ------
    BuildError
        If any beat fails to render (the others are still published).
    """
    done = render_beats(select_beats(None), "low", jobs=jobs, media=media, report=report)
    if results is not None:
        results.extend(done)
    rows = [SheetRow(r.beat.order, r.beat.title, r.video, r.duration) for r in done]
    total = sum(r.duration for r in rows)
    sheet = contact_sheet(rows, frames=frames,
                          heading=f"{len(rows)} beats · {clock(total)} in all · low quality preview")
    target = MediaLayout.of("low", media).contact_sheet
    with atomic_path(target) as tmp:
        sheet.save(tmp, format="PNG", optimize=True)
    return target
