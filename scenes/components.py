"""Mobjects shared by the beats. Each takes core objects, never copied numbers.

- :class:`NeuronDiagram` — x → ×w → +b → z → σ → a, compared with y, with
  live values.
- :class:`Readouts` — labelled live numbers (w, b, a, C, epoch …).
- :class:`CostPlot` — cost against epoch, traced as a tracker runs.
- :class:`SigmoidPlot` — σ (blue) and σ′ (red) over z.
- :class:`TrainingView` — the neuron, its readouts and its cost plot, run together.
- :class:`CaptionCard` — a caption drawn into the picture, in the caption band.

Their parts live beside them and are re-exported here: live numbers
(:mod:`scenes.live`: :class:`LiveDecimal`, :class:`LiveInteger`,
:class:`Follows`, :func:`epoch_tracker`) and the marks of every plot
(:mod:`scenes.marks`: ticks, the edge axis, labels, the caption band).

Live values follow a ``ValueTracker`` holding a (fractional) epoch: updaters
call ``set_value`` on existing ``DecimalNumber`` objects and move existing
points; nothing re-typesets LaTeX per frame. Groups of live numbers take
``follow(tracker)`` and ``freeze()`` from :class:`Follows`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    BLACK,
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Axes,
    Dot,
    MathTex,
    Rectangle,
    RoundedRectangle,
    ValueTracker,
    VGroup,
    VMobject,
    config,
)

from neuron import Lesson, Trajectory, sigmoid, sigmoid_prime
from scenes.live import Follows, LiveDecimal, LiveInteger, epoch_tracker
from scenes.marks import above_caption_band, edge_y_axis, label, nice_range, nice_step
from scenes.style import (
    B_COLOR,
    CAPTION_BAND,
    CAPTION_SIZE,
    FORMULA_SIZE,
    LABEL_SIZE,
    MUTED_COLOR,
    OUTPUT_COLOR,
    SIGMA_COLOR,
    SIGMA_PRIME_COLOR,
    SMALL_AXIS_NUMBER_SIZE,
    SYMBOL_SIZE,
    TARGET_COLOR,
    W_COLOR,
    X_COLOR,
    Z_COLOR,
    axis_style,
    caption_band_top,
    tex,
    words,
)

__all__ = [
    "TrainingView",
    "LiveDecimal",
    "LiveInteger",
    "nice_step",
    "nice_range",
    "edge_y_axis",
    "label",
    "Follows",
    "Readouts",
    "NeuronDiagram",
    "CostPlot",
    "SigmoidPlot",
    "epoch_tracker",
    "above_caption_band",
    "CaptionCard",
]


class Readouts(Follows, VGroup):
    """A column (or row) of labelled live numbers, e.g. ``w = 0.600``, following a run.

    Parameters
    ----------
    fields
        ``(key, tex label, colour)`` per row; ``key`` names a field of
        :meth:`neuron.Trajectory.at` (``"w"``, ``"b"``, ``"z"``, ``"a"``,
        ``"cost"``, ``"dC_dw"`` …) or ``"epoch"``.
    trajectory
        Where the values come from.
    decimals
        Digits after the point.
    font_size
        Size of labels and numbers.

    Examples
    --------
    >>> from neuron import LESSON  # doctest: +SKIP
    >>> r = Readouts([("w", "w", W_COLOR)], LESSON.run("mse", "good"))  # doctest: +SKIP
    """

    def __init__(
        self,
        fields: Sequence[tuple[str, str, object]],
        trajectory: Trajectory,
        decimals: int = 3,
        font_size: float = SYMBOL_SIZE,
        direction=DOWN,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.trajectory = trajectory
        self.values: dict[str, LiveDecimal] = {}
        for key, tex_label, color in fields:
            name = MathTex(tex_label, "=", font_size=font_size)
            name[0].set_color(color)
            if key == "epoch":
                number = LiveInteger(0, font_size=font_size, color=color)
            else:
                number = LiveDecimal(
                    self.value_at(key, 0.0), num_decimal_places=decimals, font_size=font_size, color=color,
                    include_sign=False,
                )
            number.next_to(name, RIGHT, buff=0.15)
            self.values[key] = number
            self.add(VGroup(name, number))
        if (direction == DOWN).all():
            self.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        else:
            self.arrange(direction, buff=0.5)


class NeuronDiagram(Follows, VGroup):
    """The lecture's neuron: x → ×w → +b → z → σ → a, beside its target y.

    Each stage is a rounded box with its symbol; under the parameter boxes
    and the output sit live numbers from the trajectory; :meth:`follow`
    drives w, b, z and a from a tracker over the epoch.

    Parameters
    ----------
    lesson
        Supplies x and y.
    trajectory
        Supplies w, b, z and a.
    """

    def __init__(self, lesson: Lesson, trajectory: Trajectory, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lesson = lesson
        self.trajectory = trajectory

        def node(parts: Sequence[str], color, width: float = 1.15) -> VGroup:
            box = RoundedRectangle(corner_radius=0.15, width=width, height=0.85, color=color, stroke_width=3)
            sym = tex(*parts, font_size=FORMULA_SIZE).move_to(box)
            return VGroup(box, sym)

        self.x_node = node(["x"], X_COLOR)
        self.w_node = node([r"\times", "w"], W_COLOR)
        self.b_node = node(["+", "b"], B_COLOR)
        self.s_node = node([r"\sigma"], SIGMA_COLOR)
        self.a_node = node(["a"], OUTPUT_COLOR)
        chain = VGroup(self.x_node, self.w_node, self.b_node, self.s_node, self.a_node).arrange(RIGHT, buff=0.7)
        # The arrow into σ carries z and its value: give it room.
        VGroup(self.s_node, self.a_node).shift(RIGHT * 0.5)
        self.arrows = VGroup(
            *(Arrow(l.get_right(), r.get_left(), buff=0.08, stroke_width=3, max_tip_length_to_length_ratio=0.3)
              for l, r in zip(chain[:-1], chain[1:]))
        )
        self.z_label = tex("z", font_size=SYMBOL_SIZE, color=Z_COLOR).next_to(self.arrows[2], UP, buff=0.08)
        self.y_node = node(["y"], TARGET_COLOR).next_to(self.a_node, RIGHT, buff=1.0)
        self.compare = MathTex(r"\leftrightarrow", font_size=FORMULA_SIZE, color=MUTED_COLOR)
        self.compare.move_to((self.a_node.get_right() + self.y_node.get_left()) / 2)

        start = trajectory.at(0)

        def number(value: float, color) -> LiveDecimal:
            return LiveDecimal(value, num_decimal_places=2, font_size=LABEL_SIZE, color=color)

        self.x_value = number(lesson.x, X_COLOR).next_to(self.x_node, DOWN, buff=0.15)
        self.w_value = number(start["w"], W_COLOR).next_to(self.w_node, DOWN, buff=0.15)
        self.b_value = number(start["b"], B_COLOR).next_to(self.b_node, DOWN, buff=0.15)
        self.z_value = number(start["z"], Z_COLOR).next_to(self.arrows[2], DOWN, buff=0.15)
        self.a_value = number(start["a"], OUTPUT_COLOR).next_to(self.a_node, DOWN, buff=0.15)
        self.y_value = number(lesson.y, TARGET_COLOR).next_to(self.y_node, DOWN, buff=0.15)
        self.values = {"w": self.w_value, "b": self.b_value, "z": self.z_value, "a": self.a_value}
        self.add(chain, self.arrows, self.z_label, self.compare, self.y_node,
                 self.x_value, self.w_value, self.b_value, self.z_value, self.a_value, self.y_value)


class CostPlot(VGroup):
    """Cost against epoch on fixed axes; curves are traced by a tracker.

    Parameters
    ----------
    epochs
        Length of the x axis.
    cost_top
        Largest cost to show; the y axis is rounded up from it.
    x_length, y_length
        Size on screen.
    """

    def __init__(self, epochs: int, cost_top: float, x_length: float = 6.0, y_length: float = 3.6,
                 y_label: str = "C", **kwargs) -> None:
        super().__init__(**kwargs)
        self.axes = Axes(
            x_range=nice_range(epochs, 3),
            y_range=nice_range(cost_top, 4),
            x_length=x_length,
            y_length=y_length,
            tips=False,
            axis_config=axis_style(font_size=SMALL_AXIS_NUMBER_SIZE),
        )
        # Past the axis' right end, level with its numbers: no extra row under the plot.
        self.x_title = label("epoch").next_to(self.axes.x_axis, RIGHT, buff=0.15)
        self.x_title.align_to(self.axes.x_axis.numbers, DOWN)
        self._screen: dict[int, tuple[Trajectory, np.ndarray]] = {}
        self.y_title = tex(y_label, font_size=SYMBOL_SIZE).next_to(self.axes.y_axis, UP, buff=0.15)
        self.add(self.axes, self.x_title, self.y_title)

    def point(self, epoch: float, cost: float) -> np.ndarray:
        """Screen point of (epoch, cost)."""
        return self.axes.c2p(epoch, cost)

    def curve(self, trajectory: Trajectory, color, upto: float | None = None, stroke_width: float = 4) -> VMobject:
        """The trajectory's cost curve from epoch 0 up to ``upto`` (all by default)."""
        curve = VMobject(color=color, stroke_width=stroke_width)
        self._fit(curve, trajectory, trajectory.epochs if upto is None else upto)
        return curve

    def _screen_points(self, trajectory: Trajectory) -> np.ndarray:
        """Every recorded (epoch, cost) of ``trajectory`` on screen, computed once."""
        cached = self._screen.get(id(trajectory))
        if cached is None or cached[0] is not trajectory:
            points = np.asarray(self.axes.c2p(trajectory.epoch.astype(float), trajectory.cost)).T
            cached = self._screen[id(trajectory)] = (trajectory, points)
        return cached[1]

    def _fit(self, curve: VMobject, trajectory: Trajectory, upto: float) -> None:
        """Make ``curve`` the cost curve from epoch 0 to ``upto`` (a slice, no per-point work)."""
        upto = float(np.clip(upto, 0.0, trajectory.epochs))
        count = int(np.searchsorted(trajectory.epoch, upto, side="right"))
        points = self._screen_points(trajectory)[:count]
        if upto > trajectory.epoch[count - 1]:
            points = np.vstack([points, self.point(upto, float(trajectory.at(upto)["cost"]))])
        if len(points) == 1:  # a curve needs two points; start with a zero-length one
            points = np.vstack([points, points])
        curve.set_points_as_corners(points)

    def trace(self, trajectory: Trajectory, tracker: ValueTracker, color) -> VGroup:
        """A curve plus a head dot that grow with ``tracker``'s epoch."""
        curve = self.curve(trajectory, color, upto=0.0)
        head = Dot(radius=0.07, color=color)

        def grow(m: VMobject) -> None:
            self._fit(m, trajectory, tracker.get_value())

        def move(m: Dot) -> None:
            e = float(np.clip(tracker.get_value(), 0.0, trajectory.epochs))
            m.move_to(self.point(e, float(trajectory.at(e)["cost"])))

        curve.add_updater(grow)
        head.add_updater(move)
        move(head)
        return VGroup(curve, head)


class SigmoidPlot(VGroup):
    """σ (blue) and σ′ (red) over z on one pair of axes.

    Parameters
    ----------
    z_max
        The z axis runs over [−z_max, z_max].
    """

    def __init__(self, z_max: float = 6.0, x_length: float = 8.0, y_length: float = 3.6, **kwargs) -> None:
        super().__init__(**kwargs)
        step = nice_step(2 * z_max, 6)
        self.axes = Axes(
            x_range=[-z_max, z_max, step],
            y_range=[0, 1, 0.25],
            x_length=x_length,
            y_length=y_length,
            tips=False,
            axis_config=axis_style(font_size=SMALL_AXIS_NUMBER_SIZE),
            y_axis_config={"decimal_number_config": {"num_decimal_places": 2}},
        )
        self.sigma = self.axes.plot(lambda z: float(sigmoid(z)), color=SIGMA_COLOR, stroke_width=5)
        self.sigma_prime = self.axes.plot(lambda z: float(sigmoid_prime(z)), color=SIGMA_PRIME_COLOR, stroke_width=5)
        # A legend in the empty upper left, where σ is still near 0.
        self.sigma_label = tex(r"\sigma(z)", font_size=SYMBOL_SIZE)
        self.sigma_prime_label = tex(r"\sigma'(z)", font_size=SYMBOL_SIZE)
        VGroup(self.sigma_label, self.sigma_prime_label).arrange(DOWN, aligned_edge=LEFT, buff=0.2).next_to(
            self.axes.c2p(-z_max, 1.0), DOWN + RIGHT, buff=0.45)
        self.z_title = tex("z", font_size=SYMBOL_SIZE).next_to(self.axes.x_axis, RIGHT, buff=0.15)
        # The vertical scale at the left edge: at z = 0 its numbers sit on σ′'s peak.
        self.y_axis = edge_y_axis(self.axes)
        self.add(self.y_axis, self.axes, self.sigma, self.sigma_prime, self.sigma_label, self.sigma_prime_label, self.z_title)


class TrainingView(VGroup):
    """One training run laid out: neuron diagram on top, cost curve and readouts below.

    Parameters
    ----------
    lesson
        Supplies x and y.
    trajectory
        The run shown.
    color
        The cost's colour.
    cost_top
        Top of the cost axis (default: the run's largest cost).
    """

    def __init__(self, lesson: Lesson, trajectory: Trajectory, color, cost_top: float | None = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.trajectory = trajectory
        self.color = color
        self.diagram = NeuronDiagram(lesson, trajectory).scale(0.85)
        self.plot = CostPlot(trajectory.epochs, cost_top or float(np.max(trajectory.cost)),
                             x_length=6.4, y_length=2.4)
        self.readouts = Readouts(
            [("epoch", r"\text{epoch}", MUTED_COLOR), ("w", "w", W_COLOR), ("b", "b", B_COLOR),
             ("a", "a", OUTPUT_COLOR), ("cost", "C", color)],
            trajectory,
        )
        self.diagram.move_to(UP * 1.75)
        above_caption_band(self.plot.move_to(LEFT * 2.7))
        self.readouts.move_to(RIGHT * 4.6).set_y(self.plot.axes.get_center()[1])
        self.add(self.diagram, self.plot, self.readouts)

    def follow(self, tracker: ValueTracker) -> VGroup:
        """Make the numbers live; return the traced curve to add to the scene."""
        self.diagram.follow(tracker)
        self.readouts.follow(tracker)
        return self.plot.trace(self.trajectory, tracker, self.color)

    def freeze(self) -> None:
        """Stop all live numbers."""
        self.diagram.freeze()
        self.readouts.freeze()


class CaptionCard(VGroup):
    """A caption drawn into the picture: one or two centred lines on a dark box.

    For places that cannot load a sidecar caption track. It sits in the
    caption band (:data:`scenes.style.CAPTION_BAND`), which every beat keeps
    free, so it never covers the lecture.

    Parameters
    ----------
    lines
        The cue's chosen lines (at most two).
    size
        Font size; the default stays legible at 480p.

    Examples
    --------
    >>> card = CaptionCard(["The cost hardly moves", "at first."])  # doctest: +SKIP
    """

    def __init__(self, lines: Sequence[str], size: float = CAPTION_SIZE, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lines = VGroup(*(words(line, size=size) for line in lines)).arrange(DOWN, buff=0.14)
        # Same box height whether one line or two, so the card does not jump.
        line_height = words("Hg", size=size).height
        height = 2 * line_height + 0.14 + 0.3
        self.box = Rectangle(width=self.lines.width + 0.5, height=height, stroke_width=0,
                             fill_color=BLACK, fill_opacity=self.BOX_OPACITY)
        band_bottom = caption_band_top() - CAPTION_BAND * config.frame_height
        self.box.move_to([0.0, (caption_band_top() + band_bottom) / 2, 0.0])
        self.lines.move_to(self.box)
        self.add(self.box, self.lines)

    #: How much of the picture behind the box shows through (1 − this).
    BOX_OPACITY = 0.65

    def show(self, shown: bool = True) -> CaptionCard:
        """Show or hide the card in place.

        Cards are hidden rather than removed: Cairo keeps drawing, until the
        end of an animation, whatever was on screen when it began.
        """
        self.box.set_fill(opacity=self.BOX_OPACITY if shown else 0.0)
        self.lines.set_opacity(1.0 if shown else 0.0)
        return self
