"""The sigmoid activation and its derivative, safe for any real ``z``."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from neuron.checks import reals

__all__ = ["sigmoid", "sigmoid_prime", "sigmoid_and_prime"]


def sigmoid(z: ArrayLike) -> NDArray[np.float64]:
    """Logistic function σ(z) = 1 / (1 + e^(−z)).

    Written with ``e = exp(−|z|)`` (never larger than 1) as ``1 / (1 + e)``
    for z ≥ 0 and ``e / (1 + e)`` for z < 0, so nothing overflows: the
    limits are exact (σ(1000) == 1, σ(−1000) == 0) and no warning is raised.

    Parameters
    ----------
    z
        Weighted input, any shape; real (±inf allowed, NaN refused).

    Returns
    -------
    numpy.ndarray
        σ(z), same shape as ``z``, in [0, 1].

    Examples
    --------
    >>> float(sigmoid(0.0))
    0.5
    """
    return sigmoid_and_prime(z)[0]


def sigmoid_prime(z: ArrayLike) -> NDArray[np.float64]:
    """Derivative σ′(z) = σ(z)(1 − σ(z)).

    Computed as e / (1 + e)² with e = exp(−|z|): no cancellation in
    1 − σ(z), so the tails keep their relative precision instead of rounding
    to zero early, and σ′(±1000) is exactly 0.

    Parameters
    ----------
    z
        Weighted input, any shape; real (±inf allowed, NaN refused).

    Returns
    -------
    numpy.ndarray
        σ′(z) in [0, 1/4], same shape as ``z``.

    Examples
    --------
    >>> float(sigmoid_prime(0.0))
    0.25
    """
    return sigmoid_and_prime(z)[1]


def sigmoid_and_prime(
    z: ArrayLike, out: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]] | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return (σ(z), σ′(z)) from a single exponential.

    The hot loop of gradient descent needs both; one ``exp`` serves the two.

    Parameters
    ----------
    z
        Weighted input, any shape; real (±inf allowed, NaN refused).
    out
        Optional scratch arrays ``(a, prime, work)`` shaped like ``z``: the
        results are written into the first two and nothing is allocated or
        checked (the descent loops, which checked their inputs once, reuse
        them every epoch). Without it, ``z`` is checked and fresh arrays
        are returned.

    Raises
    ------
    ValueError
        If ``z`` holds a NaN or anything but numbers (without ``out``).
    """
    if out is None:
        z = reals("z", z, allowed="real numbers (±inf allowed, not NaN)", finite=False)
    z = np.asarray(z, dtype=np.float64)
    a, prime, e = out if out is not None else (np.empty_like(z), np.empty_like(z), np.empty_like(z))
    np.abs(z, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)  # e = exp(−|z|) ≤ 1: nothing overflows
    np.add(e, 1.0, out=prime)
    np.reciprocal(prime, out=prime)  # 1 / (1 + e) = σ(|z|)
    np.multiply(e, prime, out=a)  # e / (1 + e) = σ(−|z|)
    np.copyto(a, prime, where=z >= 0)  # σ(z)
    np.multiply(e, prime, out=e)
    np.multiply(e, prime, out=prime)  # e / (1 + e)² = σ′(z)
    return a, prime
