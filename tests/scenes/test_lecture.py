"""Every beat: in order, captioned, inside the frame, no text on text."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from manim import DecimalNumber, MathTex, SingleStringMathTex, Text, VMobject, config

from scenes.lecture import SCENES_IN_ORDER

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

    Checked.__name__ = scene_cls.__name__
    return Checked, problems


def describe(mob) -> str:
    for attribute in ("original_text", "tex_string"):
        if getattr(mob, attribute, None):
            return getattr(mob, attribute)
    if isinstance(mob, DecimalNumber):
        return f"number {mob.get_value():g}"
    return type(mob).__name__


@pytest.mark.parametrize("scene_cls", SCENES_IN_ORDER, ids=lambda s: s.__name__)
def test_beat_layout_and_captions(run_scene, scene_cls):
    cls, problems = checked(scene_cls)
    scene = run_scene(cls)
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
    assert all(c.content.strip() and len(c.content) < 240 for c in captions), "short, non-empty captions"


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
            self.play(FadeIn(a), FadeIn(b), FadeIn(c), FadeIn(d), Create(line))

    cls, problems = checked(Bad)
    run_scene(cls)
    assert any("text overlaps" in p for p in problems)
    assert any("leaves the frame" in p for p in problems)
    assert any("a curve runs through text: struck through" in p for p in problems)
