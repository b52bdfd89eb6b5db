"""Live numbers: decimals that follow a tracker without re-typesetting, and groups that follow and freeze.

- :class:`LiveDecimal`, :class:`LiveInteger` — numbers whose glyphs are typeset once, then reused.
- :class:`Follows` — mixin for a group of live numbers that follow one tracker, and freeze.
- :func:`epoch_tracker` — the tracker over the epoch index every beat runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

import numpy as np
from manim import DOWN, RIGHT, DecimalNumber, ValueTracker, VMobject

__all__ = ["LiveDecimal", "LiveInteger", "Follows", "epoch_tracker"]


#: Glyph outlines by (character, font size): typeset once, reused for every frame.
_GLYPHS: dict[tuple[str, float], list[np.ndarray]] = {}


class LiveDecimal(DecimalNumber):
    """A ``DecimalNumber`` cheap enough to ``set_value`` on every frame.

    Manim's ``DecimalNumber`` deep-copies a LaTeX glyph mobject for every
    character on every ``set_value`` (about 2 ms a character here, so a panel
    of live numbers costs more than drawing the frame). This subclass keeps
    each character's outline as plain point arrays, typeset once per font
    size, and builds the digits as bare paths from them. It looks the same
    and is a drop-in replacement.

    Examples
    --------
    >>> n = LiveDecimal(0.5, num_decimal_places=3)  # doctest: +SKIP
    >>> n.add_updater(lambda m: m.set_value(tracker.get_value()))  # doctest: +SKIP
    """

    def __init__(self, number: float = 0, **kwargs) -> None:
        super().__init__(number, **kwargs)
        self._shown = self._get_num_string(self.number)

    def set_value(self, number: float) -> LiveDecimal:
        """Show ``number``; a no-op when the displayed digits would not change.

        When the new digits have as many characters as the old, each a single
        outline already typeset, the glyphs are laid out again in place
        (:meth:`_relayout`: Manim's arrangement, as point arithmetic) instead of
        building a new mobject per character; otherwise Manim's own path runs.
        """
        shown = self._get_num_string(number)
        if shown == getattr(self, "_shown", None):
            self.number = number
            return self
        if not self._relayout(shown):
            super().set_value(number)
        self.number = number
        self._shown = shown
        return self

    def _relayout(self, shown: str) -> bool:
        """Put ``shown``'s outlines into the existing glyphs where Manim's ``set_value`` would; False if it cannot.

        The steps of ``DecimalNumber.set_value`` for a plain number: arrange the
        glyphs left to right, bottoms aligned, ``digit_buff`` apart, centred;
        drop a minus sign to the middle of the next glyph; scale to the current
        font size about the centre; move the fixed edge back where it was.
        """
        glyphs = self.submobjects
        if (self.unit is not None or self.show_ellipsis or self.include_background_rectangle
                or len(glyphs) != len(shown) or any(g.submobjects for g in glyphs)):
            return False
        size = round(float(self._font_size), 6)
        outlines = [_GLYPHS.get((c, size)) for c in shown]
        if any(o is None or len(o) != 1 for o in outlines):
            return False
        anchor = self.get_edge_center(self.edge_to_fix)
        scale = self.font_size / self._font_size
        points = [o[0].astype(float) for o in outlines]  # fresh arrays
        buff = self.digit_buff_per_font_unit * self._font_size
        for i in range(1, len(points)):  # next_to(previous, RIGHT, buff, aligned_edge=DOWN)
            prev, here = _anchors(points[i - 1]), _anchors(points[i])
            target = np.array([prev[:, 0].max(), prev[:, 1].min(), _mid(prev[:, 2])])
            align = np.array([here[:, 0].min(), here[:, 1].min(), _mid(here[:, 2])])
            points[i] += target - align + buff * RIGHT
        _shift(points, -_centre(points))
        for i, c in enumerate(shown):
            if c == "-" and i + 1 < len(shown):
                up = _anchors(points[i + 1])[:, 1].max() - _anchors(points[i])[:, 1].max()
                points[i] += np.array([0.0, up, 0.0])
                height = points[i + 1][:, 1].max() - points[i + 1][:, 1].min()
                points[i] += height * DOWN / 2
        every = np.vstack(points)
        self.initial_height = float(every[:, 1].max() - every[:, 1].min())  # as Manim records it, before scaling
        centre = _centre(points)
        for p in points:
            p -= centre
            p *= scale
            p += centre
        lows = np.vstack([_anchors(p) for p in points])
        edge = np.array([lows[:, d].min() if k < 0 else lows[:, d].max() if k > 0 else _mid(lows[:, d])
                         for d, k in enumerate(np.asarray(self.edge_to_fix))])
        _shift(points, anchor - edge)
        for glyph, p in zip(glyphs, points):
            glyph.points = p
        return True

    def _string_to_mob(self, string: str, mob_class=None, **kwargs) -> VMobject:
        key = (string, round(float(self._font_size), 6))
        outlines = _GLYPHS.get(key)
        if outlines is None or mob_class is not None:
            glyph = super()._string_to_mob(string, mob_class, **kwargs)
            if mob_class is not None:  # units and ellipses: rare, keep manim's path
                return glyph
            outlines = [m.points.copy() for m in glyph.family_members_with_points()]
            _GLYPHS[key] = outlines
        mob = VMobject(fill_opacity=1.0, stroke_width=0, color=self.color)
        if len(outlines) == 1:
            mob.set_points(outlines[0].copy())
        else:
            mob.add(*(VMobject(fill_opacity=1.0, stroke_width=0, color=self.color).set_points(p.copy())
                      for p in outlines))
        return mob


def _anchors(points: np.ndarray) -> np.ndarray:
    """A cubic path's anchors (what Manim measures a VMobject's bounding box by)."""
    return points if len(points) == 1 else np.vstack([points[0::4], points[3::4]])


def _mid(values: np.ndarray) -> float:
    return (np.min(values) + np.max(values)) / 2


def _centre(points: list[np.ndarray]) -> np.ndarray:
    """The centre of the bounding box of all the anchors."""
    every = np.vstack([_anchors(p) for p in points])
    return np.array([_mid(every[:, d]) for d in range(3)])


def _shift(points: list[np.ndarray], vector: np.ndarray) -> None:
    for p in points:
        p += vector


class LiveInteger(LiveDecimal):
    """:class:`LiveDecimal` with no decimal places (an epoch counter)."""

    def __init__(self, number: float = 0, num_decimal_places: int = 0, **kwargs) -> None:
        super().__init__(number=number, num_decimal_places=num_decimal_places, **kwargs)

    def get_value(self) -> int:
        return int(np.round(super().get_value()))


def epoch_tracker() -> ValueTracker:
    """A tracker over the epoch index, starting at 0."""
    return ValueTracker(0.0)


class Follows:
    """Mixin for a group of live numbers that follow one ``ValueTracker``.

    A subclass keeps its numbers in ``values`` (key → :class:`LiveDecimal`)
    and says in :meth:`value_at` what each shows while the tracker holds
    ``t``; by default the field ``key`` of ``self.trajectory`` at epoch ``t``
    (for ``"epoch"``, the epoch rounded). :meth:`follow` gives every number
    one updater that calls ``set_value`` (no Tex is rebuilt); :meth:`freeze`
    takes those updaters off again, so a later transform does not fight them.

    Examples
    --------
    >>> readouts = Readouts([("w", "w", W_COLOR)], LESSON.run("mse", "good"))  # doctest: +SKIP
    >>> readouts.follow(tracker)  # doctest: +SKIP
    >>> readouts.freeze()  # doctest: +SKIP
    """

    values: dict[str, LiveDecimal]
    trajectory: Trajectory
    _followers: list[tuple[LiveDecimal, Callable[[LiveDecimal], None]]]

    def value_at(self, key: str, t: float) -> float:
        """What the number ``key`` shows while the tracker holds ``t``."""
        if key == "epoch":
            return float(round(t))
        return float(self.trajectory.at(t)[key])

    def follow(self, tracker: ValueTracker, trajectory: Trajectory | None = None) -> Self:
        """Keep every number at its value for ``tracker``; ``trajectory`` switches to another run first."""
        self.freeze()
        if trajectory is not None:
            self.trajectory = trajectory
        for key, number in self.values.items():
            def update(m: LiveDecimal, key: str = key) -> None:
                m.set_value(self.value_at(key, tracker.get_value()))

            number.add_updater(update)
            self._followers.append((number, update))
        return self

    def freeze(self) -> Self:
        """Stop following: remove the updaters :meth:`follow` added, and no others."""
        for number, update in getattr(self, "_followers", ()):
            number.remove_updater(update)
        self._followers = []
        return self

