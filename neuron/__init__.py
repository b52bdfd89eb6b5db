"""The numerical core of the lecture: one sigmoid neuron, two costs.

numpy only; never imports manim. Everything the scenes show is computed here
from the parameters in :mod:`neuron.presets` (the active variant of them:
a lesson file and overrides, see :mod:`neuron.lessonfile`).

The active variant (``ACTIVE``, ``LESSON``, ``SWEEP``, ``TARGETS``) is read
from the environment when it is first used, not when this package is
imported: a command line can import the core, then choose the lesson.
"""

from __future__ import annotations

from neuron.activation import sigmoid, sigmoid_and_prime, sigmoid_prime
from neuron.costs import COSTS, CROSS_ENTROPY, QUADRATIC, Cost, CrossEntropy, Quadratic, get_cost
from neuron.descent import Trajectory, descend
from neuron.gradients import ChainRule, chain_rule, gradient
from neuron.lessonfile import Variant, load_variant
from neuron.parameters import MAX_EPOCHS, MAX_INPUT, MAX_PARAMETER, Lesson, Start, Sweep, TargetSweep

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

#: What :mod:`neuron.presets` computes from the environment (imported on first use).
_ACTIVE_NAMES = frozenset({"ACTIVE", "LESSON", "SWEEP", "TARGETS"})


def __getattr__(name: str):
    if name in _ACTIVE_NAMES:
        from neuron import presets

        return getattr(presets, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
