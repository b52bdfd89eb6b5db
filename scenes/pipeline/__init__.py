"""The pipeline: everything that renders, joins, exports, previews and benchmarks the film.

Imports run one way: ``scenes.pipeline`` → ``scenes`` (the film) → ``neuron``
(the maths). The film never imports this package, as Manim's scene authors
never import ``manim.cli``: a beat renders with plain ``manim render`` and
knows nothing of the build around it.
"""
