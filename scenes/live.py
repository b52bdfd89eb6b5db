"""Live numbers: decimals that follow a tracker without re-typesetting, and groups that follow and freeze.

- :class:`LiveDecimal`, :class:`LiveInteger` — numbers whose glyphs are typeset once, then reused.
- :class:`Follows` — mixin for a group of live numbers that follow one tracker, and freeze.
- :func:`epoch_tracker` — the tracker over the epoch index every beat runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

import numpy as np
from manim import DecimalNumber, ValueTracker, VMobject

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
        """Show ``number``; a no-op when the displayed digits would not change."""
        shown = self._get_num_string(number)
        if shown == getattr(self, "_shown", None):
            self.number = number
            return self
        super().set_value(number)
        self._shown = shown
        return self

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

