"""Beat 3 — why it stalls: the quadratic cost's gradient carries σ′(z)."""

from __future__ import annotations

from manim import (
    DOWN,
    RIGHT,
    UP,
    UR,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    Line,
    SurroundingRectangle,
    VGroup,
    Write,
)

from neuron import QUADRATIC, chain_rule, sigmoid, sigmoid_prime
from scenes.base import LectureScene
from scenes.components import SigmoidPlot, above_caption_band
from scenes.style import (
    FORMULA_SIZE,
    MUTED_COLOR,
    SIGMA_COLOR,
    SIGMA_PRIME_COLOR,
    SMALL_FORMULA_SIZE,
    SYMBOL_SIZE,
    tex,
)

__all__ = ["SigmaPrime"]


class SigmaPrime(LectureScene):
    """σ and σ′ on one axes; each start's σ′(z₀) marked: the bad one is nearly zero."""

    title = "Why it stalls"

    def construct(self) -> None:
        self.starts = {name: self.lesson.start(name) for name in ("good", "bad")}
        self.z0 = {name: s.w * self.lesson.x + s.b for name, s in self.starts.items()}
        self.show_gradient()
        self.show_curves()
        self.checkpoint("sigma-prime")
        self.mark_starts()
        self.show_flat_tangent()
        self.conclude()

    def show_gradient(self) -> None:
        heading = self.heading(subtitle="look at the gradient")
        self.gradient = tex(r"\frac{\partial C}{\partial w}", "=", "(", "a", "-", "y", ")",
                            r"\sigma'(z)", "x", font_size=FORMULA_SIZE)
        self.gradient.to_corner(UR, buff=0.5)
        self.box = SurroundingRectangle(self.gradient[7], color=SIGMA_PRIME_COLOR, buff=0.08)
        with self.narrate("Gradient descent moves by the gradient. For the quadratic cost, "
                          "the chain rule leaves a factor σ′(z) in it."):
            self.play(FadeIn(heading, shift=DOWN * 0.2))
            self.play(Write(self.gradient), run_time=2)
            self.play(Create(self.box))
            self.wait(1.5)

    def show_curves(self) -> None:
        z_max = max(6.0, 1.5 * max(abs(z) for z in self.z0.values()))
        self.plot = above_caption_band(SigmoidPlot(z_max=z_max, x_length=10.5, y_length=3.2))
        with self.narrate("In blue, the sigmoid σ. In red, its slope σ′. "
                          "The sigmoid flattens out on both sides, so its slope dies away."):
            self.play(Create(VGroup(self.plot.axes, self.plot.y_axis)), run_time=1.5)
            self.play(Create(self.plot.sigma), FadeIn(self.plot.sigma_label), run_time=2)
            self.play(Create(self.plot.sigma_prime), FadeIn(self.plot.sigma_prime_label), run_time=2)
            self.wait(1)

    def _marker(self, name: str) -> VGroup:
        z = self.z0[name]
        axes = self.plot.axes
        value = float(sigmoid_prime(z))
        dot = Dot(axes.c2p(z, value), color=SIGMA_PRIME_COLOR, radius=0.08)
        drop = DashedLine(axes.c2p(z, 0), axes.c2p(z, float(sigmoid(z))), color=MUTED_COLOR, stroke_width=2)
        text = tex(rf"\sigma'({z:g})", "=", f"{value:.3f}", font_size=SYMBOL_SIZE)
        text[0].set_color(SIGMA_PRIME_COLOR)
        text.next_to(dot, UP + RIGHT, buff=0.12)
        return VGroup(drop, dot, text)

    def mark_starts(self) -> None:
        good, bad = self._marker("good"), self._marker("bad")
        with self.narrate(f"The good start has z = {self.z0['good']:g}, where the slope is still "
                          f"{float(sigmoid_prime(self.z0['good'])):.3f}."):
            self.play(Create(good[0]), FadeIn(good[1:]), run_time=1.5)
            self.wait(2)
        with self.narrate(f"The bad start has z = {self.z0['bad']:g}, far out on the flat part: "
                          f"the slope is only {float(sigmoid_prime(self.z0['bad'])):.3f}."):
            self.play(Create(bad[0]), FadeIn(bad[1:]), run_time=1.5)
            self.wait(2)
        self.markers = {"good": good, "bad": bad}

    def show_flat_tangent(self) -> None:
        z = self.z0["bad"]
        axes = self.plot.axes
        slope = float(sigmoid_prime(z))
        half = 1.5
        tangent = Line(axes.c2p(z - half, float(sigmoid(z)) - slope * half),
                       axes.c2p(z + half, float(sigmoid(z)) + slope * half),
                       color=SIGMA_COLOR, stroke_width=6)
        self.tangent = tangent
        with self.narrate("Here the sigmoid is almost level: nudging w or b hardly changes the output."):
            self.play(Create(tangent))
            self.play(FadeIn(Dot(axes.c2p(z, float(sigmoid(z))), color=SIGMA_COLOR, radius=0.1)), run_time=1)
            self.wait(1.5)

    def conclude(self) -> None:
        g = {n: chain_rule(QUADRATIC, s.w, s.b, self.lesson.x, self.lesson.y) for n, s in self.starts.items()}
        good, bad = float(g["good"].dC_dw), float(g["bad"].dC_dw)
        summary = tex(r"\frac{\partial C}{\partial w}", r"\big|_{\text{bad}}", "=", f"{bad:.3f}",
                      r"\quad\text{vs}\quad", r"\frac{\partial C}{\partial w}", r"\big|_{\text{good}}", "=",
                      f"{good:.3f}", font_size=SMALL_FORMULA_SIZE)
        summary.next_to(self.gradient, DOWN, buff=0.3).align_to(self.gradient, RIGHT)
        with self.narrate(f"So the gradient is tiny exactly when the neuron is most wrong: {bad:.3f} at the bad "
                          f"start against {good:.3f} at the good one. No slope, no signal where to go."):
            self.play(FadeIn(summary, shift=UP * 0.2))
            self.wait(3.5)
