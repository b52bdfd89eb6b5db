"""Plain gradient descent on one neuron, many starting points at once."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from neuron.activation import sigmoid
from neuron.checks import fail, positive, real, reals, target, whole
from neuron.costs import Cost
from neuron.gradients import gradient

__all__ = ["Trajectory", "descend"]


@dataclass(frozen=True)
class Trajectory:
    """The recorded path of gradient descent.

    Every array has shape ``(len(epoch), *starts_shape)``: the first axis is
    time, the rest index the starting points of a batch.

    Attributes
    ----------
    cost_name
        Which cost was minimised (``"mse"`` or ``"bce"``).
    x, y, eta
        Input, desired output and learning rate.
    epoch
        The epoch number of each recorded row (0 is the start).
    w, b
        Parameters after each recorded epoch.
    z, a, cost, dC_dw, dC_db
        Derived at each recorded (w, b).
    """

    cost_name: str
    x: float
    y: float
    eta: float
    epoch: NDArray[np.int64]
    w: NDArray[np.float64]
    b: NDArray[np.float64]
    z: NDArray[np.float64] = field(repr=False)
    a: NDArray[np.float64] = field(repr=False)
    cost: NDArray[np.float64] = field(repr=False)
    dC_dw: NDArray[np.float64] = field(repr=False)
    dC_db: NDArray[np.float64] = field(repr=False)

    @property
    def epochs(self) -> int:
        """Number of epochs run (the last recorded epoch)."""
        return int(self.epoch[-1])

    @property
    def final_output(self) -> NDArray[np.float64]:
        """Output a after the last epoch."""
        return self.a[-1]

    @property
    def final_cost(self) -> NDArray[np.float64]:
        """Cost after the last epoch."""
        return self.cost[-1]

    def select(self, index: int | tuple[int, ...]) -> Trajectory:
        """Take one start (or a sub-batch) out of a batched trajectory."""
        index = index if isinstance(index, tuple) else (index,)
        pick = (slice(None), *index)
        return Trajectory(
            cost_name=self.cost_name,
            x=self.x,
            y=self.y,
            eta=self.eta,
            epoch=self.epoch,
            w=self.w[pick],
            b=self.b[pick],
            z=self.z[pick],
            a=self.a[pick],
            cost=self.cost[pick],
            dC_dw=self.dC_dw[pick],
            dC_db=self.dC_db[pick],
        )

    def at(self, epoch: float) -> dict[str, NDArray[np.float64]]:
        """State at a (possibly fractional) epoch, linearly interpolated.

        Scenes drive a ``ValueTracker`` over the epoch index; this turns its
        value into w, b, z, a and cost without ever stepping the maths.
        Epochs outside the run are clamped to its ends.
        """
        epoch = real("epoch", epoch, allowed="a real number (not NaN)", finite=False)
        t = float(np.clip(epoch, self.epoch[0], self.epoch[-1]))
        i = int(np.searchsorted(self.epoch, t, side="right") - 1)
        i = min(i, len(self.epoch) - 2) if len(self.epoch) > 1 else 0
        if len(self.epoch) == 1:
            frac = 0.0
        else:
            frac = (t - self.epoch[i]) / (self.epoch[i + 1] - self.epoch[i])
        out = {}
        for name in ("w", "b", "z", "a", "cost", "dC_dw", "dC_db"):
            arr = getattr(self, name)
            lo = arr[i]
            hi = arr[min(i + 1, len(arr) - 1)]
            out[name] = lo + (hi - lo) * frac
        return out


def descend(
    cost: Cost,
    w0: ArrayLike,
    b0: ArrayLike,
    *,
    x: float,
    y: float,
    eta: float,
    epochs: int,
    record_every: int = 1,
) -> Trajectory:
    """Run ``epochs`` steps of gradient descent from every start at once.

    Each epoch is one update ``w ← w − η ∂C/∂w``, ``b ← b − η ∂C/∂b`` on the
    single training example (x, y).

    Parameters
    ----------
    cost
        The cost to minimise (``QUADRATIC`` or ``CROSS_ENTROPY``).
    w0, b0
        Starting weight(s) and bias(es); finite, broadcast together, any shape.
    x, y
        The training example: x finite, y in [0, 1].
    eta
        Learning rate η, finite and > 0.
    epochs
        Number of updates, a whole number ≥ 0.
    record_every
        Keep every k-th epoch, k a whole number ≥ 1 (the start and the last
        epoch are always kept). ``record_every=epochs`` keeps just the two
        ends: what a large grid of starts wants.

    Returns
    -------
    Trajectory
        Arrays of shape ``(n_recorded, *broadcast(w0, b0).shape)``.

    Raises
    ------
    ValueError
        One line naming the first argument that is not allowed.

    Examples
    --------
    >>> from neuron.costs import QUADRATIC
    >>> t = descend(QUADRATIC, 0.6, 0.9, x=1.0, y=0.0, eta=0.15, epochs=300)
    >>> t.a.shape
    (301,)
    """
    if not isinstance(cost, Cost):
        fail("cost", "a Cost (QUADRATIC or CROSS_ENTROPY)", cost)
    w0, b0 = reals("w0", w0), reals("b0", b0)
    x, y, eta = real("x", x), target("y", y), positive("eta", eta)
    epochs, record_every = whole("epochs", epochs, 0), whole("record_every", record_every, 1)
    try:
        w, b = (v.copy() for v in np.broadcast_arrays(w0, b0))
    except ValueError:
        fail("w0 and b0", "arrays that broadcast together", (w0.shape, b0.shape))
    keep = sorted({*range(0, epochs + 1, record_every), epochs})
    ws = np.empty((len(keep), *w.shape))
    bs = np.empty_like(ws)
    # Scratch arrays reused every epoch: a 400 × 400 grid allocates nothing in the loop.
    z, scratch = np.empty_like(w), (np.empty_like(w), np.empty_like(w), np.empty_like(w))
    row = 0
    for e in range(epochs + 1):
        if row < len(keep) and keep[row] == e:
            ws[row], bs[row] = w, b
            row += 1
        if e == epochs:
            break
        np.multiply(w, x, out=z)
        z += b
        step = cost.delta(z, y, out=scratch)  # δ = ∂C/∂z
        step *= eta
        b -= step  # η ∂C/∂b = η δ
        step *= x
        w -= step  # η ∂C/∂w = η δ x
    z = ws * x + bs
    dC_dw, dC_db = gradient(cost, ws, bs, x, y)
    return Trajectory(
        cost_name=cost.name,
        x=float(x),
        y=float(y),
        eta=float(eta),
        epoch=np.asarray(keep, dtype=np.int64),
        w=ws,
        b=bs,
        z=z,
        a=sigmoid(z),
        cost=cost.value(z, y),
        dC_dw=dC_dw,
        dC_db=dC_db,
    )
