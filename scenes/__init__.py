"""Manim scenes for the lecture, one file per beat, and the tools that build it.

Shared pieces: :mod:`scenes.style` (colours by meaning), :mod:`scenes.components`
(mobjects), :mod:`scenes.base` (the beat base class). Order of the lecture:
:data:`scenes.lecture.SCENES_IN_ORDER`.
"""
