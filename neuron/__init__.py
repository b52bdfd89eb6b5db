"""The numerical core of the lecture: one sigmoid neuron, two costs.

numpy only; never imports manim. Everything the scenes show is computed here
from the parameters in :mod:`neuron.presets` (the active variant of them:
a lesson file and overrides, see :mod:`neuron.lessonfile`).
"""

from __future__ import annotations

from neuron.activation import sigmoid, sigmoid_and_prime, sigmoid_prime
from neuron.costs import COSTS, CROSS_ENTROPY, QUADRATIC, Cost, CrossEntropy, Quadratic, get_cost
from neuron.descent import Trajectory, descend
from neuron.gradients import ChainRule, chain_rule, gradient
from neuron.lessonfile import Variant, load_variant
from neuron.parameters import MAX_EPOCHS, MAX_INPUT, MAX_PARAMETER, Lesson, Start, Sweep, TargetSweep

#: Read from :mod:`neuron.presets` on first use, not when the package is imported: the active
#: variant comes from the environment, which a command line sets after importing, say, ``neuron.checks``.
_ACTIVE_NAMES = frozenset({"ACTIVE", "LESSON", "SWEEP", "TARGETS"})


def __getattr__(name: str):
    if name in _ACTIVE_NAMES:
        import neuron.presets

        return getattr(neuron.presets, name)
    raise AttributeError(f"module 'neuron' has no attribute {name!r}")

__all__ = [
    "sigmoid",
    "sigmoid_prime",
    "sigmoid_and_prime",
    "Cost",
    "Quadratic",
    "CrossEntropy",
    "QUADRATIC",
    "CROSS_ENTROPY",
    "COSTS",
    "get_cost",
    "ChainRule",
    "chain_rule",
    "gradient",
    "Trajectory",
    "descend",
    "Start",
    "Lesson",
    "Sweep",
    "TargetSweep",
    "Variant",
    "load_variant",
    "ACTIVE",
    "LESSON",
    "SWEEP",
    "TARGETS",
    "MAX_EPOCHS",
    "MAX_PARAMETER",
    "MAX_INPUT",
]
