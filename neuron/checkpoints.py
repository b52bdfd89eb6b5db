"""Checkpoints: the lecture's questions, every answer and every wrong option computed.

A :class:`Checkpoint` is a multiple-choice question a beat asks after a
narrated block. Its right answer and each wrong option come from the core
with the lesson's parameters; a wrong option is the value a named
misconception gives (∂C/∂w with σ′(z) left in, Nielsen's widget rule
1/(1 − a), a flipped sign, ...), and its feedback names that misconception.

Choices keep the order each checkpoint declares (a lesson file changes the
numbers, never the order). Numbers are shown to :data:`DIGITS` significant
digits; if two choices would read the same, more digits are shown (up to
:data:`MAX_DIGITS`), and a wrong option still equal to an earlier choice at
that precision is left out (the right answer always stays), so no two
choices of a question ever read alike.

Examples
--------
>>> from neuron.parameters import Lesson
>>> cp = checkpoints(Lesson())["cross-entropy-gradient"]
>>> cp.answer, [c.text for c in cp.choices]
('b', ['0.0173', '0.982', '−0.982', '55.6'])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from neuron.activation import sigmoid, sigmoid_prime
from neuron.analysis import book_widget_descend
from neuron.costs import CROSS_ENTROPY, QUADRATIC
from neuron.gradients import chain_rule
from neuron.parameters import Lesson

__all__ = ["DIGITS", "MAX_DIGITS", "Choice", "Checkpoint", "checkpoints", "build_checkpoint", "show", "ORDER"]

#: Significant digits a choice is shown with, and the most it may get to tell two apart.
DIGITS = 3
MAX_DIGITS = 12

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def show(value: float, digits: int = DIGITS) -> str:
    """``value`` to ``digits`` significant digits, with a true minus sign and ×10ⁿ for tiny or huge numbers.

    Examples
    --------
    >>> show(-0.98201), show(55.598), show(1.234e-7), show(0.0)
    ('−0.982', '55.6', '1.23×10⁻⁷', '0')
    """
    value = float(value)
    if value == 0.0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    return text.replace("-", "−")


@dataclass(frozen=True)
class Choice:
    """One option of a checkpoint.

    Attributes
    ----------
    id
        ``"a"``, ``"b"``, ... by position (what an LMS records).
    text
        As shown.
    value
        The number behind it (``None`` for words).
    correct
        Whether it is the right answer.
    misconception
        The name of the mistake that gives it (``""`` for the right answer).
    feedback
        What the learner reads after choosing it.
    """

    id: str
    text: str
    value: float | None
    correct: bool
    misconception: str
    feedback: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "value": self.value, "correct": self.correct,
                "misconception": self.misconception, "feedback": self.feedback}


@dataclass(frozen=True)
class Checkpoint:
    """A question, its choices in a stable order, and which is right.

    Attributes
    ----------
    id
        Stable name (``"sigma-prime"``): the interaction id an LMS records.
    question
        The question, numbers from the lesson.
    choices
        The options, in the order the checkpoint declares.
    predict
        Asked before the lecture shows the answer ("predict before you see it").
    numeric
        Whether the choices are numbers.
    """

    id: str
    question: str
    choices: tuple[Choice, ...]
    predict: bool = False
    numeric: bool = True

    @property
    def answer(self) -> str:
        """The id of the right choice."""
        return next(c.id for c in self.choices if c.correct)

    @property
    def spoken(self) -> str:
        """What the voice says: the question, then its options by letter."""
        lead = "Predict before you see it. " if self.predict else "Pause and think. "
        options = " ".join(f"{c.id.upper()}: {c.text}." for c in self.choices)
        return f"{lead}{self.question} {options}"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "question": self.question, "predict": self.predict, "numeric": self.numeric,
                "type": "choice", "answer": self.answer, "choices": [c.to_json() for c in self.choices]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Checkpoint:
        choices = tuple(Choice(c["id"], c["text"], c["value"], c["correct"], c["misconception"], c["feedback"])
                        for c in data["choices"])
        return cls(data["id"], data["question"], choices, bool(data["predict"]), bool(data["numeric"]))


#: An option before it is shown: (misconception or "" for right, value, feedback made from the shown text).
_Option = tuple[str, float, Callable[[str], str]]


def build_checkpoint(cp_id: str, question: str, options: Sequence[_Option], predict: bool = False) -> Checkpoint:
    """A checkpoint from its options, in the order given, each shown with as few digits as tell them apart.

    Parameters
    ----------
    cp_id
        The checkpoint's stable id.
    question
        The question, its numbers from the lesson.
    options
        ``(misconception, value, feedback)`` each: ``misconception`` is ``""``
        for the one right answer, else the mistake's name; ``feedback(text)``
        gets the value as shown and returns what the learner reads.
    predict
        Asked before the lecture shows the answer.

    Returns
    -------
    Checkpoint
        Choices lettered ``a``, ``b``, ... A wrong option that reads like an
        earlier choice even at :data:`MAX_DIGITS` is left out.
    """
    values = [float(v) for _, v, _ in options]
    digits = next((d for d in range(DIGITS, MAX_DIGITS + 1) if len({show(v, d) for v in values}) == len(values)),
                  MAX_DIGITS)
    kept: list[tuple[str, float, Callable[[str], str], str]] = []
    right = show(next(v for m, v, _ in options if not m), digits)
    for misconception, value, feedback in options:
        text = show(value, digits)
        if misconception and (text == right or any(text == k[3] for k in kept)):
            continue  # reads like an earlier choice even at MAX_DIGITS: leave this wrong option out
        kept.append((misconception, value, feedback, text))
    choices = tuple(Choice(chr(ord("a") + i), text, value, not m, m, feedback(text))
                    for i, (m, value, feedback, text) in enumerate(kept))
    return Checkpoint(cp_id, question, choices, predict=predict)


def _z(lesson: Lesson, start: str) -> float:
    s = lesson.start(start)
    return s.w * lesson.x + s.b


def _setup_output(L: Lesson) -> Checkpoint:
    g = L.good
    z = _z(L, "good")
    a = float(sigmoid(z))
    return build_checkpoint("setup-output", f"From the good start, w = {g.w:g} and b = {g.b:g}, with input x = {L.x:g}: "
                  "what does the neuron output?", [
        ("bias left out", float(sigmoid(g.w * L.x)),
         lambda t: f"That is σ(w·x) = {t}: the bias b is left out. The output is σ(w·x + b)."),
        ("", a, lambda t: f"Right: a = σ(w·x + b) = σ({show(z)}) = {t}."),
        ("sigmoid left out", z, lambda t: f"That is z = w·x + b = {t}, the weighted input, before the sigmoid."),
        ("slope for value", float(sigmoid_prime(z)),
         lambda t: f"That is σ′(z) = {t}, the sigmoid's slope at z, not its value."),
    ])


def _flatline_predict(L: Lesson) -> Checkpoint:
    b = L.bad
    a0 = float(sigmoid(_z(L, "bad")))
    slope = float(sigmoid_prime(_z(L, "bad")))
    return build_checkpoint("flatline-predict", f"From the bad start, w = {b.w:g} and b = {b.b:g}, the output is {show(a0)}; "
                  f"we want {L.y:g}. With the quadratic cost, η = {L.eta:g} and {L.epochs} epochs, "
                  "what output will it reach?", [
        ("a big error means a big step", float(L.run(CROSS_ENTROPY, "bad").final_output),
         lambda t: f"{t} is what cross-entropy reaches. With the quadratic cost the step carries "
                   f"σ′(z) = {show(slope)}: a big error does not mean a big step."),
        ("the start does not matter", float(L.run(QUADRATIC, "good").final_output),
         lambda t: f"{t} is where the good start gets. From the bad start the quadratic cost sits on a plateau."),
        ("", float(L.run(QUADRATIC, "bad").final_output),
         lambda t: f"Right: it reaches only {t}. The step carries σ′(z) = {show(slope)}: learning crawls."),
        ("a flat slope means no learning at all", a0,
         lambda t: f"The slope σ′(z) = {show(slope)} is small, not zero: the output does move, slowly."),
    ], predict=True)


def _sigma_prime(L: Lesson) -> Checkpoint:
    z = _z(L, "bad")
    a = float(sigmoid(z))
    return build_checkpoint("sigma-prime", f"The bad start has z = w·x + b = {show(z)}. "
                  "What is the sigmoid's slope σ′(z) there?", [
        ("value for slope", a, lambda t: f"That is σ(z) = {t}, the output. The slope is σ(z)(1 − σ(z))."),
        ("the slope is always its largest", float(sigmoid_prime(0.0)),
         lambda t: f"{t} is the slope's largest value, at z = 0. Out at z = {show(z)} the sigmoid is flat."),
        ("", float(sigmoid_prime(z)), lambda t: f"Right: σ′(z) = σ(z)(1 − σ(z)) = {t}: nearly flat."),
        ("a factor left out", 1.0 - a, lambda t: f"That is 1 − σ(z) = {t}: the factor σ(z) is missing."),
    ])


def _log_loss(L: Lesson) -> Checkpoint:
    z = _z(L, "bad")
    a = float(sigmoid(z))
    right = float(CROSS_ENTROPY.value(z, L.y))
    return build_checkpoint("log-loss", f"At the bad start the output is a = {show(a)} and y = {L.y:g}. "
                  "What is the cross-entropy cost there?", [
        ("squared error", float(QUADRATIC.value(z, L.y)),
         lambda t: f"That is the quadratic cost (a − y)²/2 = {t}."),
        ("sign flipped", -right,
         lambda t: "A cost is never negative: ln of a number below 1 is negative, and the minus sign in front "
                   "makes the cost positive."),
        ("the other case", float(CROSS_ENTROPY.value(z, 1.0 - L.y)),
         lambda t: f"{t} is the cost for the opposite target, y = {1.0 - L.y:g}: the two log terms swapped."),
        ("", right, lambda t: f"Right: −[y ln a + (1 − y) ln(1 − a)] = {t}. Badly wrong, so the cost is large."),
    ])


def _cross_entropy_gradient(L: Lesson) -> Checkpoint:
    b = L.bad
    ce = chain_rule(CROSS_ENTROPY, b.w, b.b, L.x, L.y)
    quad = chain_rule(QUADRATIC, b.w, b.b, L.x, L.y)
    return build_checkpoint("cross-entropy-gradient", f"With cross-entropy, what is ∂C/∂w at the bad start "
                  f"(x = {L.x:g}, a = {show(float(ce.a))}, y = {L.y:g})?", [
        ("σ′(z) left in", float(quad.dC_dw),
         lambda t: f"{t} is x(a − y)σ′(z), with σ′(z) left in: the quadratic cost's gradient. "
                   "With cross-entropy σ′(z) cancels."),
        ("", float(ce.dC_dw), lambda t: f"Right: x(a − y) = {t}. σ′(z) has cancelled: the step is big."),
        ("sign flipped", -float(ce.dC_dw),
         lambda t: f"The sign is flipped: a step along {t} would push the output further from y."),
        ("Nielsen's widget rule", L.x * float(CROSS_ENTROPY.dC_da(float(ce.z), 0.0)),
         lambda t: f"{t} is x/(1 − a), the step of the widgets in Nielsen's chapter 3: ∂C/∂a for y = 0 "
                   "with σ′(z) dropped, not ∂C/∂w."),
    ])


def _convergence_predict(L: Lesson) -> Checkpoint:
    b = L.bad
    a0 = float(sigmoid(_z(L, "bad")))
    options: list[_Option] = [
        ("a flat slope means no learning at all", a0,
         lambda t: "Cross-entropy's gradient x(a − y) is largest when the output is most wrong: it moves at once."),
        ("", float(L.run(CROSS_ENTROPY, "bad").final_output),
         lambda t: f"Right: it reaches {t}. No plateau: the step is x(a − y), big while the output is wrong."),
        ("the cost does not change the learning", float(L.run(QUADRATIC, "bad").final_output),
         lambda t: f"{t} is the quadratic cost's result. The cost sets the gradient, so it sets the learning."),
    ]
    if L.y == 0.0:  # the widgets' rule is the y = 0 case
        widget = float(book_widget_descend(b.w, b.b, x=L.x, eta=L.eta, epochs=L.epochs)[-1])
        options.append(("Nielsen's widget rule", widget,
                        lambda t: f"{t} is where the widgets of Nielsen's chapter 3 get, stepping with 1/(1 − a) "
                                  "instead of a − y."))
    return build_checkpoint("convergence-predict", f"Back to the bad start, w = {b.w:g} and b = {b.b:g}, output {show(a0)}. "
                  f"With cross-entropy, η = {L.eta:g} and {L.epochs} epochs, what output will it reach?",
                  options, predict=True)


#: The lecture's checkpoints in the order it asks them.
ORDER: tuple[Callable[[Lesson], Checkpoint], ...] = (
    _setup_output, _flatline_predict, _sigma_prime, _log_loss, _cross_entropy_gradient, _convergence_predict)


def checkpoints(lesson: Lesson) -> dict[str, Checkpoint]:
    """Every checkpoint of the lecture for ``lesson``, by id, in the order the lecture asks them."""
    if not isinstance(lesson, Lesson):
        raise ValueError(f"lesson must be a Lesson, got {type(lesson).__name__}")
    with np.errstate(over="ignore"):
        made = [make(lesson) for make in ORDER]
    return {cp.id: cp for cp in made}
