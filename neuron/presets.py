"""Presets: the only home of the lecture's parameters.

Scenes read every parameter from here and compute every result with the
rest of :mod:`neuron`; nothing on screen is typed by hand. To change the
lecture, change a preset (or build your own with :func:`dataclasses.replace`
and the same validation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from neuron.costs import COSTS, Cost, get_cost
from neuron.descent import Trajectory, descend

__all__ = [
    "MAX_EPOCHS",
    "Start",
    "Lesson",
    "Sweep",
    "TargetSweep",
    "LESSON",
    "SWEEP",
    "TARGETS",
]

#: Upper bound on epochs: far past anything a lecture shows, low enough that a
#: typo (an extra three zeros) fails fast instead of eating memory.
MAX_EPOCHS = 100_000


def _finite(name: str, value: object) -> float:
    """Return ``value`` as a float or raise a ValueError naming ``name``."""
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite real number, got {value!r}") from None
    if not math.isfinite(f):
        raise ValueError(f"{name} must be a finite real number, got {value!r}")
    return f


@dataclass(frozen=True)
class Start:
    """A starting point (w, b) for gradient descent.

    Attributes
    ----------
    name
        Short label (``"good"``, ``"bad"``).
    w, b
        Initial weight and bias; finite.
    """

    name: str
    w: float
    b: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "w", _finite(f"start {self.name!r}: w", self.w))
        object.__setattr__(self, "b", _finite(f"start {self.name!r}: b", self.b))


@dataclass(frozen=True)
class Lesson:
    """One neuron, one training example, one learning rate for both costs.

    Attributes
    ----------
    x
        Input (finite).
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
        object.__setattr__(self, "x", _finite("x", self.x))
        y = _finite("y", self.y)
        if not 0.0 <= y <= 1.0:
            raise ValueError(f"y must be in [0, 1], got {self.y!r}")
        object.__setattr__(self, "y", y)
        eta = _finite("eta", self.eta)
        if eta <= 0.0:
            raise ValueError(f"eta must be a finite number > 0, got {self.eta!r}")
        object.__setattr__(self, "eta", eta)
        if isinstance(self.epochs, bool) or not isinstance(self.epochs, (int, np.integer)):
            raise ValueError(f"epochs must be a whole number in 1..{MAX_EPOCHS}, got {self.epochs!r}")
        if not 1 <= self.epochs <= MAX_EPOCHS:
            raise ValueError(f"epochs must be a whole number in 1..{MAX_EPOCHS}, got {self.epochs!r}")
        object.__setattr__(self, "epochs", int(self.epochs))
        for name in ("good", "bad"):
            if not isinstance(getattr(self, name), Start):
                raise ValueError(f"{name} must be a Start(name, w, b), got {getattr(self, name)!r}")

    def start(self, name: str) -> Start:
        """The start called ``name`` (``"good"`` or ``"bad"``)."""
        if name not in ("good", "bad"):
            raise ValueError(f"start must be one of ['bad', 'good'], got {name!r}")
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
        Range of starting weighted inputs (w₀ = 0, b₀ = z₀ with x = 1).
    count
        Number of starts in the range, 2 … 100 000.
    thresholds
        Output levels a must fall below, each in (0, 1).
    max_epochs
        Give up after this many epochs (1 … ``MAX_EPOCHS``).
    """

    z_min: float = -2.0
    z_max: float = 8.0
    count: int = 401
    thresholds: tuple[float, ...] = (0.5, 0.1)
    max_epochs: int = 60_000

    def __post_init__(self) -> None:
        lo, hi = _finite("z_min", self.z_min), _finite("z_max", self.z_max)
        if not lo < hi:
            raise ValueError(f"z_min must be < z_max, got z_min={self.z_min!r}, z_max={self.z_max!r}")
        if not isinstance(self.count, (int, np.integer)) or not 2 <= self.count <= 100_000:
            raise ValueError(f"count must be a whole number in 2..100000, got {self.count!r}")
        if not isinstance(self.max_epochs, (int, np.integer)) or not 1 <= self.max_epochs <= MAX_EPOCHS:
            raise ValueError(f"max_epochs must be a whole number in 1..{MAX_EPOCHS}, got {self.max_epochs!r}")
        if not self.thresholds:
            raise ValueError("thresholds must name at least one output level in (0, 1), got ()")
        for t in self.thresholds:
            if not 0.0 < _finite("threshold", t) < 1.0:
                raise ValueError(f"each threshold must be in (0, 1), got {t!r}")

    def z0(self) -> np.ndarray:
        """The starting weighted inputs, evenly spaced."""
        return np.linspace(self.z_min, self.z_max, self.count)


@dataclass(frozen=True)
class TargetSweep:
    """Desired outputs strictly between 0 and 1, visited in turn by the "any target" beat.

    Attributes
    ----------
    values
        The targets y, in the order shown; at least one, each in the open
        interval (0, 1) (cross-entropy is minimised at a = y, and σ never
        reaches 0 or 1).
    """

    values: tuple[float, ...] = (0.1, 0.5, 0.85)

    def __post_init__(self) -> None:
        if isinstance(self.values, (str, bytes)) or not hasattr(self.values, "__iter__"):
            raise ValueError(f"values must be a tuple of targets in (0, 1), got {self.values!r}")
        values = tuple(self.values)
        if not values:
            raise ValueError("values must name at least one target in (0, 1), got ()")
        checked = []
        for v in values:
            f = _finite("values: target", v)
            if not 0.0 < f < 1.0:
                raise ValueError(f"values: each target must be in (0, 1), got {v!r}")
            checked.append(f)
        object.__setattr__(self, "values", tuple(checked))


#: The lecture as given: Nielsen's chapter 3 numbers.
LESSON = Lesson()
#: The start sweep of the "price of a bad start" beat.
SWEEP = Sweep()
#: The targets the "any target" beat slides through.
TARGETS = TargetSweep()
