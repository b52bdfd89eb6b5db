"""Quantities the lecture points at, computed from trajectories and costs.

Where the plateau ends, how many epochs a start costs, the landscape along
z, the log-loss as a function of the output: scenes show these, so they are
computed here and tested, never read off a plot and typed.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from neuron.activation import sigmoid
from neuron.costs import Cost
from neuron.descent import Trajectory

__all__ = [
    "plateau_end",
    "epochs_to_reach",
    "log_loss_of_output",
    "log_loss_minimiser",
    "book_widget_descend",
]


def plateau_end(trajectory: Trajectory, drop: float = 0.1) -> int:
    """First epoch by which the cost has made ``drop`` of its total fall.

    A flat start (the plateau) shows as many epochs spent before the first
    tenth of the descent; a healthy start makes that tenth at once.

    Parameters
    ----------
    trajectory
        One start (1-D arrays).
    drop
        Fraction of ``cost[0] − cost[-1]`` in (0, 1).

    Returns
    -------
    int
        The epoch number; 0 if the cost did not fall at all.
    """
    if not 0.0 < drop < 1.0:
        raise ValueError(f"drop must be in (0, 1), got {drop!r}")
    cost = np.asarray(trajectory.cost)
    if cost.ndim != 1:
        raise ValueError(f"plateau_end takes one start (1-D cost), got shape {cost.shape}")
    fall = cost[0] - cost[-1]
    if fall <= 0.0:
        return 0
    reached = np.nonzero(cost <= cost[0] - drop * fall)[0]
    return int(trajectory.epoch[reached[0]])


def epochs_to_reach(
    cost: Cost,
    z0: ArrayLike,
    *,
    x: float,
    y: float,
    eta: float,
    threshold: float,
    max_epochs: int,
) -> NDArray[np.float64]:
    """Epochs each start needs before its output falls below ``threshold``.

    Starts are w₀ = 0, b₀ = z₀. All starts run together in one vectorised
    loop; nothing but the current state is stored.

    Parameters
    ----------
    cost
        The cost to minimise.
    z0
        Starting weighted inputs, any shape.
    x, y, eta
        Training example and learning rate.
    threshold
        Output level a must drop below (meant for y below it).
    max_epochs
        Give up after this many epochs.

    Returns
    -------
    numpy.ndarray
        Epoch counts as floats, ``inf`` where ``max_epochs`` was not enough,
        0 where the start is already below the threshold.
    """
    b = np.array(z0, dtype=np.float64)
    w = np.zeros_like(b)
    needed = np.full(b.shape, np.inf)
    needed[sigmoid(w * x + b) < threshold] = 0.0
    active = ~np.isfinite(needed)
    for epoch in range(1, max_epochs + 1):
        if not active.any():
            break
        wa, ba = w[active], b[active]
        delta = cost.delta(wa * x + ba, y)
        wa = wa - eta * delta * x
        ba = ba - eta * delta
        w[active], b[active] = wa, ba
        done = sigmoid(wa * x + ba) < threshold
        idx = np.flatnonzero(active)[done]
        needed.flat[idx] = epoch
        active.flat[idx] = False
    return needed


def log_loss_of_output(a: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    """Cross-entropy as a function of the output: −[y ln a + (1 − y) ln(1 − a)].

    For the case analysis, where the output ``a`` itself is on the x axis.
    Terms with a zero coefficient are dropped (0 · ln 0 = 0), so y = 0 gives
    exactly −ln(1 − a) and y = 1 exactly −ln a.

    Parameters
    ----------
    a
        Output in the open interval (0, 1).
    y
        Desired output in [0, 1].
    """
    a = np.asarray(a, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if np.any((a <= 0.0) | (a >= 1.0)):
        raise ValueError("a must lie strictly between 0 and 1 (σ never reaches either)")
    with np.errstate(invalid="ignore"):
        first = np.where(y > 0, y * np.log(a), 0.0)
        second = np.where(y < 1, (1.0 - y) * np.log1p(-a), 0.0)
    return -(first + second)


def log_loss_minimiser(y: ArrayLike, resolution: int = 100_001) -> NDArray[np.float64]:
    """The output a in (0, 1) that minimises the log-loss for each ``y``.

    Found by brute force on a grid (not by the closed form a = y), so a test
    can compare the two honestly.
    """
    y = np.atleast_1d(np.asarray(y, dtype=np.float64))
    grid = np.linspace(0.0, 1.0, resolution)[1:-1]
    losses = log_loss_of_output(grid[None, :], y[:, None])
    return grid[np.argmin(losses, axis=1)]


def book_widget_descend(
    w0: float, b0: float, *, x: float, eta: float, epochs: int
) -> NDArray[np.float64]:
    """The update rule of the cross-entropy widgets in Nielsen's chapter 3.

    They step with ∂C/∂a = 1/(1 − a) (the y = 0 case) in place of
    ∂C/∂z = a − y, so the step grows as a → 1 and ignores σ′(z) entirely.
    Kept only to document the difference; the lecture uses the correct rule.

    Returns
    -------
    numpy.ndarray
        The output a after each epoch, epoch 0 first.
    """
    w, b = float(w0), float(b0)
    outputs = np.empty(epochs + 1)
    for epoch in range(epochs + 1):
        a = float(sigmoid(w * x + b))
        outputs[epoch] = a
        step = 1.0 / (1.0 - a)
        w -= eta * step * x
        b -= eta * step
    return outputs
