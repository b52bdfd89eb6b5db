"""The two costs of the lecture, each a tiny unit written from ``z``.

Each cost knows its value ``C``, its derivative with respect to the output
``∂C/∂a`` and its error at the weighted input ``δ = ∂C/∂z``. Working from
``z`` rather than from ``a = σ(z)`` keeps cross-entropy finite and accurate
when the sigmoid saturates.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from neuron.activation import sigmoid, sigmoid_and_prime, sigmoid_prime

__all__ = ["Cost", "Quadratic", "CrossEntropy", "QUADRATIC", "CROSS_ENTROPY", "COSTS", "get_cost"]


class Cost(Protocol):
    """What gradient descent needs from a cost."""

    name: str
    label: str

    def value(self, z: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """Cost C at weighted input ``z`` for desired output ``y``."""

    def dC_da(self, z: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """∂C/∂a, the outer factor of the chain rule."""

    def delta(self, z: ArrayLike, y: ArrayLike, out: tuple | None = None) -> NDArray[np.float64]:
        """∂C/∂z = ∂C/∂a · σ′(z), the error at the weighted input.

        ``out``: scratch arrays for :func:`~neuron.activation.sigmoid_and_prime`;
        the result may be one of them.
        """


class Quadratic:
    """Quadratic (mean squared error) cost C = (a − y)² / 2."""

    name = "mse"
    label = "quadratic (MSE)"

    def value(self, z: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """C = (σ(z) − y)² / 2."""
        return 0.5 * (sigmoid(z) - np.asarray(y, dtype=np.float64)) ** 2

    def dC_da(self, z: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """∂C/∂a = a − y."""
        return sigmoid(z) - np.asarray(y, dtype=np.float64)

    def delta(self, z: ArrayLike, y: ArrayLike, out: tuple | None = None) -> NDArray[np.float64]:
        """δ = (a − y)·σ′(z): the σ′ factor is what stalls learning."""
        a, a_prime = sigmoid_and_prime(z, out)
        a -= y
        a_prime *= a
        return a_prime


class CrossEntropy:
    """Binary cross-entropy C = −[y ln a + (1 − y) ln(1 − a)].

    With a = σ(z), −ln a = ln(1 + e^−z) and −ln(1 − a) = ln(1 + e^z), so

        C = (1 − y)·ln(1 + e^z) + y·ln(1 + e^−z)  (= ln(1 + e^z) − y·z),

    finite for every real z, where the naive form gives ``inf``/``nan`` once
    σ rounds to 0 or 1. Both terms are non-negative, so unlike
    ``ln(1 + e^z) − y·z`` nothing cancels: C keeps its relative precision
    even when it is tiny (a right answer at large |z|).
    """

    name = "bce"
    label = "cross-entropy"

    def value(self, z: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """C = (1 − y)·ln(1 + e^z) + y·ln(1 + e^−z)."""
        z = np.asarray(z, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        return (1.0 - y) * np.logaddexp(0.0, z) + y * np.logaddexp(0.0, -z)

    def dC_da(self, z: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """∂C/∂a = (a − y) / (a(1 − a)); grows without bound as σ saturates."""
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            return self.delta(z, y) / sigmoid_prime(z)

    def delta(self, z: ArrayLike, y: ArrayLike, out: tuple | None = None) -> NDArray[np.float64]:
        """δ = a − y: σ′(z) has cancelled."""
        a, _ = sigmoid_and_prime(z, out)
        a -= y
        return a


QUADRATIC = Quadratic()
CROSS_ENTROPY = CrossEntropy()
COSTS: dict[str, Cost] = {QUADRATIC.name: QUADRATIC, CROSS_ENTROPY.name: CROSS_ENTROPY}


def get_cost(name: str) -> Cost:
    """Look a cost up by name (``"mse"`` or ``"bce"``).

    Raises
    ------
    ValueError
        If ``name`` is not a known cost; the message lists the known ones.
    """
    try:
        return COSTS[name]
    except KeyError:
        raise ValueError(f"cost must be one of {sorted(COSTS)}, got {name!r}") from None
