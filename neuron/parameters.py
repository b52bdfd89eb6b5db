"""The lecture's parameters: what each one is, what is allowed, and its default.

:class:`Start`, :class:`Lesson`, :class:`Sweep` and :class:`TargetSweep`
check every field when built and refuse a bad one in one line
(``"<field> must be <allowed>, got <value>"``). Their defaults are the
lecture as given (Nielsen's chapter 3). Which values the lecture shows is
decided in :mod:`neuron.presets`; lesson files (:mod:`neuron.lessonfile`)
build these same classes, so they get the same checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from neuron.checks import fail, fraction, positive, real, target, whole
from neuron.costs import COSTS, Cost, get_cost
from neuron.descent import Trajectory, descend

__all__ = ["MAX_EPOCHS", "MAX_PARAMETER", "MAX_INPUT", "Start", "Lesson", "Sweep", "TargetSweep"]

#: Upper bound on epochs: far past anything a lecture shows, low enough that a
#: typo (an extra three zeros) fails fast instead of eating memory.
MAX_EPOCHS = 100_000

#: Largest |w| and |b| of a start (and |z₀| of the sweep), and largest |x|.
#: Together they keep every starting weighted input at |z₀| = |w·x + b| ≤
#: 50·10 + 50 = 550, where σ can still show it honestly: the slope the
#: lecture is about, σ′(z₀) ≈ e^−|z₀| ≥ e^−550 ≈ 1e−239, is a normal float64
#: with all its digits, and so are both costs' gradients at a wrong start.
#: Past |z| ≈ 708 σ′ loses digits and past 745 it is exactly 0: a plot would
#: show a flat slope that is not flat. (The core itself is tested correct up
#: to |z| = 1000.) A typo such as ``1e308`` fails here instead of printing a
#: 309-digit number.
MAX_PARAMETER = 50.0
MAX_INPUT = 10.0


def _bounded(name: str, value: object, limit: float) -> float:
    """A finite real number in [−limit, limit]."""
    allowed = f"a finite number in [{-limit:g}, {limit:g}]"
    v = real(name, value, allowed)
    if abs(v) > limit:
        fail(name, allowed, value)
    return v


def _levels(name: str, values: object, what: str) -> tuple[float, ...]:
    """A non-empty tuple (or list) of numbers each in (0, 1), as floats."""
    if not isinstance(values, (tuple, list)) or not values:
        fail(name, f"a non-empty tuple of {what} in (0, 1)", values)
    return tuple(fraction(f"{name}[{i}]", v) for i, v in enumerate(values))


@dataclass(frozen=True)
class Start:
    """A starting point (w, b) for gradient descent.

    Attributes
    ----------
    name
        Short label (``"good"``, ``"bad"``): a non-empty string.
    w, b
        Initial weight and bias; finite, |w|, |b| ≤ ``MAX_PARAMETER``.
    """

    name: str
    w: float
    b: float

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            fail("start name", "a non-empty string", self.name)
        object.__setattr__(self, "w", _bounded(f"start {self.name!r}: w", self.w, MAX_PARAMETER))
        object.__setattr__(self, "b", _bounded(f"start {self.name!r}: b", self.b, MAX_PARAMETER))


@dataclass(frozen=True)
class Lesson:
    """One neuron, one training example, one learning rate for both costs.

    Attributes
    ----------
    x
        Input, 0 < |x| ≤ ``MAX_INPUT`` (with x = 0 the weight does nothing).
    y
        Desired output, in [0, 1].
    eta
        Learning rate η > 0, shared by both costs so the comparison is fair.
    epochs
        Number of gradient-descent epochs, 1 … ``MAX_EPOCHS``.
    good, bad
        The start near the answer and the start on the sigmoid's plateau.
    """

    x: float = 1.0
    y: float = 0.0
    eta: float = 0.15
    epochs: int = 300
    good: Start = field(default_factory=lambda: Start("good", 0.6, 0.9))
    bad: Start = field(default_factory=lambda: Start("bad", 2.0, 2.0))

    def __post_init__(self) -> None:
        x_allowed = f"a finite number with 0 < |x| <= {MAX_INPUT:g}"
        x = real("x", self.x, x_allowed)
        if not 0.0 < abs(x) <= MAX_INPUT:
            fail("x", x_allowed, self.x)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", target("y", self.y))
        object.__setattr__(self, "eta", positive("eta", self.eta))
        object.__setattr__(self, "epochs", whole("epochs", self.epochs, 1, MAX_EPOCHS))
        for name in ("good", "bad"):
            if not isinstance(getattr(self, name), Start):
                fail(name, "a Start(name, w, b)", getattr(self, name))

    def start(self, name: str) -> Start:
        """The start called ``name`` (``"good"`` or ``"bad"``)."""
        if name not in ("good", "bad"):
            fail("start", "one of ['bad', 'good']", name)
        return getattr(self, name)

    def run(self, cost: str | Cost, start: str | Start) -> Trajectory:
        """Gradient descent for ``cost`` from ``start`` with this lesson's settings."""
        cost = get_cost(cost) if isinstance(cost, str) else cost
        start = self.start(start) if isinstance(start, str) else start
        return descend(cost, start.w, start.b, x=self.x, y=self.y, eta=self.eta, epochs=self.epochs)

    def runs(self) -> dict[tuple[str, str], Trajectory]:
        """Every (cost, start) pair the lecture shows, keyed ``(cost, start)``."""
        return {(c, s): self.run(c, s) for c in COSTS for s in ("good", "bad")}


@dataclass(frozen=True)
class Sweep:
    """The price of a bad start: a sweep of starting z₀ against epochs needed.

    Attributes
    ----------
    z_min, z_max
        Range of starting weighted inputs (w₀ = 0, b₀ = z₀), within
        ±``MAX_PARAMETER`` (b₀ is a start's bias), z_min < z_max.
    count
        Number of starts in the range, 2 … 100 000.
    thresholds
        Output levels a must fall below: a non-empty tuple, each in (0, 1).
    max_epochs
        Give up after this many epochs (1 … ``MAX_EPOCHS``).
    """

    z_min: float = -2.0
    z_max: float = 8.0
    count: int = 401
    thresholds: tuple[float, ...] = (0.5, 0.1)
    max_epochs: int = 60_000

    def __post_init__(self) -> None:
        lo = _bounded("z_min", self.z_min, MAX_PARAMETER)
        hi = _bounded("z_max", self.z_max, MAX_PARAMETER)
        if not lo < hi:
            raise ValueError(f"z_min must be < z_max, got z_min={lo!r}, z_max={hi!r}")
        object.__setattr__(self, "z_min", lo)
        object.__setattr__(self, "z_max", hi)
        object.__setattr__(self, "count", whole("count", self.count, 2, 100_000))
        object.__setattr__(self, "thresholds", _levels("thresholds", self.thresholds, "output levels"))
        object.__setattr__(self, "max_epochs", whole("max_epochs", self.max_epochs, 1, MAX_EPOCHS))

    def z0(self) -> np.ndarray:
        """The starting weighted inputs, evenly spaced."""
        return np.linspace(self.z_min, self.z_max, self.count)


@dataclass(frozen=True)
class TargetSweep:
    """Desired outputs strictly between 0 and 1, visited in turn by the "any target" beat.

    Attributes
    ----------
    values
        The targets y, in the order shown; a non-empty tuple, each in the
        open interval (0, 1) (cross-entropy is minimised at a = y, and σ
        never reaches 0 or 1).
    """

    values: tuple[float, ...] = (0.1, 0.5, 0.85)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", _levels("values", self.values, "targets"))
