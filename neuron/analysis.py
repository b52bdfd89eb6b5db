"""Quantities the lecture points at, computed from trajectories and costs.

Where the plateau ends, how many epochs a start costs, the landscape along
z, the log-loss as a function of the output: scenes show these, so they are
computed here and tested, never read off a plot and typed.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from neuron.activation import sigmoid, sigmoid_and_prime
from neuron.checks import fail, fraction, positive, real, reals, target, whole
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
    if not isinstance(trajectory, Trajectory):
        fail("trajectory", "a Trajectory", trajectory)
    fraction("drop", drop)
    cost = np.asarray(trajectory.cost)
    if cost.ndim != 1:
        fail("trajectory", "one start (1-D arrays; see Trajectory.select)", cost.shape)
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
        Starting weighted inputs, finite, any shape.
    x, y, eta
        Training example (x finite, y in [0, 1]) and learning rate (> 0).
    threshold
        Output level a must drop below, in (0, 1) (meant for y below it).
    max_epochs
        Give up after this many epochs, a whole number ≥ 0.

    Returns
    -------
    numpy.ndarray
        Epoch counts as floats, ``inf`` where ``max_epochs`` was not enough,
        0 where the start is already below the threshold.

    Raises
    ------
    ValueError
        One line naming the first argument that is not allowed.
    """
    if not isinstance(cost, Cost):
        fail("cost", "a Cost (QUADRATIC or CROSS_ENTROPY)", cost)
    b = reals("z0", z0).copy()
    x, y = real("x", x), target("y", y)
    eta, threshold = positive("eta", eta), fraction("threshold", threshold)
    max_epochs = whole("max_epochs", max_epochs, 0)
    w = np.zeros_like(b)
    needed = np.full(b.shape, np.inf)
    needed[sigmoid(b) < threshold] = 0.0
    active = ~np.isfinite(needed)
    for epoch in range(1, max_epochs + 1):
        if not active.any():
            break
        wa, ba = w[active], b[active]
        z = wa * x + ba
        scratch = (np.empty_like(z), np.empty_like(z), np.empty_like(z))
        delta = cost.delta(z, y, out=scratch)  # checked above: the unchecked fast path
        wa = wa - eta * delta * x
        ba = ba - eta * delta
        w[active], b[active] = wa, ba
        done = sigmoid_and_prime(wa * x + ba, scratch)[0] < threshold
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

    Raises
    ------
    ValueError
        If an ``a`` is not strictly between 0 and 1 (or NaN), or a ``y``
        is outside [0, 1].
    """
    a = reals("a", a, allowed="strictly between 0 and 1 (σ never reaches either)", lo=0.0, hi=1.0,
              open_interval=True)
    y = reals("y", y, allowed="in [0, 1]", lo=0.0, hi=1.0)
    with np.errstate(invalid="ignore"):
        first = np.where(y > 0, y * np.log(a), 0.0)
        second = np.where(y < 1, (1.0 - y) * np.log1p(-a), 0.0)
    return -(first + second)


def log_loss_minimiser(y: ArrayLike, resolution: int = 100_001) -> NDArray[np.float64]:
    """The output a in (0, 1) that minimises the log-loss for each ``y``.

    Found by brute force on a grid (not by the closed form a = y), so a test
    can compare the two honestly. ``y`` in [0, 1]; ``resolution`` ≥ 3 grid points.
    """
    y = np.atleast_1d(reals("y", y, allowed="in [0, 1]", lo=0.0, hi=1.0))
    resolution = whole("resolution", resolution, 3)
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

    Only z = w·x + b matters for the output, and the rule moves it by
    −η·(1 − a)⁻¹·(x² + 1), with 1/(1 − a) = 1 + e^z written from z: no
    division by a rounded-to-zero 1 − a. Past z ≈ 709 that step overflows,
    truly larger than any float, and the next output is 0, as it truly is.

    Parameters
    ----------
    w0, b0, x
        Start and input, finite.
    eta
        Learning rate, finite and > 0.
    epochs
        Number of updates, a whole number ≥ 0.

    Returns
    -------
    numpy.ndarray
        The output a after each epoch, epoch 0 first.
    """
    w0, b0, x = real("w0", w0), real("b0", b0), real("x", x)
    eta, epochs = positive("eta", eta), whole("epochs", epochs, 0)
    z = w0 * x + b0
    outputs = np.empty(epochs + 1)
    for epoch in range(epochs + 1):
        outputs[epoch] = sigmoid(z)
        with np.errstate(over="ignore"):
            step = 1.0 + np.exp(z)  # 1/(1 − a)
        z = z - eta * step * (x * x + 1.0)
    return outputs
