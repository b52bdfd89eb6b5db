"""An independent reference for the core, written from the textbook formulas.

Nothing here imports :mod:`neuron`. Every quantity is computed in
:mod:`decimal` at ``PRECISION`` significant digits, one plain-Python step at a
time, from the formulas as a textbook writes them:

    z = w·x + b,  a = 1 / (1 + e^−z),  σ′(z) = a(1 − a),
    MSE: C = (a − y)² / 2,                 ∂C/∂a = a − y,
    BCE: C = −[y ln a + (1 − y) ln(1 − a)],  ∂C/∂a = (a − y) / (a(1 − a)),
    δ = ∂C/∂a · σ′(z),  ∂C/∂w = δ·x,  ∂C/∂b = δ,
    w ← w − η ∂C/∂w,  b ← b − η ∂C/∂b.

``ln a`` and ``ln(1 − a)`` are written ``−ln(1 + e^−z)`` and ``−ln(1 + e^z)``
(the same numbers) so that 50 digits suffice even where a is within e^−1000 of
0 or 1. Floats go in exactly (``Decimal(float)`` is exact) and come out
rounded once, so the only error in a comparison is the core's own.
"""

from __future__ import annotations

import math
from decimal import MAX_EMAX, MIN_EMIN, Decimal, localcontext

PRECISION = 50
ONE = Decimal(1)


def _d(v: float) -> Decimal:
    return Decimal(float(v))


def context(z: float = 0.0):
    """``PRECISION`` digits more than 1 ± e^−|z| needs, and an unbounded exponent range.

    At z = 100, a = σ(z) is 1 − e^−100: 1 − a keeps 50 significant digits
    only if a carries 44 more. Pointwise checks at large |z| pass that z.
    """
    extra = math.ceil(abs(z) / math.log(10)) if math.isfinite(z) else 0
    return localcontext(prec=PRECISION + extra, Emax=MAX_EMAX, Emin=MIN_EMIN)


def sigma(z: Decimal) -> Decimal:
    """a = 1 / (1 + e^−z), written e^z / (1 + e^z) for z < 0 (no overflow at any z)."""
    return ONE / (ONE + (-z).exp()) if z >= 0 else z.exp() / (ONE + z.exp())


def sigma_prime(z: Decimal) -> Decimal:
    """σ′(z) = a(1 − a), with 1 − a = σ(−z) (no cancellation)."""
    return sigma(z) * sigma(-z)


def cost_value(cross_entropy: bool, z: Decimal, y: Decimal) -> Decimal:
    """C at z for desired output y."""
    if not cross_entropy:
        return (sigma(z) - y) ** 2 / 2
    minus_ln_a = (ONE + (-z).exp()).ln()  # −ln a
    minus_ln_1_a = (ONE + z.exp()).ln()  # −ln(1 − a)
    return y * minus_ln_a + (ONE - y) * minus_ln_1_a


def cost_dC_da(cross_entropy: bool, z: Decimal, y: Decimal) -> Decimal:
    """∂C/∂a: a − y, or (a − y) / (a(1 − a)) = −y/a + (1 − y)/(1 − a)."""
    a = sigma(z)
    if not cross_entropy:
        return a - y
    # 1/a = 1 + e^−z and 1/(1 − a) = 1 + e^z exactly; written so for |z| ≫ 50.
    return -y * (ONE + (-z).exp()) + (ONE - y) * (ONE + z.exp())


def to_float(v: Decimal) -> float:
    """Round once to the nearest float (±inf beyond the float range)."""
    try:
        return float(v)
    except OverflowError:  # pragma: no cover - float(Decimal) saturates to inf
        return math.copysign(math.inf, v)


def descend(
    cross_entropy: bool, w: float, b: float, *, x: float, y: float, eta: float, epochs: int
) -> dict[str, list[float]]:
    """Textbook gradient descent: the state before each update, then the last.

    Returns ``epochs + 1`` rows of w, b, z, a, cost, dC_dw, dC_db, each
    rounded once from ``PRECISION`` digits.
    """
    rows: dict[str, list[float]] = {k: [] for k in ("w", "b", "z", "a", "cost", "dC_dw", "dC_db")}
    with context():
        W, B, X, Y, ETA = _d(w), _d(b), _d(x), _d(y), _d(eta)
        for epoch in range(epochs + 1):
            z = W * X + B
            a = sigma(z)
            delta = cost_dC_da(cross_entropy, z, Y) * sigma_prime(z)
            for k, v in (("w", W), ("b", B), ("z", z), ("a", a), ("cost", cost_value(cross_entropy, z, Y)),
                         ("dC_dw", delta * X), ("dC_db", delta)):
                rows[k].append(to_float(v))
            if epoch < epochs:
                W, B = W - ETA * delta * X, B - ETA * delta
    return rows


def book_widget(w: float, b: float, *, x: float, eta: float, epochs: int) -> list[float]:
    """Outputs of Nielsen's chapter-3 widget: steps η·x/(1 − a) and η/(1 − a)."""
    out = []
    with context():
        W, B, X, ETA = _d(w), _d(b), _d(x), _d(eta)
        for _ in range(epochs + 1):
            z = W * X + B
            out.append(to_float(sigma(z)))
            step = ONE + z.exp()  # 1/(1 − a), exactly
            W, B = W - ETA * step * X, B - ETA * step
    return out


def epochs_below(
    cross_entropy: bool, z0: float, thresholds: tuple[float, ...], *, x: float, y: float, eta: float, limit: int
) -> tuple[dict[float, float], float]:
    """First epoch with a < t for each threshold t, from w = 0, b = z0, in plain floats.

    Plain floats (not :mod:`decimal`) so a whole sweep takes a second; the
    second result, the smallest |a − t| seen short of an exact tie, says how
    far rounding is from changing any answer. ``inf`` where ``limit`` epochs
    were not enough.
    """
    w, b = 0.0, float(z0)
    found: dict[float, float] = {}
    margin = math.inf
    for epoch in range(limit + 1):
        z = w * x + b
        a = 1.0 / (1.0 + math.exp(-z)) if z > -700 else math.exp(z)
        for t in thresholds:
            if a != t:
                margin = min(margin, abs(a - t))
            if t not in found and a < t:
                found[t] = float(epoch)
        if len(found) == len(thresholds):
            break
        delta = (a - y) if cross_entropy else (a - y) * a * (1.0 - a)
        w, b = w - eta * delta * x, b - eta * delta
    return {t: found.get(t, math.inf) for t in thresholds}, margin


def epochs_below_exact(
    cross_entropy: bool, z0: float, threshold: float, *, x: float, y: float, eta: float, limit: int
) -> float:
    """:func:`epochs_below` for one threshold at ``PRECISION`` digits (slow; a few starts only)."""
    with context():
        W, B, X, Y, ETA, T = Decimal(0), _d(z0), _d(x), _d(y), _d(eta), _d(threshold)
        for epoch in range(limit + 1):
            z = W * X + B
            a = sigma(z)
            if a < T:
                return float(epoch)
            delta = cost_dC_da(cross_entropy, z, Y) * sigma_prime(z)
            W, B = W - ETA * delta * X, B - ETA * delta
    return math.inf


def plateau_end(cost: list[float], drop: float = 0.1) -> int:
    """First epoch whose cost is at most cost₀ − drop·(cost₀ − cost_last); 0 if it never fell."""
    fall = cost[0] - cost[-1]
    if fall <= 0:
        return 0
    return next(e for e, c in enumerate(cost) if c <= cost[0] - drop * fall)
