"""Beat 5 — σ′ cancels: the chain rule for cross-entropy, step by step."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Brace,
    Create,
    FadeIn,
    Indicate,
    Line,
    SurroundingRectangle,
    VGroup,
    Write,
)

from neuron import CROSS_ENTROPY, QUADRATIC, chain_rule
from scenes.base import LectureScene
from scenes.components import label
from scenes.style import (
    BCE_COLOR,
    FORMULA_SIZE,
    KEY_FORMULA_SIZE,
    LABEL_SIZE,
    MSE_COLOR,
    SIGMA_PRIME_COLOR,
    SMALL_FORMULA_SIZE,
    SMALL_SIZE,
    tex,
)

__all__ = ["SigmaPrimeCancels"]


class SigmaPrimeCancels(LectureScene):
    """∂C/∂a · σ′(z) · x with σ′(z) = a(1 − a) collapses to x(a − y)."""

    title = "σ′ cancels"

    def construct(self) -> None:
        self.show_chain()
        self.substitute()
        self.cancel()
        self.checkpoint("cross-entropy-gradient")
        self.bias_too()
        self.compare()

    def show_chain(self) -> None:
        heading = self.heading(subtitle="the chain rule for cross-entropy")
        self.chain = tex(r"\frac{\partial C}{\partial w}", "=", r"\frac{\partial C}{\partial a}", r"\cdot",
                         r"\frac{\partial a}{\partial z}", r"\cdot", r"\frac{\partial z}{\partial w}",
                         font_size=FORMULA_SIZE)
        self.chain.next_to(heading, DOWN, buff=0.3).set_x(-2.0)
        self.chain[0].set_color(BCE_COLOR)
        with self.narrate("Take the gradient of the cross-entropy cost with the chain rule: "
                          "three factors, one for each step from w to C."):
            self.play(FadeIn(heading, shift=DOWN * 0.2))
            self.play(Write(self.chain), run_time=2.5)
            self.wait(1.5)

    def substitute(self) -> None:
        # Wide gaps so the notes under the factors have room.
        self.step = tex("=", r"\frac{a-y}{a(1-a)}", r"\quad\cdot\quad", "a(1-a)", r"\qquad\cdot\qquad", "x",
                        font_size=FORMULA_SIZE)
        self.step.next_to(self.chain, DOWN, buff=0.45).align_to(self.chain[1], LEFT)
        outer, sp, x = self.step[1], self.step[3], self.step[5]
        notes = VGroup()
        for part, words, color in ((outer, "from the cost", BCE_COLOR),
                                   (sp, "σ′(z) = a(1 − a)", SIGMA_PRIME_COLOR),
                                   (x, "z = wx + b", None)):
            brace = Brace(part, DOWN, buff=0.08)
            text = label(words, size=SMALL_SIZE, **({"color": color} if color else {})).next_to(brace, DOWN, buff=0.08)
            notes.add(VGroup(brace, text))
        self.notes = notes
        with self.narrate("The derivative of the cost with respect to a is (a − y) over a(1 − a). "
                          "The sigmoid's slope σ′(z) is exactly a(1 − a). And z changes with w at rate x."):
            self.play(Write(self.step), run_time=2)
            for note in notes:
                self.play(FadeIn(note, shift=UP * 0.1), run_time=1.2)
            self.wait(2)

    def cancel(self) -> None:
        frac, sp = self.step[1], self.step[3]
        denominator_top = frac.get_center()[1] - 0.05
        strike_den = Line([frac.get_left()[0], frac.get_bottom()[1], 0], [frac.get_right()[0], denominator_top, 0],
                          color=SIGMA_PRIME_COLOR, stroke_width=5)
        strike_sp = Line(sp.get_corner(DOWN + LEFT), sp.get_corner(UP + RIGHT), color=SIGMA_PRIME_COLOR,
                         stroke_width=5)
        self.result = tex("=", "x", "(", "a", "-", "y", ")", font_size=KEY_FORMULA_SIZE)
        self.result.next_to(self.notes, DOWN, buff=0.4).align_to(self.step, LEFT)
        self.box = SurroundingRectangle(self.result[1:], color=BCE_COLOR, buff=0.12)
        with self.narrate("The slope in the denominator cancels the slope in the product. "
                          "σ′(z) is gone: the gradient is simply x times (a − y)."):
            self.play(Create(strike_den), Create(strike_sp), run_time=1.5)
            self.play(Write(self.result), run_time=1.5)
            self.play(Create(self.box))
            self.wait(2)

    def bias_too(self) -> None:
        bias = tex(r"\frac{\partial C}{\partial b}", "=", "a", "-", "y", font_size=FORMULA_SIZE)
        bias[0].set_color(BCE_COLOR)
        bias.next_to(self.result, RIGHT, buff=1.2)
        with self.narrate("The same steps for the bias give a − y. The more wrong the output, the bigger the step."):
            self.play(Write(bias), run_time=1.5)
            self.wait(2)
        self.bias = bias

    def compare(self) -> None:
        lesson, bad = self.lesson, self.lesson.bad
        mse = float(chain_rule(QUADRATIC, bad.w, bad.b, lesson.x, lesson.y).dC_dw)
        bce = float(chain_rule(CROSS_ENTROPY, bad.w, bad.b, lesson.x, lesson.y).dC_dw)
        rows = VGroup(
            VGroup(label("quadratic:", size=LABEL_SIZE, color=MSE_COLOR),
                   tex(r"(a-y)\,\sigma'(z)\,x", "=", f"{mse:.3f}", font_size=SMALL_FORMULA_SIZE)),
            VGroup(label("cross-entropy:", size=LABEL_SIZE, color=BCE_COLOR),
                   tex(r"x\,(a-y)", "=", f"{bce:.3f}", font_size=SMALL_FORMULA_SIZE)),
        )
        for row in rows:
            row.arrange(RIGHT, buff=0.25)
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        title = label(f"at the bad start (w = {bad.w:g}, b = {bad.b:g}):", size=SMALL_SIZE)
        # Top right, beside the chain rule: the lower half holds the derivation.
        self.panel = panel = VGroup(title, rows).arrange(DOWN, aligned_edge=LEFT, buff=0.2).to_corner(
            UP + RIGHT, buff=0.45)
        with self.narrate(f"At the bad start the quadratic cost's gradient is {mse:.3f}; "
                          f"the cross-entropy gradient is {bce:.3f}, about {bce / mse:.0f} times larger."):
            self.play(FadeIn(panel, shift=UP * 0.2), run_time=1.5)
            self.play(Indicate(rows[1], color=BCE_COLOR))
            self.wait(3)
