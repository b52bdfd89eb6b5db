"""The order of the whole lecture: the one place that says it."""

from __future__ import annotations

from scenes.s01_setup import Setup
from scenes.s02_flatline import Flatline
from scenes.s03_sigma_prime import SigmaPrime
from scenes.s04_log_loss import LogLoss
from scenes.s05_cancel import SigmaPrimeCancels
from scenes.s06_convergence import FixedConvergence
from scenes.s07_landscape import Landscape
from scenes.s08_bad_start import PriceOfBadStart
from scenes.s09_any_target import AnyTarget
from scenes.s10_outro import Outro

__all__ = ["SCENES_IN_ORDER"]

SCENES_IN_ORDER = [
    Setup,
    Flatline,
    SigmaPrime,
    LogLoss,
    SigmaPrimeCancels,
    FixedConvergence,
    Landscape,
    PriceOfBadStart,
    AnyTarget,
    Outro,
]
