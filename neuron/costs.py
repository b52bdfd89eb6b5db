"""The two costs of the lecture, each a tiny unit written from ``z``.

Each cost knows its value ``C``, its derivative with respect to the output
``∂C/∂a`` and its error at the weighted input ``δ = ∂C/∂z``. Working from
``z`` rather than from ``a = σ(z)`` keeps cross-entropy finite and accurate
when the sigmoid saturates.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from neuron.activation import sigmoid, sigmoid_and_prime
from neuron.checks import fail, reals

__all__ = ["Cost", "Quadratic", "CrossEntropy", "QUADRATIC", "CROSS_ENTROPY", "COSTS", "get_cost"]


def _checked(z: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Check ``z`` (finite) and ``y`` (in [0, 1]) and broadcast them together.

    Every cost method calls this, so each of them refuses a NaN, an ``inf``
    or a y outside [0, 1] in one line, and an array y broadcasts against z
    the same way in ``value``, ``dC_da`` and ``delta``.
    """
    z = reals("z", z)
    y = reals("y", y, allowed="in [0, 1]", lo=0.0, hi=1.0)
    try:
        shape = np.broadcast_shapes(z.shape, y.shape)
    except ValueError:
        fail("z and y", "arrays that broadcast together", (z.shape, y.shape))
    return np.broadcast_to(z, shape), np.broadcast_to(y, shape)


@runtime_checkable
class Cost(Protocol):
    """What gradient descent needs from a cost.

    Every method takes a finite ``z`` and a ``y`` in [0, 1] (arrays broadcast
    together) and refuses anything else with a one-line ValueError.
    """

    name: str
    label: str

    def value(self, z: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """Cost C at weighted input ``z`` for desired output ``y``."""

    def dC_da(self, z: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """∂C/∂a, the outer factor of the chain rule."""

    def delta(self, z: ArrayLike, y: ArrayLike, out: tuple | None = None) -> NDArray[np.float64]:
        """∂C/∂z = ∂C/∂a · σ′(z), the error at the weighted input.

        ``out``: scratch arrays for :func:`~neuron.activation.sigmoid_and_prime`;
        the result may be one of them. The descent loops' fast path: with
        ``out`` nothing is checked or broadcast (``y`` a scalar, ``z`` the
        scratch arrays' shape).
        """


class Quadratic:
    """Quadratic (mean squared error) cost C = (a − y)² / 2."""

    name = "mse"
    label = "quadratic (MSE)"

    def value(self, z: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """C = (σ(z) − y)² / 2."""
        z, y = _checked(z, y)
        return 0.5 * (sigmoid(z) - y) ** 2

    def dC_da(self, z: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """∂C/∂a = a − y."""
        z, y = _checked(z, y)
        return sigmoid(z) - y

    def delta(self, z: ArrayLike, y: ArrayLike, out: tuple | None = None) -> NDArray[np.float64]:
        """δ = (a − y)·σ′(z): the σ′ factor is what stalls learning."""
        if out is None:
            z, y = _checked(z, y)
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
        z, y = _checked(z, y)
        return (1.0 - y) * np.logaddexp(0.0, z) + y * np.logaddexp(0.0, -z)

    def dC_da(self, z: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """∂C/∂a = (a − y) / (a(1 − a)) = (1 − y)/(1 − a) − y/a.

        Written from z with 1/(1 − a) = 1 + e^z and 1/a = 1 + e^−z, so nothing
        divides by a rounded-to-zero 1 − a: exactly −1 at z = 40, y = 1 and 1
        at z = −1000, y = 0. A term with a zero coefficient is dropped (no
        0·∞), and e^z is applied as e^(z/2)·e^(z/2) so that (1 − y)·e^z
        overflows only if it truly exceeds the float range: it grows like
        e^|z| on the wrong side and is ±inf only past |z| ≈ 709.
        """
        z, y = _checked(z, y)
        with np.errstate(over="ignore", invalid="ignore"):
            up, down = np.exp(z / 2), np.exp(-z / 2)
            wrong_high = np.where(y < 1, (1.0 - y) + (1.0 - y) * up * up, 0.0)  # (1 − y)/(1 − a)
            wrong_low = np.where(y > 0, y + y * down * down, 0.0)  # y/a
        return wrong_high - wrong_low

    def delta(self, z: ArrayLike, y: ArrayLike, out: tuple | None = None) -> NDArray[np.float64]:
        """δ = a − y: σ′(z) has cancelled."""
        if out is None:
            z, y = _checked(z, y)
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
    if not isinstance(name, str) or name not in COSTS:
        fail("cost", f"one of {sorted(COSTS)}", name)
    return COSTS[name]
