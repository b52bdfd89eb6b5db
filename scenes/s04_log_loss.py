"""Beat 4 — the log-loss, case by case: what is left when y = 0 and when y = 1."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Create,
    Cross,
    Dot,
    FadeIn,
    FadeOut,
    ValueTracker,
    VGroup,
    Write,
    linear,
)

from neuron import CROSS_ENTROPY
from neuron.analysis import log_loss_of_output
from scenes.base import LectureScene
from scenes.components import Follows, LiveDecimal, above_caption_band, label
from scenes.style import (
    BCE_COLOR,
    FORMULA_SIZE,
    MUTED_COLOR,
    OUTPUT_COLOR,
    SMALL_AXIS_NUMBER_SIZE,
    SMALL_FORMULA_SIZE,
    SMALL_SIZE,
    SYMBOL_SIZE,
    TARGET_COLOR,
    axis_style,
    tex,
)

__all__ = ["LogLoss"]

#: Parts of the full formula, so each term can be crossed out on its own.
FORMULA = ("C", "=", "-", "[", "y", r"\ln", "a", "+", "(1", "-", "y", ")", r"\ln", "(1", "-", "a", ")", "]")
#: Which parts vanish, and which are left, for each y.
VANISHING = {0: range(4, 7), 1: range(8, 17)}
LEFT_OVER = {0: range(12, 17), 1: range(5, 7)}


class LogLoss(LectureScene):
    """Cross-entropy for y = 0 leaves −ln(1 − a); for y = 1, −ln a; each is least at a = y."""

    title = "The cross-entropy cost"
    #: Cost axis height: −ln(1 − a) reaches it at a = 1 − e^(−top).
    cost_top = 4.0

    def construct(self) -> None:
        # The outputs a marker walks through: the cross-entropy run from the bad
        # start, which goes from near 1 to near 0 without touching either.
        self.outputs = self.lesson.run(CROSS_ENTROPY, "bad").a
        self.show_formula()
        self.case(0, left=True)
        self.case(1, left=False)
        self.conclude()
        self.checkpoint("log-loss")

    def show_formula(self) -> None:
        heading = self.heading(subtitle="a new way to measure the error")
        self.formula = tex(*FORMULA, font_size=FORMULA_SIZE).next_to(heading, DOWN, buff=0.35).set_x(0)
        self.formula[0].set_color(BCE_COLOR)
        note = label("a = σ(z) is always strictly between 0 and 1, so both logarithms are finite",
                     size=SMALL_SIZE).next_to(self.formula, DOWN, buff=0.25)
        with self.narrate("The cross-entropy cost. Here a is the output and y the desired output. "
                          "Since a comes out of a sigmoid it always lies strictly between 0 and 1."):
            self.play(FadeIn(heading, shift=DOWN * 0.2))
            self.play(Write(self.formula), run_time=2.5)
            self.play(FadeIn(note))
            self.wait(2)
        self.play(FadeOut(note))

    def _axes(self, left: bool) -> Axes:
        axes = Axes(
            x_range=[0, 1, 0.25], y_range=[0, self.cost_top, 1], x_length=5.2, y_length=2.6, tips=False,
            axis_config=axis_style(font_size=SMALL_AXIS_NUMBER_SIZE),
            x_axis_config={"decimal_number_config": {"num_decimal_places": 2}},
        )
        return above_caption_band(axes.move_to((LEFT if left else RIGHT) * 3.4))

    def case(self, y: int, left: bool) -> None:
        """Set y, cross out the term that vanishes, plot what is left, walk a towards y."""
        vanishing, kept = VANISHING[y], LEFT_OVER[y]
        strike = Cross(VGroup(*(self.formula[i] for i in vanishing)), stroke_width=4, stroke_color=MUTED_COLOR)
        left_over = tex("C", "=", "-", *(FORMULA[i] for i in kept), font_size=SMALL_FORMULA_SIZE)
        left_over[0].set_color(BCE_COLOR)
        axes = self._axes(left)
        case_label = tex("y", "=", str(y), font_size=SMALL_FORMULA_SIZE)
        case_label.next_to(axes, UP, buff=0.15).align_to(axes, LEFT)
        case_label[2].set_color(TARGET_COLOR)
        left_over.next_to(case_label, RIGHT, buff=0.6)

        edge = 1.0 - np.exp(-self.cost_top)  # where the curve leaves the axes
        lo, hi = (1e-4, edge) if y == 0 else (1.0 - edge, 1 - 1e-4)
        graph = axes.plot(lambda a: float(log_loss_of_output(a, y)), x_range=[lo, hi, (hi - lo) / 200],
                          color=BCE_COLOR, stroke_width=4)
        goal = Dot(axes.c2p(y, 0), color=TARGET_COLOR, radius=0.08)

        path = self.outputs if y == 0 else self.outputs[::-1]
        a = ValueTracker(float(path[0]))
        marker = Dot(color=OUTPUT_COLOR, radius=0.09)
        marker.add_updater(lambda m: m.move_to(axes.c2p(a.get_value(), float(log_loss_of_output(a.get_value(), y)))))
        readout = _OutputReadout(y, a.get_value()).follow(a)
        readout.next_to(axes.c2p(0.5, self.cost_top), DOWN, buff=0.1).shift(RIGHT * (-0.2 if y == 0 else 0.2))

        dropped = ("the first term is multiplied by y = 0 and drops out" if y == 0
                   else "the factor (1 − y) is zero, so the second term drops out")
        what_is_left = "−ln(1 − a)" if y == 0 else "−ln a"
        with self.narrate(f"If y = {y}, {dropped}. What is left is {what_is_left}."):
            self.play(Write(case_label))
            self.play(Create(strike))
            self.play(Write(left_over), run_time=1.5)
            self.wait(1)
        with self.narrate(f"It is zero at a = {y} and grows without bound as a moves towards {1 - y}. "
                          f"Minimising it pushes the output towards {y}.") as block:
            self.play(Create(axes), run_time=1.2)
            self.play(Create(graph), FadeIn(goal), run_time=1.5)
            self.add(marker)
            self.play(FadeIn(readout))
            self.play(a.animate.set_value(float(path[-1])), run_time=block.run_time(0.45, at_least=4),
                      rate_func=linear)
            self.wait(1)
        marker.clear_updaters()
        readout.freeze()
        self.remove(strike)
        self.play(FadeOut(strike))
        self.cases = getattr(self, "cases", {})
        self.cases[y] = {"axes": axes, "marker": marker, "readout": readout, "a": a, "graph": graph}

    def conclude(self) -> None:
        with self.narrate("Either way the cost is smallest when the output equals the desired output, "
                          "just as a cost should be."):
            self.play(*(c["marker"].animate.scale(1.5) for c in self.cases.values()))
            self.wait(3)


class _OutputReadout(Follows, VGroup):
    """``a = 0.981   C = 3.99`` for target ``y``; :meth:`follow` a tracker on a."""

    def __init__(self, y: int, a: float) -> None:
        super().__init__()
        self.y = y
        a_label = tex("a", "=", font_size=SYMBOL_SIZE)
        self.a_value = LiveDecimal(a, num_decimal_places=3, font_size=SYMBOL_SIZE, color=OUTPUT_COLOR)
        c_label = tex("C", "=", font_size=SYMBOL_SIZE)
        c_label[0].set_color(BCE_COLOR)
        self.c_value = LiveDecimal(self.value_at("cost", a), num_decimal_places=2, font_size=SYMBOL_SIZE,
                                   color=BCE_COLOR)
        self.add(a_label, self.a_value, c_label, self.c_value).arrange(RIGHT, buff=0.12)
        c_label.shift(RIGHT * 0.3)
        self.c_value.shift(RIGHT * 0.3)
        self.values = {"a": self.a_value, "cost": self.c_value}

    def value_at(self, key: str, a: float) -> float:
        """The output itself, or its cost."""
        return a if key == "a" else float(log_loss_of_output(a, self.y))
