"""The slides: one self-contained HTML presentation and a PowerPoint file.

The videos are made here with PyAV (three short 854×480 H.264 clips with an
AAC tone, each frame drawn with PIL), so nothing is rendered with Manim. The
HTML is driven in a real headless Chromium, opened from ``file://`` as a
teacher would open it; the PowerPoint file is read back with python-pptx.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.pipeline.browser import open_page
from scenes.pipeline.page import PAGE_BACKGROUND
from scenes.block import BlockRecord
from scenes.pipeline.slides import render_slides_html, write_pptx, write_slides_html

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
FPS, SECONDS, SIZE, RATE = 10, 1.2, (854, 480), 48_000
BLOCKS = [  # (title, chapter, notes, colour of the drawing, loop)
    ("The setup", 1, "One neuron: the input x is multiplied by a weight w, a bias b is added, "
     "and the sigmoid σ gives the output a.", (80, 160, 230), False),
    ("The setup", 1, "Gradient descent from the good start: the cost falls at once.\n\n"
     "Ask: why so fast?", (60, 200, 170), True),
    ("Why it stalls", 3, "σ′ is marked in red: nearly zero at the bad start, so the gradient is tiny "
     "exactly when the neuron is most wrong.", (230, 90, 80), False),
]


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default()


def make_clip(path: Path, title: str, colour: tuple[int, int, int], seconds: float = SECONDS,
              size: tuple[int, int] = SIZE, fps: int = FPS) -> Path:
    """A short H.264 + AAC MP4: the title at the top left and a curve drawn as time goes on."""
    w, h = size
    count = int(round(seconds * fps))
    bg = tuple(int(PAGE_BACKGROUND[i:i + 2], 16) for i in (1, 3, 5))
    with av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        video = out.add_stream("libx264", rate=fps, options={"preset": "ultrafast"})
        video.width, video.height, video.pix_fmt = w, h, "yuv420p"
        audio = out.add_stream("aac", rate=RATE)
        audio.layout = "mono"
        xs = np.linspace(0.1 * w, 0.9 * w, 200)
        ys = 0.85 * h - 0.55 * h / (1 + np.exp(-(xs - w / 2) / (0.06 * w)))
        for i in range(count):
            im = Image.new("RGB", (w, h), bg)
            draw = ImageDraw.Draw(im)
            draw.text((0.05 * w, 0.05 * h), title, fill=(235, 235, 240), font=_font(h // 14))
            shown = max(2, int(len(xs) * (i + 1) / count))
            draw.line(list(zip(xs[:shown], ys[:shown])), fill=colour, width=max(2, h // 120))
            frame = av.VideoFrame.from_image(im)
            frame.pts = i
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        step = audio.codec_context.frame_size or 1024
        for start in range(0, int(seconds * RATE), step):
            t = np.arange(start, start + step) / RATE
            frame = av.AudioFrame.from_ndarray((0.1 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None],
                                               format="fltp", layout="mono")
            frame.sample_rate, frame.pts = RATE, start
            out.mux(audio.encode(frame))
        out.mux(audio.encode(None))
    return path


@pytest.fixture(scope="module")
def slides(tmp_path_factory) -> list[BlockRecord]:
    folder = tmp_path_factory.mktemp("sections")
    return [BlockRecord(file=str(make_clip(folder / f"block-{i}.mp4", title, colour)), title=title, text=notes,
                        chapter=chapter, id=f"b{i}", beat=f"B{chapter}", loop=loop)
            for i, (title, chapter, notes, colour, loop) in enumerate(BLOCKS, 1)]


@pytest.fixture(scope="module")
def deck(slides, tmp_path_factory) -> dict:
    target = tmp_path_factory.mktemp("deck") / "slides.html"
    facts = write_slides_html(slides, target, "Cross-entropy & MSE")
    return {"path": target, "facts": facts}


@pytest.fixture(scope="module")
def pptx_file(slides, tmp_path_factory) -> dict:
    target = tmp_path_factory.mktemp("pptx") / "slides.pptx"
    facts = write_pptx(slides, target, "Cross-entropy & MSE")
    return {"path": target, "facts": facts}


# -- the HTML file ---------------------------------------------------------------------------
def test_html_is_one_file_with_every_video_inlined(deck, slides):
    page = deck["path"].read_text(encoding="utf-8")
    facts = deck["facts"]
    assert facts["slides"] == len(slides) == page.count('<section class="slide"')
    assert facts["bytes"] == deck["path"].stat().st_size
    # base64 costs 4/3 of the videos; the player itself is a few kB.
    assert facts["video_bytes"] * 4 / 3 < facts["bytes"] < facts["video_bytes"] * 4 / 3 + 40_000
    # Nothing is fetched: no src/href outside the page (only fragments and data: URIs).
    outside = [u for u in re.findall(r'(?:src|href)="([^"]*)"', page) if not u.startswith(("#", "data:"))]
    assert outside == []
    assert "http://" not in page and "https://" not in page
    assert not list(deck["path"].parent.glob(".*.part*")), "a temporary file was left behind"


def test_an_empty_deck_is_refused(tmp_path):
    with pytest.raises(ValueError):
        render_slides_html([], "x")
    with pytest.raises(ValueError):
        write_pptx([], tmp_path / "x.pptx", "x")


# -- the HTML player in Chromium ---------------------------------------------------------------
def _open(browser, url: str):
    return open_page(browser, url, height=720)


CURRENT = "document.querySelector('section.slide.current').id"
VIDEO = "document.querySelector('section.slide.current video')"


def _wait_playing(page, past: float = 0.3) -> None:
    """The current slide's video has played past ``past`` seconds."""
    page.wait_for_function(f"(() => {{ const v = {VIDEO}; return v.readyState >= 2 && v.currentTime > {past}; }})()",
                           timeout=15_000)


def _wait_ended(page) -> None:
    page.wait_for_function(f"{VIDEO}.ended", timeout=15_000)


def _screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


@pytest.mark.browser
def test_keys_step_through_the_slides_and_every_video_plays(browser, deck, slides):
    page, errors = _open(browser, deck["path"].as_uri())
    assert page.evaluate(CURRENT) == "slide-1"
    # Opened without a gesture, the browser refuses to start a video with sound: the hint says to click.
    page.wait_for_selector("#hint:not([hidden])", timeout=10_000)
    page.click("#hint")
    _wait_playing(page)
    page.wait_for_selector("#hint", state="hidden")
    _wait_ended(page)  # a still picture waits: the video holds its last frame, the slide stays
    assert page.evaluate(CURRENT) == "slide-1"
    assert page.evaluate(f"{VIDEO}.currentTime") == pytest.approx(SECONDS, abs=0.15)
    assert "1 / 3" in page.inner_text("#where") and "The setup" in page.inner_text("#where")

    page.keyboard.press("ArrowRight")
    assert page.evaluate(CURRENT) == "slide-2"
    assert page.evaluate(f"{VIDEO}.loop") is True
    _wait_playing(page)
    # A looping slide comes round again instead of ending.
    page.wait_for_function(f"(() => {{ const v = {VIDEO}; window.__seen = Math.max(window.__seen || 0, v.currentTime);"
                           f" return window.__seen > 0.8 && v.currentTime < 0.5 && !v.ended; }})()",
                           timeout=15_000, polling=50)

    page.keyboard.press("PageDown")  # what a clicker sends
    assert page.evaluate(CURRENT) == "slide-3"
    _wait_playing(page)
    _wait_ended(page)
    assert "Why it stalls" in page.inner_text("#where") and "3 / 3" in page.inner_text("#where")
    assert page.evaluate("location.hash") == "#slide-3"
    _screenshot(page, "slides.png")

    page.keyboard.press("ArrowRight")  # past the end: stays on the last slide
    assert page.evaluate(CURRENT) == "slide-3"
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(CURRENT) == "slide-2"
    page.keyboard.press("PageUp")
    assert page.evaluate(CURRENT) == "slide-1"
    _wait_playing(page)  # going back plays the slide again, from the start
    page.keyboard.press("End")
    assert page.evaluate(CURRENT) == "slide-3"
    page.keyboard.press("Home")
    assert page.evaluate(CURRENT) == "slide-1"
    page.keyboard.press("n")
    assert page.evaluate(CURRENT) == "slide-2"
    page.keyboard.press("p")
    assert page.evaluate(CURRENT) == "slide-1"
    # Only the slides next to the current one keep a decoded video.
    assert page.evaluate("[...document.querySelectorAll('video')].filter(v => v.dataset.url).length") <= 2
    assert errors == []
    page.close()


@pytest.mark.browser
def test_speaker_notes_are_in_the_page_and_shown_with_s(browser, deck, slides):
    page, errors = _open(browser, deck["path"].as_uri() + "#slide-2")
    notes = page.eval_on_selector_all("aside.notes", "els => els.map(e => e.textContent)")
    assert len(notes) == len(slides)
    for text, slide in zip(notes, slides):
        for paragraph in slide.text.split("\n\n"):
            assert paragraph in text
    assert not page.is_visible("section.current aside.notes")
    page.keyboard.press("s")
    assert page.is_visible("section.current aside.notes")
    box = page.locator("section.current aside.notes").bounding_box()
    assert box["height"] > 100 and box["width"] > 1000
    shown = page.inner_text("section.current aside.notes")
    assert "Ask: why so fast?" in shown
    assert "Next: σ′ is marked in red" in shown  # what the presenter says next
    # The video shrinks above the panel; it is not hidden behind it.
    video = page.locator("section.current video").bounding_box()
    assert video["y"] + video["height"] <= box["y"] + 1
    page.mouse.click(640, 200)  # a click plays (the hint's fallback)
    _wait_playing(page, past=0.6)
    _screenshot(page, "slides-notes.png")
    page.keyboard.press("s")
    assert not page.is_visible("section.current aside.notes")
    assert errors == []
    page.close()


@pytest.mark.browser
def test_a_fragment_opens_that_slide(browser, deck):
    page, errors = _open(browser, deck["path"].as_uri() + "#slide-3")
    assert page.evaluate(CURRENT) == "slide-3"
    assert "3 / 3" in page.inner_text("#where")
    page.evaluate("location.hash = '#slide-2'")
    page.wait_for_function(f"{CURRENT} === 'slide-2'")
    page.keyboard.press("r")  # replay: a key press is a gesture, so it plays
    _wait_playing(page)
    assert errors == []
    page.close()


# -- PowerPoint --------------------------------------------------------------------------------
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def test_pptx_has_one_slide_per_block_each_with_its_movie_and_notes(pptx_file, slides):
    from pptx import Presentation
    from pptx.util import Emu

    prs = Presentation(str(pptx_file["path"]))
    assert len(prs.slides) == len(slides) == pptx_file["facts"]["slides"] == pptx_file["facts"]["movies"]
    assert prs.slide_width * 9 == prs.slide_height * 16
    assert prs.core_properties.title == "Cross-entropy & MSE"
    for page, slide in zip(prs.slides, slides):
        movies = [s for s in page.shapes if s.shape_type is not None and s.shape_type.name == "MEDIA"]
        assert len(movies) == 1
        movie = movies[0]
        # The movie plays on entering the slide (delay 0), loops only when asked, and shows a poster.
        timing = page._element.find(f"{P}timing")
        (video_node,) = timing.iter(f"{P}video")
        assert video_node.find(f".//{P}spTgt").get("spid") == str(movie.shape_id)
        ctn = video_node.find(f"{P}cMediaNode/{P}cTn")
        assert ctn.find(f"{P}stCondLst/{P}cond").get("delay") == "0"
        assert (ctn.get("repeatCount") == "indefinite") is slide.loop
        # Sized 16:9 (as the video), inside the slide, below the title.
        assert abs(movie.width * 480 - movie.height * 854) < movie.height * 854 * 0.01
        assert movie.top > 0 and movie.top + movie.height <= prs.slide_height
        assert 0 <= movie.left and movie.left + movie.width <= prs.slide_width
        texts = [s.text_frame.text for s in page.shapes if s.has_text_frame]
        assert texts == [f"{slide.chapter} · {slide.title}"]
        assert page.notes_slide.notes_text_frame.text == slide.text
        assert movie.top >= Emu(int(prs.slide_height * 0.05))
    assert pptx_file["facts"]["bytes"] == pptx_file["path"].stat().st_size


def test_pptx_holds_each_video_byte_for_byte_and_a_poster(pptx_file, slides):
    with zipfile.ZipFile(pptx_file["path"]) as z:
        names = z.namelist()
        media = sorted(n for n in names if n.startswith("ppt/media/") and n.endswith(".mp4"))
        assert sorted(z.read(n) for n in media) == sorted(Path(s.file).read_bytes() for s in slides)
        types = z.read("[Content_Types].xml").decode()
        assert 'ContentType="video/mp4"' in types
        for i in range(1, len(slides) + 1):
            xml = z.read(f"ppt/slides/slide{i}.xml").decode()
            rels = z.read(f"ppt/slides/_rels/slide{i}.xml.rels").decode()
            assert "<a:videoFile" in xml and "<p:video>" in xml and "<a:blip " in xml
            assert rels.count("relationships/video") == 1 and rels.count("relationships/image") >= 1
        posters = [n for n in names if n.startswith("ppt/media/") and n.endswith(".png")]
        assert len(posters) >= 1


def _frames(video: str) -> list[np.ndarray]:
    with av.open(video) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def test_each_slide_shows_the_last_frame_of_its_section_before_it_plays(pptx_file, slides):
    """The poster is what the slide holds (its section's last frame), not the empty first frame."""
    with zipfile.ZipFile(pptx_file["path"]) as z:
        for i, slide in enumerate(slides, 1):
            rels = z.read(f"ppt/slides/_rels/slide{i}.xml.rels").decode()
            (image,) = re.findall(r'Target="\.\./media/([^"]+\.png)"', rels)
            poster = np.asarray(Image.open(io.BytesIO(z.read(f"ppt/media/{image}"))).convert("RGB"), dtype=int)
            frames = _frames(slide.file)
            assert poster.shape[:2] == (SIZE[1], SIZE[0])
            to_last, to_first = np.abs(poster - frames[-1]).mean(), np.abs(poster - frames[0]).mean()
            assert to_last < 1 and to_last < to_first / 4, f"slide {i}: not the last frame ({to_last}, {to_first})"


def test_docstring_examples():
    import doctest

    from scenes.pipeline import slides as slides_module

    assert doctest.testmod(slides_module).failed == 0
