"""The transcript page: every paragraph's text, its time links, findable and filterable."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from scenes.pipeline.page import clock
from scenes.block import BlockRecord
from scenes.pipeline.transcript import render_transcript, write_transcript

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHAPTERS = [
    {"order": 1, "slug": "01-setup", "title": "The setup", "start": 0.0, "duration": 41.5},
    {"order": 2, "slug": "02-flatline", "title": "A bad start", "start": 41.5, "duration": 38.0},
    {"order": 3, "slug": "03-sigma-prime", "title": "Why it stalls: σ′", "start": 79.5, "duration": 52.25},
]
PARAGRAPHS = [
    BlockRecord(chapter=1, id="setup-1", beat="B1", start=0.0, duration=9.0,
     text="One neuron: the input x = 1 is multiplied by a weight w, a bias b is added, and the sigmoid σ "
             "squashes the sum z into the output a."),
    BlockRecord(chapter=1, id="setup-2", beat="B1", start=9.0, duration=32.5,
     text="We want the output to match the desired value y = 0. The quadratic cost is C = (a − y)² / 2."),
    BlockRecord(chapter=2, id="flatline-1", beat="B2", start=41.5, duration=20.0,
     text="Now start far from the answer: w = 2 and b = 2. For about 150 epochs the curve is nearly flat."),
    BlockRecord(chapter=3, id="sigma-prime-2", beat="B3", start=101.25, duration=30.5,
     text="The bad start has z = 4, far out on the flat part: σ′(z) < 0.02 & the gradient is tiny."),
    BlockRecord(chapter=3, id="sigma-prime-1", beat="B3", start=79.5, duration=21.75,
     text="In blue, the sigmoid σ. In red, its slope σ′."),
]


class _Page(HTMLParser):
    """The page's visible text and its links, per paragraph."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.paras: dict[str, dict] = {}
        self.headings: list[str] = []
        self._para: str | None = None
        self._in: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style", "title"):
            self._skip += 1
        if tag == "p" and "para" in (a.get("class") or ""):
            self._para = a["id"]
            self.paras[self._para] = {"text": "", "links": [], "start": a["data-start"]}
        if tag == "a" and self._para:
            self.paras[self._para]["links"].append(a["href"])
        if tag == "h2":
            self.headings.append("")
        self._in.append(tag)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._skip -= 1
        if tag == "p":
            self._para = None
        if self._in:
            self._in.pop()

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._para and "a" not in self._in[-1:]:
            self.paras[self._para]["text"] += data
        if "h2" in self._in:
            self.headings[-1] += data


@pytest.fixture(scope="module")
def transcript(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("clips")
    (folder / "index.html").write_text("<!doctype html><title>gallery</title>", encoding="utf-8")
    return write_transcript(CHAPTERS, PARAGRAPHS, folder / "transcript.html", "Why cross-entropy beats MSE")


def _parsed(path: Path) -> _Page:
    parser = _Page()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_paragraph_is_in_the_page_as_text_with_its_time_links(transcript):
    page = _parsed(transcript)
    assert len(page.paras) == len(PARAGRAPHS)
    for p in PARAGRAPHS:
        found = page.paras[f"block-{p.id}"]
        assert found["text"] == p.text
        t = f"{p.start:.3f}".rstrip("0").rstrip(".")
        assert found["links"] == [f"index.html#t={t}", f"lecture.mp4#t={t}"]
    assert "σ′(z) < 0.02 & the gradient is tiny" in "".join(page.text)


def test_chapters_in_time_order_each_with_its_paragraphs_in_time_order(transcript):
    page = _parsed(transcript)
    assert page.headings == [f"{c['order']}{c['title']}{clock(c['start'])}" for c in CHAPTERS]
    html = transcript.read_text(encoding="utf-8")
    order = [html.index(f'id="block-{b}"') for b in ("setup-1", "setup-2", "flatline-1", "sigma-prime-1",
                                                      "sigma-prime-2")]
    assert order == sorted(order)
    sections = html.split('<section class="chapter"')[1:]
    assert [s.count('class="para"') for s in sections] == [2, 1, 2]
    assert 'href="index.html"' in html  # back to the gallery
    assert not list(transcript.parent.glob(".*.part*"))


def test_a_paragraph_of_an_unknown_chapter_is_refused(tmp_path):
    with pytest.raises(ValueError, match="not in the list"):
        render_transcript(CHAPTERS[:1], PARAGRAPHS, "t")


def test_links_follow_the_given_names(tmp_path):
    target = write_transcript(CHAPTERS, PARAGRAPHS[:1], tmp_path / "t.html", "t", video_href="lecture.webm",
                              gallery_href="clips.html")
    links = _parsed(target).paras["block-setup-1"]["links"]
    assert links == ["clips.html#t=0", "lecture.webm#t=0"]


# -- in Chromium -------------------------------------------------------------------------------
@pytest.mark.browser
def test_the_browser_finds_words_and_the_filter_narrows_the_page(browser, transcript):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(transcript.as_uri())
    # What Ctrl+F does: the words are real text in the page.
    assert page.evaluate("window.find('σ′(z) < 0.02')") is True
    assert page.evaluate("window.find('gradient is tiny')") is True
    assert page.evaluate("window.find('no such words here')") is False
    for p in PARAGRAPHS:
        assert p.text in page.inner_text("main")
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.getSelection().removeAllRanges(); window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "transcript.png"))

    page.fill("#filter", "SIGMOID σ")
    visible = page.eval_on_selector_all("p.para", "ps => ps.filter(p => !p.hidden).map(p => p.id)")
    assert visible == ["block-setup-1", "block-sigma-prime-1"]
    assert page.is_hidden("#chapter-2") and page.is_visible("#chapter-3")
    assert page.inner_text("#count") == f"2 of {len(PARAGRAPHS)} paragraphs"
    assert page.evaluate("CSS.highlights.get('filter').size") == 5  # "sigmoid" ×2, "σ" ×3 (one in σ′)
    page.screenshot(path=str(ARTIFACTS / "transcript-filter.png"))
    page.keyboard.press("Escape")
    assert page.eval_on_selector_all("p.para", "ps => ps.filter(p => p.hidden).length") == 0
    assert page.inner_text("#count") == ""

    page.click("#block-flatline-1 a.at")  # a time link opens the gallery at that time
    page.wait_for_url("**/index.html#t=41.5")
    assert errors == []
    page.close()


def test_docstring_examples():
    from scenes.pipeline import transcript as transcript_module

    import doctest

    assert doctest.testmod(transcript_module).failed == 0
