"""Every beat: in order, captioned, inside the frame, no text on text."""

from __future__ import annotations

import itertools
import statistics
from pathlib import Path

import numpy as np
import pytest
from manim import DecimalNumber, MathTex, SingleStringMathTex, Text, VMobject, config

from scenes.lecture import SCENES_IN_ORDER
from scenes.narration import READING_CPS
from tests.scenes.readable import assert_readable

ROOT = Path(__file__).resolve().parents[2]

def test_the_lecture_tells_its_story_in_order():
    # SCENES_IN_ORDER is the one place the order is written; this checks the
    # story's dependencies, not a second copy of the list.
    names = [s.__name__ for s in SCENES_IN_ORDER]
    at = {n: i for i, n in enumerate(names)}
    assert names[0] == "Setup", "the neuron is introduced first"
    assert names[-1] == "Outro", "the closing preview comes last"
    for before, after in [("Setup", "Flatline"), ("Flatline", "SigmaPrime"), ("SigmaPrime", "SigmaPrimeCancels"),
                          ("LogLoss", "SigmaPrimeCancels"), ("SigmaPrimeCancels", "FixedConvergence")]:
        assert at[before] < at[after], f"{after} builds on {before}"
    assert len({s.title for s in SCENES_IN_ORDER}) == len(SCENES_IN_ORDER), "titles are chapter names: unique"


def test_every_beat_file_is_in_the_lecture():
    files = sorted(p.stem for p in (ROOT / "scenes").glob("s[0-9][0-9]_*.py"))
    listed = sorted(Path(__import__(s.__module__, fromlist=["x"]).__file__).stem for s in SCENES_IN_ORDER)
    assert files == listed


TEXTLIKE = (Text, MathTex, SingleStringMathTex, DecimalNumber)


def text_boxes(scene) -> list[tuple[object, np.ndarray, np.ndarray]]:
    """Outermost text-like mobjects on screen with their bounding boxes."""
    found = []

    def walk(mob, inside_text=False):
        is_text = isinstance(mob, TEXTLIKE)
        if is_text and not inside_text:
            drawn = [f for f in mob.get_family() if f.has_points()]
            if any(f.get_fill_opacity() > 0.05 or f.get_stroke_opacity() > 0.05 for f in drawn):
                found.append((mob, mob.get_corner([-1, -1, 0]), mob.get_corner([1, 1, 0])))
        for sub in mob.submobjects:
            walk(sub, inside_text or is_text)

    for m in scene.mobjects:
        walk(m)
    return found


def curves(scene) -> list[np.ndarray]:
    """Points along every drawn curve: open stroked paths of 3+ pieces outside any text.

    Straight lines (strikes, tangents, arrows) and closed outlines (boxes
    around text) are left out: they meet text on purpose. Each cubic piece
    is sampled at 9 points, since a smooth plot may have few anchors.
    """
    found = []
    t = np.linspace(0, 1, 9)[:, None]
    weights = np.stack([(1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3])  # (4, 9, 1)

    def walk(mob, inside_text=False):
        inside_text = inside_text or isinstance(mob, TEXTLIKE)
        if (not inside_text and isinstance(mob, VMobject) and mob.has_points() and not mob.submobjects
                and mob.get_stroke_width() > 0 and mob.get_stroke_opacity() > 0.05
                and mob.get_fill_opacity() < 0.05 and len(mob.points) >= 4 * 3
                and not np.allclose(mob.points[0], mob.points[-1])):
            pieces = mob.points[: len(mob.points) // 4 * 4].reshape(-1, 4, 3)  # (n, 4, 3)
            samples = np.einsum("kts,nkd->ntd", weights, pieces).reshape(-1, 3)
            found.append(samples)
        for sub in mob.submobjects:
            walk(sub, inside_text)

    for m in scene.mobjects:
        walk(m)
    return found


def crosses(box, points, margin=0.01) -> bool:
    """Does a curve point fall inside one of the text's glyphs (their boxes)?

    Glyph by glyph, so a label laid along a curve, rotated, is not flagged
    for its large bounding box.
    """
    text = box[0]
    for glyph in text.family_members_with_points():
        lo, hi = glyph.get_corner([-1, -1, 0]), glyph.get_corner([1, 1, 0])
        inside = np.all((points[:, :2] > lo[:2] + margin) & (points[:, :2] < hi[:2] - margin), axis=1)
        if inside.any():
            return True
    return False


def overlaps(a, b, tol=0.02) -> bool:
    (_, lo1, hi1), (_, lo2, hi2) = a, b
    return bool(np.all(np.minimum(hi1, hi2)[:2] - np.maximum(lo1, lo2)[:2] > tol))


def in_caption_band(scene) -> list[str]:
    """Drawn things that reach into the caption band (burned-in captions excepted)."""
    from scenes.components import CaptionCard
    from scenes.style import caption_band_top

    top = caption_band_top()
    found = []

    def walk(mob):
        if isinstance(mob, CaptionCard):
            return
        if isinstance(mob, VMobject) and mob.has_points() and (
                mob.get_fill_opacity() > 0.05 or (mob.get_stroke_opacity() > 0.05 and mob.get_stroke_width() > 0)):
            if mob.get_bottom()[1] < top - 1e-3:
                found.append(mob)
        for sub in mob.submobjects:
            walk(sub)

    for m in scene.mobjects:
        before = len(found)
        walk(m)
        if len(found) > before:
            found[before:] = [m]  # name the top-level mobject once
    return [f"{describe(m)} reaches into the caption band (bottom at y = {m.get_bottom()[1]:.2f} < {top:.2f})"
            for m in found]


def checked(scene_cls):
    """The scene, checking the layout after every animation."""
    problems: list[str] = []
    half_w, half_h = config.frame_width / 2, config.frame_height / 2

    class Checked(scene_cls):
        def play(self, *args, **kwargs):
            super().play(*args, **kwargs)
            self.check_layout()

        def check_layout(self):
            for m in self.mobjects:
                if not isinstance(m, VMobject) or not any(f.has_points() for f in m.get_family()):
                    continue  # trackers and empty groups are never drawn
                lo, hi = m.get_corner([-1, -1, 0]), m.get_corner([1, 1, 0])
                if lo[0] < -half_w - 1e-3 or hi[0] > half_w + 1e-3 or lo[1] < -half_h - 1e-3 or hi[1] > half_h + 1e-3:
                    problems.append(f"t={self.time:.1f}s {type(m).__name__} leaves the frame: {lo[:2]}..{hi[:2]}")
            boxes = text_boxes(self)
            for a, b in itertools.combinations(boxes, 2):
                if overlaps(a, b):
                    problems.append(f"t={self.time:.1f}s text overlaps: {describe(a[0])} / {describe(b[0])}")
            for box in boxes:
                if any(crosses(box, pts) for pts in curves(self)):
                    problems.append(f"t={self.time:.1f}s a curve runs through text: {describe(box[0])}")
            problems.extend(f"t={self.time:.1f}s {p}" for p in in_caption_band(self))

    Checked.__name__ = scene_cls.__name__
    return Checked, problems


def describe(mob) -> str:
    for attribute in ("original_text", "tex_string"):
        if getattr(mob, attribute, None):
            return getattr(mob, attribute)
    if isinstance(mob, DecimalNumber):
        return f"number {mob.get_value():g}"
    return type(mob).__name__


#: Characters per second of every cue, by beat, from the layout runs (silent: paced for reading).
CUE_SPEEDS: dict[str, list[float]] = {}


def run_checked(run_scene, scene_cls):
    """Dry-run the beat with the layout checks; remember its cues' speeds."""
    cls, problems = checked(scene_cls)
    scene = run_scene(cls)
    CUE_SPEEDS[scene_cls.__name__] = assert_readable(scene.renderer.file_writer.subcaptions)
    return scene, problems


@pytest.mark.parametrize("scene_cls", SCENES_IN_ORDER, ids=lambda s: s.__name__)
def test_beat_layout_and_captions(run_scene, scene_cls):
    scene, problems = run_checked(run_scene, scene_cls)
    assert not problems, "\n".join(dict.fromkeys(problems))
    captions = scene.renderer.file_writer.subcaptions
    assert captions, "every beat tells its story in captions"
    starts = [c.start.total_seconds() for c in captions]
    ends = [c.end.total_seconds() for c in captions]
    assert starts == sorted(starts)
    assert all(e1 <= s2 + 1e-6 for e1, s2 in zip(ends, starts[1:])), "captions never overlap"
    assert ends[-1] <= scene.time + 1e-6
    covered = sum(e - s for s, e in zip(starts, ends))
    assert covered >= 0.8 * scene.time, "captions cover the beat"
    assert [c.content for c in captions] == [c.text for b in scene.blocks for c in b.cues]


def test_the_lecture_reads_at_most_15_characters_a_second(run_scene):
    """The median over every cue of every beat (reading pace; a voice only slows it)."""
    for scene_cls in SCENES_IN_ORDER:
        if scene_cls.__name__ not in CUE_SPEEDS:
            run_checked(run_scene, scene_cls)
    speeds = [cps for beat in CUE_SPEEDS.values() for cps in beat]
    assert statistics.median(speeds) <= READING_CPS + 1e-6


def test_the_layout_check_catches_overlaps_and_escapes(run_scene):
    from manim import DOWN, RIGHT, Create, FadeIn, FunctionGraph

    from scenes.base import LectureScene
    from scenes.style import tex, words

    class Bad(LectureScene):
        def construct(self):
            a = words("overlapping words")
            b = tex("x", "=", "1").move_to(a)
            c = words("far away").shift(RIGHT * 9)
            d = words("struck through").shift(DOWN * 2)
            line = FunctionGraph(lambda x: -2.0 + 0.05 * x, x_range=[-3, 3])
            low = words("a legend too low").to_edge(DOWN, buff=0.3)
            self.play(FadeIn(a), FadeIn(b), FadeIn(c), FadeIn(d), Create(line), FadeIn(low))

    cls, problems = checked(Bad)
    run_scene(cls)
    assert any("text overlaps" in p for p in problems)
    assert any("leaves the frame" in p for p in problems)
    assert any("a curve runs through text: struck through" in p for p in problems)
    assert any("a legend too low reaches into the caption band" in p for p in problems)
    assert not any("struck through reaches" in p for p in problems), "content above the band is fine"


def test_burned_captions_sit_in_the_band_one_at_a_time(run_scene, monkeypatch):
    """With LECTURE_CAPTIONS=burn each cue is drawn, alone, in the caption band, and nothing overlaps it."""
    from scenes.components import CaptionCard
    from scenes.narration import CAPTIONS_ENV
    from scenes.s10_outro import Outro
    from scenes.style import CAPTION_BAND, caption_band_top

    monkeypatch.setenv(CAPTIONS_ENV, "burn")
    seen: list[tuple[float, str]] = []

    class Watched(checked(Outro)[0]):
        def play(self, *args, **kwargs):
            super().play(*args, **kwargs)
            cards = [m for top in self.mobjects for m in top.get_family() if isinstance(m, CaptionCard)]
            shown = [c for c in cards if c.lines.get_fill_opacity() > 0.5]
            assert len(shown) <= 1
            for card in shown:
                assert card.get_bottom()[1] >= caption_band_top() - CAPTION_BAND * config.frame_height - 1e-6
                assert card.get_top()[1] <= caption_band_top() + 1e-6
                assert card.width <= config.frame_width
                seen.append((self.time, "\n".join(line.original_text for line in card.lines)))

    Watched.__name__ = "Outro"
    cls, problems = checked(Watched)
    scene = run_scene(cls)
    assert not problems, problems
    # Every cue was on screen at some point, and when it was, the subtitle file says so too.
    captions = scene.renderer.file_writer.subcaptions
    assert {text for _, text in seen} == {c.content for c in captions}
    for t, text in seen:
        assert any(c.content == text and c.start.total_seconds() - 1e-6 <= t <= c.end.total_seconds() + 1e-6
                   for c in captions), (t, text)
