"""The numerical core of the lecture: one sigmoid neuron, two costs.

numpy only; never imports manim. Everything the scenes show is computed here
from the parameters in :mod:`neuron.presets`.
"""

from __future__ import annotations

from neuron.activation import sigmoid, sigmoid_and_prime, sigmoid_prime
from neuron.costs import COSTS, CROSS_ENTROPY, QUADRATIC, Cost, CrossEntropy, Quadratic, get_cost
from neuron.descent import Trajectory, descend
from neuron.gradients import ChainRule, chain_rule, gradient
from neuron.presets import LESSON, MAX_EPOCHS, SWEEP, Lesson, Start, Sweep

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
    "LESSON",
    "SWEEP",
    "MAX_EPOCHS",
]
