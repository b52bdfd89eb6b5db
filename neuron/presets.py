"""Presets: the parameters the lecture shows.

Scenes read every parameter from here and compute every result with the
rest of :mod:`neuron`; nothing on screen is typed by hand. By default these
are the built-in defaults of :mod:`neuron.parameters` (Nielsen's chapter 3
numbers). To change the lecture without Python, write a lesson file
(:mod:`neuron.lessonfile`) and select it with
``LECTURE_LESSON=path/to/file.toml`` and/or ``LECTURE_SET="eta=0.3;bad.w=3"``
(read once, at import): :data:`LESSON`, :data:`SWEEP` and :data:`TARGETS` are
then that variant's (:data:`ACTIVE`). In Python, build your own with
:func:`dataclasses.replace` and the same validation.
"""

from __future__ import annotations

from neuron.lessonfile import Variant, variant_from_environment
from neuron.parameters import MAX_EPOCHS, MAX_INPUT, MAX_PARAMETER, Lesson, Start, Sweep, TargetSweep

__all__ = [
    "MAX_EPOCHS",
    "MAX_PARAMETER",
    "MAX_INPUT",
    "Start",
    "Lesson",
    "Sweep",
    "TargetSweep",
    "ACTIVE",
    "LESSON",
    "SWEEP",
    "TARGETS",
]

#: The variant the lecture shows: the defaults, or the one the environment selects.
ACTIVE: Variant = variant_from_environment()
#: The lesson: by default x = 1, y = 0, η = 0.15, 300 epochs, starts (0.6, 0.9) and (2, 2).
LESSON: Lesson = ACTIVE.lesson
#: The start sweep of the "price of a bad start" beat.
SWEEP: Sweep = ACTIVE.sweep
#: The targets the "any target" beat slides through.
TARGETS: TargetSweep = ACTIVE.targets
