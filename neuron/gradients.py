"""The chain rule for one sigmoid neuron, factor by factor.

For a = σ(z), z = w·x + b the gradient of a cost C is

    ∂C/∂w = ∂C/∂a · ∂a/∂z · ∂z/∂w = ∂C/∂a · σ′(z) · x,
    ∂C/∂b = ∂C/∂a · σ′(z) · 1.

The factors are kept apart because the lecture shows them apart: for the
quadratic cost σ′(z) survives in the product; for cross-entropy ∂C/∂a has
σ′(z) in its denominator and the product collapses to (a − y).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from neuron.activation import sigmoid, sigmoid_prime
from neuron.checks import fail, reals
from neuron.costs import Cost

__all__ = ["ChainRule", "chain_rule", "gradient"]


@dataclass(frozen=True)
class ChainRule:
    """Every factor of ∂C/∂w and ∂C/∂b at one (or many) points.

    Attributes
    ----------
    z, a
        Weighted input and output.
    dC_da
        Outer factor ∂C/∂a.
    da_dz
        σ′(z).
    dz_dw
        x.
    dC_dz
        δ = ∂C/∂z, computed directly (not as the product) for accuracy.
    dC_dw, dC_db
        The gradient: δ·x and δ.
    """

    z: NDArray[np.float64]
    a: NDArray[np.float64]
    dC_da: NDArray[np.float64]
    da_dz: NDArray[np.float64]
    dz_dw: NDArray[np.float64]
    dC_dz: NDArray[np.float64]
    dC_dw: NDArray[np.float64]
    dC_db: NDArray[np.float64]


def _checked(cost: Cost, w: ArrayLike, b: ArrayLike, x: ArrayLike) -> tuple[NDArray[np.float64], ...]:
    """Check the cost and that w, b and x are finite (y is checked by the cost)."""
    if not isinstance(cost, Cost):
        fail("cost", "a Cost (QUADRATIC or CROSS_ENTROPY)", cost)
    return reals("w", w), reals("b", b), reals("x", x)


def chain_rule(cost: Cost, w: ArrayLike, b: ArrayLike, x: ArrayLike, y: ArrayLike) -> ChainRule:
    """Evaluate each factor of the chain rule for ``cost`` at (w, b).

    Parameters
    ----------
    cost
        ``QUADRATIC`` or ``CROSS_ENTROPY`` (anything with ``dC_da`` and ``delta``).
    w, b
        Weight and bias, finite, broadcastable against each other.
    x
        Input, finite.
    y
        Desired output in [0, 1].

    Returns
    -------
    ChainRule
        The factors and the resulting gradient.

    Raises
    ------
    ValueError
        One line naming the first argument that is not allowed.

    Examples
    --------
    >>> from neuron.costs import CROSS_ENTROPY
    >>> g = chain_rule(CROSS_ENTROPY, 2.0, 2.0, 1.0, 0.0)
    >>> bool(np.isclose(g.dC_dw, g.a))  # x(a − y) with x = 1, y = 0
    True
    """
    w, b, x = _checked(cost, w, b, x)
    z = w * x + b
    delta = cost.delta(z, y)
    return ChainRule(
        z=z,
        a=sigmoid(z),
        dC_da=cost.dC_da(z, y),
        da_dz=sigmoid_prime(z),
        dz_dw=np.broadcast_to(x, z.shape).copy(),
        dC_dz=delta,
        dC_dw=delta * x,
        dC_db=delta,
    )


def gradient(
    cost: Cost, w: ArrayLike, b: ArrayLike, x: ArrayLike, y: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return (∂C/∂w, ∂C/∂b) for ``cost`` at (w, b); arguments as for :func:`chain_rule`."""
    w, b, x = _checked(cost, w, b, x)
    delta = cost.delta(w * x + b, y)
    return delta * x, delta
